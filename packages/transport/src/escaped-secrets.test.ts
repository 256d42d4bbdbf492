import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { SgHttpError, createClient } from "@sg/core";
import type { AuthStrategy, Credentials } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { startServer, text } from "./test-support/server.js";
import type { TestServer } from "./test-support/server.js";

// A site's error page that quotes the password back escaped (an HTML page, a JSON dump with \u escapes, a
// percent-encoded query string) must not carry it out in the error: core scrubs those forms of a secret too.
const PASSPHRASE = "Tr0ub4dor&3<é>x";
const ECHOES = {
  html: "Tr0ub4dor&amp;3&lt;é&gt;x",
  entities: "Tr0ub4dor&#38;3&#x3C;&#233;&#x3e;x",
  json: '"Tr0ub4dor&3<\\u00e9>x"',
  percent: "Tr0ub4dor%263%3C%C3%A9%3Ex",
  percentLower: "Tr0ub4dor%263%3c%c3%a9%3ex",
};

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const user: AuthStrategy = {
  name: "test user",
  credentials: async (): Promise<Credentials> => Object.freeze({ kind: "user", login: "bob", password: PASSPHRASE }),
};

describe("a secret the site echoes escaped in an error body", () => {
  it("is scrubbed from the SgHttpError of a 500 read through the client, in every escaped form", async () => {
    const server = await startServer((_req, res) => text(res, `<html><body><h1>Internal error</h1><p>login failed: ${Object.entries(ECHOES).map(([k, v]) => `${k}=${v}`).join(" ")}</p></body></html>`, 500, "text/html"));
    servers.push(server);
    const sg = createClient({ site: server.url, transport: jsonRpcTransport({ retry: false }), auth: user });
    const error = await sg.call("read", { type: "Shot" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SgHttpError);
    const http = error as SgHttpError;
    expect(http.status).toBe(500);
    expect(http.bodySnippet).toBe(`<html><body><h1>Internal error</h1><p>login failed: html=[REDACTED] entities=[REDACTED] json="[REDACTED]" percent=[REDACTED] percentLower=[REDACTED]</p></body></html>`);
    for (const shown of [http.message, JSON.stringify(http), inspect(http, { depth: 9 })]) {
      for (const echo of [PASSPHRASE, ...Object.values(ECHOES)]) expect(shown).not.toContain(echo.replaceAll('"', ""));
    }
    expect(server.requests).toHaveLength(1);
  });
});
