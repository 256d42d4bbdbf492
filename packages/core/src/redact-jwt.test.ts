import { describe, expect, it } from "vitest";
import { REDACTED, scrubText } from "./redact.js";

// {"alg":"HS256","typ":"JWT"} . {"sub":"1234567890","name":"Ann"} . a signature with `-` and `_` in it
const JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFubiJ9.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9-lFUP0THsR8U";
// {"alg":"none"} . {"sub":"bob"} . no signature
const UNSIGNED = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJib2IifQ.";

describe("scrubText: a JSON Web Token not among the given secrets", () => {
  it("is removed from plain text, a log line and an unsigned token", () => {
    expect(scrubText(`session expired: ${JWT} please log in`)).toBe(`session expired: ${REDACTED} please log in`);
    expect(scrubText(`proxy: GET /api/v1 token=${JWT}; 401`, ["other-secret"])).toBe(`proxy: GET /api/v1 token=${REDACTED}; 401`);
    expect(scrubText(`unsigned ${UNSIGNED} ok`)).toBe(`unsigned ${REDACTED} ok`);
  });

  it("is removed from a URL's query, under a secret field's name or any other", () => {
    expect(scrubText(`https://h/cb?access_token=${JWT}&state=7`)).toBe(`https://h/cb?access_token=${REDACTED}&state=7`);
    expect(scrubText(`https://h/cb?jwt=${JWT}&state=7#t=${UNSIGNED}`)).toBe(`https://h/cb?jwt=${REDACTED}&state=7#t=${REDACTED}`);
  });

  it("is removed from HTML and JSON", () => {
    const html = `<form><input type="hidden" name="sess" value="${JWT}"></form><pre>${JWT}</pre>`;
    expect(scrubText(html)).toBe(`<form><input type="hidden" name="sess" value="${REDACTED}"></form><pre>${REDACTED}</pre>`);
    expect(scrubText(`{"data":"${JWT}","n":1}`)).toBe(`{"data":"${REDACTED}","n":1}`);
  });

  it("is removed next to punctuation, and only the token", () => {
    for (const [before, after] of [["(", ")"], ["'", "';"], ["[", "],"], ["<", ">"], ["", "."], ["x:", "!"], ["a.", ".b"]]) {
      expect(scrubText(`${before}${JWT}${after}`)).toBe(`${before}${REDACTED}${after}`);
    }
  });

  it("leaves ordinary dotted text and JWT-like runs inside longer words", () => {
    const text = [
      "shot.Shot.code",
      "v1.2.3",
      "eyJ",
      "eyJ.eyJ.x",
      "eyJa.eyJb",
      "EYJa.EYJb.c",
      "eyja.eyjb.c",
      "xeyJa.eyJb.c",
      "my-eyJa.eyJb.c",
      "a.eyJb.c",
      "sg_status_list.eyJ",
    ].join(" ");
    expect(scrubText(text)).toBe(text);
  });

  // Each must end well inside the test's timeout; a pattern that backtracked from every start would take minutes.
  it.each([
    ["eyJa.", `${REDACTED}.`],
    ["a.", "a.a.a."],
    [".eyJa", `.${REDACTED}`],
    ["-eyJ", "-eyJ-eyJ-eyJ"],
    ["eyJ-", "eyJ-eyJ-eyJ-"],
    ["eyJa.eyJb!", "eyJa.eyJb!".repeat(3)],
  ])("takes linear time on 1 MB of %j", (unit, three) => {
    const n = 3 * Math.ceil(1_000_000 / unit.length / 3);
    const scrubbed = scrubText(`${unit.repeat(n)} ${JWT} tail`);
    expect(scrubbed).toBe(`${three.repeat(n / 3)} ${REDACTED} tail`);
  });
});
