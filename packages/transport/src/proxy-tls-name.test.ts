import { createServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { SgNetworkError, parseSite } from "@sg/core";
import type { Credentials } from "@sg/core";
import { ProxyAgent } from "undici";
import { SgTlsError, jsonRpcTransport } from "./index.js";
import { tunnel } from "./test-support/refusing-proxy.js";
import { contextFor, fail, fakeClock, json, useTestServers } from "./test-support/server.js";
import { useTlsPorts } from "./test-support/tls-port.js";

// Real sockets on 127.0.0.1: an https:// CONNECT proxy whose certificate (trusted) names another host. undici wraps
// that failure in its own `UND_ERR_PRX_TLS` error; the TLS handshake with the proxy failed, so nothing was sent.

/**
 * A self-signed certificate for `proxy.example` only (not `127.0.0.1` nor `localhost`), valid from 2000 to 2100, with
 * its P-256 key: a fixture for loopback servers in tests only. Made once with OpenSSL (`genpkey` EC P-256, `req`
 * CN=proxy.example, `ca -selfsign` with `subjectAltName = DNS:proxy.example`, `CA:FALSE`, `extendedKeyUsage =
 * serverAuth` and those dates).
 */
const PROXY_TLS = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgvP5/VcXOtMGLqVA3
SYzPUJcg/ErmGrIw+efBHOmxIYihRANCAARF+pd8TFmS7k4UMwmKbjReT8+7jD6z
3QrbHEO+9Nkbqx7+51nppg3JZrDxR3IxUD/yKSm2I1vgUqVaj3czZFtc
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBkDCCATWgAwIBAgIBATAKBggqhkjOPQQDAjAYMRYwFAYDVQQDDA1wcm94eS5l
eGFtcGxlMCAXDTAwMDEwMTAwMDAwMFoYDzIxMDAwMTAxMDAwMDAwWjAYMRYwFAYD
VQQDDA1wcm94eS5leGFtcGxlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERfqX
fExZku5OFDMJim40Xk/Pu4w+s90K2xxDvvTZG6se/udZ6aYNyWaw8UdyMVA/8ikp
tiNb4FKlWo93M2RbXKNuMGwwGAYDVR0RBBEwD4INcHJveHkuZXhhbXBsZTAMBgNV
HRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcDATAd
BgNVHQ4EFgQUHraOAlRL27STzXi+DHxIItU/giowCgYIKoZIzj0EAwIDSQAwRgIh
AJEB3KjeZRF5NKXBoiN8HaFD9uRYmzG6FGORYGwdrFb1AiEA+hkMOklGRjl5aopR
U3OkpsjD/wTf9rgkO3CF/tfEBiA=
-----END CERTIFICATE-----
`,
} as const;

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const read = { method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const };
const create = { method: "create", payload: { type: "Shot", data: { code: "x" } }, credentials: script, kind: "write" as const };
const serve = useTestServers();
const tlsPort = useTlsPorts();
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** An https:// CONNECT proxy on 127.0.0.1 (with {@link PROXY_TLS}) tunnelling every CONNECT to `tunnelTo`; `seen` lists them. */
async function httpsProxy(tunnelTo: number): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer(PROXY_TLS);
  server.on("connect", (req, socket: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    tunnel(socket, head, tunnelTo);
  });
  server.on("secureConnection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A `ProxyAgent` through `uri` trusting {@link PROXY_TLS} (unless not `trusted`), destroyed after the test. */
function agent(uri: string, servername?: string, trusted = true): ProxyAgent {
  const dispatcher = new ProxyAgent({ uri, ...(trusted ? { proxyTls: { ca: PROXY_TLS.cert, ...(servername ? { servername } : {}) } } : {}) });
  cleanups.push(() => dispatcher.destroy());
  return dispatcher;
}

describe("an https:// proxy whose trusted certificate names another host", () => {
  it("is a certificate failure before anything was sent: never maybe sent, a create is not 'maybe applied', not retried", async () => {
    const site = await serve((_req, res) => json(res, { results: { type: "Shot", id: 1 } }));
    const proxy = await httpsProxy(site.port);
    const url = `http://studio.test:${site.port}`;
    const dispatcher = agent(proxy.url);
    for (const request of [read, create]) {
      const clock = fakeClock();
      const err = await fail(jsonRpcTransport({ dispatcher }).send(request, contextFor(parseSite(url, { allowInsecureHttp: true }), clock)));
      expect(err).toBeInstanceOf(SgNetworkError);
      expect(err).toBeInstanceOf(SgTlsError);
      expect(err).toMatchObject({ code: "SG_NETWORK", tls: "certificate", maybeSent: false, syscallCode: "ERR_TLS_CERT_ALTNAME_INVALID" });
      expect(err.reason).toBe(`Network error calling '${request.method}': TLS failure (certificate not accepted) (ERR_TLS_CERT_ALTNAME_INVALID)`);
      expect(err.hint).not.toMatch(/may have been applied|dropped/);
      expect(err.attempts.map((a) => a.code)).toEqual(["ERR_TLS_CERT_ALTNAME_INVALID"]);
      expect(clock.sleeps).toEqual([]);
    }
    expect(proxy.seen).toEqual([]);
    expect(site.requests).toHaveLength(0);
    // The same proxy, checked against the name its certificate is for, works: the failure was only that name.
    const answer = await jsonRpcTransport({ dispatcher: agent(proxy.url, "proxy.example") }).send(create, contextFor(parseSite(url, { allowInsecureHttp: true })));
    expect(answer).toEqual({ type: "Shot", id: 1 });
    expect(proxy.seen).toEqual([`CONNECT studio.test:${site.port}`]);
    expect(site.requests).toHaveLength(1);
  });
});

