import { afterEach, describe, expect, it } from "vitest";
import { ProxyAgent } from "undici";
import { SgTlsError, jsonRpcTransport } from "./index.js";
import { useRefusingProxies } from "./test-support/refusing-proxy.js";
import { contextFor, fail, fakeClock } from "./test-support/server.js";
import { TEST_TLS, useTlsPorts } from "./test-support/tls-port.js";

// Real sockets on 127.0.0.1: undici's ProxyAgent through a CONNECT proxy to a site whose certificate only a private CA
// (here the test certificate itself) vouches for. Behind a proxy, the CA is the ProxyAgent's `requestTls` (the TLS to
// the site, inside the tunnel); its `connect` is the connection to the proxy, and `new Agent({ connect: { ca } })`
// would replace the proxy altogether.

const proxyAt = useRefusingProxies();
const tlsPort = useTlsPorts();
const agents: ProxyAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.destroy()));
});
const get = { method: "GET" as const, target: "/x", kind: "read" as const };

describe("a private CA behind a proxy", () => {
  it("the certificate hint names ProxyAgent's requestTls, which is what works; connect: { ca } does not", async () => {
    const site = await tlsPort("close");
    const proxy = await proxyAt([200], site.port);
    const through = (options: Omit<ConstructorParameters<typeof ProxyAgent>[0] & object, "uri">): ProxyAgent => {
      const agent = new ProxyAgent({ uri: proxy.url, ...options });
      agents.push(agent);
      return agent;
    };
    const send = (dispatcher: ProxyAgent) => jsonRpcTransport({ dispatcher }).http!(get, contextFor(`https://localhost:${site.port}`, fakeClock()));
    for (const dispatcher of [through({}), through({ connect: { ca: TEST_TLS.cert } })]) {
      const err = await fail(send(dispatcher));
      expect(err).toBeInstanceOf(SgTlsError);
      expect(err).toMatchObject({ tls: "certificate", maybeSent: false });
      expect(err.hint).toContain("or pass dispatcher: new Agent({ connect: { ca } }) from undici (behind a proxy: new ProxyAgent({ uri, requestTls: { ca } }); an https:// proxy's own CA: proxyTls).");
    }
    expect(site.requests()).toBe(0);
    const answer = await send(through({ requestTls: { ca: TEST_TLS.cert } }));
    expect(answer.status).toBe(200);
    expect(site.requests()).toBe(1);
    expect(proxy.seen).toEqual([`CONNECT localhost:${site.port}`, `CONNECT localhost:${site.port}`, `CONNECT localhost:${site.port}`]);
  });
});
