import { errorRenderings, safeInspect, safeJson } from "./secret-scan.js";

/**
 * Where any of `secrets` shows up in the ways a person or a log pipeline may see `value`: for an error its
 * message, stack, `String()`, JSON (`toJSON`) and `util.inspect`, and the same for each cause; for anything
 * else `String()`, JSON and `util.inspect`. Returns one `rendering: secrets[i]` entry per hit (never the
 * secret itself), so `expect(findSecrets(err, [key])).toEqual([])` reads as the assertion it is.
 */
export function findSecrets(value: unknown, secrets: readonly string[]): string[] {
  const renderings: Array<readonly [string, string]> = [];
  let current: unknown = value;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const prefix = depth === 0 ? "" : `cause ${depth}: `;
    if (current instanceof Error) for (const [where, text] of errorRenderings(current)) renderings.push([prefix + where, text]);
    else renderings.push([`${prefix}String()`, String(current)], [`${prefix}JSON`, safeJson(current)], [`${prefix}util.inspect`, safeInspect(current)]);
    current = current instanceof Error ? current.cause : undefined;
  }
  const found: string[] = [];
  for (const [where, text] of renderings) {
    secrets.forEach((secret, i) => {
      if (secret && text.includes(secret)) found.push(`${where}: secrets[${i}]`);
    });
  }
  return found;
}

/** The reason `promise` rejects with. Throws when it fulfils instead, so a test cannot pass by accident. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("@sg/testing: expected the promise to reject, and it fulfilled");
}
