// The errors legacyLoginAuth makes of a refusal quote the site's words (`serverMessage`), which a site or proxy may
// fill with what it received: the password, and the Basic auth of a site URL with `user:pass@`. They are scrubbed of
// every secret of the refused call — also when the refusal they are handed was not scrubbed by whoever made it (here a
// `refused` check of `client.http()` that quotes the answer, from the emulator's fault injection, as it came).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findSecrets, rejectionOf } from "@sg/testing";
import { SgAuthError, createClient, type HttpResponse } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { legacyLoginAuth } from "./index.js";

const BASIC_PASSWORD = "BAPWmark-66";
const PASSWORD = "coord-pass-1";

let site: EmulatorHandle;
beforeAll(async () => {
  site = await startEmulator({ fixtures: "demo" });
});
afterAll(() => site.close());

/** A caller's check that quotes a refused upload's answer unscrubbed. */
const quoting = (response: HttpResponse): SgAuthError => new SgAuthError("refused", { errorCode: 102, serverMessage: new TextDecoder().decode(response.body).slice(2, -17) });

describe("legacyLoginAuth's explanation of a refusal that echoes the site URL's Basic auth", () => {
  it("keeps the site's words without the Basic-auth password or the password", async () => {
    const client = createClient({
      site: site.url.replace("http://", `http://buser:${BASIC_PASSWORD}@`),
      transport: jsonRpcTransport(),
      auth: legacyLoginAuth({ login: "coord", password: PASSWORD, keepSession: false }),
    });
    site.injectFault({ method: "/upload/upload_file", status: 200, body: `0\nCan't authenticate buser:${BASIC_PASSWORD} ${PASSWORD} (error_code 102)` });
    try {
      const error = await rejectionOf(client.http({ method: "POST", target: "/upload/upload_file", form: { entity_type: "Shot" }, refused: quoting }));
      expect(error).toBeInstanceOf(SgAuthError);
      const explained = error as SgAuthError;
      expect(explained.code).toBe("SG_LEGACY_BAD_PASSWORD");
      expect(explained.serverMessage).toBe("Can't authenticate buser:[REDACTED] [REDACTED]");
      // The explanation's own texts; its cause is the caller's error, as the caller made it.
      const own = Object.assign(new Error(explained.message), { serverMessage: explained.serverMessage, hint: explained.hint });
      expect(findSecrets(own, [BASIC_PASSWORD, PASSWORD])).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
