/**
 * The end of a refusal that names the likely meant name: `: did you mean "x"?`, the name written by `show` (quoted as
 * JSON by default; `--port` for a flag); '' when there is no guess.
 */
export function didYouMean(meant: string | undefined, show: (name: string) => string = (name) => JSON.stringify(name)): string {
  return meant === undefined ? '' : `: did you mean ${show(meant)}?`;
}

/** A name compared without case, `-` or `_`: `latency-ms`, `latency_ms` and `latencyMs` are one. */
export const squash = (name: string): string => name.toLowerCase().replace(/[-_]/g, '');

/** How many one-letter edits turn `a` into `b` (Levenshtein distance). */
function edits(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/**
 * The candidate an unknown name most likely meant, names compared as {@link squash} does: the one that has it as one
 * of its `spellings` (`datafile` for `dataFile`), else the one whose first spelling it begins (`latency`), else the
 * one whose first spelling is at most two letters away (`pageSise`, `prot`); undefined when none or several fit.
 *
 * @param name - the unknown name, without dashes in front.
 * @param candidates - the known names.
 * @param spellings - the names a candidate goes by, its own first.
 */
export function meantName<T>(name: string, candidates: readonly T[], spellings: (candidate: T) => readonly string[]): T | undefined {
  const k = squash(name);
  const first = (c: T): string => squash(spellings(c)[0] ?? '');
  const same = candidates.find((c) => spellings(c).some((s) => squash(s) === k));
  if (same !== undefined) return same;
  const only = (found: T[]): T | undefined => (found.length === 1 ? found[0] : undefined);
  return (k.length >= 3 ? only(candidates.filter((c) => first(c).startsWith(k))) : undefined) ?? only(candidates.filter((c) => edits(k, first(c)) <= 2));
}
