import { describe, expect, it } from "vitest";
import { decodeTextInput } from "./text-input.js";

// A file or standard input that is not text is refused with where it first goes wrong: the byte offset, its line
// and what is there, so that the person can find it (`sed -n 2p`, a hex viewer).

/** The message of the refusal of `bytes`. */
function refusal(bytes: readonly number[]): string {
  try {
    decodeTextInput(Uint8Array.from(bytes), "data from x.json");
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
}

const ascii = (text: string): number[] => [...Buffer.from(text, "latin1")];

describe("decodeTextInput names the first bad byte", () => {
  it.each([
    ["a Latin-1 é on the second line", [...ascii('{\n"a": "caf'), 0xe9, ...ascii('"}')], "first at byte offset 11 (line 2), the byte 0xE9"],
    ["a UTF-8 sequence cut short by an ASCII byte", [...ascii("ab"), 0xe2, 0x9c, ...ascii("x")], "first at byte offset 2 (line 1), the byte 0xE2"],
    ["a sequence cut short at the end", [...ascii("ab"), 0xf0, 0x9f, 0x94], "first at byte offset 2 (line 1), the byte 0xF0"],
    ["an overlong form", [...ascii("a"), 0xc0, 0xaf], "first at byte offset 1 (line 1), the byte 0xC0"],
    ["an encoded surrogate", [...ascii("a"), 0xed, 0xa0, 0x80], "first at byte offset 1 (line 1), the byte 0xED"],
    ["a stray continuation byte after good text", [...Buffer.from("é✓\n"), 0x80], "first at byte offset 6 (line 2), the byte 0x80"],
    ["a NUL (UTF-16 without its mark)", [0x7b, 0x00, 0x7d, 0x00], "first at byte offset 1 (line 1), a NUL"],
    ["half a surrogate pair in UTF-16LE", [0xff, 0xfe, 0x0a, 0x00, 0x61, 0x00, 0x00, 0xd8, 0x62, 0x00], "first at byte offset 6 (line 2), the unit 0xD800, half a surrogate pair"],
    ["a lone low half in UTF-16BE", [0xfe, 0xff, 0x00, 0x61, 0xdc, 0x00], "first at byte offset 4 (line 1), the unit 0xDC00, half a surrogate pair"],
    ["an odd last byte in UTF-16LE", [0xff, 0xfe, 0x61, 0x00, 0x62], "first at byte offset 4 (line 1), an odd last byte"],
  ])("%s", (_, bytes, where) => {
    expect(refusal(bytes)).toBe(`data from x.json is not UTF-8 text (nor UTF-16 with a byte order mark): ${where}`);
  });

  it("takes a surrogate pair in UTF-16 and any UTF-8 character as good", () => {
    expect(decodeTextInput(Uint8Array.from([0xff, 0xfe, 0x3d, 0xd8, 0x11, 0xdd]), "x")).toBe("\u{1F511}");
    expect(decodeTextInput(Buffer.from("é✓\u{1F511}"), "x")).toBe("é✓\u{1F511}");
  });
});
