import { describe, expect, it } from "vitest";
import { SgHttpError, SgNetworkError, parseSite } from "@sg/core";
import type { Credentials, SgError } from "@sg/core";
import { request } from "undici";
import { SgTlsError, jsonRpcTransport } from "./index.js";
import type { FetchFunction } from "./fetcher.js";
import { useRefusingProxies } from "./test-support/refusing-proxy.js";
import { contextFor, fail, fakeClock, json, useTestServers } from "./test-support/server.js";

// Real sockets on 127.0.0.1: undici's ProxyAgent as the dispatcher, and a proxy that refuses. A refusal comes before
// the site got anything, so a write is never called "maybe applied"; what the proxy said is in `syscallCode`.

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const read = { method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const };
const create = { method: "create", payload: { type: "Shot", data: { code: "x" } }, credentials: script, kind: "write" as const };
const serve = useTestServers();
const proxyAt = useRefusingProxies();
const LOGIN_HINT = "Nothing reached the site: check the user and password given for the proxy.";
const TUNNEL_HINT = "Nothing reached the site: check that the proxy can reach it and lets you through.";
/** A site on no real host: the proxy is told where tunnels go, and a refused request never gets there. */
const SITE = "https://studio.test:8443";
/** A context for `url` (plain http allowed: these sites are on loopback or nowhere). */
const at = (url: string, clock = fakeClock()) => contextFor(parseSite(url, { allowInsecureHttp: true }), clock);

/** Send a read and a create through `dispatcher` to `url`; each must fail once, not sent and not retried, with `syscallCode`. */
async function refusedOnce(url: string, syscallCode: string, dispatcher?: object): Promise<SgError[]> {
  const errors: SgError[] = [];
  for (const request of [read, create]) {
    const clock = fakeClock();
    const err = await fail(jsonRpcTransport(dispatcher ? { dispatcher } : {}).send(request, at(url, clock)));
    expect(err).toBeInstanceOf(SgNetworkError);
    expect(err).not.toBeInstanceOf(SgTlsError);
    expect(err).toMatchObject({ code: "SG_NETWORK", maybeSent: false, syscallCode });
    expect(err.attempts.map((a) => a.code)).toEqual([syscallCode]);
    expect(clock.sleeps).toEqual([]);
    errors.push(err);
  }
  return errors;
}

describe("a proxy that asks for a login (407)", () => {
  it("answering the CONNECT of an https site: nothing reached the site, never retried, a hint about the proxy's login", async () => {
    const proxy = await proxyAt([407]);
    for (const err of await refusedOnce(SITE, "ERR_PROXY_AUTH", proxy.agent())) {
      expect(err.reason).toMatch(/^Network error calling '(read|create)': the proxy refused the request with HTTP 407 \(ERR_PROXY_AUTH\)$/);
      expect(err.hint).toBe(LOGIN_HINT);
    }
    expect(proxy.seen).toEqual(["CONNECT studio.test:8443", "CONNECT studio.test:8443"]);
  });

  it("answering a plain-http request it was to forward: the same, and the site got nothing", async () => {
    const server = await serve((_req, res) => json(res, { results: 1 }));
    const proxy = await proxyAt([407]);
    const url = `http://studio.test:${server.port}`;
    for (const err of await refusedOnce(url, "ERR_PROXY_AUTH", proxy.agent(false))) expect(err.hint).toBe(LOGIN_HINT);
    expect(proxy.seen).toEqual([`POST ${url}/api3/json`, `POST ${url}/api3/json`]);
    expect(server.requests).toHaveLength(0);
  });

  it("answering in the site's place (a proxy in the path, no dispatcher): fetch says nothing, so it stays maybe sent", async () => {
    // Node's fetch never shows a 407: it makes it a network error with no reason, which is not told apart from
    // other reasonless failures; the safe side is that a write may have landed (and is not re-sent).
    const server = await serve((_req, res) => res.writeHead(407, { "proxy-authenticate": 'Basic realm="proxy"' }).end());
    const err = await fail(jsonRpcTransport().send(create, at(server.url)));
    expect(err).toMatchObject({ code: "SG_NETWORK", maybeSent: true, syscallCode: "ERR_NETWORK" });
    expect(server.requests).toHaveLength(1);
  });

  it("as a status, from a fetch that shows a 407 (not Node's): SgHttpError with the same hint, never retried", async () => {
    const server = await serve((_req, res) => res.writeHead(407, { "proxy-authenticate": 'Basic realm="proxy"' }).end());
    // undici's request() has no Fetch-standard rule for 407: the status comes through as it is.
    const showing407: FetchFunction = async (input, init) => {
      const answer = await request(input, { method: "POST", headers: init.headers as Record<string, string>, body: init.body as string });
      return new Response(await answer.body.text(), { status: answer.statusCode, headers: answer.headers as Record<string, string> });
    };
    const err = await fail(jsonRpcTransport({ fetch: showing407 }).send(create, at(server.url)));
    expect(err).toBeInstanceOf(SgHttpError);
    expect(err).toMatchObject({ status: 407, hint: LOGIN_HINT });
    expect(err.attempts).toHaveLength(1);
  });
});

