/**
 * The layout of `credentials.json` (version 1), checked with plain code rather than zod: loading zod cost every `sg`
 * run from a saved session about a tenth of a second. `credentials-parity.test.ts` holds it to the zod schema it
 * replaced.
 *
 * @packageDocumentation
 */

/** One site's entry as read: a saved session, with any keys a later version 1 `sg` added. */
export type CredentialsEntry = { sessionToken: string; login?: string; method: "browser" | "password"; savedAt: string } & { [key: string]: unknown };

/** The credentials file as read. Loose: keys this sg does not know are kept when it rewrites the file. */
export type CredentialsFile = { version: 1; sites: Record<string, CredentialsEntry> } & { [key: string]: unknown };

type Problem = { readonly path: readonly string[]; readonly expected: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** What a JSON value is, in words: never the value itself, which may be a secret. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return value ? "another string" : "an empty string";
  return typeof value === "object" ? "an object" : typeof value === "number" ? "a number" : `a ${typeof value}`;
}

/** The first thing wrong with one site's entry, in the order zod checked it. */
function entryProblem(entry: unknown): Problem | undefined {
  if (!isObject(entry)) return { path: [], expected: "an object with sessionToken, method and savedAt" };
  const { sessionToken, login, method, savedAt } = entry;
  if (typeof sessionToken !== "string" || !sessionToken) return { path: ["sessionToken"], expected: "a non-empty string" };
  if (login !== undefined && typeof login !== "string") return { path: ["login"], expected: "a string" };
  if (method !== "browser" && method !== "password") return { path: ["method"], expected: '"browser" or "password"' };
  if (typeof savedAt !== "string") return { path: ["savedAt"], expected: "a string" };
  return undefined;
}

/** The first thing wrong with the file's layout, with its path from the top (`__proto__` keys are skipped, as zod did). */
function fileProblem(json: unknown): Problem | undefined {
  if (!isObject(json)) return { path: [], expected: "an object" };
  if (json["version"] !== 1) return { path: ["version"], expected: "1" };
  const sites = json["sites"];
  if (!isObject(sites)) return { path: ["sites"], expected: "an object keyed by site URL" };
  for (const [site, entry] of Object.entries(sites)) {
    const problem = site === "__proto__" ? undefined : entryProblem(entry);
    if (problem) return { path: ["sites", site, ...problem.path], expected: problem.expected };
  }
  return undefined;
}

/** A site's key as a message may show it: an http(s) URL's origin (no user, password, path or query), cut short; else its place. */
function siteLabel(site: string, index: number): string {
  let url: URL | undefined;
  try {
    url = new URL(site);
  } catch {
    // not a URL: shown by its place only
  }
  if (url?.protocol !== "http:" && url?.protocol !== "https:") return `[entry ${index + 1}]`;
  return `[${JSON.stringify(url.origin.length > 80 ? `${url.origin.slice(0, 79)}…` : url.origin)}]`;
}

/**
 * Check parsed JSON against the version 1 layout.
 *
 * @param json - the parsed file, whose `version` is not above 1.
 * @returns the file (its own `__proto__` keys at the top, in `sites` and in each entry removed), or the first thing
 * wrong with it: its key `path`, and in words where (`sites["https://a.example"].method`), what was expected there and
 * what kind of value is there instead, never a value from the file (a site's key shows its URL's origin only).
 */
export function checkCredentialsFile(json: unknown): { readonly file: CredentialsFile } | { readonly problem: string; readonly path: readonly string[] } {
  const problem = fileProblem(json);
  if (problem) {
    const [top, site, ...rest] = problem.path;
    let value: unknown = json;
    for (const key of problem.path) value = (value as Record<string, unknown>)[key];
    const label = site === undefined ? "" : siteLabel(site, Object.keys((json as CredentialsFile).sites).indexOf(site));
    const where = top === undefined ? "the file" : `${top}${label}${rest.map((k) => `.${k}`).join("")}`;
    const words = value === undefined ? `${where} is missing (it must be ${problem.expected})` : `${where} must be ${problem.expected}, not ${kindOf(value)}`;
    return { problem: words, path: problem.path };
  }
  const file = json as CredentialsFile;
  delete file["__proto__"];
  delete file.sites["__proto__"];
  for (const entry of Object.values(file.sites)) delete entry["__proto__"];
  return { file };
}
