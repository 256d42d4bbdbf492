import { describe, expect, it } from "vitest";
import { REDACTED, cutText, scrubText } from "./redact.js";

/** `text` with each `%s` replaced by `echo`: the line a site writes around an echo of the secret. */
const around = (echo: string): string => `error for bob: ${echo} (try again)`;
const SCRUBBED = around(REDACTED);

describe("scrubText: a secret echoed escaped", () => {
  it("scrubs each HTML entity form: the five named ones, decimal and hex (either case), with leading zeros", () => {
    const secret = `a&<>"'b`;
    for (const echo of [
      "a&amp;&lt;&gt;&quot;&apos;b",
      "a&#38;&#60;&#62;&#34;&#39;b",
      "a&#x26;&#X3C;&#x3e;&#x22;&#x27;b",
      "a&#0038;&#x003C;&#00062;&quot;'b", // leading zeros, a mix of the forms, a character left as it is
      "a&amp;<>&#34;&#x27;b",
    ]) {
      expect(scrubText(around(echo), [secret]), echo).toBe(SCRUBBED);
    }
    // Any other character, by its number; a character outside the BMP by its code point.
    expect(scrubText(around("p&#233;&#x21;&#128273;9"), ["pé!\u{1F511}9"])).toBe(SCRUBBED);
  });

  it("scrubs each JSON escape: \\uXXXX in either case (a surrogate pair outside the BMP), \\\" \\\\ \\/ and the control escapes", () => {
    expect(scrubText(around("p\\u00e9\\u0021\\uD83D\\uDD119"), ["pé!\u{1F511}9"])).toBe(SCRUBBED);
    expect(scrubText(around('k\\"\\\\\\/x'), ['k"\\/x'])).toBe(SCRUBBED);
    expect(scrubText(around("tab\\there\\nnl\\r\\b\\f"), ["tab\there\nnl\r\b\f"])).toBe(SCRUBBED);
    // A backslash before any other character that is not a letter or digit, as JavaScript and Python quote `'`.
    expect(scrubText(around("it\\'s\\!x"), ["it's!x"])).toBe(SCRUBBED);
  });

  it("scrubs Python's repr escapes: \\xNN and \\UXXXXXXXX as code points, and a run of \\xNN as UTF-8 bytes", () => {
    const secret = "pässwörd✓";
    // Python 2's repr of a unicode string, and of its UTF-8 bytes (`str`, Python 3's `bytes`).
    expect(scrubText(around("u'p\\xe4ssw\\xf6rd\\u2713'"), [secret])).toBe(around(`u'${REDACTED}'`));
    expect(scrubText(around("b'p\\xc3\\xa4ssw\\xc3\\xb6rd\\xe2\\x9c\\x93'"), [secret])).toBe(around(`b'${REDACTED}'`));
    // The bytes of a character outside the BMP, in either case, and the character by its 8-digit code point.
    expect(scrubText(around("b'\\xF0\\x9F\\x94\\x91secret\\xf0\\x9f\\x94\\x91'"), ["\u{1F511}secret\u{1F511}"])).toBe(around(`b'${REDACTED}'`));
    expect(scrubText(around("'\\U0001f511secret\\U0001F511'"), ["\u{1F511}secret\u{1F511}"])).toBe(around(`'${REDACTED}'`));
    // The repr of a character as its code point that reads, as bytes, as UTF-8 of another (`\xc3\xa9` is `Ã©` or `é`).
    expect(scrubText(around("u'\\xc3\\xa9t\\xe9!'"), ["Ã©té!"])).toBe(around(`u'${REDACTED}'`));
    expect(scrubText(around("b'\\xc3\\xa9t\\xc3\\xa9!'"), ["été!"])).toBe(around(`b'${REDACTED}'`));
    // Read as bytes, in any case: `ς` (`\xcf\x82`) for the `Σ` of the secret, which its UTF-8 read as Latin-1 does not find.
    expect(scrubText(around("b'\\xcf\\x82-key'"), ["Σ-key"])).toBe(around(`b'${REDACTED}'`));
  });

  it("scrubs percent-encoded UTF-8 in either case, and `+` for a space inside a form or query value", () => {
    expect(scrubText(around("p%C3%A9%21%F0%9F%94%919"), ["pé!\u{1F511}9"])).toBe(SCRUBBED);
    expect(scrubText(around("p%c3%a9%21%f0%9f%94%919"), ["pé!\u{1F511}9"])).toBe(SCRUBBED);
    expect(scrubText(around("my%20pass%26word"), ["my pass&word"])).toBe(SCRUBBED);
    expect(scrubText("login=bob&pw=my+pass+phrase&next=1", ["my pass phrase"])).toBe("login=bob&pw=[REDACTED]&next=1");
    // Not only a whole value: anywhere inside one.
    expect(scrubText("/search?q=hello+my+pass+phrase+there", ["my pass phrase"])).toBe("/search?q=hello+[REDACTED]+there");
  });

  it("does not take a malformed escape, or `+` outside a form value, for a character of the secret", () => {
    // `&#;` is no entity: it used to stand for any character that is not a letter or digit.
    expect(scrubText("x&#;y", ["x!y"])).toBe("x&#;y");
    expect(scrubText("x&#;;y and x&#x;y", ["x;;y"])).toBe("x&#;;y and x&#x;y");
    // `+` is a space only in a form or query value: not in a sum, nor after a space or `&` ends one.
    expect(scrubText("1+2=3", ["1 2"])).toBe("1+2=3");
    expect(scrubText("so 1+2 is 3 and x=y 1+2", ["1 2"])).toBe("so 1+2 is 3 and x=y 1+2");
    expect(scrubText("a=b&1+2", ["1 2"])).toBe("a=b&1+2");
    // A letter or digit is never read from an escape, nor does an escape stand for one.
    expect(scrubText("%54r0ub4dor&3 &#84;r0ub4dor&3 \\u0054r0ub4dor&3", ["Tr0ub4dor&3"])).toBe("%54r0ub4dor&3 &#84;r0ub4dor&3 \\u0054r0ub4dor&3");
    // A half escape, a bad UTF-8 sequence or a number past Unicode is not a character; `\U` takes 8 digits, `\x` 2.
    expect(scrubText("p%C3x p%E9x p%C0%A1x p%ED%A0%80x", ["p\u00e9x", "p!x", "p\ud800x"])).toBe("p%C3x p%E9x p%C0%A1x p%ED%A0%80x");
    expect(scrubText("x&#1114145;y x&#0;&#0;y x\\U0021y", ["x!y", "x\0\0y"])).toBe("x&#1114145;y x&#0;&#0;y x\\U0021y");
    expect(scrubText("x\\U00110021y x\\x2y x\\xC0\\xA1y", ["x\u0002y", "x!y", "x\u{10021}y"])).toBe("x\\U00110021y x\\x2y x\\xC0\\xA1y");
    // Nor does a Python escape stand for a letter or digit.
    expect(scrubText("\\x54r0ub4dor&3 \\U00000054r0ub4dor&3", ["Tr0ub4dor&3"])).toBe("\\x54r0ub4dor&3 \\U00000054r0ub4dor&3");
  });

  it("still scrubs the plain secret next to and among escapes, and an echo escaped once more is left", () => {
    expect(scrubText("a\\\\b and a\\b", ["a\\b"])).toBe("[REDACTED] and [REDACTED]");
    expect(scrubText("50%off! 50%25off%21 50%2525off", ["50%off!"])).toBe("[REDACTED] [REDACTED] 50%2525off");
    expect(scrubText("a&amp;lt;b &amp;lt;", ["a&lt;b"])).toBe("[REDACTED] &amp;lt;");
    // Two secrets whose echoes overlap are blanked as one.
    expect(scrubText("x-abc-1-def-y", ["abc-1", "1-def"])).toBe("x-[REDACTED]-y");
  });

  it("never scrubs a secret shorter than 3 characters, which would blank ordinary text", () => {
    expect(scrubText("a1 b2 !! &#33;&#33; %21%21", ["a1", "!!", "!"])).toBe("a1 b2 !! &#33;&#33; %21%21");
    expect(scrubText("a1! b2", ["a1!"])).toBe("[REDACTED] b2");
  });

  it("takes linear time on runs of backslashes, `&` and `%` (a backtracking pattern took hours on these)", () => {
    // Each backslash of the secret used to match one or two backslashes of the text: 2^24 ways to fail here.
    const run = "\\".repeat(20_000);
    expect(scrubText(run, [`${"\\".repeat(24)}x`])).toBe(run);
    // The echo at the end is found: raw (24 backslashes) and JSON-escaped (48), blanked as one.
    expect(scrubText(`${run}x`, [`${"\\".repeat(24)}x`])).toBe(`${"\\".repeat(20_000 - 48)}${REDACTED}`);
    for (const ch of ["&", "%", "&amp;", "%25", "+", "&#", "\\x", "\\xc3", "\\xe2\\x9c", "\\U0001f511", "\\U"]) {
      const text = `q=${ch.repeat(200_000)}`;
      expect(scrubText(text, [`${ch.slice(0, 1).repeat(30)} x`]), ch).toBe(text);
    }
  });
});

