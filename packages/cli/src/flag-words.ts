/**
 * The libraries' errors name their option paths (`options.filterOperator`, `sudoAsLogin`) and functions
 * (`legacyLoginAuth`); on the command line each is a flag or a variable. One table turns those names into the flag
 * (or the variable the value came from), so a bad value is one line naming what the person typed.
 *
 * @packageDocumentation
 */
import { SgAuthError, SgError, SgProtocolError, SgValidationError } from "@sg/core";

/** A library name and what it is on the command line; `$1` is the rest of a path the name begins. */
interface FlagWord {
  readonly name: RegExp;
  readonly flag: string;
}

/**
 * The options of `@sg/entities` that `sg` fills from a flag, by their path in its messages (`options.grouping[0].direction`
 * keeps `[0].direction`, which says which level and key), then the same names bare.
 */
const ENTITY_OPTIONS: readonly FlagWord[] = [
  { name: /\boptions\.filterOperator\b/g, flag: "--filter-operator" },
  { name: /\boptions\.multiEntityUpdateModes\.([\w.]+)/g, flag: "--mode $1" },
  { name: /\boptions\.multiEntityUpdateModes\b/g, flag: "--mode" },
  { name: /\boptions\.grouping\b/g, flag: "--grouping" },
  { name: /\boptions\.order\b/g, flag: "--order" },
  { name: /\boptions\.retiredOnly\b/g, flag: "--retired" },
  { name: /\boptions\.filePath\b/g, flag: "--out" },
  { name: /\bfilterOperator\b/g, flag: "--filter-operator" },
  { name: /\bmultiEntityUpdateModes\b/g, flag: "--mode" },
  { name: /\bretiredOnly\b/g, flag: "--retired" },
];

/** The auth strategies' option names, and the flag each comes from when the run does not say (a variable, say). */
const AUTH_OPTIONS: Readonly<Record<string, string>> = {
  scriptName: "--script-name",
  scriptKey: "--script-key",
  sessionToken: "--session-token",
  authToken: "--2fa-code",
  sudoAsLogin: "--sudo-as",
};

/** The transport's options that `sg` fills from a flag. */
const TRANSPORT_OPTIONS: readonly FlagWord[] = [{ name: /\bmaxResponseBytes\b/g, flag: "--max-response-bytes" }];

/** Library functions a hint may point a programmer to, in command-line terms. */
const FUNCTIONS: readonly FlagWord[] = [
  { name: /\blegacyLoginAuth\(?\)? from @sg\/auth-legacy-pat\b/g, flag: "--login and --password (or `sg login`)" },
  { name: /\bsessionAuth\(?\)? from @sg\/auth-session\b/g, flag: "--session-token (or `sg login --browser`)" },
  { name: /\bscriptAuth\(?\)? from @sg\/auth-script\b/g, flag: "--script-name and --script-key" },
  // "an admin's legacy login with a valid PAT (@sg/auth-legacy-pat)": the package alone, named as what it takes.
  { name: /\(@sg\/auth-legacy-pat\)/g, flag: "(--login and --password)" },
];

/**
 * `text` with the libraries' option names and functions in the command line's words: `options.filterOperator` →
 * `--filter-operator`, `(sudoAsLogin)` → `(--sudo-as)` or `(SG_SUDO_AS)` when the value came from it.
 *
 * @param text - a message or hint of a library error.
 * @param sources - where each auth option's value came from this run (`{ sudoAsLogin: "SG_SUDO_AS" }`), when known.
 */
export function inFlagWords(text: string, sources: Readonly<Record<string, string | undefined>> = {}): string {
  let out = text;
  for (const { name, flag } of [...ENTITY_OPTIONS, ...TRANSPORT_OPTIONS, ...FUNCTIONS]) out = out.replace(name, flag);
  for (const [name, flag] of Object.entries(AUTH_OPTIONS)) out = out.replace(new RegExp(`\\b${name}\\b`, "g"), sources[name] ?? flag);
  // "@sg/entities: --filter-operator: …": the flag is the subject; the package that checked it says nothing more.
  return out.replace(/^@sg\/[\w-]+: (?=--)/, "");
}

/**
 * The parts of `error` that are not the libraries' words about their own options: the site's (`serverMessage`, an
 * answer's `bodySnippet`) and what the person gave (`SgValidationError.received`). They are shown as they came.
 */
function keptWords(error: SgError): string[] {
  const fields = error as { serverMessage?: unknown; bodySnippet?: unknown; received?: unknown };
  return [fields.serverMessage, fields.bodySnippet, error instanceof SgValidationError ? error.received : undefined].filter((t): t is string => typeof t === "string" && t !== "");
}

/** `text` rewritten by `rewrite`, except where one of `kept` occurs in it (the earliest, then on from its end). */
function rewriteAround(text: string, kept: readonly string[], rewrite: (part: string) => string): string {
  let out = "";
  let at = 0;
  for (;;) {
    let next = -1;
    let found = "";
    for (const k of kept) {
      const i = text.indexOf(k, at);
      if (i !== -1 && (next === -1 || i < next)) [next, found] = [i, k];
    }
    if (next === -1) return out + rewrite(text.slice(at));
    out += rewrite(text.slice(at, next)) + found;
    at = next + found.length;
  }
}

/**
 * `text` — a line or hint of `error` as shown, secrets already scrubbed from it — in the command line's words
 * ({@link inFlagWords}), where the libraries wrote about their own options: the message of an `SgValidationError`, an
 * `SgAuthError` (`options.filterOperator`, `(sudoAsLogin)`) or an `SgProtocolError` (the transport's sentence about an
 * answer that is not the protocol's: `maxResponseBytes`) and the hint of any library error, never the site's
 * words in them (a fault's "Shot.sessionToken doesn't exist" names a field, not `--session-token`) nor the value
 * the person gave. Any other library error's message (a fault, an HTTP answer) is the site's and stays as it is;
 * `sg`'s own usage errors are rewritten whole, as they name the libraries' options only where they pass one on.
 *
 * @param error - the error shown.
 * @param text - its message or hint, scrubbed.
 * @param part - which of the two `text` is.
 * @param sources - where each auth option's value came from this run, as for {@link inFlagWords}.
 * @param scrub - the scrubbing applied to `text`, applied to the kept words too so that they are found in it.
 */
export function errorInFlagWords(error: unknown, text: string, part: "message" | "hint", sources: Readonly<Record<string, string | undefined>> = {}, scrub: (text: string) => string = (t) => t): string {
  const rewrite = (t: string): string => inFlagWords(t, sources);
  if (!(error instanceof SgError)) return rewrite(text);
  if (part === "message" && !(error instanceof SgValidationError) && !(error instanceof SgAuthError) && !(error instanceof SgProtocolError)) return text;
  return rewriteAround(text, keptWords(error).map(scrub), rewrite);
}
