import { isLink, type LinkRef, type Row } from './store.js';

/** The links a stored entity or multi-entity value holds: none, one, or the list's (as `{type, id}`). */
export function refsOf(value: unknown): LinkRef[] {
  const items = Array.isArray(value) ? value : [value];
  return items.filter(isLink).map((l) => ({ type: l.type, id: l.id }));
}

/** Whether a stored value is a link to `ref`. */
export function sameRef(value: unknown, ref: LinkRef): boolean {
  return isLink(value) && value.type === ref.type && value.id === ref.id;
}

/** `{type, id}` of a row. */
export function refOf(row: Row): LinkRef {
  return { type: row.type, id: row.id };
}

/** A key naming the entity a link points to (`Shot#12`), for sets of links. */
export function linkKey(ref: LinkRef): string {
  return `${ref.type}#${ref.id}`;
}

/**
 * What a list of links gained and lost from one stored value to the next: `added` in the order of the new list,
 * `removed` in the order of the old one. Both are empty when only the order changed. Linear in the lengths.
 */
export function listChanges(before: unknown, after: unknown): { added: LinkRef[]; removed: LinkRef[] } {
  const was = refsOf(before);
  const now = refsOf(after);
  const had = new Set(was.map(linkKey));
  const has = new Set(now.map(linkKey));
  return { added: now.filter((l) => !had.has(linkKey(l))), removed: was.filter((l) => !has.has(linkKey(l))) };
}
