// A Python site that refuses a login may quote the password as Python writes a string: `u'p\xe4ss\u2713'` (Python 2's
// repr), `b'p\xc3\xa4ss'` (its UTF-8 bytes) or with `\U0001f511` for a character outside the BMP. The refusal's
// error, its cause (the transport's fault) and their JSON and inspect carry none of these escapes of the password.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { findSecrets, rejectionOf } from "@sg/testing";
import { SgAuthError, createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { legacyLoginAuth } from "./index.js";

const PASSWORD = "pässwörd✓\u{1F511}";
/** How Python 2 writes the password (unicode and UTF-8 bytes), and how Python 3 writes it with non-printable escapes. */
const ECHOES = ["u'p\\xe4ssw\\xf6rd\\u2713\\U0001f511'", "b'p\\xc3\\xa4ssw\\xc3\\xb6rd\\xe2\\x9c\\x93\\xf0\\x9f\\x94\\x91'"];
const ESCAPED = ["p\\xe4ssw", "p\\xc3\\xa4ssw", "\\U0001f511", "\\xf0\\x9f\\x94\\x91"];

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A site on 127.0.0.1 that answers `info` and refuses every other call with fault 102, quoting the password. */
async function pythonSite(): Promise<string> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const method = (JSON.parse(body) as { method_name?: string }).method_name;
      const answer = method === "info" ? { version: [8, 50, 0], totp_enabled: false } : { exception: true, error_code: 102, message: `Can't authenticate user u'jos\\xe9' with password ${ECHOES.join(" (bytes ")})` };
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("legacyLoginAuth's refusal by a site that quotes the password in Python's repr escapes", () => {
  it("carries no escape of the password in the error, its cause, their JSON or inspect", async () => {
    const client = createClient({ site: await pythonSite(), transport: jsonRpcTransport(), auth: legacyLoginAuth({ login: "josé", password: PASSWORD, keepSession: false }) });
    closers.push(() => client.close());
    const error = await rejectionOf(client.call("read", { type: "Shot", filters: [] }));
    expect(error).toBeInstanceOf(SgAuthError);
    expect(findSecrets(error, [PASSWORD, ...ESCAPED])).toEqual([]);
    // The site's words are kept around the password: the login it names (not a secret) is still there.
    const cause = (error as SgAuthError).cause as SgAuthError;
    expect(cause.message).toContain("Can't authenticate user u'jos\\xe9' with password u'[REDACTED]' (bytes b'[REDACTED]')");
  });
});
