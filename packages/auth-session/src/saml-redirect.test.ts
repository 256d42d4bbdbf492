// An SSO site whose session has expired answers the API with a redirect to its SAML login (rpc-protocol.md §1.2,
// tk-core's test). @sg/transport makes it an SgAuthError (SG_SSO_SESSION_EXPIRED), so the client's one refresh
// for every call refused together runs: sessionAuth's refresh() is called once and the calls are re-sent.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { findSecrets, rejectionOf } from "@sg/testing";
import { NEW_TOKEN_HINT, SessionErrorCode, SgSessionError, sessionAuth } from "./index.js";

const OLD = "sso-session-old-4b7d1e";
const FRESH = "sso-session-fresh-9c2a5f";
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve())))));
});

/** A node:http site on 127.0.0.1 that redirects any call carrying another token than `valid` to its SAML login. */
async function ssoSite(valid: string): Promise<{ url: string; tokens: string[] }> {
  const tokens: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const envelope = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { params: [{ session_token?: string }] };
      const token = envelope.params[0]?.session_token ?? "";
      tokens.push(token);
      if (token !== valid) {
        res.writeHead(302, { location: `http://${req.headers.host}/saml/saml_login_request` });
        return res.end();
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ results: { entities: [{ type: "Shot", id: 1, code: "sh010" }], paging_info: { entity_count: 1 } } }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tokens };
}

const READ = { type: "Shot", filters: { logical_operator: "and", conditions: [] }, return_fields: ["code"], paging: { entities_per_page: 5, current_page: 1 } };

describe("an SSO session expired: the site redirects to its SAML login", () => {
  it("refresh() is called once for the calls refused together, and each call is re-sent with the new token", async () => {
    const site = await ssoSite(FRESH);
    let refreshes = 0;
    const stored: string[] = [];
    const auth = sessionAuth({
      sessionToken: OLD,
      refresh: async () => {
        refreshes += 1;
        return FRESH;
      },
      onToken: (token) => void stored.push(token),
    });
    const client = createClient({ site: site.url, auth, transport: jsonRpcTransport() });
    try {
      const results = await Promise.all(Array.from({ length: 3 }, () => client.call<{ entities: unknown[] }>("read", READ)));
      expect(results.map((r) => r.entities)).toEqual(Array.from({ length: 3 }, () => [{ type: "Shot", id: 1, code: "sh010" }]));
      expect(refreshes).toBe(1);
      expect(stored).toEqual([FRESH]);
      expect(site.tokens.filter((t) => t === OLD)).toHaveLength(3);
      expect(site.tokens.filter((t) => t === FRESH)).toHaveLength(3);
      // the next call goes out with the new token at once
      await client.call("read", READ);
      expect(site.tokens.at(-1)).toBe(FRESH);
      expect(refreshes).toBe(1);
    } finally {
      await client.close();
    }
  });

  it("without refresh(), the call fails with SG_SESSION_EXPIRED, says the SSO session expired and how to get a new token", async () => {
    const site = await ssoSite(FRESH);
    const client = createClient({ site: site.url, auth: sessionAuth({ sessionToken: OLD }), transport: jsonRpcTransport() });
    try {
      const error = await client.call("read", READ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SgSessionError);
      expect(error).toMatchObject({ code: SessionErrorCode.EXPIRED, method: "read" });
      expect((error as SgSessionError).cause).toMatchObject({ code: "SG_SSO_SESSION_EXPIRED", status: 302 });
      expect((error as SgSessionError).reason).toBe(
        `@sg/auth-session: the site redirected the call to its SSO (SAML) login: the SSO session of the token ending '7d1e' has expired (or the token is not a session of ${site.url})`,
      );
      // On an SSO site a login and password are refused: the command line's way is `sg login --browser` only.
      expect((error as SgSessionError).hint).toBe(`Log in to the site again in the browser (SSO). ${NEW_TOKEN_HINT.replace("`sg login`", "`sg login --browser`")}`);
      expect((error as SgSessionError).hint).not.toMatch(/`sg login`/);
      expect((error as SgSessionError).message).not.toMatch(/script key|password|revoked/);
      expect(findSecrets(error, [OLD])).toEqual([]);
      expect(site.tokens).toEqual([OLD]);
    } finally {
      await client.close();
    }
  });

  it("a token from refresh() redirected too: SG_SESSION_REFRESH_FAILED names the SSO login (explain(), no second refresh)", async () => {
    const site = await ssoSite("a-token-the-site-never-accepts");
    let refreshes = 0;
    const auth = sessionAuth({
      sessionToken: OLD,
      refresh: async () => {
        refreshes += 1;
        return FRESH;
      },
    });
    const client = createClient({ site: site.url, auth, transport: jsonRpcTransport() });
    try {
      const error = await rejectionOf(client.call("read", READ));
      expect(error).toBeInstanceOf(SgSessionError);
      expect(error).toMatchObject({ code: SessionErrorCode.REFRESH_FAILED, method: "read" });
      expect((error as SgSessionError).reason).toBe(
        "@sg/auth-session: the site refused the new session token ending '2a5f' that refresh() returned, as it had refused the one before (it redirected the call to its SSO (SAML) login: the SSO session has expired)",
      );
      expect((error as SgSessionError).hint).toContain("log in again in the browser");
      expect(findSecrets(error, [OLD, FRESH])).toEqual([]);
      expect(refreshes).toBe(1);
      expect(site.tokens).toEqual([OLD, FRESH]);
    } finally {
      await client.close();
    }
  });

  it("a browser's fetch hides the redirect (an opaque redirect, status 0): refresh() is called all the same", async () => {
    const site = await ssoSite(FRESH);
    // Node's fetch as a browser's answers `redirect: "manual"`: a redirect becomes status 0, no headers, no body
    const browserLike = async (input: string, init: RequestInit): Promise<Response> => {
      const response = await fetch(input, init);
      if (response.status < 300 || response.status > 399) return response;
      await response.arrayBuffer();
      return Object.defineProperty(Response.error(), "type", { value: "opaqueredirect" });
    };
    let refreshes = 0;
    const auth = sessionAuth({ sessionToken: OLD, refresh: async () => (refreshes += 1, FRESH) });
    const client = createClient({ site: site.url, auth, transport: jsonRpcTransport({ fetch: browserLike }) });
    try {
      expect((await client.call<{ entities: unknown[] }>("read", READ)).entities).toEqual([{ type: "Shot", id: 1, code: "sh010" }]);
      expect(refreshes).toBe(1);
      expect(site.tokens).toEqual([OLD, FRESH]);
      // without refresh(): SG_SESSION_EXPIRED, as with a redirect that shows where it leads
      const bare = createClient({ site: site.url, auth: sessionAuth({ sessionToken: OLD }), transport: jsonRpcTransport({ fetch: browserLike }) });
      const error = await rejectionOf(bare.call("read", READ));
      await bare.close();
      expect(error).toMatchObject({ code: SessionErrorCode.EXPIRED, cause: { code: "SG_SSO_SESSION_EXPIRED", status: 300 } });
    } finally {
      await client.close();
    }
  });
});
