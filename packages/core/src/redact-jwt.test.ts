import { describe, expect, it } from "vitest";
import { REDACTED, scrubText } from "./redact.js";

// {"alg":"HS256","typ":"JWT"} . {"sub":"1234567890","name":"Ann"} . a signature with `-` and `_` in it
const JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFubiJ9.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9-lFUP0THsR8U";
// {"alg":"none"} . {"sub":"bob"} . no signature
const UNSIGNED = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJib2IifQ.";
// A compact JWE: {"alg":"RSA-OAEP","enc":"A256GCM"} . encrypted key . IV . ciphertext . tag (RFC 7516 A.1, shortened)
const JWE = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ";
// {"alg":"dir","enc":"A128GCM"}: a direct-key JWE's encrypted key is empty
const JWE_DIR = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4.XFBoMYUZodetZdvTiFvSkQ";

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

  it("is removed right after a percent-escape, as a URL or a form body carries it", () => {
    expect(scrubText(`body: %7B%22id_token%22%3A%22${JWT}%22%7D`)).toBe(`body: %7B%22id_token%22%3A%22${REDACTED}%22%7D`);
    expect(scrubText(`redirect_uri=https%3A%2F%2Fapp.test%2Fcb%3Faccess_token%3D${JWT}&s=1`)).toBe(`redirect_uri=https%3A%2F%2Fapp.test%2Fcb%3Faccess_token%3D${REDACTED}&s=1`);
    expect(scrubText(`GET /x?auth=Bearer%20${JWT} 401`)).toBe(`GET /x?auth=Bearer%20${REDACTED} 401`);
  });

  it("is removed right after a JSON escape", () => {
    expect(scrubText(String.raw`{"message":"invalid token:\n${JWT}"}`)).toBe(String.raw`{"message":"invalid token:\n${REDACTED}"}`);
    expect(scrubText(String.raw`{"message":"token \u0022${JWT}\u0022 expired"}`)).toBe(String.raw`{"message":"token \u0022${REDACTED}\u0022 expired"}`);
    expect(scrubText(String.raw`{"t":"\"${UNSIGNED}\"","u":"\/${JWT}"}`)).toBe(String.raw`{"t":"\"${REDACTED}\"","u":"\/${REDACTED}"}`);
  });

  it("is removed when encrypted (a compact JWE: five segments), the encrypted key empty or not", () => {
    expect(scrubText(`token ${JWE} here`)).toBe(`token ${REDACTED} here`);
    expect(scrubText(`{"id_tok":"${JWE_DIR}"}`)).toBe(`{"id_tok":"${REDACTED}"}`);
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
      "eyJa.b.c.d",
      "eyJa..b.c",
      "%2xeyJa.eyJb.c",
      "%ZZeyJa.eyJb.c",
      "ab%22xeyJa.eyJb.c",
      "\\u00ZZeyJa.eyJb.c",
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
    ["%22eyJa.", "%22eyJa.".repeat(3)],
    ["\\u0022eyJ", "\\u0022eyJ".repeat(3)],
    ["%22eyJa.eyJb.c", `%22${REDACTED}`.repeat(3)],
    ["eyJa.b.c.d!", "eyJa.b.c.d!".repeat(3)],
    ["eyJa..b.c.d ", `${REDACTED} `.repeat(3)],
  ])("takes linear time on 1 MB of %j", (unit, three) => {
    const n = 3 * Math.ceil(1_000_000 / unit.length / 3);
    const scrubbed = scrubText(`${unit.repeat(n)} ${JWT} tail`);
    expect(scrubbed).toBe(`${three.repeat(n / 3)} ${REDACTED} tail`);
  });
});
