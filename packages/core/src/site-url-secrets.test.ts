import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { SgError, SgValidationError } from "./errors.js";
import { parseSite } from "./site.js";
import { shownUrl } from "./shown-url.js";
import type { TransportStrategy } from "./transport-strategy.js";

/** Everything a refusal shows: its message, toJSON() and util.inspect (showHidden too). */
const shown = (error: unknown): string[] => [String(error), (error as Error).message, JSON.stringify(error), inspect(error), inspect(error, { showHidden: true, depth: 9 })];

// A password holding a raw / ? # or \ is not read as one by a URL parser (`render:Tr0ub` becomes a host and a bad port),
// and a URL without a scheme (`//user:pw@host`) has no `scheme://` for the URL_USERINFO pattern to start at.
const SITES = [
  "https://render:Tr0ub/4dor-MARKER@sg.studio.test",
  "https://render:Tr0ub?4dor-MARKER@sg.studio.test",
  "https://render:Tr0ub#4dor-MARKER@sg.studio.test",
  "https://render:Tr0ub\\4dor-MARKER@sg.studio.test",
  "https://render:Tr0ub/4dor@MARKER@sg.studio.test",
  "//render:Tr0ub4dor-MARKER@sg.studio.test",
  // Parsed, but as the wrong host: `Tr0ub` (or `render` on port 1234), with the rest of the password in the path or query.
  " https://Tr0ub/4dor-MARKER@sg.studio.test",
  "https://render:1234/4dor-MARKER@sg.studio.test",
  "https://Tr0ub?4dor-MARKER@sg.studio.test",
];

describe("a refused URL holding user:password@", () => {
  it("parseSite and createClient hide all up to its last @, and hint to percent-encode, in message, toJSON and inspect", () => {
    const transport: TransportStrategy = { name: "unused", send: () => Promise.reject(new Error("not sent")) };
    for (const site of SITES) {
      for (const make of [() => parseSite(site), () => createClient({ site, transport })]) {
        let error: unknown;
        try {
          make();
        } catch (e) {
          error = e;
        }
        expect(error, site).toBeInstanceOf(SgValidationError);
        for (const text of shown(error)) {
          expect(text, site).not.toMatch(/MARKER|4dor|Tr0ub/);
          expect(text).toContain("[REDACTED]@");
        }
        expect((error as SgValidationError).hint).toMatch(/^Percent-encode \/ \? # @ : in a user name or password\.$/);
        expect((error as SgValidationError).received).toMatch(/^string " ?(https:)?\/\/\[REDACTED\]@sg\.studio\.test"$/);
      }
    }
  });

  it("names no hint when the refused URL holds no @", () => {
    let error: unknown;
    try {
      parseSite("https://sg.studio.test:badport/x?q=1");
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ received: 'string "https://sg.studio.test:badport/x"', hint: undefined });
  });

  it("client.http() names a target by the same rule in its errors", async () => {
    const transport: TransportStrategy = { name: "t", send: () => Promise.reject(new Error("not sent")), http: () => Promise.reject(new Error("not sent")) };
    const sg = createClient({ site: "https://sg.studio.test", transport });
    for (const target of ["//u:Pa55word-MARKER@storage.example.com/x", "https://u:Pa55/word-MARKER@storage.example.com/x"]) {
      const error = await sg.http({ method: "GET", target }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgError);
      expect((error as SgError).code).toBe("SG_AUTH_MISSING");
      for (const text of shown(error)) expect(text, target).not.toMatch(/MARKER|Pa55/);
    }
  });

  it("shownUrl keeps what is not user info", () => {
    expect(shownUrl("https://host/a/b?sig=x#frag")).toBe("https://host/a/b");
    expect(shownUrl("/upload/x?q")).toBe("/upload/x");
    expect(shownUrl("u:p/w@host/x")).toBe("u:[REDACTED]@host/x");
  });

  it("shownUrl takes linear time on a long run of leading slashes or spaces (1 MiB: quadratic took minutes)", () => {
    for (const lead of ["/", " ", "\\"]) {
      const url = `${lead.repeat(1 << 20)}x@host/p`;
      expect(shownUrl(url)).toBe(`${lead.repeat(1 << 20)}[REDACTED]@host/p`);
      expect(shownUrl(`a:${lead.repeat(1 << 20)}[`)).toBe(`a:${lead.repeat(1 << 20)}[`);
    }
  });
});
