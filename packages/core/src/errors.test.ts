import { inspect } from "node:util";
import { describe, expect, expectTypeOf, it } from "vitest";
import { SgAuthError, SgError, SgHttpError, SgProtocolError, SgValidationError, describeValue, formatPath } from "./errors.js";
import { redactValue, scrubText } from "./redact.js";
import { checkOptionsObject } from "./options-check.js";

const SECRET = "marker-secret-4f1c9a";

describe("errors never carry secrets", () => {
  it("scrubs given secrets out of the outside text it carries: cause, site message, toJSON and inspect", () => {
    const cause = Object.assign(new Error(`socket said ${SECRET}`), { code: "ECONNRESET", options: { body: { script_key: SECRET } } });
    const e = new SgAuthError("refused the key", { hint: "check the key", cause, secrets: [SECRET], serverMessage: `bad ${SECRET}`, errorCode: 102 });
    const texts = [e.message, e.hint ?? "", e.serverMessage ?? "", JSON.stringify(e), inspect(e, { depth: 10 }), String(e)];
    for (const t of texts) expect(t).not.toContain(SECRET);
    expect(e.serverMessage).toBe("bad [REDACTED]");
    expect(e.code).toBe("SG_AUTH_FAILED");
    expect(e.errorCode).toBe(102);
    expect((e.cause as { code?: string }).code).toBe("ECONNRESET");
    expect(inspect(e, { depth: 10 })).not.toContain("options");
  });

  it("never scrubs a secret value out of its own message or hint, which would show which fixed words the secret is", () => {
    // A password "wrong" made "the login or password is wrong" end in "is [REDACTED]"; "password" and a login
    // used as the password did the same. Patterns are still scrubbed there; values only from outside text.
    const secrets = ["wrong", "password", "coord"];
    const e = new SgAuthError("refused the login 'coord': the login or password is wrong", { hint: "Check the password. Basic dXNlcjpwYXNz", secrets, serverMessage: "bad password", cause: new Error("wrong") });
    expect(e.reason).toBe("refused the login 'coord': the login or password is wrong");
    expect(e.hint).toBe("Check the password. Basic [REDACTED]");
    expect(e.serverMessage).toBe("bad [REDACTED]");
    expect((e.cause as Error).message).toBe("[REDACTED]");
    // A validation error's description of the caller's value is outside text: scrubbed; its own words are not.
    const v = new SgValidationError("@sg/x", { path: ["login"], expected: "a login, not the password", received: 'string "s3cret-pass"', secrets: ["s3cret-pass", "password"] });
    expect(v.message).toBe('@sg/x: login: expected a login, not the password, got string "[REDACTED]"');
    expect(v.received).toBe('string "[REDACTED]"');
    // An echo in another case is outside text too; the library's own words in any case are still not searched.
    const c = new SgAuthError("refused: WRONG login or Password", { secrets: ["wrong", "Straße-9"], serverMessage: "bad WRONG: STRASSE-9" });
    expect(c.reason).toBe("refused: WRONG login or Password");
    expect(c.serverMessage).toBe("bad [REDACTED]: [REDACTED]");
  });

  it("scrubs a letters-only secret where it stands on its own, not inside a longer word; any other secret wherever it is", () => {
    // The password "the" made the site's "Can't authenticate user 'admin'." read "Can't au[REDACTED]nticate".
    expect(scrubText("Can't authenticate user 'admin'.", ["the"])).toBe("Can't authenticate user 'admin'.");
    expect(scrubText("echo the key: the", ["the"])).toBe("echo [REDACTED] key: [REDACTED]");
    for (const echoed of ["key=s3cret-Key_9&x", "'s3cret-Key_9'", "/s3cret-Key_9/", "(s3cret-Key_9)", "s3cret-Key_9"]) {
      expect(scrubText(echoed, ["s3cret-Key_9"])).not.toContain("s3cret-Key_9");
    }
    // A secret that is not letters only cannot be a word of the text: it goes wherever it is, after an escape too.
    for (const echoed of ['{"message":"bad key:\\nXk9pQ2mZ7w"}', "/login?next=%2FXk9pQ2mZ7w", "file sg_Xk9pQ2mZ7w_tmp", "Xk9pQ2mZ7wXk9pQ2mZ7w"]) {
      expect(scrubText(echoed, ["Xk9pQ2mZ7w"]), echoed).not.toContain("Xk9pQ2mZ7w");
    }
    expect(scrubText("x pa$$.w+ y xpa$$.w+", ["pa$$.w+"])).toBe("x [REDACTED] y x[REDACTED]");
  });

  it("scrubs a secret a site echoes escaped: as HTML, as JSON \\u escapes, percent-encoded, in either case of hex and in any mix", () => {
    const secret = "Tr0ub4dor&3<é>x";
    const echoes = [
      "Tr0ub4dor&amp;3&lt;é&gt;x", // HTML, named entities
      "Tr0ub4dor&#38;3&#60;&#233;&#62;x", // decimal entities
      "Tr0ub4dor&#x26;3&#X3C;&#xe9;&#x3E;x", // hex entities, either case
      "Tr0ub4dor&#0038;3&lt;é&#x003e;x", // leading zeros, and a mix
      '"Tr0ub4dor&3<\\u00e9>x"', // JSON with ensure_ascii (Python's json.dumps)
      '"Tr0ub4dor\\u00263\\u003C\\u00E9\\u003ex"', // JSON escaping &, < and > too (Go, Rails)
      "Tr0ub4dor%263%3C%C3%A9%3Ex", // percent-encoded, upper case
      "Tr0ub4dor%263%3c%c3%a9%3ex", // lower case
      "Tr0ub4dor&3<%C3%A9>x", // only the non-ASCII character encoded
    ];
    for (const echo of echoes) {
      const text = `<html><body>Bad password for bob: ${echo} (try again)</body></html>`;
      expect(scrubText(text, [secret]), echo).toBe("<html><body>Bad password for bob: [REDACTED] (try again)</body></html>".replace("[REDACTED]", echo.startsWith('"') ? '"[REDACTED]"' : "[REDACTED]"));
    }
    // The other escapes JSON and forms use: \", \\, \/ and + for a space; a character outside the BMP as a surrogate pair.
    expect(scrubText('{"message":"bad: p\\"w\\\\d\\/x 1"}', ['p"w\\d/x 1'])).toBe('{"message":"bad: [REDACTED]"}');
    expect(scrubText("password=my+pass+phrase&next=1", ["my pass phrase"])).toBe("password=[REDACTED]&next=1");
    expect(scrubText("k=%F0%9F%94%91-key9 j=\\ud83d\\udd11-key9 h=&#128273;-key9", ["\u{1F511}-key9"])).toBe("k=[REDACTED] j=[REDACTED] h=[REDACTED]");
    // Only the secret's own characters: a letter or digit is never taken for an escape, nor the neighbours of a match.
    expect(scrubText("Tr0ub4dor&amp;3&lt;é&gt;y and &amp;3", [secret])).toBe("Tr0ub4dor&amp;3&lt;é&gt;y and &amp;3");
    expect(scrubText("%54r0ub4dor&3<é>x", [secret])).toBe("%54r0ub4dor&3<é>x");
  });

  it("keeps a hint's quoted form-field name, and still scrubs quoted and unquoted values", () => {
    const hint = "Pass only what follows '_session_id=' (and stop at the next ';').";
    expect(scrubText(hint)).toBe(hint);
    expect(scrubText("_session_id='abc123' next")).toBe("_session_id=[REDACTED] next");
    expect(scrubText("session_token=abc'def&x=1")).toBe("session_token=[REDACTED]&x=1");
    expect(scrubText("a cookie _session_id='")).toBe("a cookie _session_id='");
  });

  it("scrubs credential patterns even when the value is not known", () => {
    const text = 'POST https://bob:hunter22@site/api3/json {"script_key":"abc123","user_password":"pw"} Authorization: Basic Ym9iOmh1bnRlcjIy session_token=zzz';
    const out = scrubText(text);
    for (const s of ["hunter22", "abc123", '"pw"', "Ym9iOmh1bnRlcjIy", "zzz"]) expect(out).not.toContain(s);
    // The key get_session_token answers with, in any spelling, in JSON and in forms; other fields stay.
    const reply = scrubText('{"session_id":"s1d-value","sessionId": "s2d-value","session_uuid":"u-1","code":"sh010"} _session_id=s3d-value&name=bob');
    for (const s of ["s1d-value", "s2d-value", "s3d-value"]) expect(reply).not.toContain(s);
    expect(reply).toContain('"session_uuid":"u-1","code":"sh010"');
    expect(reply).toContain("&name=bob");
    expect(redactValue({ a: { sessionToken: "t0k", list: [{ password: "p" }] }, ok: 1 })).toEqual({ a: { sessionToken: "[REDACTED]", list: [{ password: "[REDACTED]" }] }, ok: 1 });
  });

  it("replaces a secret-named property whatever its value, in redactValue and toJSON: a number, an object, a list", () => {
    const carried = { otp: 123456, credentials: { login: "bob", pass: "hunter2-secret" }, session_token: ["tok-abc-123"], n: 7 };
    expect(redactValue(carried)).toEqual({ otp: "[REDACTED]", credentials: "[REDACTED]", session_token: "[REDACTED]", n: 7 });
    const e = Object.assign(new SgError("boom"), { authToken: 987654, vault: carried });
    const json = JSON.stringify(e.toJSON());
    for (const s of ["123456", "987654", "hunter2-secret", "tok-abc-123"]) expect(json).not.toContain(s);
    expect(e.toJSON()).toMatchObject({ authToken: "[REDACTED]", vault: { otp: "[REDACTED]", n: 7 } });
    // Nothing to hide stays as it is: null, undefined and "".
    expect(redactValue({ password: null, api_token: undefined, secret: "" })).toEqual({ password: null, api_token: undefined, secret: "" });
  });

  it("puts the hint in the message and keeps reason and code apart", () => {
    const e = new SgHttpError("site answered 503", { status: 503, hint: "try later", bodySnippet: "down" });
    expect(e).toBeInstanceOf(SgError);
    expect(e.message).toBe("site answered 503\nHint: try later");
    expect(e.reason).toBe("site answered 503");
    expect(e.toJSON()).toMatchObject({ name: "SgHttpError", code: "SG_HTTP", status: 503, bodySnippet: "down" });
  });

  it("checkOptionsObject never echoes an unknown option's value, whatever its name", () => {
    const shape = { factory: "demoAuth", expected: "an object { login }", known: ["login"], aliases: { pwd: "password" } };
    for (const [key, value] of [["pat", "pat-marker-value-1"], ["pwd", "pwd-marker-value-2"], ["scriptname", "plain-marker-value-3"], ["n", 4242]] as const) {
      const error = (() => {
        try {
          checkOptionsObject("@sg/demo", { login: "a", [key]: value }, shape);
        } catch (e) {
          return e as SgValidationError;
        }
        throw new Error("accepted");
      })();
      expect(error).toBeInstanceOf(SgValidationError);
      expect(error.message).toContain(`@sg/demo: ${key}: expected no such option (known: login), got a ${typeof value} ([REDACTED])`);
      expect(error.message).not.toContain(String(value));
    }
  });

  it("formats validation paths and values", () => {
    const e = new SgValidationError("@sg/x", { path: ["filters", 2, "filters", 0], expected: "an array", received: describeValue({ a: 1 }) });
    expect(e.message).toBe("@sg/x: filters[2].filters[0]: expected an array, got an object with keys a");
    expect(formatPath(["data", "my-field"])).toBe('data["my-field"]');
    expect(describeValue("s3cr3t", true)).not.toContain("s3cr3t");
    // A secret is named by its kind alone, with the article English wants.
    expect([["a"], { k: "s3cr3t" }, 12345678, "s3cr3t"].map((v) => describeValue(v, true))).toEqual([
      "an array ([REDACTED])",
      "an object ([REDACTED])",
      "a number ([REDACTED])",
      "a string ([REDACTED])",
    ]);
  });
});