describe("scrubText: long runs of Python escapes", () => {
  // Each run is read once by each decoder: milliseconds, however the escapes fail to make a character.
  it.each(["\\x", "\\xc3", "\\xe2\\x9c", "\\xf0\\x9f\\x94", "\\xe4", "\\U0001f51", "\\U0001f511", "\\\\xe4"])("takes linear time on 256 KB of %j", (unit) => {
    const run = unit.repeat(Math.ceil(256_000 / unit.length));
    expect(scrubText(`${run} p\\xe4ss\\U0001f511 b'p\\xc3\\xa4ss\\xf0\\x9f\\x94\\x91'`, ["päss\u{1F511}", `${"ä".repeat(30)}!`])).toBe(`${run} ${REDACTED} b'${REDACTED}'`);
  });
});

describe("scrubText: runs of words joined by separators", () => {
  // The URL and form-field patterns used to start at every word boundary and scan the run to its end each time:
  // 256 KB of these took from 20 s to a minute. Each must now end well inside the test's timeout (milliseconds), and
  // still scrub what follows.
  it.each(["shot-", "x1.", "a-", "_a-b.", "http.", "x+1.", "a=b&", '"k":"', "-https:"])("takes linear time on 256 KB of %j", (unit) => {
    const run = unit.repeat(Math.ceil(256_000 / unit.length));
    const scrubbed = scrubText(`${run} https://bob:pw9@host x-api_key=k9 z1.ftp://u:p@h`, ["275685df/abc%key"]);
    expect(scrubbed).toBe(`${run} https://${REDACTED}@host x-api_key=${REDACTED} z1.ftp://${REDACTED}@h`);
  });
});

