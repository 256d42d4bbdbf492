// A legacy login answered with a redirect to the site's SAML login (`/saml/saml_login_request`): @sg/transport makes
// it an SgAuthError with code SG_SSO_SESSION_EXPIRED and no fault code. The site wants a browser login, as an SSO
// site's fault 108 says; the password was never checked, so it must not read as SG_LEGACY_BAD_PASSWORD, nor be
// remembered as a refusal in the cool-down.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { findSecrets, rejectionOf } from "@sg/testing";
import { SgAuthError, createClient } from "@sg/core";
import type { Client } from "@sg/core";
import { SSO_SESSION_EXPIRED, jsonRpcTransport } from "@sg/transport";
import { authenticateHumanUser, legacyLoginAuth } from "./index.js";
import type { LegacyLoginOptions } from "./index.js";
import { READ_SHOTS } from "./test-support/demo-site.js";

const PLANTED_PASSWORD = "planted-passphrase-55ocafe";
const SESSION = "legacy-session-2f6e1d";

/** What one request carried: its method, and the login or the session token it was authenticated with. */
interface Sent {
  readonly method: string;
  readonly login: string | undefined;
  readonly session: string | undefined;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/**
 * A node:http site on 127.0.0.1 that redirects API calls to its SAML login: every call but the first `logins`
 * `get_session_token` calls, which answer with a session.
 */
async function redirectingSite(logins = 0): Promise<{ url: string; sent: Sent[] }> {
  const sent: Sent[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const rpc = JSON.parse(body) as { method_name: string; params: [{ user_login?: string; session_token?: string }?] };
      // `info` goes without credentials
      sent.push({ method: rpc.method_name, login: rpc.params[0]?.user_login, session: rpc.params[0]?.session_token });
      if (rpc.method_name === "get_session_token" && logins-- > 0) {
        res.writeHead(200, { "content-type": "application/json" });
        return void res.end(JSON.stringify({ results: { session_id: SESSION } }));
      }
      res.writeHead(302, { location: "/saml/saml_login_request" });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sent };
}

function clientOf(url: string, options: Partial<LegacyLoginOptions> = {}): Client {
  const client = createClient({ site: url, transport: jsonRpcTransport(), auth: legacyLoginAuth({ login: "coord", password: PLANTED_PASSWORD, ...options }) });
  closers.unshift(() => client.close());
  return client;
}

const SSO_ROUTE =
  "To log in as a person, use @sg/auth-session instead: browserLogin({ site, appName }) to approve the login in a browser, " +
  "or sessionAuth({ sessionToken }) with the _session_id cookie of a browser tab logged in to the site. For unattended jobs use a script key with @sg/auth-script.";

/**
 * The redirect, explained for a legacy login: code kept, the browser login named, the password not blamed, nothing
 * remembered. `session`: the login was accepted and a call with its session was redirected, so the proxy or site URL
 * comes first.
 */
function expectSsoRedirect(error: unknown, method: string, session = false): void {
  expect(error).toBeInstanceOf(SgAuthError);
  const e = error as SgAuthError;
  expect(e).toMatchObject({ code: SSO_SESSION_EXPIRED, method, errorCode: undefined });
  if (session) {
    expect(e.reason).toBe("@sg/auth-legacy-pat: the site accepted the login 'coord' but sends calls with its session to its SSO (SAML) login");
    expect(e.hint).toBe(`Most likely a proxy or gateway in front of the site sends API calls to SSO: check the site URL (the site itself, not an SSO portal). ${SSO_ROUTE}`);
    expect(e.message).not.toMatch(/password was not checked|cannot give/);
  } else {
    expect(e.reason).toBe("@sg/auth-legacy-pat: the site redirected the call for login 'coord' to its SSO (SAML) login: it wants a browser login, which a login and password cannot give");
    expect(e.hint).toBe(`The password was not checked. ${SSO_ROUTE} If the site does take legacy logins, a proxy or gateway in front of it sends API calls to SSO: check the site URL.`);
  }
  expect(e.message).not.toMatch(/login or password is wrong|inactive|refused at|no new login sent/i);
  expect((e.cause as SgAuthError).code).toBe(SSO_SESSION_EXPIRED);
  expect(findSecrets(e, [PLANTED_PASSWORD])).toEqual([]);
}

describe("legacyLoginAuth on a site that redirects the API to its SAML login", () => {
  it.each([
    ["a session (the default): get_session_token", {}, "get_session_token"],
    ["keepSession: false: the login sent with the call", { keepSession: false }, "read"],
  ] as const)("%s — says the site wants a browser login, and does not remember it: the next call logs in again", async (_name, options, method) => {
    const site = await redirectingSite();
    const client = clientOf(site.url, options);
    const errors = [await rejectionOf(client.call("read", READ_SHOTS)), await rejectionOf(client.call("read", READ_SHOTS))];
    // the second call sent the login again; no info asked to tell a wrong password from a missing PAT
    expect(site.sent).toEqual(Array.from({ length: 2 }, () => ({ method, login: "coord", session: undefined })));
    for (const error of errors) expectSsoRedirect(error, method);
  });

  it("the login accepted, its session redirected, also after one re-login: says so, the site URL or a proxy first (explain(), no further login)", async () => {
    const site = await redirectingSite(Infinity);
    const client = clientOf(site.url);
    expectSsoRedirect(await rejectionOf(client.call("read", READ_SHOTS)), "read", true);
    expect(site.sent.map((s) => s.method)).toEqual(["get_session_token", "read", "get_session_token", "read"]);
  });

  it("its session redirected, then the re-login redirected: the login's redirect, as the password was not checked this time", async () => {
    const site = await redirectingSite(1);
    const client = clientOf(site.url);
    expectSsoRedirect(await rejectionOf(client.call("read", READ_SHOTS)), "get_session_token");
    expect(site.sent.map((s) => s.method)).toEqual(["get_session_token", "read", "get_session_token"]);
  });

  it("authenticateHumanUser explains it the same way", async () => {
    const site = await redirectingSite();
    const client = clientOf(site.url);
    expectSsoRedirect(await rejectionOf(authenticateHumanUser(client, { login: "coord", password: PLANTED_PASSWORD })), "read");
  });
});
