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

/** A site on 127.0.0.1 that refuses every upload step, quoting the Basic auth header it received, decoded. */
async function echoingSite(): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const basic = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString("utf8");
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
  it("keeps the site's words without the Basic-auth password or the key", async () => {
    const client = createClient({ site: await echoingSite(), transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "ingest", scriptKey: PLANTED_KEY }) });
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
    const explained = error as SgScriptAuthError;
    expect(explained.serverMessage).toBe("Can't authenticate buser:[REDACTED]");
    // The explanation's own texts; its cause is the caller's error, as the caller made it.
    const own = Object.assign(new Error(explained.message), { serverMessage: explained.serverMessage, hint: explained.hint });
    expect(findSecrets(own, [BASIC_PASSWORD, PLANTED_KEY])).toEqual([]);
    expect(JSON.stringify({ ...explained.toJSON(), cause: undefined })).not.toContain(BASIC_PASSWORD);
  });
});
