import { describe, expect, it } from "vitest";
import { jsonErrorPlace } from "./json-error-place.js";

/** What `JSON.parse(text)` throws, placed. */
function placed(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return jsonErrorPlace(text, (error as Error).message);
  }
  throw new Error("parsed");
}

describe("jsonErrorPlace", () => {
  it("reads the position only from the parser's own words, never from the text it quotes", () => {
    const text = '["at position 3", x]';
    let raw = "";
    try {
      JSON.parse(text);
    } catch (error) {
      raw = (error as Error).message;
    }
    // Node 20 quotes the source for an unexpected token and gives no position of its own: nothing is added then.
    expect(placed(text)).toBe(/ in JSON at position \d+/.test(raw) ? expect.stringContaining("(line 1, column 19)") : raw);
  });

  it("ends a CRLF file's excerpt at the line's end, without its carriage return", () => {
    const message = placed('[1,\r\n {"a": 1,}\r\n]');
    expect(message).toMatch(/\(line 2, column 10\):  \{"a": 1,\}$/);
  });
});
