import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackProxy, type LoopbackProxy } from "./test-support/loopback-proxy.js";
import { sgRunner, type SgResult } from "./test-support/run-sg.js";
import { startTlsTerminator, type TlsTerminator } from "./test-support/tls-terminator.js";

const runner = sgRunner();
const sg = runner.run;

// Marker secrets: the proxy's password in every form (as given, percent-encoded, user:password, base64).
const PASSWORD = "marker-proxy-pw@0001";
const ENCODED = encodeURIComponent(PASSWORD);
const BASIC = Buffer.from(`alice:${PASSWORD}`).toString("base64");
const PROXY_SECRETS = [PASSWORD, ENCODED, `alice:${PASSWORD}`, BASIC];

let site: EmulatorHandle;
let tls: TlsTerminator;
let proxy: LoopbackProxy;
let script: Record<string, string> = {};

beforeAll(async () => {
  // The site is reached as https://studio.test (no DNS: the proxy tunnels to it), a name the emulator accepts only when told.
  site = await startEmulator({ allowedHosts: ["studio.test"] });
  tls = await startTlsTerminator(Number(new URL(site.url).port));
  // Every CONNECT goes to the TLS endpoint in front of the emulator: `https://studio.test` needs no DNS.
  proxy = await startLoopbackProxy({ tunnelPort: tls.port, requireAuthorization: `Basic ${BASIC}` });
  script = { SG_SCRIPT_NAME: site.card.scripts[0]?.name ?? "", SG_SCRIPT_KEY: site.card.scripts[0]?.key ?? "" };
});

afterAll(async () => {
  await Promise.all([site?.close(), tls?.close(), proxy?.close()]);
  runner.cleanup();
});

const withLogin = (url: string): string => url.replace("http://", `http://alice:${ENCODED}@`);

function expectNoProxySecrets(r: SgResult): void {
  for (const s of [...PROXY_SECRETS, site.card.scripts[0]?.key ?? "-"]) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
}

/** The requests the proxy received while `run` ran. */
async function proxied(run: () => Promise<SgResult>): Promise<{ r: SgResult; seen: LoopbackProxy["seen"] }> {
  const before = proxy.seen.length;
  const r = await run();
  return { r, seen: proxy.seen.slice(before) };
}

