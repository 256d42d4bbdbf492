import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackProxy, type LoopbackProxy } from "./test-support/loopback-proxy.js";
import { sgRunner } from "./test-support/run-sg.js";
import { PROXY_EXAMPLE_TLS, startTlsTerminator, type TlsTerminator } from "./test-support/tls-terminator.js";

const runner = sgRunner();
const sg = runner.run;

let site: EmulatorHandle;
let siteTls: TlsTerminator;
let proxy: LoopbackProxy;
let proxyTls: TlsTerminator;
let env: Record<string, string> = {};

beforeAll(async () => {
  // The site is reached as https://studio.test (no DNS: the proxy tunnels to it), a name the emulator accepts only when told.
  site = await startEmulator({ allowedHosts: ["studio.test"] });
  siteTls = await startTlsTerminator(Number(new URL(site.url).port));
  // A plain-http proxy whose every CONNECT reaches the https site, and an https:// proxy: TLS in front of it.
  proxy = await startLoopbackProxy({ tunnelPort: siteTls.port });
  proxyTls = await startTlsTerminator(Number(new URL(proxy.url).port));
  env = { SG_SITE: "https://studio.test", SG_SCRIPT_NAME: site.card.scripts[0]?.name ?? "", SG_SCRIPT_KEY: site.card.scripts[0]?.key ?? "", NODE_EXTRA_CA_CERTS: siteTls.caFile };
});

afterAll(async () => {
  await Promise.all([site?.close(), siteTls?.close(), proxy?.close(), proxyTls?.close()]);
  runner.cleanup();
});

const hintsOf = (stderr: string): string[] => stderr.split("\n").filter((l) => l.startsWith("hint: "));

describe("a TLS failure through a proxy given as https://", () => {
  it("to a proxy that speaks plain http: says the proxy may be at fault and to try http://, never --site http://", async () => {
    const typo = proxy.url.replace("http://", "https://");
    const r = await sg(["count", "Shot"], { ...env, HTTPS_PROXY: typo });
    expect(r.code).toBe(5);
    const hints = hintsOf(r.stderr);
    expect(hints).toHaveLength(1);
    expect(hints[0]).toContain(`The proxy ${typo} (from HTTPS_PROXY) is given as https://, so sg speaks TLS to it too and the failure may be there: most proxies speak plain http, so try http:// in HTTPS_PROXY`);
    expect(hints[0]).not.toContain("--site http");
    expect(hints[0]).not.toContain("probably serves plain http");
    expect(proxy.seen.filter((s) => s.method === "CONNECT")).toEqual([]);
    // The fix the hint gives works.
    const fixed = await sg(["count", "Shot"], { ...env, HTTPS_PROXY: proxy.url });
    expect(fixed.code, fixed.stderr).toBe(0);
  });

  it("whose certificate is not trusted: names the proxy's certificate as well as the site's", async () => {
    const tlsProxy = `https://127.0.0.1:${proxyTls.port}`;
    const r = await sg(["count", "Shot", "--proxy", tlsProxy], { ...env, NODE_EXTRA_CA_CERTS: "" });
    expect(r.code).toBe(5);
    const hints = hintsOf(r.stderr);
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatch(/^hint: A certificate \(the proxy's or the site's\) was not accepted\. .*NODE_EXTRA_CA_CERTS=.*; check that --proxy and --site name the host the certificate is for\./);
    expect(hints[0]).toContain(`The proxy ${tlsProxy} (from --proxy) is given as https://`);
    expect(hints[0]).not.toContain("The site's certificate");
  });

  it("trusted, an https:// proxy named by its IP address works, without Node's warning about an IP as TLS server name", async () => {
    const before = proxy.seen.length;
    const r = await sg(["count", "Shot", "--proxy", `https://127.0.0.1:${proxyTls.port}`], env);
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.seen.slice(before).map((s) => `${s.method} ${s.target}`)).toEqual(["CONNECT studio.test:443"]);
    expect(r.stderr).not.toContain("DEP0123");
    expect(r.stderr).toBe("");
  });
});