describe("the hint of a failed TLS handshake with an https:// proxy", () => {
  /** The shown forms of `err`, none of which may hold the proxy's password. */
  const shown = (err: Error): string => [err.message, JSON.stringify(err), inspect(err, { showHidden: true, depth: 9 })].join("\n");

  it("names the proxy and its proxyTls (not requestTls, which is the site's), never the password in the proxy's URI", async () => {
    const site = await serve((_req, res) => json(res, { results: { type: "Shot", id: 1 } }));
    const proxy = await httpsProxy(site.port);
    const dispatcher = agent(proxy.url.replace("https://", "https://sguser:Pr0xyPa55@"));
    for (const url of [`http://studio.test:${site.port}`, `https://studio.test:${site.port}`]) {
      const err = await fail(jsonRpcTransport({ dispatcher }).send(create, contextFor(parseSite(url, { allowInsecureHttp: true }), fakeClock())));
      expect(err).toMatchObject({ tls: "certificate", maybeSent: false, syscallCode: "ERR_TLS_CERT_ALTNAME_INVALID" });
      expect(err.hint).toBe(
        "The proxy's TLS certificate was not accepted. For a private CA, start Node with NODE_EXTRA_CA_CERTS=<ca.pem>, or pass dispatcher: new ProxyAgent({ uri, proxyTls: { ca } }) from undici.",
      );
      expect(shown(err)).not.toMatch(/Pr0xyPa55|sguser/);
    }
    expect(proxy.seen).toEqual([]);
    expect(site.requests).toHaveLength(0);
  });

  it("a proxy certificate on an untrusted CA, which undici does not tell from the site's: the hint names proxyTls too", async () => {
    const site = await serve((_req, res) => json(res, { results: { type: "Shot", id: 1 } }));
    const proxy = await httpsProxy(site.port);
    const err = await fail(
      jsonRpcTransport({ dispatcher: agent(proxy.url.replace("https://", "https://sguser:Pr0xyPa55@"), undefined, false) }).send(
        create,
        contextFor(parseSite(`http://studio.test:${site.port}`, { allowInsecureHttp: true }), fakeClock()),
      ),
    );
    expect(err).toMatchObject({ tls: "certificate", maybeSent: false, syscallCode: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    expect(err.hint).toMatch(/new ProxyAgent\(\{ uri, requestTls: \{ ca \} \}\); an https:\/\/ proxy's own CA: proxyTls\)\.$/);
    expect(shown(err)).not.toMatch(/Pr0xyPa55|sguser/);
    expect(proxy.seen).toEqual([]);
    expect(site.requests).toHaveLength(0);
  });

  it("a site certificate not accepted through a working https:// proxy is still the site's, with requestTls", async () => {
    const site = await tlsPort("close");
    const proxy = await httpsProxy(site.port);
    const err = await fail(jsonRpcTransport({ dispatcher: agent(proxy.url, "proxy.example") }).send(create, contextFor(`https://localhost:${site.port}`, fakeClock())));
    expect(err).toMatchObject({ tls: "certificate", maybeSent: false, syscallCode: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    expect(err.hint).toMatch(/^The site's TLS certificate was not accepted\. .* \(behind a proxy: new ProxyAgent\(\{ uri, requestTls: \{ ca \} \}\)/);
    expect(proxy.seen).toEqual([`CONNECT localhost:${site.port}`]);
    expect(site.requests()).toBe(0);
  });
});