describe("--proxy and SG_PROXY", () => {
  it("send every request of the site through the proxy, loopback included, its login as Proxy-Authorization only", async () => {
    for (const [args, env] of [
      [["--proxy", withLogin(proxy.url)], {}],
      [[], { SG_PROXY: withLogin(proxy.url) }],
    ] as const) {
      const { r, seen } = await proxied(() => sg(["find", "Shot", "--limit", "2", "--format", "jsonl", "--debug", ...args], { ...script, ...env, SG_SITE: site.url }));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([1, 2]);
      // Plain http is forwarded (absolute URI), as proxies expect; every request carried the login.
      expect(seen.map((s) => `${s.method} ${s.target}`)).toEqual([`POST ${site.url}/api3/json`, `POST ${site.url}/api3/json`]);
      expect(seen.every((s) => s.authorization === `Basic ${BASIC}`)).toBe(true);
      const source = args.length ? "--proxy" : "SG_PROXY";
      expect(r.stderr).toContain(`[debug] sg: ${site.url} via ${proxy.url} (from ${source}, with credentials)\n`);
      expectNoProxySecrets(r);
    }
  });

  it("carry uploads and downloads too (multipart body and streamed answer through the same dispatcher)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-proxy-files-"));
    try {
      const file = join(dir, "notes.txt");
      writeFileSync(file, "through the proxy\n");
      const env = { ...script, SG_SITE: site.url, SG_PROXY: withLogin(proxy.url) };
      const up = await proxied(() => sg(["upload", "Shot", "1", file], env));
      expect(up.r.code, up.r.stderr).toBe(0);
      expect(up.seen.some((s) => s.method === "POST" && !s.target.endsWith("/api3/json"))).toBe(true);
      const id = (JSON.parse(up.r.stdout) as { attachment_id: number }).attachment_id;
      const out = join(dir, "back.txt");
      const down = await proxied(() => sg(["download", String(id), "--out", out], env));
      expect(down.r.code, down.r.stderr).toBe(0);
      expect(readFileSync(out, "utf8")).toBe("through the proxy\n");
      expect(down.seen.some((s) => s.method === "GET")).toBe(true);
      expectNoProxySecrets(up.r);
      expectNoProxySecrets(down.r);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("sg login --browser", () => {
  it("polls for the approval through the proxy too", async () => {
    let approved = false;
    const { r, seen } = await proxied(() =>
      sg(["login", "--browser", "--no-open"], { SG_SITE: site.url, SG_PROXY: withLogin(proxy.url) }, (stderr) => {
        const url = /https?:\/\/\S+/.exec(stderr.split("Approve this login in your browser:")[1] ?? "")?.[0];
        if (url && !approved) {
          approved = true;
          site.approve(decodeURIComponent(new URL(url).pathname.split("/").pop() ?? ""), "coord");
        }
      }),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(seen.some((s) => s.target.includes("/app_session_request"))).toBe(true);
    expectNoProxySecrets(r);
  });
});

describe("HTTPS_PROXY, HTTP_PROXY and NO_PROXY", () => {
  const https = (): Record<string, string> => ({ ...script, SG_SITE: "https://studio.test", NODE_EXTRA_CA_CERTS: tls.caFile });

  it("tunnel an https site through HTTPS_PROXY (CONNECT), lower case first, and sg doctor names the proxy", async () => {
    const { r, seen } = await proxied(() => sg(["count", "Shot", "--format", "jsonl"], { ...https(), HTTPS_PROXY: withLogin(proxy.url) }));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ entity_type: "Shot", count: 6 });
    expect(seen.map((s) => `${s.method} ${s.target} ${s.authorization}`)).toEqual([`CONNECT studio.test:443 Basic ${BASIC}`]);
    // https_proxy wins over HTTPS_PROXY (here a port nothing listens on), as in curl, Python and undici.
    const lower = await proxied(() => sg(["count", "Shot"], { ...https(), https_proxy: withLogin(proxy.url), HTTPS_PROXY: "http://127.0.0.1:1" }));
    expect(lower.r.code, lower.r.stderr).toBe(0);
    expect(lower.seen).toHaveLength(1);

    const doctor = await proxied(() => sg(["doctor"], { ...https(), HTTPS_PROXY: withLogin(proxy.url) }));
    expect(doctor.r.code, doctor.r.stdout).toBe(0);
    expect(doctor.r.stdout).toMatch(new RegExp(`\\n {2}ok {4}proxy +${proxy.url.replace(/\./g, "\\.")} \\(from HTTPS_PROXY, with credentials\\)\\n`));
    const json = await sg(["doctor", "--format", "json"], { ...https(), HTTPS_PROXY: withLogin(proxy.url) });
    const checks = (JSON.parse(json.stdout) as { checks: { name: string; detail: string }[] }).checks;
    expect(checks.find((c) => c.name === "proxy")?.detail).toBe(`${proxy.url} (from HTTPS_PROXY, with credentials)`);
    for (const x of [r, lower.r, doctor.r, json]) expectNoProxySecrets(x);
  });

  it("go direct for a host NO_PROXY lists, for loopback, and for https when only HTTP_PROXY is set", async () => {
    // studio.test has no DNS: going direct fails before anything is sent, and the hint says why no proxy was used.
    const listed = await proxied(() => sg(["count", "Shot"], { ...https(), HTTPS_PROXY: withLogin(proxy.url), NO_PROXY: "localhost, .test" }));
    expect(listed.r.code).toBe(5);
    expect(listed.seen).toEqual([]);
    expect(listed.r.stderr).toContain("hint: Nothing was sent. Check --site (https://studio.test), DNS and the network. sg used no proxy (NO_PROXY lists '.test')");
    const onlyHttp = await proxied(() => sg(["count", "Shot"], { ...https(), HTTP_PROXY: withLogin(proxy.url) }));
    expect(onlyHttp.r.code).toBe(5);
    expect(onlyHttp.seen).toEqual([]);
    expect(onlyHttp.r.stderr).toContain("sg used no proxy (HTTP_PROXY is for http:// URLs only; HTTPS_PROXY is not set)");
    // A loopback site never goes through the environment's proxies (a proxy elsewhere cannot reach it).
    const loopback = await proxied(() => sg(["count", "Shot"], { ...script, SG_SITE: site.url, HTTP_PROXY: withLogin(proxy.url), no_proxy: "" }));
    expect(loopback.r.code, loopback.r.stderr).toBe(0);
    expect(loopback.seen).toEqual([]);
    const doctor = await sg(["doctor"], { ...script, SG_SITE: site.url, HTTP_PROXY: withLogin(proxy.url) });
    expect(doctor.stdout).toContain("  ok    proxy        none: direct connection (127.0.0.1 is loopback, which HTTP_PROXY is never used for)\n");
    for (const x of [listed.r, onlyHttp.r, loopback.r, doctor]) expectNoProxySecrets(x);
  });
});

describe("proxy failures", () => {
  it("name the proxy and what to do in flags and variables, never its login, with or without --debug", async () => {
    const wrong = withLogin(proxy.url).replace(ENCODED, `${ENCODED}-wrong`);
    for (const debug of [[], ["--debug"]]) {
      const refused = await sg(["count", "Shot", ...debug], { ...script, SG_SITE: "https://studio.test", HTTPS_PROXY: wrong });
      // A proxy that refuses its login is a credentials failure (3), as an HTTP 407 is.
      expect(refused.code).toBe(3);
      const hint = refused.stderr.split("\n").find((l) => l.startsWith("hint: "));
      expect(hint).toContain(`The proxy ${proxy.url} (from HTTPS_PROXY) refused the login given in its URL (HTTP 407); nothing reached the site. Check the user and password in HTTPS_PROXY`);
      expect(refused.stderr).not.toMatch(/dispatcher|ProxyAgent\(/);
      expectNoProxySecrets(refused);
      expect(refused.stderr).not.toContain(`${PASSWORD}-wrong`);
    }
    const down = await sg(["count", "Shot"], { ...script, SG_SITE: site.url, SG_PROXY: "http://alice:" + ENCODED + "@127.0.0.1:1" });
    expect(down.code).toBe(5);
    expect(down.stderr).toContain("hint: Nothing was sent. It went through the proxy http://127.0.0.1:1 (from SG_PROXY)");
    expect(down.stderr).toContain("or leave out SG_PROXY.");
    expectNoProxySecrets(down);
  });

  it("take a raw @ in the password, and refuse a raw # with a hint that names it (and says @ may stay)", async () => {
    const raw = await proxied(() => sg(["count", "Shot"], { ...script, SG_SITE: site.url, SG_PROXY: proxy.url.replace("http://", `http://alice:${PASSWORD}@`) }));
    expect(raw.r.code, raw.r.stderr).toBe(0);
    expect(raw.seen.every((s) => s.authorization === `Basic ${BASIC}`)).toBe(true);
    const hash = await sg(["count", "Shot"], { ...script, SG_SITE: "https://studio.test", HTTPS_PROXY: "http://alice:s3cr#t%40x@127.0.0.1:1" });
    expect(hash.code).toBe(2);
    expect(hash.stderr).toContain("hint: A proxy login goes in the URL as user:password@ before the host (percent-encode #, /, ?, : and % in them as %23, %2F, %3F, %3A and %25; an @ may stay as it is).");
    expect(hash.stderr).not.toContain("s3cr");
    expectNoProxySecrets(raw.r);
  });

  it("refuse a malformed proxy URL as a usage error naming the flag or variable, before anything is sent", async () => {
    const before = site.requests().length;
    const cases: [string[], Record<string, string>, string][] = [
      [["--proxy", `socks5://alice:${ENCODED}@127.0.0.1:1080`], {}, "sg: --proxy must be an http:// or https:// proxy URL such as http://proxy.example.com:3128 (socks5 proxies are not supported), got 'socks5://[REDACTED]@127.0.0.1:1080'"],
      [[], { HTTPS_PROXY: `http://alice:${ENCODED}@proxy.example/path` }, "sg: HTTPS_PROXY must be an http:// or https:// proxy URL such as http://proxy.example.com:3128 (no path, query or fragment), got 'http://[REDACTED]@proxy.example/path'"],
      [[], { SG_PROXY: `http://alice:${PASSWORD}@proxy.example:99999` }, "sg: SG_PROXY must be an http:// or https:// proxy URL such as http://proxy.example.com:3128, got 'http://[REDACTED]@proxy.example:99999'"],
    ];
    for (const [args, env, line] of cases) {
      const r = await sg(["find", "Shot", ...args], { ...script, SG_SITE: site.url, ...env });
      expect(r.code, line).toBe(2);
      expect(r.stderr.split("\n")[0]).toBe(line);
      expectNoProxySecrets(r);
    }
    const doctor = await sg(["doctor"], { ...script, SG_SITE: site.url, HTTPS_PROXY: "ftp://proxy.example:21" });
    expect(doctor.code).toBe(7);
    expect(doctor.stdout).toMatch(/\n {2}FAIL {2}proxy +HTTPS_PROXY must be an http:\/\/ or https:\/\/ proxy URL/);
    expect(site.requests().length).toBe(before);
  });
});
