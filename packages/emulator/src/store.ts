/** A stored entity. Field values are kept in their wire form (links as `{type, id}` only). */
export interface Row {
  readonly type: string;
  readonly id: number;
  retired: boolean;
  readonly f: Record<string, unknown>;
}

/** A link as stored: `{type, id}`. */
export interface LinkRef {
  type: string;
  id: number;
}

interface Table {
  rows: Map<number, Row>;
  list: Row[];
  nextId: number;
}

/** Serialised store, as persisted with `--data`. */
export interface StoreSnapshot {
  tables: Record<string, { nextId: number; rows: [number, boolean, Record<string, unknown>][] }>;
}

type FieldIndex = Map<string, Set<Row>>;

/** Index key of one scalar value: links by type+id, text case-insensitively. */
export function indexKey(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  if (typeof value === 'string') return 's' + value.toLowerCase();
  if (typeof value === 'number') return 'n' + value;
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  if (typeof value === 'object' && 'type' in value && 'id' in value) {
    const link = value as LinkRef;
    return `e${link.type}#${link.id}`;
  }
  return 'j' + JSON.stringify(value);
}

function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.length === 0 ? ['∅'] : value.map(indexKey);
  return [indexKey(value)];
}

/** Whether a link value points at `ref`. */
export function isLink(value: unknown): value is LinkRef {
  return typeof value === 'object' && value !== null && typeof (value as LinkRef).type === 'string' && typeof (value as LinkRef).id === 'number';
}

/** From this length, a list changed in place keeps its links by key, so that a membership test is one lookup. */
const MEMBERS_FROM = 32;

/**
 * The in-memory store: rows per entity type in id order, ids per type, lazily built hash indexes (maintained on
 * every write once built) for equality lookups, and an undo journal so that `batch` is atomic.
 */
export class Store {
  private tables = new Map<string, Table>();
  private indexes = new Map<string, Map<string, FieldIndex>>();
  private journal: (() => void)[] | null = null;
  private typeRevisions = new Map<string, number>();
  /**
   * Multi-entity lists this store made (by copying a stored value the first time {@link addLink} or
   * {@link removeLink} changed it), which it may therefore change in place; for a long one, the count of each link
   * key it holds (null until asked for).
   */
  private readonly ownLists = new WeakMap<LinkRef[], Map<string, number> | null>();
  /** Incremented on every write (and every undone write); persistence compares it to know when to save. */
  revision = 0;

  /** Write counter of one entity type: changes whenever a row of that type is inserted, changed, retired or revived, or such a write is undone. */
  typeRevision(type: string): number {
    return this.typeRevisions.get(type) ?? 0;
  }

  private touch(type: string): void {
    this.revision++;
    this.typeRevisions.set(type, (this.typeRevisions.get(type) ?? 0) + 1);
  }

  private table(type: string): Table {
    let t = this.tables.get(type);
    if (!t) {
      t = { rows: new Map(), list: [], nextId: 1 };
      this.tables.set(type, t);
    }
    return t;
  }

  /** The row, retired or not, or undefined. */
  get(type: string, id: number): Row | undefined {
    return this.tables.get(type)?.rows.get(id);
  }

  /** The row when it exists and is not retired. */
  getLive(type: string, id: number): Row | undefined {
    const row = this.get(type, id);
    return row && !row.retired ? row : undefined;
  }

  /** All rows of a type (retired too), in id order. Do not mutate. */
  all(type: string): readonly Row[] {
    return this.tables.get(type)?.list ?? [];
  }

  /** Number of rows of a type (retired too). */
  count(type: string): number {
    return this.tables.get(type)?.list.length ?? 0;
  }

  /** Inserts a row with the next id of its type. */
  insert(type: string, fields: Record<string, unknown>): Row {
    const t = this.table(type);
    const id = t.nextId++;
    const row: Row = { type, id, retired: false, f: fields };
    t.rows.set(id, row);
    t.list.push(row);
    const idx = this.indexes.get(type);
    if (idx) for (const [field, index] of idx) this.indexAdd(index, row, field === 'id' ? id : row.f[field]);
    this.touch(type);
    this.journal?.push(() => {
      t.rows.delete(id);
      const last = t.list.pop();
      if (last !== row) throw new Error('store journal out of order');
      t.nextId = id;
      const ix = this.indexes.get(type);
      if (ix) for (const [field, index] of ix) this.indexRemove(index, row, field === 'id' ? id : row.f[field]);
    });
    return row;
  }

