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