describe("scrubText: a secret JSON field whose value holds escapes", () => {
  it("scrubs the whole value past an escaped quote or backslash, and keeps what follows it", () => {
    expect(scrubText('{"password": "ab\\"cdefgh-tail"}')).toBe(`{"password": "${REDACTED}"}`);
    // A site's 500 body echoing the request: the value runs to its closing quote, not to the first `\"` in it.
    const body = '{"error":"bad","echo":{"db_password": "Tr0ub\\"4dor-and-the-rest-of-it", "x": "\\\\"}, "code": "sh010"}';
    expect(scrubText(body)).toBe(`{"error":"bad","echo":{"db_password": "${REDACTED}", "x": "\\\\"}, "code": "sh010"}`);
    expect(scrubText('{"api_key":"k\\\\","login":"ann"}')).toBe(`{"api_key":"${REDACTED}","login":"ann"}`);
  });
});

describe("scrubText: the scheme of a URL and the name of a form field", () => {
  it("are read back from `://` and `=`: any scheme with a letter, the name from where a word starts as before", () => {
    // A scheme or a name may start after a separator in a run that begins with something else: still scrubbed.
    expect(scrubText("1-https://u:p@h +http://u:p@h \"-a://key@x see x_ftp://u:p@h 9://u:p@h")).toBe(`1-https://${REDACTED}@h +http://${REDACTED}@h "-a://${REDACTED}@x see x_ftp://${REDACTED}@h 9://u:p@h`);
    expect(scrubText("x1-api_key=zzz 9key=v my-script_key=abc a=b=c key_id=7")).toBe(`x1-api_key=${REDACTED} 9key=v my-script_key=${REDACTED} a=b=c key_id=7`);
  });
});

describe("scrubText: a non-ASCII secret echoed in another Unicode form", () => {
  it("scrubs it composed (NFC) or decomposed (NFD), whichever form the secret or the text is in", () => {
    for (const secret of ["pässwörd1", "パスワード", "김민준pw"]) {
      for (const [given, echo] of [
        [secret.normalize("NFC"), secret.normalize("NFD")],
        [secret.normalize("NFD"), secret.normalize("NFC")],
        [secret.normalize("NFD"), secret.normalize("NFD")],
      ] as const) {
        expect(scrubText(around(echo), [given]), `${secret} ${given.length} ${echo.length}`).toBe(SCRUBBED);
      }
    }
  });

  it("scrubs its UTF-8 bytes read as Latin-1 (a WSGI or Java gateway's echo), also escaped", () => {
    expect(scrubText(around("passwÃ¶rd1"), ["passwörd1"])).toBe(SCRUBBED);
    const mojibake = Buffer.from("秘密のパス", "utf8").toString("latin1");
    expect(scrubText(around(mojibake), ["秘密のパス"])).toBe(SCRUBBED);
    expect(scrubText(around(encodeURIComponent(mojibake)), ["秘密のパス"])).toBe(SCRUBBED);
  });

  it("leaves an ASCII secret's search as it was: only the secret itself", () => {
    expect(scrubText(around("s3cret-Key"), ["s3cret-Key"])).toBe(SCRUBBED);
    expect(scrubText(around("s3cret-Ke"), ["s3cret-Key"])).toBe(around("s3cret-Ke"));
  });
});