  /** Sets one field of a row, keeping indexes and the journal in step. */
  setField(row: Row, field: string, value: unknown): void {
    this.assign(row, field, value, true);
  }

  /** {@link setField}; `reindex` false when `value` has the index keys of the value it replaces (a copy of a list). */
  private assign(row: Row, field: string, value: unknown, reindex: boolean): void {
    const old = row.f[field];
    const index = reindex ? this.indexes.get(row.type)?.get(field) : undefined;
    if (index) {
      this.indexRemove(index, row, old);
      this.indexAdd(index, row, value);
    }
    row.f[field] = value;
    this.touch(row.type);
    this.journal?.push(() => {
      this.touch(row.type);
      const ix = reindex ? this.indexes.get(row.type)?.get(field) : undefined;
      if (ix) {
        this.indexRemove(ix, row, value);
        this.indexAdd(ix, row, old);
      }
      if (old === undefined) delete row.f[field];
      else row.f[field] = old;
    });
  }

  /**
   * Appends `ref` to the multi-entity list in `row.field` unless the list holds it already; returns whether it was
   * added. Unlike setting the whole list, this costs the same however long the list is (amortized: the first change
   * copies the stored list once, see {@link ownList}), and updates the field's index for the one link.
   */
  addLink(row: Row, field: string, ref: LinkRef): boolean {
    if (this.holds(row.f[field], ref)) return false;
    const list = this.ownList(row, field);
    const entry: LinkRef = { type: ref.type, id: ref.id };
    list.push(entry);
    this.linkAdded(row, field, list, entry, 1);
    this.journal?.push(() => {
      if (list.pop() !== entry) throw new Error('store journal out of order');
      this.linkRemoved(row, field, list, entry);
    });
    return true;
  }

  /**
   * Removes `ref` from the multi-entity list in `row.field`, keeping the order of the rest; returns whether the list
   * held it. Updates the field's index for the one link; the cost is one scan of the list (no copy, no Set).
   */
  removeLink(row: Row, field: string, ref: LinkRef): boolean {
    if (!this.holds(row.f[field], ref)) return false;
    const list = this.ownList(row, field);
    const removed: [number, LinkRef][] = [];
    for (let i = list.length - 1; i >= 0; i--) {
      const l = list[i] as LinkRef;
      if (l.id === ref.id && l.type === ref.type) removed.push([i, l]);
    }
    for (const [i] of removed) list.splice(i, 1);
    this.linkRemoved(row, field, list, ref);
    this.journal?.push(() => {
      for (let k = removed.length - 1; k >= 0; k--) {
        const [i, l] = removed[k] as [number, LinkRef];
        list.splice(i, 0, l);
      }
      this.linkAdded(row, field, list, ref, removed.length);
    });
    return true;
  }

  /** Bookkeeping after `count` links to `ref` went into `list`, the list in `row.field`: its members and the field index. */
  private linkAdded(row: Row, field: string, list: LinkRef[], ref: LinkRef, count: number): void {
    this.ownLists.get(list)?.set(indexKey(ref), count);
    const index = this.indexes.get(row.type)?.get(field);
    if (index) {
      if (list.length === count) this.indexRemove(index, row, null);
      this.indexAdd(index, row, ref);
    }
    this.touch(row.type);
  }

  /** Bookkeeping after every link to `ref` left `list`, the list in `row.field`. */
  private linkRemoved(row: Row, field: string, list: LinkRef[], ref: LinkRef): void {
    this.ownLists.get(list)?.delete(indexKey(ref));
    const index = this.indexes.get(row.type)?.get(field);
    if (index) {
      this.indexRemove(index, row, ref);
      if (list.length === 0) this.indexAdd(index, row, null);
    }
    this.touch(row.type);
  }

  /** Whether a stored multi-entity value holds `ref`: a lookup in a long list this store changes in place, else a scan. */
  private holds(value: unknown, ref: LinkRef): boolean {
    if (!Array.isArray(value)) return isLink(value) && value.type === ref.type && value.id === ref.id;
    const members = this.membersOf(value);
    if (members) return members.has(indexKey(ref));
    return value.some((l) => isLink(l) && l.id === ref.id && l.type === ref.type);
  }

  /** The link counts by key of a list this store changes in place, built the first time it is asked once the list is long. */
  private membersOf(list: unknown[]): Map<string, number> | undefined {
    const members = this.ownLists.get(list as LinkRef[]);
    if (members !== null) return members;
    if (list.length < MEMBERS_FROM) return undefined;
    const built = new Map<string, number>();
    for (const l of list as LinkRef[]) {
      const key = indexKey(l);
      built.set(key, (built.get(key) ?? 0) + 1);
    }
    this.ownLists.set(list as LinkRef[], built);
    return built;
  }

