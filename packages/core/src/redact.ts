import { isDate } from "./realm-checks.js";

/** Text that replaces a secret wherever one would have appeared. */
export const REDACTED = "[REDACTED]";

/**
 * Secret names as they read with everything but letters taken out, for names a secret word does not mark (`sessionid`,
 * `basicauth`), joined to another word (`scriptkey`) or cut (`pass_word`).
 */
const SECRET_KEY_NAMES: ReadonlySet<string> = new Set([
  "scriptkey",
  "apikey",
  "userpassword",
  "password",
  "passwordproxy",
  "passphrase",
  "sessiontoken",
  "sessionid",
  "authtoken",
  "authorization",
  "cookie",
  "setcookie",
  "clientsecret",
  "accesstoken",
  "refreshtoken",
  "token",
  "secret",
  "basicauth",
  "twofactorcode",
]);

/** The words that make a name a secret's when they end it (`api_token`, `vaultToken`, `X-Api-Key`). */
const SECRET_WORD = /^(token|key|secret|password|passwd|pwd|passphrase|credentials?|cookie|authorization|otp)$/i;

/**
 * A signed link's signature: `signature` or `sig` alone or after a `-` (`Signature`, `sig`, `X-Amz-Signature`); not a
 * site's field named for one (`sg_signature`, `email_signature`), a readable value.
 */
const SIGNATURE = /^([\w-]*-)?sig(nature)?$/i;

/**
 * Whether a property name holds a secret: its last word (words split at anything but letters and digits, and between
 * a lower-case letter or digit and an upper-case one) is `token`, `key`, `secret`, `password`, `passwd`, `pwd`,
 * `passphrase`, `credential(s)`, `cookie`, `authorization` or `otp` (`api_token`, `vaultToken`, `X-Api-Key`,
 * `client_secret`) — except a bare `key`, which names many things (`{"key": "sg_status_list"}`) — or it is a signed
 * link's signature, `signature` or `sig` alone or after a `-` (`X-Amz-Signature`, CloudFront's `Signature`, Azure's
 * `sig`; not a site's field `sg_signature` or `email_signature`), or it is one of the joined names `scriptkey`,
 * `apikey`, `sessionid`, `sessiontoken`, `authtoken`, `password_proxy` (HumanUser's field that sets a password), … in
 * any case and spelling. Names that only contain such a word, or have it before another (`key_id`, `token_type`,
 * `cookie_policy`, `signature_required`), stay visible: `sudo_as_login`, `session_uuid`, `keyword`, `tokenizer`.
 */
export function isSecretKey(key: string): boolean {
  if (SECRET_KEY_NAMES.has(key.toLowerCase().replace(/[^a-z]/g, ""))) return true;
  const words = key.split(/[^A-Za-z\d]+|(?<=[a-z\d])(?=[A-Z])/).filter(Boolean);
  return SIGNATURE.test(key) || (words.length > 0 && SECRET_WORD.test(words[words.length - 1]!) && !(words.length === 1 && /^key$/i.test(key)));
}

/**
 * A deep copy of `value` in which every property whose name holds a secret is replaced by {@link REDACTED},
 * and every string has the given secret values scrubbed out.
 */
export function redactValue(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === "string") return scrubText(value, secrets);
  if (value === null || typeof value !== "object") return value;
  if (depth > 8) return "[…]";
  if (isDate(value)) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) && v !== null && v !== undefined && v !== "" ? REDACTED : redactValue(v, secrets, depth + 1);
  }
  return out;
}

