// The refusal scriptAuth explains quotes the site's words (`serverMessage`), which a site or proxy may fill with what
// it received: the key, and the Basic auth of a site URL with `user:pass@`. The explanation is scrubbed of every secret
// of the refused call, not only of the key — also when the refusal it is handed was not scrubbed by whoever made it
// (here a `refused` check of `client.http()` that quotes the answer as it came).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { findSecrets, rejectionOf } from "@sg/testing";
import { SgAuthError, createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { SgScriptAuthError, scriptAuth } from "./index.js";

const PLANTED_KEY = "7e1c00dfacecafe0123456789abcdef0123456789abcdef0123456789abc7e1c";
const BASIC_PASSWORD = "BAPWmark-66";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** The Basic auth header value (base64 of `user:password`) a client of a site URL with `buser:${BASIC_PASSWORD}@` sends. */
const BASIC_VALUE = Buffer.from(`buser:${BASIC_PASSWORD}`).toString("base64");

/** The Basic auth header value received, decoded to `user:password`. */
const decoded = (value: string): string => Buffer.from(value, "base64").toString("utf8");

/** A site on 127.0.0.1 that refuses every upload step, quoting `echo` of the Basic auth header value it received. */
async function echoingSite(echo: (value: string) => string): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const basic = echo((req.headers.authorization ?? "").replace(/^Basic /, ""));
      res.writeHead(200, { "content-type": "text/plain" }).end(`0\nCan't authenticate ${basic} (error_code 102)`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://buser:${BASIC_PASSWORD}@127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("scriptAuth's explanation of a refusal that echoes the site URL's Basic auth", () => {
  /** The refusal of an upload step to a client of `site`, by a caller's check that quotes the answer unscrubbed. */
  async function refusal(site: string): Promise<SgScriptAuthError> {
    const client = createClient({ site, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "ingest", scriptKey: PLANTED_KEY }) });
    closers.push(() => client.close());
    const error = await rejectionOf(
      client.http({
        method: "POST",
        target: "/upload/upload_file",
        form: { entity_type: "Shot" },
        // A caller's check that quotes the answer unscrubbed: the strategy still scrubs what it quotes.
        refused: (response) => new SgAuthError("refused", { errorCode: 102, serverMessage: new TextDecoder().decode(response.body).slice(2, -17) }),
      }),
    );
    expect(error).toBeInstanceOf(SgScriptAuthError);
    return error as SgScriptAuthError;
  }

  it("keeps the site's words without the Basic-auth password or the key", async () => {
    const explained = await refusal(await echoingSite(decoded));
    expect(explained.serverMessage).toBe("Can't authenticate buser:[REDACTED]");
    // The explanation's own texts; its cause is the caller's error, as the caller made it.
    const own = Object.assign(new Error(explained.message), { serverMessage: explained.serverMessage, hint: explained.hint });
    expect(findSecrets(own, [BASIC_PASSWORD, PLANTED_KEY])).toEqual([]);
    expect(JSON.stringify({ ...explained.toJSON(), cause: undefined })).not.toContain(BASIC_PASSWORD);
  });

  it("keeps the site's words without the Basic auth header value, when the site quotes it as sent (base64)", async () => {
    const explained = await refusal(await echoingSite((value) => value));
    expect(explained.serverMessage).toBe("Can't authenticate [REDACTED]");
    const own = Object.assign(new Error(explained.message), { serverMessage: explained.serverMessage, hint: explained.hint });
    expect(findSecrets(own, [BASIC_VALUE, BASIC_PASSWORD, PLANTED_KEY])).toEqual([]);
    expect(JSON.stringify({ ...explained.toJSON(), cause: undefined })).not.toContain(BASIC_VALUE);
  });
});