describe("a proxy that does not open a tunnel to the site", () => {
  it.each([502, 503, 504])("CONNECT answered %i (it could not reach the site): retried like a refused connection, writes included", async (status) => {
    const proxy = await proxyAt([status]);
    for (const request of [read, create]) {
      const clock = fakeClock();
      const err = await fail(jsonRpcTransport({ dispatcher: proxy.agent(), retry: { retryWrites: false } }).send(request, at(SITE, clock)));
      expect(err).toBeInstanceOf(SgNetworkError);
      expect(err).toMatchObject({ maybeSent: false, syscallCode: "ERR_PROXY_TUNNEL", hint: TUNNEL_HINT });
      expect(err.reason).toBe(`Network error calling '${request.method}': the proxy refused the request with HTTP ${status} (ERR_PROXY_TUNNEL)`);
      expect(err.attempts.map((a) => a.code)).toEqual(["ERR_PROXY_TUNNEL", "ERR_PROXY_TUNNEL", "ERR_PROXY_TUNNEL"]);
      expect(clock.sleeps).toEqual([750, 1500]);
    }
    expect(proxy.seen).toHaveLength(6);
  });

  it("a create whose first CONNECT got 502 goes through on the retry and reaches the site once", async () => {
    const server = await serve((_req, res) => json(res, { results: { type: "Shot", id: 7 } }));
    const proxy = await proxyAt([502, 200], server.port);
    const clock = fakeClock();
    // an http site through a tunnel (undici tunnels every site unless told otherwise): no TLS needed
    const result = await jsonRpcTransport({ dispatcher: proxy.agent() }).send(create, at(`http://studio.test:${server.port}`, clock));
    expect(result).toEqual({ type: "Shot", id: 7 });
    expect(clock.sleeps).toEqual([750]);
    expect(proxy.seen).toEqual([`CONNECT studio.test:${server.port}`, `CONNECT studio.test:${server.port}`]);
    expect(server.requests).toHaveLength(1);
  });

  // 403: the proxy forbids the site; 500, 501, 505: its own failure, not "could not reach the site"
  it.each([403, 500, 501, 505])("CONNECT answered %i: not sent, never retried", async (status) => {
    const proxy = await proxyAt([status]);
    for (const err of await refusedOnce(SITE, "ERR_PROXY_TUNNEL", proxy.agent())) {
      expect(err.reason).toMatch(new RegExp(`: the proxy refused the request with HTTP ${status} \\(ERR_PROXY_TUNNEL\\)$`));
      expect(err.hint).toBe(TUNNEL_HINT);
    }
    expect(proxy.seen).toHaveLength(2);
  });
});
