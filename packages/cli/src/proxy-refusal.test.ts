import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackProxy, type LoopbackProxy } from "./test-support/loopback-proxy.js";
import { sgRunner, type SgResult } from "./test-support/run-sg.js";
import { startTlsTerminator, type TlsTerminator } from "./test-support/tls-terminator.js";

// A proxy that wants a login (407) or will not let the request through to the site (403) is a permission failure:
// exit 3 as for an HTTP 407 or 403, never "retry later" (5) nor "may have been applied" (6), since the site got nothing.
const runner = sgRunner();
const sg = runner.run;
const PASSWORD = "marker-refused-pw-0042";

let site: EmulatorHandle;
let tls: TlsTerminator;
let loginProxy: LoopbackProxy;
let forbidding: LoopbackProxy;
let https: Record<string, string> = {};

beforeAll(async () => {
  // The site is reached as https://studio.test (no DNS: the proxy tunnels to it), a name the emulator accepts only when told.
  site = await startEmulator({ allowedHosts: ["studio.test"] });
  tls = await startTlsTerminator(Number(new URL(site.url).port));
  loginProxy = await startLoopbackProxy({ tunnelPort: tls.port, requireAuthorization: "Basic never-matches" });
  forbidding = await startLoopbackProxy({ refuseConnect: 403 });
  https = { SG_SCRIPT_NAME: site.card.scripts[0]?.name ?? "", SG_SCRIPT_KEY: site.card.scripts[0]?.key ?? "", SG_SITE: "https://studio.test", NODE_EXTRA_CA_CERTS: tls.caFile };
});

afterAll(async () => {
  await Promise.all([site?.close(), tls?.close(), loginProxy?.close(), forbidding?.close()]);
  runner.cleanup();
});

const withLogin = (url: string): string => url.replace("http://", `http://alice:${PASSWORD}@`);
const hintOf = (r: SgResult): string => r.stderr.split("\n").find((l) => l.startsWith("hint: ")) ?? "";

describe("a proxy that refuses", () => {
  it("with 407 is exit 3 for a read, saying whether its URL carried a login, never the login", async () => {
    const bare = await sg(["find", "Shot", "--proxy", loginProxy.url], https);
    expect(bare.code, bare.stderr).toBe(3);
    expect(hintOf(bare)).toContain(`The proxy ${loginProxy.url} (from --proxy) asks for a login (HTTP 407) and its URL has none; nothing reached the site.`);
    const wrong = await sg(["find", "Shot", "--proxy", withLogin(loginProxy.url)], https);
    expect(wrong.code, wrong.stderr).toBe(3);
    expect(hintOf(wrong)).toContain("refused the login given in its URL (HTTP 407)");
    // The characters that break a login in a URL, the same as the README and the usage error's hint name.
    expect(hintOf(wrong)).toContain("percent-encode #, /, ?, : and % in them as %23, %2F, %3F, %3A and %25; an @ may stay as it is");
    expect(wrong.stderr).not.toContain(PASSWORD);
  });

  it("with 407 is exit 3 for a write too, not 6: the write never reached the site", async () => {
    const before = site.requests().length;
    const r = await sg(["create", "Shot", '{"code": "PROXY407", "project": {"type": "Project", "id": 1}}', "--proxy", loginProxy.url], https);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).not.toContain("may have been applied");
    expect(site.requests().length).toBe(before);
  });

  it("with 403 to CONNECT is exit 3, read or write, naming the site it would not reach", async () => {
    const read = await sg(["count", "Shot", "--proxy", forbidding.url], https);
    expect(read.code, read.stderr).toBe(3);
    expect(hintOf(read)).toContain(`The proxy ${forbidding.url} (from --proxy) refused to let the request through to studio.test (HTTP 403); nothing reached the site.`);
    const write = await sg(["delete", "Shot", "1", "--proxy", forbidding.url], https);
    expect(write.code, write.stderr).toBe(3);
  });

  it("is reported by sg doctor as proxy-login or proxy-forbidden, not unreachable", async () => {
    for (const [proxy, carried] of [
      [withLogin(loginProxy.url), "it refused the login given in its URL"],
      [loginProxy.url, "its URL carries no login"],
    ] as const) {
      const r = await sg(["doctor", "--format", "json", "--proxy", proxy], https);
      expect(r.code, r.stderr).toBe(7);
      const failed = (JSON.parse(r.stdout) as { checks: { ok: boolean; problem?: string; why?: string; fix?: string }[] }).checks.filter((c) => c.ok === false);
      expect(failed).toHaveLength(1);
      expect(failed[0]?.problem).toBe("proxy-login");
      expect(failed[0]?.why).toContain(carried);
      expect(r.stdout).not.toContain(PASSWORD);
    }
    const forbidden = await sg(["doctor", "--format", "json", "--proxy", forbidding.url], https);
    expect(forbidden.stdout).toContain('"problem": "proxy-forbidden"');
  });
});
