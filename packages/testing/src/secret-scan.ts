import { inspect } from "node:util";

/** Secrets shorter than this are not searched for: they would match unrelated text (timestamps, ids). */
export const MIN_SECRET_LENGTH = 8;

/** A secret value to look for, and where the kit learned it (the value itself is never printed). */
export interface KnownSecret {
  /** The secret. */
  readonly value: string;
  /** A printable description, e.g. `secrets(env)[0]` or `a session token sent in a request`. */
  readonly label: string;
}

/** A place where a secret showed up. */
export interface SecretFinding {
  /** What was searched, e.g. `error from a call (message)`. */
  readonly where: string;
  /** Which secret (by label). */
  readonly secret: string;
  /** Text around the hit, with every known secret replaced by `[SECRET]`. */
  readonly excerpt: string;
}

/** The set of secrets a conformance run knows about: the declared ones plus every credential it saw sent. */
export class SecretRegistry {
  readonly #secrets = new Map<string, string>();

  /** Remember a secret (ignored when too short or already known). */
  add(value: unknown, label: string): void {
    if (typeof value !== "string" || value.length < MIN_SECRET_LENGTH || this.#secrets.has(value)) return;
    this.#secrets.set(value, label);
  }

  /** The secrets known so far. */
  list(): KnownSecret[] {
    return [...this.#secrets].map(([value, label]) => ({ value, label }));
  }

  /** `text` with every known secret replaced by `[SECRET]` (the longest first: a secret containing another is masked whole). */
  mask(text: string): string {
    return this.#mask(text);
  }

  /** {@link mask}, with `hit`, when given, replaced by the one-character mark U+0000 instead. */
  #mask(text: string, hit?: string): string {
    let out = text;
    for (const value of [...this.#secrets.keys()].sort((a, b) => b.length - a.length)) out = out.split(value).join(value === hit ? "\0" : "[SECRET]");
    return out;
  }

  /**
   * Every known secret that occurs in `text`, with a masked excerpt. The whole text is masked before the excerpt
   * is cut around the hit: cut first, a second secret across the window's edge would no longer be whole, and
   * masking would leave the part of it inside the window.
   */
  scan(text: string, where: string): SecretFinding[] {
    const found: SecretFinding[] = [];
    for (const [value, label] of this.#secrets) {
      if (!text.includes(value)) continue;
      // The hit is masked as a one-character mark (U+0000), the others as [SECRET]. Inside a longer secret, it
      // is masked with that one: the excerpt is then cut around the first mask.
      const masked = this.#mask(text, value);
      const at = masked.includes("\0") ? masked.indexOf("\0") : masked.indexOf("[SECRET]");
      const start = Math.max(0, at - 60);
      const end = Math.min(masked.length, at + 1 + 60);
      const excerpt = masked.slice(start, end).split("\0").join("[SECRET]").replace(/\s+/g, " ");
      found.push({ where, secret: label, excerpt: `${start > 0 ? "…" : ""}${excerpt}${end < masked.length ? "…" : ""}` });
    }
    return found;
  }
}

/** JSON.stringify that never throws (cycles, BigInt, throwing toJSON). */
export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? "undefined";
  } catch (error) {
    return `[JSON.stringify threw: ${error instanceof Error ? error.message : String(error)}]`;
  }
}

/** util.inspect that never throws (a custom inspect may). */
export function safeInspect(value: unknown): string {
  try {
    return inspect(value, { depth: 8, breakLength: Infinity, maxStringLength: Infinity, maxArrayLength: 1000 });
  } catch (error) {
    return `[util.inspect threw: ${error instanceof Error ? error.message : String(error)}]`;
  }
}

/** The renderings of an error that a person or a log pipeline may see. */
export function errorRenderings(error: unknown): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  if (error instanceof Error) {
    out.push(["message", error.message]);
    out.push(["stack", String(error.stack ?? "")]);
  }
  out.push(["String()", safeString(error)]);
  out.push(["JSON (toJSON)", safeJson(error)]);
  out.push(["util.inspect", safeInspect(error)]);
  return out;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch (error) {
    return `[String() threw: ${error instanceof Error ? error.message : String(error)}]`;
  }
}

/** A one-line description of an error for a report, with secrets masked. */
export function describeError(error: unknown, secrets: SecretRegistry): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    // Masked, then cut: a cut first could leave the start of a secret.
    const first = secrets.mask(error.message.split("\n")[0] ?? "");
    return secrets.mask(`${error.name}${typeof code === "string" ? ` [${code}]` : ""}: ${first.length > 200 ? `${first.slice(0, 197)}...` : first}`);
  }
  return `a thrown ${typeof error}: ${secrets.mask(safeString(error)).slice(0, 200)}`;
}
