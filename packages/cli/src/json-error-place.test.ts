import { describe, expect, it } from "vitest";
import { jsonErrorPlace } from "./json-error-place.js";

/** What `JSON.parse(text)` throws, placed. */
function placed(text: string, secrets: readonly string[] = []): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return jsonErrorPlace(text, (error as Error).message, secrets);
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
    // Node 20 quotes the source for an unexpected token and gives no position of its own: no place is added then, and
    // the quote is left out (it may hold a secret).
    if (/ in JSON at position \d+/.test(raw)) expect(placed(text)).toContain("(line 1, column 19)");
    else expect(placed(text)).toBe(raw.replace(/, (?:\.\.\.)?"[^]*"(?:\.\.\.)? is not valid JSON$/, " (the text around it is not shown: it may hold a secret)"));
  });

  it("ends a CRLF file's excerpt at the line's end, without its carriage return", () => {
    const message = placed('[1,\r\n {"a": 1,}\r\n]');
    expect(message).toMatch(/\(line 2, column 10\):  \{"a": 1,\}$/);
  });

  // The excerpt was cut first and scrubbed after: a secret field whose name the cut left out, or a known secret cut
  // in half, was no longer found, and its value (or its end) was printed.
  describe("never shows a secret", () => {
    /** Every run of 5 characters of `secret` that `out` holds. */
    const pieces = (out: string, secret: string): string[] => Array.from({ length: secret.length - 4 }, (_, i) => secret.slice(i, i + 5)).filter((p) => out.includes(p));

    it("blanks a secret-named field's value whose name lies outside the excerpt", () => {
      const text = '[{"request_type":"update","entity_type":"HumanUser","entity_id":3,"data":{"user_password":"MRKpass-0123456789abcdef" "sg_x":1}}]';
      const out = placed(text);
      expect(out).not.toContain("MRK");
      expect(out).toMatch(/\(line 1, column 118\): …/);
      expect(out).toContain('"sg_x":1}}]');
      // A name the patterns miss (a digit in it), far from the error: the value is blanked as one whose name is cut.
      const far = placed(`{"data":{"password2":"MRK${"p".repeat(30)}" "sg_x":1}}`);
      expect(far).not.toContain("MRK");
      expect(far).not.toContain("ppp");
      expect(far).toContain('[REDACTED]" "sg_x":1}}');
    });

    it("scrubs a known secret from the whole text before cutting, wherever the cut falls", () => {
      const key = "MRKkey0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6END";
      for (let pad = 0; pad < 50; pad += 7) {
        const text = `{"filters": [["description", "is", "${"x".repeat(pad)}${key}"]] "more": 1}`;
        const out = placed(text, [key]);
        expect(pieces(out, key)).toEqual([]);
        expect(out).toContain("column");
      }
    });

    it("blanks a value whose name may be a secret's, which the patterns miss, and shows an ordinary one the edge cuts", () => {
      // A cut string of an ordinary field is shown: the error is often inside one.
      const path = "C:" + "\\" + "renders" + "\\" + "q".repeat(40);
      expect(placed(`{"note": "${path}", "a" "b"}`)).toContain("qqqq");
      expect(placed('{"password2": "MRKpw", "a" "b"}')).not.toContain("MRK");
      expect(placed('{"password_proxy": "MRKpw" "a": 1}')).not.toContain("MRK");
      expect(placed('{"api_key": 123456789 "b": 1}')).not.toContain("123456789");
    });

    it("blanks a secret's string the error lies inside", () => {
      expect(placed('{"password": "MRKa\\qMRKb"}')).not.toContain("MRK");
      expect(placed('{"x": "MRKa\\qMRKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}', ["MRKa\\qMRKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"])).not.toContain("MRK");
    });

    it("blanks a secret's value on the line after its name, a single-quoted one, and a list or object", () => {
      const twoLines = placed('{"login": "bob", "password":\n  "Hunter2Hunter2xyz" "sg_status_list": "act"}');
      expect(twoLines).toContain("(line 2,");
      expect(twoLines).not.toContain("Hunter2");
      expect(placed("{'script_key': 'abc, MRKPART more'}")).not.toContain("MRK");
      expect(placed("{'password': 'x}MRKPART'}")).not.toContain("MRK");
      expect(placed('{"api_key": ["MRKa", "MRKb"] "x": 1}')).not.toContain("MRK");
      expect(placed('{"password": {"value": "MRKv"} "n": 1}')).not.toContain("MRK");
    });

    it("leaves out the parser's own quote when it gives no position", () => {
      const text = '{"login": "bob", "password": Hunter2Hunter2xyz}';
      expect(placed(text)).not.toContain("Hunter2");
    });

    it("shows where ordinary errors are: a bad escape, a string with no end, a tab", () => {
      expect(placed('{"code": "sh010", "description": "frames are in C:\\renders\\shots now", "x": 1}')).toContain("renders");
      expect(placed('{"code": "sh010", "description": "a long text with no end')).toContain("no end");
      expect(placed('{"code": "sh010", "description": "a\ttab"}')).toContain("description");
    });

    it("still shows the strings wholly inside the excerpt, keys and values", () => {
      expect(placed('{"code": "SH010" "sg_status_list": "ip"}')).toMatch(/\(line 1, column 18\): \{"code": "SH010" "sg_status_list": "ip"\}$/);
    });
  });
});