  /**
   * The list in `row.field` as one this store may change in place. The first time, that is a copy of the stored
   * value (its links), set in its place: the stored array may be shared with the caller that wrote it.
   */
  private ownList(row: Row, field: string): LinkRef[] {
    const current = row.f[field];
    if (Array.isArray(current) && this.ownLists.has(current as LinkRef[])) return current as LinkRef[];
    const items: unknown[] = Array.isArray(current) ? current : [current];
    const copy = items.filter(isLink);
    this.ownLists.set(copy, null);
    // Absent, null and [] index alike; so do a list and the copy of its links when every item is one.
    const sameKeys = Array.isArray(current) ? copy.length === current.length : current === undefined || current === null || isLink(current);
    this.assign(row, field, copy, !sameKeys);
    return copy;
  }

  /** Retires or revives a row. */
  setRetired(row: Row, retired: boolean): void {
    const old = row.retired;
    row.retired = retired;
    this.touch(row.type);
    this.journal?.push(() => {
      this.touch(row.type);
      row.retired = old;
    });
  }

  /** Rows of `type` whose `field` equals one of `values` (multi-valued fields: contains one of them). */
  lookup(type: string, field: string, values: readonly unknown[]): Row[] {
    let idx = this.indexes.get(type);
    if (!idx) {
      idx = new Map();
      this.indexes.set(type, idx);
    }
    let index = idx.get(field);
    if (!index) {
      index = new Map();
      for (const row of this.all(type)) this.indexAdd(index, row, field === 'id' ? row.id : row.f[field]);
      idx.set(field, index);
    }
    if (values.length === 1) return [...(index.get(indexKey(values[0])) ?? [])];
    const out = new Set<Row>();
    for (const v of values) for (const row of index.get(indexKey(v)) ?? []) out.add(row);
    return [...out];
  }

  private indexAdd(index: FieldIndex, row: Row, value: unknown): void {
    for (const key of keysOf(value)) {
      let set = index.get(key);
      if (!set) {
        set = new Set();
        index.set(key, set);
      }
      set.add(row);
    }
  }

  private indexRemove(index: FieldIndex, row: Row, value: unknown): void {
    // A value no row holds any more is dropped with its key: a field rewritten with ever new values (a name, a
    // counter) would otherwise leave an empty entry per value it ever had.
    for (const key of keysOf(value)) {
      const rows = index.get(key);
      if (rows?.delete(row) && rows.size === 0) index.delete(key);
    }
  }

  /** Keys held by the equality indexes built so far (distinct values per indexed field). */
  indexKeyCount(): number {
    let keys = 0;
    for (const byField of this.indexes.values()) for (const index of byField.values()) keys += index.size;
    return keys;
  }

  /**
   * Registers how to undo a change made outside the store (e.g. to the site's credentials) during the current
   * {@link transaction}, so that a failed `batch` leaves that state as it was too. No-op outside a transaction.
   */
  onUndo(undo: () => void): void {
    this.journal?.push(undo);
  }

  /** Runs `fn` atomically: if it throws, every write it made is undone. */
  transaction<T>(fn: () => T): T {
    if (this.journal) return fn();
    this.journal = [];
    try {
      const result = fn();
      this.journal = null;
      return result;
    } catch (err) {
      const undo = this.journal ?? [];
      this.journal = null;
      for (let i = undo.length - 1; i >= 0; i--) undo[i]?.();
      throw err;
    }
  }

  /** Serialisable copy of all rows. */
  snapshot(): StoreSnapshot {
    const tables: StoreSnapshot['tables'] = {};
    for (const [type, t] of this.tables) {
      tables[type] = { nextId: t.nextId, rows: t.list.map((r) => [r.id, r.retired, r.f]) };
    }
    return { tables };
  }

  /** Replaces the content with a snapshot. */
  load(snapshot: StoreSnapshot): void {
    this.tables.clear();
    this.indexes.clear();
    for (const type of new Set([...this.typeRevisions.keys(), ...Object.keys(snapshot.tables)])) this.touch(type);
    for (const [type, data] of Object.entries(snapshot.tables)) {
      const t = this.table(type);
      for (const [id, retired, f] of data.rows) {
        const row: Row = { type, id, retired, f };
        t.rows.set(id, row);
        t.list.push(row);
      }
      t.nextId = data.nextId;
    }
  }
}
