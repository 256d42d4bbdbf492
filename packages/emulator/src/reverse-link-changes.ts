import { isLink, type LinkRef, type Row } from './store.js';

/** What one write changed in one field on the other side of its pairs (see {@link ReverseChangeLog}). */
export type ReverseChange =
  | {
      readonly row: Row;
      readonly field: string;
      readonly multi: true;
      /** Links the list gained, in the order they were added. */
      readonly added: readonly LinkRef[];
      /** Links the list lost, in the order they were taken out. */
      readonly removed: readonly LinkRef[];
    }
  | {
      readonly row: Row;
      readonly field: string;
      readonly multi: false;
      /** The link before the write (null when there was none); the value after it is the row's. */
      readonly before: LinkRef | null;
    };

type Entry = { multi: true; added: LinkRef[]; removed: LinkRef[] } | { multi: false; before: LinkRef | null };

/**
 * Records, for the event log, the changes one write makes on the other side of its pairs: per row and field, the
 * links a list gained and lost, or what a single link was before. A write changes each of those links once at most
 * (the links a field loses and gains are distinct, and one field is paired with one field per entity type), so a
 * record is an append, and a write that moves 50,000 links records them in linear time.
 */
export class ReverseChangeLog {
  private readonly entries = new Map<Row, Map<string, Entry>>();

  /** `ref` went into the list in `row.field`. */
  added(row: Row, field: string, ref: LinkRef): void {
    this.listEntry(row, field).added.push({ type: ref.type, id: ref.id });
  }

  /** `ref` left the list in `row.field`. */
  removed(row: Row, field: string, ref: LinkRef): void {
    this.listEntry(row, field).removed.push({ type: ref.type, id: ref.id });
  }

  /** The single link in `row.field` is about to change from `before` (a stored value). */
  single(row: Row, field: string, before: unknown): void {
    const fields = this.fieldsOf(row);
    if (!fields.has(field)) fields.set(field, { multi: false, before: isLink(before) ? { type: before.type, id: before.id } : null });
  }

  /** The changes recorded, in the order the rows were first changed. */
  changes(): ReverseChange[] {
    const out: ReverseChange[] = [];
    for (const [row, fields] of this.entries) {
      for (const [field, entry] of fields) out.push({ row, field, ...entry });
    }
    return out;
  }

  private listEntry(row: Row, field: string): { added: LinkRef[]; removed: LinkRef[] } {
    const fields = this.fieldsOf(row);
    const entry = fields.get(field);
    if (entry?.multi) return entry;
    const made = { multi: true as const, added: [], removed: [] };
    fields.set(field, made);
    return made;
  }

  private fieldsOf(row: Row): Map<string, Entry> {
    let fields = this.entries.get(row);
    if (!fields) {
      fields = new Map();
      this.entries.set(row, fields);
    }
    return fields;
  }
}