describe("scrubText: a secret echoed in another letter case or its NFKC form", () => {
  it("scrubs it upper- or lower-cased, in full (`STRASSE` for `Straße`) and letter by letter", () => {
    for (const [secret, echoes] of [
      ["Straße", ["STRASSE", "strasse", "STRAẞE", "straße", "Strasse"]],
      ["abcdef", ["ABCDEF", "AbCdEf"]],
      ["s3cret-Key", ["S3CRET-KEY", "s3cret-key"]],
      ["İstanbul-1", ["i̇stanbul-1", "İSTANBUL-1", "istanbul-1".replace("i", "i\u0307")]],
      ["Σοφία-pw", ["ΣΟΦΊΑ-PW", "σοφία-pw", "ΣΟΦΙ\u0301Α-PW"]],
    ] as const) {
      for (const echo of echoes) expect(scrubText(around(echo), [secret]), `${secret} ${echo}`).toBe(SCRUBBED);
    }
    // Escaped as well: an upper-cased echo in a URL or as HTML.
    expect(scrubText(around("STRASSE%21%26"), ["Straße!&"])).toBe(SCRUBBED);
    expect(scrubText(around("STRASSE&amp;1"), ["straße&1"])).toBe(SCRUBBED);
    // A secret of letters only is still scrubbed only where it stands on its own.
    expect(scrubText("AUTHENTICATE the THE", ["the"])).toBe(`AUTHENTICATE ${REDACTED} ${REDACTED}`);
  });

  it("scrubs its NFKC form (`file` for `ﬁle`, ASCII for full-width) and that form in another case", () => {
    expect(scrubText(around("file-pass1"), ["ﬁle-pass1"])).toBe(SCRUBBED);
    expect(scrubText(around("FILE-PASS1"), ["ﬁle-pass1"])).toBe(SCRUBBED);
    expect(scrubText(around("pass-123"), ["ｐａｓｓ－１２３"])).toBe(SCRUBBED);
    expect(scrubText(around("PASS-123"), ["ｐａｓｓ－１２３"])).toBe(SCRUBBED);
  });

  it("takes linear time on 64 KB of hostile text, and reads a secret's pattern characters as themselves", () => {
    const runs = ["ß".repeat(65_536), "S".repeat(65_536), "ss".repeat(32_768), "a".repeat(65_536), "Σ".repeat(65_536), "i\u0307".repeat(32_768)];
    const secrets = [`${"ß".repeat(40)}!`, `${"S".repeat(40)}x`, `${"a".repeat(40)}+b`, "(a|a)*$", "(a+)+b!", `${"σ".repeat(40)}ς1`, `${"İ".repeat(40)}-`];
    for (const run of runs) expect(scrubText(run, secrets), run.slice(0, 2)).toBe(run);
    expect(scrubText(`x(A|A)*$y`, ["(a|a)*$"])).toBe(`x${REDACTED}y`);
    expect(scrubText(`${"ß".repeat(65_536)}!`, [`${"ß".repeat(40)}!`])).toBe(`${"ß".repeat(65_536 - 40)}${REDACTED}`);
  });
});

describe("cutText", () => {
  it("keeps a text of `length` characters or fewer as it is", () => {
    expect(cutText("abc", 3)).toBe("abc");
    expect(cutText("a🎬", 3)).toBe("a🎬");
  });

  it("cuts to `length` characters marked by …, one fewer when the last would be half a surrogate pair", () => {
    expect(cutText("abcd", 3)).toBe("abc…");
    expect(cutText("a🎬🎬", 2)).toBe("a…");
    expect(cutText("a🎬🎬", 3)).toBe("a🎬…");
    expect(cutText("🎬🎬", 1)).toBe("…");
  });

  it("with secrets, scrubs before it cuts: a secret across the cut leaves nothing of itself", () => {
    expect(cutText("xxxx my-Secret-42 yyy", 8, ["my-Secret-42"])).toBe("xxxx [RE…");
    expect(cutText(`"token": "abcdef123456"`, 14, [])).toBe(`"token": "[RED…`);
  });

  it("scrubs only the start of a huge text: a secret across that first cut lies past the last one and is dropped", () => {
    const key = "ひみつ-" + "k3y".repeat(10);
    const text = "z".repeat(65_530) + key + " and more";
    expect(cutText(text, 500, [key])).toBe(`${"z".repeat(500)}…`);
    expect(cutText(`${key} ${text}`, 20, [key])).toBe(`${REDACTED} zzzzzzzzz…`);
  });

  it("scrubs the whole text when scrubbing shrinks its start so far that a secret across the first cut would show", () => {
    const key = "SCRIPTKEY-0123456789abcdef";
    // `token=t…t` (131,052 characters) scrubs to `token=[REDACTED]`; the key straddles the first cut (at 131,072)
    const text = `token=${"t".repeat(131_046)} ${key} rest`;
    expect(cutText(text, 4096, [key])).toBe(`token=${REDACTED} ${REDACTED} rest`);
    expect(cutText(text, 20, [key])).toBe(`token=${REDACTED} [RE…`);
  });
});
