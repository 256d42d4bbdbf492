/**
 * The dispatcher `sg` hands the transport gives its time limits to every agent and pool it makes, directly and through
 * a proxy: none by default (`sg`'s own limits decide alone). Node's are 300 s, too long to wait for in a test, so the
 * limits reach each route is shown with 300 ms ones against a site that answers after 1500 ms.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgError } from "@sg/core";
import { notUtf8Env } from "../env-utf8.js";
import { outlastsRuntimeLimits, WITHOUT_RUNTIME_LIMITS, type RuntimeLimits } from "../runtime-limits.js";
import { startLoopbackProxy, type LoopbackProxy } from "../test-support/loopback-proxy.js";
import { startLoopbackSite, type LoopbackSite } from "../test-support/loopback-site.js";
import { ProxyRoutingDispatcher } from "./proxy-dispatcher.js";
import { readProxySettings } from "./proxy-settings.js";
import { SettingError } from "../setting-error.js";

let site: LoopbackSite;
let proxy: LoopbackProxy;

beforeAll(async () => {
  site = await startLoopbackSite((_body, res) => void setTimeout(() => res.writeHead(200).end("late"), 1500));
  proxy = await startLoopbackProxy();
});

afterAll(async () => {
  await site.close();
  await proxy.close();
});

/** What a fetch through a dispatcher of `flag`'s proxy settings with `limits` got: the body, or the failure's code. */
async function fetchThrough(flag: string | undefined, limits?: RuntimeLimits): Promise<string> {
  const dispatcher = new ProxyRoutingDispatcher(readProxySettings(flag, {}), undefined, limits);
  try {
    // Node's fetch takes the dispatcher in its init; its type is Node's bundled undici's, not the package's.
    const init: Record<string, unknown> = { dispatcher };
    const res = await fetch(`${site.url}/api3/json`, init as RequestInit);
    return await res.text();
  } catch (error) {
    return String((error as { cause?: { code?: unknown } }).cause?.code);
  } finally {
    await dispatcher.destroy();
  }
}

describe("the dispatcher sg makes", () => {
  it("has none of undici's own time limits by default", () => {
    expect(WITHOUT_RUNTIME_LIMITS).toEqual({ headersTimeout: 0, bodyTimeout: 0 });
  });

  it("gives its limits to the direct agent and to the pool of a request forwarded through a proxy", async () => {
    const short = { headersTimeout: 300, bodyTimeout: 300 };
    const seen = proxy.seen.length;
    expect(await fetchThrough(undefined, short)).toBe("UND_ERR_HEADERS_TIMEOUT");
    expect(await fetchThrough(proxy.url, short)).toBe("UND_ERR_HEADERS_TIMEOUT");
    // The second went through the proxy (--proxy applies to loopback too), the first did not.
    expect(proxy.seen.slice(seen).map((r) => r.method)).toEqual(["GET"]);
  });

  it("waits for the site by default, directly and through a proxy", async () => {
    expect(await fetchThrough(undefined)).toBe("late");
    expect(await fetchThrough(proxy.url)).toBe("late");
  });
});

describe("outlastsRuntimeLimits", () => {
  it("is true only when a limit of the run is longer than Node's fetch's own 300 s", () => {
    expect(outlastsRuntimeLimits(undefined, undefined, "find")).toBe(false);
    expect(outlastsRuntimeLimits(300_000, undefined, "create")).toBe(false);
    expect(outlastsRuntimeLimits(300_001, undefined, "create")).toBe(true);
    expect(outlastsRuntimeLimits(20_000, undefined, "doctor")).toBe(false);
    // an upload's or a download's attempt may take 600 s by default; other commands' transfer limit is not theirs
    expect(outlastsRuntimeLimits(undefined, undefined, "upload")).toBe(true);
    expect(outlastsRuntimeLimits(undefined, 300_000, "download")).toBe(false);
    expect(outlastsRuntimeLimits(undefined, 300_001, "download")).toBe(true);
  });
});

describe("a proxy variable sg cannot read (bytes not UTF-8) on a request's route", () => {
  it("is refused by the dispatcher as a SettingError, an SgError the transport hands back as itself, in the usage error's words", async () => {
    const dispatcher = new ProxyRoutingDispatcher(readProxySettings(undefined, { http_proxy: "http://pr\uFFFDxy.example.com:3128" }));
    try {
      const init: Record<string, unknown> = { dispatcher };
      // fetch wraps what a dispatcher throws as the cause of its TypeError: nothing is sent to that host
      const error = await fetch("http://storage.example/files/x.bin", init as RequestInit).then(
        () => undefined,
        (e: unknown) => (e as { cause?: unknown }).cause,
      );
      expect(error).toBeInstanceOf(SettingError);
      expect(error).toBeInstanceOf(SgError);
      const usage = notUtf8Env("http_proxy");
      expect(error).toMatchObject({ code: "SG_SETTING", reason: usage.message, hint: usage.hint });
    } finally {
      await dispatcher.destroy();
    }
  });
});