describe("maybeSent on the errors of an answer", () => {
  it("is typed on SgHttpError and SgProtocolError, and absent unless a transport sets it on a write's error", () => {
    expectTypeOf<SgHttpError["maybeSent"]>().toEqualTypeOf<true | undefined>();
    expectTypeOf<SgProtocolError["maybeSent"]>().toEqualTypeOf<true | undefined>();
    const error = new SgHttpError("HTTP 504", { status: 504 });
    expect("maybeSent" in error).toBe(false);
    expect(JSON.stringify(error)).not.toContain("maybeSent");
  });
});

describe("describeValue", () => {
  it("quotes a long string's first 40 characters marked by …, never half of a surrogate pair", () => {
    expect(describeValue("x".repeat(40))).toBe(`string "${"x".repeat(40)}"`);
    expect(describeValue("x".repeat(41))).toBe(`string "${"x".repeat(40)}…"`);
    // 40 units would end inside the 20th emoji: JSON.stringify wrote its half as a visible \ud83c.
    expect(describeValue("a" + "🎬".repeat(30))).toBe(`string "a${"🎬".repeat(19)}…"`);
  });

  // The cut came first: a secret whose pattern was cut (`user:pw@` without its `@`) or whose quotes JSON.stringify
  // escaped (`{\"password\":…}`) was no longer found by the scrubbing after it.
  it("scrubs a string's secret patterns before cutting and quoting it", () => {
    const pw = "MRKbasicpw4d2e8f1a";
    const token = "MRKtok9c7e";
    const texts = [
      describeValue(`https://supervisor:${pw}ZZZZZZZZZZZZZZZZZZZZZ@site.example/x`),
      describeValue(`{"password":"${token}"}\r`),
      describeValue(`{"password":"${token}${"y".repeat(60)}"}`),
      new SgValidationError("@sg/x", { path: ["options", "displayName"], expected: "form text", received: describeValue(`https://supervisor:${pw}ZZZZZZZZZZZZZZZZZZZZZ@h/`) }).message,
    ];
    for (const t of texts) {
      expect(t).not.toContain("MRK");
      expect(t).toContain("[REDACTED]");
    }
    expect(texts[1]).toBe(`string "{\\"password\\":\\"[REDACTED]\\"}\\r"`);
  });

  // Bytes read "an object with keys 0, 1, 2, 3, 4, …", and an ArrayBuffer, stream, Map or symbol "an empty object".
  it("names bytes with their length, and class instances, symbols and plain objects as what they are", () => {
    expect(describeValue(new TextEncoder().encode("hello"))).toBe("a Uint8Array of 5 bytes");
    expect(describeValue(Buffer.from("hi"))).toBe("a Buffer of 2 bytes");
    expect(describeValue(new ArrayBuffer(3))).toBe("an ArrayBuffer of 3 bytes");
    expect(describeValue(new Blob(["x"]).stream())).toBe("a ReadableStream");
    expect(describeValue(new Map())).toBe("a Map");
    expect(describeValue(Symbol("x"))).toBe("a symbol");
    expect(describeValue(() => 1)).toBe("a function");
    expect(describeValue(Object.assign(Object.create(null) as object, { a: 1 }))).toBe("an object with keys a");
    expect(describeValue({ constructor: "x" })).toBe("an object with keys constructor");
    expect(describeValue({})).toBe("an empty object");
  });
});

