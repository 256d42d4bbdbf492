import { describe, expect, it } from "vitest";
import { UsageError } from "../exit-codes.js";
import { parseProxyUrl, readProxySettings, routeFor } from "./proxy-settings.js";

describe("a proxy URL", () => {
  it("takes the Python client's http_proxy form: [user:pass@]host[:port], port 8080 by default, split at the last @", () => {
    expect(parseProxyUrl("proxy.studio", "--proxy")).toEqual({ display: "http://proxy.studio:8080", source: "--proxy", hasCredentials: false });
    const python = parseProxyUrl("ann:p@ss:w@proxy.studio:3128", "SG_PROXY");
    expect(python).toEqual({ display: "http://proxy.studio:3128", source: "SG_PROXY", hasCredentials: true });
    expect(python.authorization).toBe(`Basic ${Buffer.from("ann:p@ss:w").toString("base64")}`);
  });

  it("keeps a scheme's own default port, decodes percent-encoding, and never shows the login in its fields", () => {
    const https = parseProxyUrl("https://ann:s%2Fcret@proxy.studio", "HTTPS_PROXY");
    expect(https.display).toBe("https://proxy.studio");
    expect(https.authorization).toBe(`Basic ${Buffer.from("ann:s/cret").toString("base64")}`);
    expect(JSON.stringify(https)).not.toContain("cret");
    expect(https.secrets).toContain("s/cret");
  });

  it("is a usage error for other schemes, paths and bad ports, naming where it came from and hiding the login", () => {
    for (const [value, source] of [["socks5://ann:pw-123@h:1", "--proxy"], ["http://ann:pw-123@h/x", "HTTPS_PROXY"], ["ann:pw-123@h:99999", "SG_PROXY"]] as const) {
      const error = (() => {
        try {
          parseProxyUrl(value, source);
        } catch (e) {
          return e;
        }
      })();
      expect(error, value).toBeInstanceOf(UsageError);
      expect((error as UsageError).message.startsWith(`${source} must be`)).toBe(true);
      expect((error as UsageError).message).not.toContain("pw-123");
    }
  });
});

describe("the proxy settings", () => {
  it("take --proxy over SG_PROXY over the environment, and read lower case first", () => {
    const env = { SG_PROXY: "http://sg:1", https_proxy: "http://lower:2", HTTPS_PROXY: "http://upper:3", HTTP_PROXY: "http://plain:4", NO_PROXY: ".studio" };
    expect(readProxySettings("http://flag:5", env).explicit?.display).toBe("http://flag:5");
    expect(readProxySettings(undefined, env).explicit?.display).toBe("http://sg:1");
    const fromEnv = readProxySettings(undefined, { ...env, SG_PROXY: "" });
    expect([fromEnv.explicit, fromEnv.https?.display, fromEnv.http?.display, fromEnv.noProxySource]).toEqual([undefined, "http://lower:2", "http://plain:4", "NO_PROXY"]);
  });
});

describe("a proxy variable whose bytes are not UTF-8 (U+FFFD in its value)", () => {
  const bad = "http://us\uFFFDr:p\uFFFDss@proxy.example.com:3128";
  const refusal = (name: string): RegExp => new RegExp(`^${name} holds bytes that are not UTF-8`);

  it("is refused when the route would use it, naming it and never its value", () => {
    const settings = readProxySettings(undefined, { https_proxy: bad });
    let error: unknown;
    try {
      routeFor(settings, new URL("https://studio.example.com/api3/json"));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(refusal("https_proxy"));
    expect((error as Error).message).not.toContain("\uFFFD");
  });

  it("is not read for a route that does not use it: a loopback site, the other scheme, a host no_proxy lists", () => {
    expect(routeFor(readProxySettings(undefined, { https_proxy: bad }), new URL("https://127.0.0.1:8080/")).via).toBeUndefined();
    expect(routeFor(readProxySettings(undefined, { http_proxy: bad }), new URL("https://studio.example.com/")).via).toBeUndefined();
    expect(routeFor(readProxySettings(undefined, { https_proxy: bad, no_proxy: "studio.example.com" }), new URL("https://studio.example.com/")).via).toBeUndefined();
    expect(routeFor(readProxySettings(undefined, { no_proxy: "st\uFFFDdio" }), new URL("https://studio.example.com/")).via).toBeUndefined();
  });

  it("no_proxy is refused when a proxy applies and its entries would decide", () => {
    expect(() => routeFor(readProxySettings(undefined, { https_proxy: "http://proxy.example.com:3128", no_proxy: "st\uFFFDdio" }), new URL("https://studio.example.com/"))).toThrow(refusal("no_proxy"));
  });

  it("SG_PROXY (sg's own) is refused when read, as a flag would be", () => {
    expect(() => readProxySettings(undefined, { SG_PROXY: bad })).toThrow(refusal("SG_PROXY"));
  });
});