describe("an https:// proxy whose trusted certificate names another host (undici's UND_ERR_PRX_TLS)", () => {
  it("a create: nothing was sent (exit 5, not 'may have been applied'), with the hint about the proxy's certificate", async () => {
    // A plain-http proxy tunnelling to the port asked for (the emulator's), behind TLS for proxy.example only.
    const plain = await startLoopbackProxy();
    const misnamed = await startTlsTerminator(Number(new URL(plain.url).port), PROXY_EXAMPLE_TLS);
    try {
      const tlsProxy = `https://127.0.0.1:${misnamed.port}`;
      const url = `http://sg.test:${new URL(site.url).port}`;
      const r = await sg(["create", "Project", '{"name":"x"}', "--site", url, "--allow-http", "--proxy", tlsProxy], { ...env, NODE_EXTRA_CA_CERTS: misnamed.caFile });
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toContain("(ERR_TLS_CERT_ALTNAME_INVALID)");
      expect(r.stderr).not.toMatch(/may have been applied|maybeSent": true|UND_ERR_PRX_TLS/);
      const hints = hintsOf(r.stderr);
      expect(hints).toHaveLength(1);
      expect(hints[0]).toMatch(/^hint: The proxy's certificate was not accepted\. .*NODE_EXTRA_CA_CERTS=.*; check that --proxy names the host the certificate is for\./);
      expect(hints[0]).toContain(`The proxy ${tlsProxy} (from --proxy) is given as https://`);
      expect(plain.seen).toEqual([]);
    } finally {
      await Promise.all([plain.close(), misnamed.close()]);
    }
  });

  it("to an https:// site as well: the proxy's certificate is named, not 'the proxy's or the site's'", async () => {
    const plain = await startLoopbackProxy();
    const misnamed = await startTlsTerminator(Number(new URL(plain.url).port), PROXY_EXAMPLE_TLS);
    try {
      const tlsProxy = `https://127.0.0.1:${misnamed.port}`;
      const r = await sg(["count", "Shot", "--site", "https://sg.test", "--proxy", tlsProxy], { ...env, NODE_EXTRA_CA_CERTS: misnamed.caFile });
      expect(r.code, r.stderr).toBe(5);
      expect(r.stderr).toContain("(ERR_TLS_CERT_ALTNAME_INVALID)");
      const hints = hintsOf(r.stderr);
      expect(hints).toHaveLength(1);
      expect(hints[0]).toMatch(/^hint: The proxy's certificate was not accepted\. .*; check that --proxy names the host the certificate is for\./);
      expect(plain.seen).toEqual([]);
    } finally {
      await Promise.all([plain.close(), misnamed.close()]);
    }
  });
});

describe("an https:// proxy that speaks plain http, in front of an http:// site", () => {
  it("is named as the one that failed the TLS handshake (only it speaks TLS there), without the --site advice", async () => {
    const typo = proxy.url.replace("http://", "https://");
    const httpSite = { ...env, SG_SITE: site.url, SG_PROXY: typo };
    const r = await sg(["count", "Shot"], httpSite);
    expect(r.code).toBe(5);
    const hints = hintsOf(r.stderr);
    expect(hints).toHaveLength(1);
    expect(hints[0]).toContain(`hint: The proxy ${typo} (from SG_PROXY) did not answer with TLS, so the TLS handshake with it failed before anything was sent: it is given as https://, but most proxies speak plain http, so try http:// in SG_PROXY.`);
    expect(hints[0]).not.toContain("--site");
    expect(hints[0]).not.toContain("may be");
    const doctor = await sg(["doctor", "--format", "json"], httpSite);
    expect(doctor.code).toBe(7);
    const info = (JSON.parse(doctor.stdout) as { checks: { name: string; fix?: string }[] }).checks.find((c) => c.name === "info");
    expect(info?.fix).toContain(`The proxy ${typo} (from SG_PROXY) did not answer with TLS`);
    expect(info?.fix).not.toContain("--site");
    // The fix the hint gives works.
    const fixed = await sg(["count", "Shot"], { ...httpSite, SG_PROXY: proxy.url });
    expect(fixed.code, fixed.stderr).toBe(0);
  });
});

describe("a site that serves plain http reached through a proxy", () => {
  it("is not told to use --site http:// (which would go in clear text through the proxy)", async () => {
    const plain = await startLoopbackProxy({ tunnelPort: Number(new URL(site.url).port) });
    try {
      const r = await sg(["count", "Shot"], { ...env, HTTPS_PROXY: plain.url });
      expect(r.code).toBe(5);
      const hints = hintsOf(r.stderr);
      expect(hints).toHaveLength(1);
      expect(hints[0]).toContain("hint: Nothing answered with TLS at https://studio.test through the proxy. Check that --site is the site's https:// URL and port.");
      expect(hints[0]).not.toContain("--site http:");
    } finally {
      await plain.close();
    }
  });
});
