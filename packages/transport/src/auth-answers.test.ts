// HTTP answers about credentials: a proxy's (or the site's) 401, with and without user:pass@ in the site URL, and
// the redirect to the SAML login with which an SSO site answers once its session has expired.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { SgAuthError, SgHttpError, createClient, parseSite } from "@sg/core";
import type { AuthStrategy, Credentials } from "@sg/core";
import { SSO_SESSION_EXPIRED, jsonRpcTransport } from "./index.js";
import { contextFor, fail, fakeClock, json, text, useTestServers } from "./test-support/server.js";

const session: Credentials = Object.freeze({ kind: "session", sessionToken: "tok-expired-1" });
const serve = useTestServers();
const read = (credentials: Credentials = session) => ({ method: "read", payload: { type: "Shot" }, credentials, kind: "read" as const });

describe("401 from the site or a proxy in front of it", () => {
  const refuse = () => serve((_req, res) => text(res, "<html><body>401 Authorization Required</body></html>", 401, "text/html", { "www-authenticate": 'Basic realm="studio"' }));

  it("without user:pass@ in the site URL: the hint says where credentials go, and reaches the user whole", async () => {
    const server = await refuse();
    const err = await fail(jsonRpcTransport().send(read(), contextFor(server.url, fakeClock())));
    expect(err).toBeInstanceOf(SgHttpError);
    // A forward proxy answers 407, not 401: its login in the site URL would be sent to the site.
    const hint = "A gate at the site (basic auth, a reverse proxy) asked for credentials: put them in the site URL, as user:password@ before the host name. A forward proxy's login goes in its ProxyAgent URL.";
    expect(err.hint).toBe(hint);
    expect(err.message).toContain(`Hint: ${hint}`);
    expect(JSON.stringify(err.toJSON())).toContain(hint);
    expect(err.message).not.toContain("[REDACTED]");
    expect(server.requests).toHaveLength(1);
  });

  it("with user:pass@ in the site URL: the hint says those were refused, and never shows them", async () => {
    const server = await refuse();
    const site = parseSite(`http://proxyuser:Pr0xy-pass-9@127.0.0.1:${server.port}`);
    const err = await fail(jsonRpcTransport().send(read(), contextFor(site, fakeClock())));
    expect(err).toBeInstanceOf(SgHttpError);
    expect(err.hint).toBe("The user and password in the site URL were refused; check them.");
    expect(server.requests[0]!.headers["authorization"]).toBe(`Basic ${Buffer.from("proxyuser:Pr0xy-pass-9").toString("base64")}`);
    for (const shown of [err.message, JSON.stringify(err.toJSON()), inspect(err, { depth: 5 })]) {
      expect(shown).not.toContain("Pr0xy-pass-9");
      expect(shown).not.toContain(Buffer.from("proxyuser:Pr0xy-pass-9").toString("base64"));
    }
  });
});

describe("an SSO site's expired session: a redirect to its SAML login", () => {
  const saml = () =>
    serve((req, res) => {
      res.writeHead(302, { location: `http://${req.headers.host}/saml/saml_login_request?redirect_to=%2Fapi3%2Fjson&token=tok-expired-1` });
      res.end();
    });

  it("is an SgAuthError (code SG_SSO_SESSION_EXPIRED, status kept, the login page in the message), never retried", async () => {
    const server = await saml();
    const err = await fail(jsonRpcTransport().send(read(), contextFor(server.url, fakeClock())));
    expect(err).toBeInstanceOf(SgAuthError);
    expect(err).toMatchObject({ code: SSO_SESSION_EXPIRED, status: 302, method: "read" });
    expect(SSO_SESSION_EXPIRED).toBe("SG_SSO_SESSION_EXPIRED");
    expect(err.reason).toBe(`HTTP 302 Found from the site for 'read': redirected to ${server.url}/saml/saml_login_request`);
    expect(err.hint).toBe("The site redirected to its SSO login: the session has expired, log in again.");
    expect(JSON.stringify(err.toJSON())).not.toContain("tok-expired-1");
    expect(err.attempts).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
  });

  it("makes the client ask the strategy for fresh credentials once and re-send the call", async () => {
    const server = await serve((req, res) => {
      const token = ((req.json as { params: [{ session_token?: string }] }).params[0] ?? {}).session_token;
      if (token === "tok-fresh-2") return json(res, { results: { entities: [], paging_info: { entity_count: 0 } } });
      res.writeHead(302, { location: "/saml/saml_login_request" });
      res.end();
    });
    let asked = 0;
    const auth: AuthStrategy = {
      name: "test-session",
      credentials: async () => session,
      onRejected: async (error) => {
        asked += 1;
        expect(error.code).toBe(SSO_SESSION_EXPIRED);
        return Object.freeze({ kind: "session", sessionToken: "tok-fresh-2" });
      },
    };
    const client = createClient({ site: server.url, auth, transport: jsonRpcTransport() });
    expect(await client.call("read", { type: "Shot" })).toEqual({ entities: [], paging_info: { entity_count: 0 } });
    expect(asked).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it("any other redirect stays an SgHttpError that points at the site URL", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(301, { location: "https://elsewhere.example/api3/json" });
      res.end();
    });
    const err = await fail(jsonRpcTransport().send(read(), contextFor(server.url, fakeClock())));
    expect(err).toBeInstanceOf(SgHttpError);
    expect(err).toMatchObject({ code: "SG_HTTP", status: 301 });
    expect(err.hint).toMatch(/check the site URL/);
  });
});

describe("a read answered 401, 404 or a redirect is sent once (spec §7: never retried)", () => {
  it.each([401, 404, 301, 302, 303, 307, 308])("HTTP %i: exactly one request, the status kept", async (status) => {
    const server = await serve((_req, res) => {
      res.writeHead(status, status < 400 ? { location: "https://elsewhere.example/api3/json" } : { "content-type": "text/plain" });
      res.end(status < 400 ? "" : "no");
    });
    const err = await fail(jsonRpcTransport().send(read(), contextFor(server.url, fakeClock())));
    expect(err).toBeInstanceOf(SgHttpError);
    expect(err).toMatchObject({ status });
    expect(err.attempts).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
  });
});

describe("404 at a site URL with a path (a browser page's URL copied as the site)", () => {
  it("names the site's root to pass; without a path, no root is named", async () => {
    const server = await serve((_req, res) => text(res, "<html>404</html>", 404, "text/html"));
    const paged = await fail(jsonRpcTransport().send(read(), contextFor(parseSite(`${server.url}/detail/Shot/12`), fakeClock())));
    expect(paged).toBeInstanceOf(SgHttpError);
    expect(paged.hint).toBe(`Check the site URL and its base path: the API endpoint was not found there. If it is a page's URL, pass ${server.url}.`);
    const root = await fail(jsonRpcTransport().send(read(), contextFor(server.url, fakeClock())));
    expect(root.hint).toBe("Check the site URL and its base path: the API endpoint was not found there.");
  });
});
