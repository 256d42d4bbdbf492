/**
 * An attachment url that no URL parser reads, because a password in it holds a raw `/`, `?` or `#` (or it has no
 * scheme): refused before anything is sent, without the password in the error's message, toJSON or util.inspect.
 */
import { inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { SgValidationError, createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { entityApi } from "./index.js";

const client = createClient({ site: "https://sg.studio.test", transport: jsonRpcTransport() });
afterAll(() => client.close());

describe("downloadAttachment of a url with a password a parser does not read as one", () => {
  it("hides all up to the url's last @ and hints to percent-encode", async () => {
    const sg = entityApi(client);
    for (const url of ["https://u:Pa55/word-MARKER@storage.example.com/x", "https://u:Pa55?word-MARKER@storage.example.com/x", "https://u:Pa55#word-MARKER@storage.example.com/x"]) {
      const error = await sg.downloadAttachment({ url, name: "x" }).catch((e: unknown) => e);
      expect(error, url).toBeInstanceOf(SgValidationError);
      expect(error).toMatchObject({ path: ["attachment", "url"], received: 'string "https://[REDACTED]@storage.example.com/x"', hint: expect.stringMatching(/^Percent-encode \/ \? # @ : in a user name or password\.$/) });
      for (const text of [String(error), JSON.stringify(error), inspect(error, { showHidden: true, depth: 9 })]) expect(text, url).not.toMatch(/MARKER|Pa55/);
    }
  });
});