// A match starts at the `:` of `://` or the `=` of a form field and looks back for the scheme (any run with a letter
// in it) or the field's name (the one a leading `\b` picks: the longest there that starts a word). Started at each
// word instead, a pattern scanned a run such as `shot-shot-…` or `x1.x1.…` to its end once per word: in time growing
// with the square of its length.
const URL_USERINFO = /:(?<=[a-z][a-z0-9+.-]*:)\/\/[^/\s@]+@/gi;
const AUTH_HEADER_VALUE = /\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]{4,}/g;
// A quoted JSON member or a form field; scrubbed when its name is a secret one (see isSecretKey). A form value
// runs to the next separator, except that a lone quote before a space or the end is not a value: a hint that
// quotes "'_session_id='" keeps its closing quote and the words after it.
const JSON_FIELD = /("([A-Za-z_-]+)"\s*:\s*)"(?:[^"\\]|\\.)*"/g;
const FORM_FIELD = /=(?<=\b([A-Za-z_-]+)=)(?!'(?:\s|$))[^&\s;"]+/g;
// A JSON Web Token: base64url header and payload (`eyJ` is `{"`), then a signature, empty when unsigned; or an
// encrypted one (JWE): the header, then encrypted key (empty for a direct key), IV, ciphertext and tag. It starts where
// no base64url character is before it (so after `\"` or `\/`), or right after a percent-escape (`%22`) or a JSON
// escape (`\n`, `\u0022`): at most three starts in a run of base64url characters, each checked by a lookbehind of at
// most 6 characters, and each run scanned from at most five runs' starts: linear time.
const JWT = /(?<=^|[^\w-]|%[\dA-Fa-f]{2}|\\[a-z]|\\u[\dA-Fa-f]{4})eyJ[\w-]+\.(?:eyJ[\w-]+\.[\w-]*|[\w-]*(?:\.[\w-]+){3})/g;

/**
 * Remove secrets from free text: the given secret values, `user:pass@` in URLs, `Basic`/`Bearer` header
 * values, secret fields inside JSON or form-encoded fragments (any field {@link isSecretKey} names:
 * `script_key`, `session_id`, `sessionToken`, …), and JSON Web Tokens wherever they stand, also right after a
 * percent-escape (`%22`) or a JSON escape (`\n`, `\u0022`): `eyJ….eyJ….sig` (three base64url segments, the first two
 * starting `eyJ`, the last empty when unsigned) and the encrypted `eyJ….key.iv.ciphertext.tag` (the key may be empty).
 *
 * A secret value shorter than 3 characters is never searched for: it would blank ordinary text (`a1`, `!!`). A
 * secret of letters only is removed where it stands on its own, not inside a longer word: blanking the `the` of
 * "authenticate" showed a weak password and echoed nothing. Any other secret is removed wherever it is, also as
 * HTML, JSON, a URL or Python's repr (`u'p\xe4ss'`, `b'p\xc3\xa4ss'`, `\U0001f511`) echoes it escaped (see
 * `DECODERS`): the text is read once as each of their decoders reads it and the secret searched for there, so the time
 * taken grows with the length of the text, whatever the secret.
 * A secret with a character past ASCII is also found composed or decomposed (Unicode's NFC and NFD) and as its UTF-8
 * bytes read as Latin-1. Where echoes of the secrets overlap, they are removed as one.
 */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  const spans: Array<readonly [number, number]> = [];
  let views: Decoded[] | undefined;
  for (const given of secrets) {
    // A secret of letters only is found where it stands on its own, in any case (`ABCDEF` for `abcdef`).
    const word = /^[a-z]+$/i.test(given);
    // Any secret is found in any case (Unicode's simple folding: `Σ`, `σ`, `ς`). One past printable ASCII is also
    // looked for upper- and lower-cased in full (`STRASSE` for `Straße`, `i̇` for `İ`), each composed (NFC), decomposed
    // (NFD: a macOS gateway's echo), compatibility-composed (NFKC: `file` for `ﬁle`, `pw1` for `ｐｗ１`) and as its UTF-8
    // bytes read as Latin-1 (a WSGI or Java gateway's echo: `passwÃ¶rd1` for `passwörd1`). An ASCII one reads the same
    // in each: it is looked for once.
    const forms = /[^ -~]/.test(given) ? [given, given.toUpperCase(), given.toLowerCase()].flatMap((s) => [s, s.normalize(), s.normalize("NFD"), s.normalize("NFKC"), latin1(s)]) : [given];
    for (const secret of new Set(forms)) {
      // Not a string of 3 characters or more: not searched for.
      if (!secret?.[2]) continue;
      if (word) {
        for (const found of text.matchAll(new RegExp(`(?<!\\w)${secret}(?!\\w)`, "gi"))) spans.push([found.index, found.index + secret.length]);
        continue;
      }
      // Letters and digits are never escaped: a secret with a run of them that the text does not hold in some case is
      // not there, and one of letters and digits only is found as it is. Any other is searched for in the text as each
      // decoder reads it.
      if (!(secret.match(/[a-z\d]+/gi) ?? []).every((run) => RegExp(run, "i").test(text))) continue;
      const find = new RegExp(secret.replace(/[$()*+.?[\\\]^{|}]/g, "\\$&"), "giu");
      for (const [decoded, marks] of /[^a-z\d]/i.test(secret) ? (views ??= readings(text)) : [[text, []] as const]) {
        // The last mark at or before a decoded index tells where it is in the text; the indexes asked for only grow.
        let mark = 0;
        const raw = (at: number): number => {
          while (mark < marks.length && marks[mark]! <= at) mark += 2;
          return mark ? marks[mark - 1]! + at - marks[mark - 2]! : at;
        };
        for (const found of decoded.matchAll(find)) spans.push([raw(found.index), raw(found.index + found[0].length)]);
      }
    }
  }
  let out = "";
  let end = 0;
  for (const [from, to] of spans.sort((a, b) => a[0] - b[0])) {
    if (from >= end) out += text.slice(end, from) + REDACTED;
    end = Math.max(end, to);
  }
  return (out + text.slice(end))
    .replace(URL_USERINFO, `://${REDACTED}@`)
    .replace(AUTH_HEADER_VALUE, `$1 ${REDACTED}`)
    .replace(JSON_FIELD, (field: string, head: string, name: string) => (isSecretKey(name) ? `${head}"${REDACTED}"` : field))
    .replace(FORM_FIELD, (field: string, name: string) => (isSecretKey(name) ? `=${REDACTED}` : field))
    .replace(JWT, REDACTED);
}

