// A script call answered with a redirect to the site's SAML login (`/saml/saml_login_request`): @sg/transport makes
// it an SgAuthError with code SG_SSO_SESSION_EXPIRED and no fault code. A script key is not tied to an SSO session,
// so the redirect says nothing about the name or key: it must not read as SG_SCRIPT_REJECTED.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { findSecrets, rejectionOf } from "@sg/testing";
import { SgAuthError, createClient } from "@sg/core";
import type { Client } from "@sg/core";
import { SSO_SESSION_EXPIRED, jsonRpcTransport } from "@sg/transport";
import { SgScriptAuthError, explainScriptFault, scriptAuth, scriptAuthHint, withScriptHints } from "./index.js";

const PLANTED_KEY = "5a3f00dfacecafe0123456789abcdef0123456789abcdef0123456789abc5a3f";
const READ = { type: "Shot", filters: { logical_operator: "and", conditions: [] }, return_fields: ["code"], paging: { entities_per_page: 5, current_page: 1 } };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A client with `scriptAuth` on a node:http site (127.0.0.1) whose API redirects every call to its SAML login. */
async function redirectedClient(): Promise<{ client: Client; scripts: unknown[] }> {
  const scripts: unknown[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      scripts.push((JSON.parse(body) as { params: [{ script_name?: string }] }).params[0].script_name);
      res.writeHead(302, { location: "/saml/saml_login_request" });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = createClient({
    site: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    transport: jsonRpcTransport(),
    auth: scriptAuth({ scriptName: "ingest", scriptKey: PLANTED_KEY }),
  });
  closers.push(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { client, scripts };
}

/** The redirect, explained for a script: code kept, SSO and the site URL or a proxy named, the key not blamed. */
const HINT =
  "Check the site URL (the site itself, not an SSO portal) and any proxy or gateway that enforces SSO on /api3/json: " +
  "API calls must reach the site without a browser login. The script name and key were not checked.";

function expectSsoRedirect(error: unknown): void {
  expect(error).toBeInstanceOf(SgAuthError);
  expect(error).not.toBeInstanceOf(SgScriptAuthError);
  const e = error as SgAuthError & { status?: number };
  expect(e).toMatchObject({ code: SSO_SESSION_EXPIRED, status: 302, method: "read" });
  expect(e.reason).toBe("@sg/auth-script: the site redirected the call of script 'ingest' to its SSO (SAML) login: something in front of the site sends API calls to SSO (a script key needs no SSO session)");
  expect(e.hint).toBe(HINT);
  expect(e.message).not.toMatch(/name or (application )?key is wrong|retired|log in again/i);
  expect((e.cause as SgAuthError).code).toBe(SSO_SESSION_EXPIRED);
  expect(findSecrets(e, [PLANTED_KEY])).toEqual([]);
}

describe("scriptAuth on a site that redirects the API to its SAML login", () => {
  it("says that something in front of the site sent the call to SSO, not that the key is wrong", async () => {
    const { client, scripts } = await redirectedClient();
    expectSsoRedirect(await rejectionOf(client.call("read", READ)));
    // a refusal of a script is never re-sent: the key will not change
    expect(scripts).toEqual(["ingest"]);
  });

  it("explains it once: withScriptHints and explainScriptFault leave the explained error as it is; scriptAuthHint gives its hint", async () => {
    const { client } = await redirectedClient();
    const error = await rejectionOf(withScriptHints(client, { scriptName: "ingest", secrets: [PLANTED_KEY] }).call("read", READ));
    expectSsoRedirect(error);
    expect(explainScriptFault(error, { scriptName: "ingest" })).toBe(error);
    expect(scriptAuthHint(error)).toBe(HINT);
    // the transport's error as it comes, explained by hand
    const raw = (error as SgAuthError).cause;
    expect(explainScriptFault(raw, { scriptName: "ingest" })).toMatchObject({ code: SSO_SESSION_EXPIRED, hint: HINT });
  });
});
