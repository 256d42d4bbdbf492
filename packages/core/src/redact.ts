/** Text that replaces a secret wherever one would have appeared. */
export const REDACTED = "[REDACTED]";

const SECRET_KEY_NAMES: ReadonlySet<string> = new Set([
  "scriptkey",
  "apikey",
  "userpassword",
  "password",
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

/** Whether a property name holds a secret (`script_key`, `sessionToken`, `Authorization`, …). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_NAMES.has(key.toLowerCase().replace(/[^a-z]/g, ""));
}

/**
 * A deep copy of `value` in which every property whose name holds a secret is replaced by {@link REDACTED},
 * and every string has the given secret values scrubbed out.
 */
export function redactValue(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === "string") return scrubText(value, secrets);
  if (value === null || typeof value !== "object") return value;
  if (depth > 8) return "[…]";
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) && v !== null && v !== undefined && v !== "" ? REDACTED : redactValue(v, secrets, depth + 1);
  }
  return out;
}

const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi;
const AUTH_HEADER_VALUE = /\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]{4,}/g;
// A quoted JSON member or a form field; scrubbed when its name is a secret one (see isSecretKey). A form value
// runs to the next separator, except that a lone quote before a space or the end is not a value: a hint that
// quotes "'_session_id='" keeps its closing quote and the words after it.
const JSON_FIELD = /("([A-Za-z_-]+)"\s*:\s*)"(?:[^"\\]|\\.)*"/g;
const FORM_FIELD = /\b([A-Za-z_-]+)=(?!'(?:\s|$))[^&\s;"]+/g;

/**
 * Remove secrets from free text: the given secret values, `user:pass@` in URLs, `Basic`/`Bearer` header
 * values, and secret fields inside JSON or form-encoded fragments (any field {@link isSecretKey} names:
 * `script_key`, `session_id`, `sessionToken`, …). A secret value of letters only is removed where it stands on
 * its own, not inside a longer word: blanking the `the` of "authenticate" showed a weak password and echoed nothing.
 * Any other secret value is removed wherever it is, also escaped as HTML, JSON or a URL escapes it (see `echoes`).
 */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // A secret of letters only could be a word of the text: it is removed only where it is not inside a longer word.
    // Any other secret is removed wherever it is, also after an escape (`\n`, `%2F`) or next to `_`, and as a site
    // echoes it escaped (see echoes()).
    if (secret && secret.length >= 3) out = out.replace(/^[a-z]+$/i.test(secret) ? new RegExp(`(?<!\\w)${secret}(?!\\w)`, "g") : echoes(secret), REDACTED);
  }
  return out
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(AUTH_HEADER_VALUE, `$1 ${REDACTED}`)
    .replace(JSON_FIELD, (field: string, head: string, name: string) => (isSecretKey(name) ? `${head}"${REDACTED}"` : field))
    .replace(FORM_FIELD, (field: string, name: string) => (isSecretKey(name) ? `${name}=${REDACTED}` : field));
}

/** HTML's named entities for the characters it escapes. */
const ENTITIES: Readonly<Record<string, string>> = { "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" };

/** `n` in hex, at least `width` digits, each letter digit matching either case (`3[cC]`). */
function hex(n: number, width = 1): string {
  return n.toString(16).padStart(width, "0").replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`);
}

/**
 * A pattern of `secret` as written or as a site echoes it escaped, in any mix: each character other than a letter or
 * digit also as an HTML entity (`&amp;`, `&#60;`, `&#x3c;`), a JSON escape (`\u00e9`, `\"`, `\\`, `\/`) or percent-encoded
 * UTF-8 (`%C3%A9` or `%c3%a9`, `+` for a space). An error page quoting the password `a&b<é` as `a&amp;b&lt;é` is scrubbed.
 */
function echoes(secret: string): RegExp {
  let source = "";
  for (const ch of secret) {
    const code = ch.codePointAt(0)!;
    source += /[a-z\d]/i.test(ch)
      ? ch
      : `(?:\\\\?${ch.replace(/[$()*+.?[\\\]^{|}/-]/, "\\$&")}|&(?:#0*${code}|#[xX]0*${hex(code)}|${ENTITIES[ch] ?? "#"});|${[...new TextEncoder().encode(ch)].map((byte) => `%${hex(byte, 2)}`).join("")}|${ch.replace(/[^]/g, (unit) => `\\\\u${hex(unit.charCodeAt(0), 4)}`)}${ch === " " ? "|\\+" : ""})`;
  }
  return new RegExp(source, "g");
}

/** A URL with its `user:password@` part removed, safe to print. */
export function redactUrl(url: string): string {
  return url.replace(URL_USERINFO, "$1");
}