/**
 * The first `length` characters of `text`, marked by `…` when there were more, never half of a character (a surrogate
 * pair). With `secrets` (`[]` for the patterns alone), `text` is scrubbed first (see {@link scrubText}), then cut: a cut
 * first could leave the start of a secret. Of a text longer than 64 KiB + 16 × `length` characters (a site's body may
 * be 64 MiB), only that start is scrubbed, unless scrubbing shrinks it below `length` + 64 KiB characters (its secrets
 * and secret fields replaced by the 10 characters of `[REDACTED]`): then the whole text is. So the start of an echo of
 * a secret across that first cut, left unscrubbed, lies past `length`, and the last cut drops it, unless the echo is
 * longer than 64 KiB.
 */
export function cutText(text: string, length: number, secrets?: readonly string[]): string {
  if (secrets) {
    const cut = cutText(text, length * 16 + 65536);
    const out = scrubText(cut, secrets);
    text = cut === text || out.length >= length + 65536 ? out : scrubText(text, secrets);
  }
  return text.length > length ? `${text.slice(0, length).replace(/\p{Cs}$/u, "")}…` : text;
}

/** The UTF-8 bytes of `text` read as Latin-1, a character for each byte (what a WSGI or Java gateway reads). */
export function latin1(text: string): string {
  return String.fromCharCode(...new TextEncoder().encode(text));
}

/** A text as a decoder reads it, and after each escape it decoded, where that is in it and in the text it read. */
type Decoded = readonly [decoded: string, marks: readonly number[]];

const UTF8 = new TextDecoder();

/** HTML's named entities for the characters it escapes. */
const NAMED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/**
 * How HTML, JSON, URLs and Python's repr escape a character: a pattern of one escape (in one capture), the character it
 * stands for (none for an escape that is not well formed: `&#1114112;`, `%C3` alone, an overlong UTF-8 sequence), and
 * how the text is read first.
 */
