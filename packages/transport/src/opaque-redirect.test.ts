// A browser's fetch answers a redirect it was told not to follow (`redirect: "manual"`) with an opaque redirect:
// status 0, no headers, no body. Such an answer is never a result: the API call and the plain exchange fail as a
// redirect the runtime hides, and an API call with a session is taken for an SSO site's expired session.
import { describe, expect, it } from "vitest";
import { SgAuthError, SgHttpError, createClient } from "@sg/core";
import type { AuthStrategy, Credentials } from "@sg/core";
import { SSO_SESSION_EXPIRED, jsonRpcTransport } from "./index.js";
import { browserFetch } from "./test-support/browser-fetch.js";
import { contextFor, fail, fakeClock, json, useTestServers } from "./test-support/server.js";

const serve = useTestServers();
const script: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "KEY-opaque-1" });
const session: Credentials = Object.freeze({ kind: "session", sessionToken: "tok-expired-7" });
const redirectAll = () =>
  serve((req, res) => {
    res.writeHead(302, { location: `http://${req.headers.host}/saml/saml_login_request` });
    res.end();
  });

describe("an opaque redirect (status 0) answered to an API call", () => {
  it("is an SgHttpError that says the runtime hides redirects, never a null result; a write is not said to have landed", async () => {
    const server = await redirectAll();
    const transport = jsonRpcTransport({ fetch: browserFetch() });
    for (const kind of ["read", "write"] as const) {
      const err = await fail(transport.send({ method: kind === "read" ? "read" : "create", payload: { type: "Shot" }, credentials: script, kind }, contextFor(server.url, fakeClock())));
      expect(err).toBeInstanceOf(SgHttpError);
      expect(err).toMatchObject({ status: 300, code: "SG_HTTP" });
      expect(err.reason).toMatch(/with a redirect this runtime's fetch hides \(a browser's does\)$/);
      expect(err.hint).toBe("Not processed. An SSO site redirects once the session has expired: log in again; else check the site URL.");
      expect((err as { maybeSent?: boolean }).maybeSent).not.toBe(true);
      expect(err.attempts).toHaveLength(1);
    }
    expect(server.requests).toHaveLength(2);
  });

  it("with session credentials, is the SSO login's SgAuthError, so the strategy is asked for a new session once", async () => {
    const server = await serve((req, res) => {
      const token = ((req.json as { params: [{ session_token?: string }] }).params[0] ?? {}).session_token;
      if (token === "tok-fresh-8") return json(res, { results: { entities: [], paging_info: { entity_count: 0 } } });
      res.writeHead(302, { location: "/saml/saml_login_request" });
      res.end();
    });
    const refused: SgAuthError[] = [];
    const auth: AuthStrategy = {
      name: "test-session",
      credentials: async () => session,
      onRejected: async (error) => {
        refused.push(error);
        return Object.freeze({ kind: "session", sessionToken: "tok-fresh-8" });
      },
    };
    const client = createClient({ site: server.url, auth, transport: jsonRpcTransport({ fetch: browserFetch() }) });
    expect(await client.call("read", { type: "Shot" })).toEqual({ entities: [], paging_info: { entity_count: 0 } });
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ code: SSO_SESSION_EXPIRED, status: 300 });
    expect(refused[0]!.hint).toMatch(/^Not processed\. An SSO site redirects once the session has expired: log in again/);
    expect(server.requests).toHaveLength(2);
    await client.close();
  });
});

describe("an opaque redirect answered to a plain exchange (a download)", () => {
  it("is an SgHttpError that says the runtime hides redirects, never a 2xx-like answer with no bytes; not retried", async () => {
    const server = await serve((req, res) => {
      if (req.url === "/file") {
        res.writeHead(302, { location: "/storage/file.mov" });
        return res.end();
      }
      res.writeHead(200, { "content-type": "video/quicktime" });
      res.end("MOVIE");
    });
    const err = await fail(jsonRpcTransport({ fetch: browserFetch() }).http!({ method: "GET", target: "/file", kind: "read" }, contextFor(server.url, fakeClock())));
    expect(err).toBeInstanceOf(SgHttpError);
    expect(err).toMatchObject({ status: 300 });
    expect(err.reason).toMatch(/with a redirect this runtime's fetch hides \(a browser's does\)$/);
    expect(err.hint).toMatch(/else check the site URL\. Downloads need Node, Deno, Bun or a worker; in a browser, let it open getAttachmentDownloadUrl\(\)/);
    expect(server.requests.map((r) => r.url)).toEqual(["/file"]);
    // Node's fetch shows the redirect, which is followed
    const ok = await jsonRpcTransport().http!({ method: "GET", target: "/file", kind: "read" }, contextFor(server.url, fakeClock()));
    expect(new TextDecoder().decode(ok.body)).toBe("MOVIE");
  });
});