describe("toJSON's cause chain", () => {
  it("keeps a plain cause's string code and follows its chain, name, message and code at each level", () => {
    // fetch's own failure: `TypeError: fetch failed` whose cause is the socket's `connect ECONNREFUSED`.
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED", errno: -111 });
    const e = new SgHttpError("HTTP 502", { status: 502, cause: new TypeError("fetch failed", { cause: refused }) });
    expect(e.toJSON()["cause"]).toEqual({ name: "TypeError", message: "fetch failed", cause: { name: "Error", message: "connect ECONNREFUSED 127.0.0.1:9", code: "ECONNREFUSED" } });
    const reset = new SgError("x", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });
    expect(JSON.parse(JSON.stringify(reset)).cause).toEqual({ name: "Error", message: "socket hang up", code: "ECONNRESET" });
    // A code that is not a string is left out, as the cause itself leaves it.
    expect(new SgError("x", { cause: Object.assign(new Error("odd"), { code: 104 }) }).toJSON()["cause"]).toEqual({ name: "Error", message: "odd" });
  });

  it("ends a chain that loops, runs deep or cannot be read with a short placeholder, so JSON.stringify never throws", () => {
    // An app's wrapper that links two errors both ways: the retry failed because of the first, set as its cause later.
    const first = new SgError("reset");
    const retry = new SgHttpError("HTTP 502", { status: 502, cause: first });
    (first as { cause: unknown }).cause = retry;
    const looped = JSON.parse(JSON.stringify(retry)) as { cause: { message: string; cause: unknown } };
    expect(looped.cause.message).toBe("reset");
    expect(looped.cause.cause).toBe("[…]");
    // A watcher that keeps the previous failure as the cause of the next, 10,000 polls later.
    let deep = new SgError("poll failed");
    for (let i = 0; i < 10_000; i++) deep = new SgError(`poll ${i} failed`, { cause: deep });
    const text = JSON.stringify(deep);
    expect(text.length).toBeLessThan(5000);
    expect(text).toContain("poll 9999 failed");
    expect(text).toContain("[…]");
    // A cause whose getter throws, on this error or down its chain.
    const unreadable = new SgError("h");
    Object.defineProperty(unreadable, "cause", {
      get() {
        throw new Error("cause getter threw");
      },
    });
    expect(unreadable.toJSON()).toMatchObject({ name: "SgError", message: "h", cause: "a cause that could not be read" });
    expect(JSON.parse(JSON.stringify(new SgError("outer", { cause: unreadable }))).cause).toMatchObject({ message: "h", cause: "a cause that could not be read" });
  });
});