const DECODERS: ReadonlyArray<readonly [RegExp, (escape: string) => string | undefined, ((text: string) => string)?]> = [
  // HTML: the named entities of the five characters it escapes; any character by its decimal or hex number.
  [
    /(&(?:amp|lt|gt|quot|apos|#\d+|#x[\da-f]+);)/i,
    (escape) => {
      const code = escape[1] === "#" ? +escape.slice(2, -1) || parseInt(escape.slice(3), 16) : 0;
      return code ? (code <= 0x10ffff ? String.fromCodePoint(code) : undefined) : NAMED[escape.slice(1, -1)];
    },
  ],
  // JSON and Python's repr: \uXXXX (one UTF-16 unit: a surrogate pair is two), Python's \xXX and \UXXXXXXXX (a code
  // point: `u'p\xe4ss'`; past Unicode, none), \" \\ \/ \b \f \n \r \t, and a backslash before any other character (\'
  // as JavaScript and Python quote it).
  [
    /(\\(?:u[\da-fA-F]{4}|x[\da-fA-F]{2}|U[\da-fA-F]{8}|[^]))/,
    (escape, code = parseInt(escape.slice(2), 16)) =>
      escape.length > 2 ? (code <= 0x10ffff ? String.fromCodePoint(code) : undefined) : '"\\/bfnrt'.includes(escape[1]!) ? JSON.parse(`"${escape}"`) : escape[1],
  ],
  // URLs, and Python's repr of bytes: a character's UTF-8 bytes percent-encoded or as \xXX (`b'p\xc3\xa4ss'`), in either
  // case; `+` for a space inside a form or query value (after an `=` with no `&`, `;`, `"` or white space between:
  // `pw=my+pass`, not `1+2=3`), read first.
  [
    /((?:%|\\x)(?:[0-7][\da-f]|[c-f][\da-f](?:(?:%|\\x)[89ab][\da-f]){1,3}))/i,
    (escape) => {
      // The decoder shows a byte sequence that is not UTF-8 (overlong, a surrogate, a byte too many) as U+FFFD.
      const ch = UTF8.decode(Uint8Array.from(escape.split(/%|\\x/i).slice(1), (byte) => parseInt(byte, 16)));
      return ch.includes("\ufffd") ? undefined : ch;
    },
    (text) => (text.includes("+") ? text.replace(/=[^&\s;"]*/g, (value) => value.replaceAll("+", " ")) : text),
  ],
];

/** `text` as it is, and as each decoder reads it where that differs. */
function readings(text: string): Decoded[] {
  return [[text, []] as const, ...DECODERS.map(([escapes, read, prepare]) => decode(prepare?.(text) ?? text, escapes, read))].filter(([decoded], i) => !i || decoded !== text);
}

/**
 * `text` as a decoder reads it, with `escapes` read by `read` once each: an escape read as a letter or digit is left as
 * it is (`%41`, `&#65;` and `\u0041` are not the secret's `A`: a letter or digit is never escaped).
 */
function decode(text: string, escapes: RegExp, read: (escape: string) => string | undefined): Decoded {
  const pieces = text.split(escapes);
  const marks: number[] = [];
  const known = new Map<string, string | undefined>();
  let at = 0;
  let shift = 0;
  for (let i = 1; i < pieces.length; i += 2) {
    const escape = pieces[i]!;
    at += pieces[i - 1]!.length + escape.length;
    let ch = known.get(escape);
    if (ch === undefined && !known.has(escape)) {
      ch = read(escape);
      known.set(escape, (ch = ch && !/^[a-z\d]$/i.test(ch) ? ch : undefined));
    }
    if (ch !== undefined) {
      pieces[i] = ch;
      shift += ch.length - escape.length;
      marks.push(at + shift, at);
    }
  }
  return [marks.length ? pieces.join("") : text, marks];
}

/** A URL with its `user:password@` part removed, safe to print. */
export function redactUrl(url: string): string {
  return url.replace(URL_USERINFO, "://");
}
