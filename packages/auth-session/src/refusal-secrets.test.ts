// The errors sessionAuth makes of a refusal quote the site's words (`serverMessage`), which a site or proxy may fill
// with what it received: the token, and the Basic auth of a site URL with `user:pass@`. They are scrubbed of every
// secret of the refused call — also when the refusal they are handed was not scrubbed by whoever made it (here a
// `refused` check of `client.http()` that quotes the answer, from the emulator's fault injection, as it came).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findSecrets, rejectionOf } from "@sg/testing";
import { SgAuthError, createClient, type AuthStrategy, type HttpResponse } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { SgSessionError, sessionAuth } from "./index.js";

const BASIC_PASSWORD = "BAPWmark-66";
const TOKEN = "planted-session-token-4e8d1b7a2c9f";
const FRESH = "planted-session-token-0b6e3f9d5a1c";

let site: EmulatorHandle;
beforeAll(async () => {
  site = await startEmulator({ fixtures: "demo" });
});
afterAll(() => site.close());

/** A caller's check that quotes a refused upload's answer unscrubbed. */
const quoting = (response: HttpResponse): SgAuthError => new SgAuthError("refused", { errorCode: 102, serverMessage: new TextDecoder().decode(response.body).slice(2, -17) });

/** An upload step refused once for each token in `echoed`, the answer quoting it and the Basic auth of the site URL. */
async function refusedUpload(auth: AuthStrategy, echoed: readonly string[]): Promise<SgSessionError> {
  const client = createClient({ site: site.url.replace("http://", `http://buser:${BASIC_PASSWORD}@`), transport: jsonRpcTransport(), auth });
  for (const token of echoed) site.injectFault({ method: "/upload/upload_file", status: 200, body: `0\nCan't authenticate buser:${BASIC_PASSWORD} ${token} (error_code 102)` });
  try {
    const error = await rejectionOf(client.http({ method: "POST", target: "/upload/upload_file", form: { entity_type: "Shot" }, refused: quoting }));
    expect(error).toBeInstanceOf(SgSessionError);
    return error as SgSessionError;
  } finally {
    await client.close();
  }
}

/** The error's own texts (its cause is the caller's error, as the caller made it). */
function ownSecrets(error: SgSessionError): string[] {
  const own = Object.assign(new Error(error.message), { serverMessage: error.serverMessage, hint: error.hint });
  return findSecrets(own, [BASIC_PASSWORD, TOKEN, FRESH]);
}

describe("sessionAuth's errors for a refusal that echoes the site URL's Basic auth", () => {
  it("without refresh(): SG_SESSION_EXPIRED keeps the site's words without the Basic-auth password or the token", async () => {
    const error = await refusedUpload(sessionAuth({ sessionToken: TOKEN }), [TOKEN]);
    expect(error.code).toBe("SG_SESSION_EXPIRED");
    expect(error.serverMessage).toBe("Can't authenticate buser:[REDACTED] [REDACTED]");
    expect(ownSecrets(error)).toEqual([]);
  });

  it("the new token refused too: SG_SESSION_REFRESH_FAILED keeps the site's words without the Basic-auth password or a token", async () => {
    const error = await refusedUpload(sessionAuth({ sessionToken: TOKEN, refresh: async () => FRESH }), [TOKEN, FRESH]);
    expect(error.code).toBe("SG_SESSION_REFRESH_FAILED");
    expect(error.serverMessage).toBe("Can't authenticate buser:[REDACTED] [REDACTED]");
    expect(ownSecrets(error)).toEqual([]);
  });
});
