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
  /** Ids below this one are reserved in the `--data` file (see {@link Store.reserveIds}). */
  reservedTo: number;
}

/** Serialised store, as persisted with `--data`. */
export interface StoreSnapshot {
  /**
   * `reservedTo`: the ids below it may have been handed out after this save (see {@link Store.reserveIds}), so a load
   * goes on from it. Absent from files saved by `close()` and by emulators from before it existed.
   */
  tables: Record<string, { nextId: number; reservedTo?: number; rows: [number, boolean, Record<string, unknown>][] }>;
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

/** From this length, a stored list's links are counted by key (once, when first asked), so that a membership test is one lookup. */
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
   * {@link removeLinks} changed it), which it may therefore change in place.
   */
  private readonly ownLists = new WeakSet<LinkRef[]>();
  /**
   * For a long stored list, the count of each link key it holds, built the first time it is asked. A stored value is
   * never changed in place except by this store, on the lists it owns, which keeps these counts in step (the field
   * indexes rely on the same rule).
   */
  private readonly members = new WeakMap<readonly unknown[], Map<string, number>>();
  /** Incremented on every write (and every undone write); persistence compares it to know when to save. */
  revision = 0;
  /** Set when a write that was undone used up ids (they are never handed out again): the ids counter must be saved. */
  idsSpent = false;
  /**
   * Set when an insert handed out an id that the last save did not reserve ({@link reserveIds}): with `--data`, the
   * file must be saved before the id is answered, or a crash would let a restart hand it out again.
   */
  pastReserved = false;
  /** Counts the inserts that handed out an id past the reserved ones: a request that moved it must save before answering. */
  insertsPastReserved = 0;

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
      t = { rows: new Map(), list: [], nextId: 1, reservedTo: 0 };
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
    if (id >= t.reservedTo) {
      this.pastReserved = true;
      this.insertsPastReserved++;
    }
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
      // The id stays used up, as a database sequence's does: a client that saw it in a failed write must never see it
      // name another record. `nextId` moved on, so the store has changed even though the row is gone.
      this.idsSpent = true;
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
   * held it. One pass over the list: to take many links out of one list, use {@link removeLinks}.
   */
  removeLink(row: Row, field: string, ref: LinkRef): boolean {
    return this.removeLinks(row, field, [ref]) > 0;
  }

  /**
   * Removes every link to one of `refs` from the multi-entity list in `row.field` in one pass, keeping the order of
   * the rest; returns how many entries left the list. The cost is one pass over the list plus one lookup per ref,
   * however many refs: moving thousands of links off one list costs about what moving one does.
   */
  removeLinks(row: Row, field: string, refs: Iterable<LinkRef>): number {
    const current = row.f[field];
    const gone = new Map<string, LinkRef>();
    // The ids leaving, by type: the pass over the list then builds no key per link.
    const goneIds = new Map<string, Set<number>>();
    for (const ref of refs) {
      if (!this.holds(current, ref)) continue;
      gone.set(indexKey(ref), { type: ref.type, id: ref.id });
      const ids = goneIds.get(ref.type) ?? new Set<number>();
      goneIds.set(ref.type, ids.add(ref.id));
    }
    if (gone.size === 0) return 0;
    const list = this.ownList(row, field);
    const removed = positionsOf(list, gone, goneIds);
    takeOut(list, removed);
    const kept = list.length;
    const members = this.members.get(list);
    const index = this.indexes.get(row.type)?.get(field);
    for (const [key, ref] of gone) {
      members?.delete(key);
      if (index) this.indexRemove(index, row, ref);
    }
    if (index && kept === 0) this.indexAdd(index, row, null);
    this.touch(row.type);
    this.journal?.push(() => {
      restoreRemoved(list, removed);
      // Rebuilt when next asked: the undo of a large removal should not pay for the counts.
      this.members.delete(list);
      const ix = this.indexes.get(row.type)?.get(field);
      if (ix) {
        if (kept === 0) this.indexRemove(ix, row, null);
        for (const ref of gone.values()) this.indexAdd(ix, row, ref);
      }
      this.touch(row.type);
    });
    return removed.length;
  }

  /** Bookkeeping after `count` links to `ref` went into `list`, the list in `row.field`: its members and the field index. */
  private linkAdded(row: Row, field: string, list: LinkRef[], ref: LinkRef, count: number): void {
    this.members.get(list)?.set(indexKey(ref), count);
    const index = this.indexes.get(row.type)?.get(field);
    if (index) {
      if (list.length === count) this.indexRemove(index, row, null);
      this.indexAdd(index, row, ref);
    }
    this.touch(row.type);
  }

  /** Bookkeeping after every link to `ref` left `list`, the list in `row.field`. */
  private linkRemoved(row: Row, field: string, list: LinkRef[], ref: LinkRef): void {
    this.members.get(list)?.delete(indexKey(ref));
    const index = this.indexes.get(row.type)?.get(field);
    if (index) {
      this.indexRemove(index, row, ref);
      if (list.length === 0) this.indexAdd(index, row, null);
    }
    this.touch(row.type);
  }

  /** Whether the stored value of `row.field` (a link or a multi-entity list) holds `ref`: one lookup for a long list. */
  hasLink(row: Row, field: string, ref: LinkRef): boolean {
    return this.holds(row.f[field], ref);
  }

  /** Whether a stored value holds `ref`: a lookup in a long list, else a scan. */
  private holds(value: unknown, ref: LinkRef): boolean {
    if (!Array.isArray(value)) return isLink(value) && value.type === ref.type && value.id === ref.id;
    const members = this.membersOf(value);
    if (members) return members.has(indexKey(ref));
    return value.some((l) => isLink(l) && l.id === ref.id && l.type === ref.type);
  }

  /** The link counts by key of a long list, built the first time it is asked. */
  private membersOf(list: readonly unknown[]): Map<string, number> | undefined {
    const known = this.members.get(list);
    if (known || list.length < MEMBERS_FROM) return known;
    const built = new Map<string, number>();
    for (const l of list) {
      const key = indexKey(l);
      built.set(key, (built.get(key) ?? 0) + 1);
    }
    this.members.set(list, built);
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
    this.ownLists.add(copy);
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
    const index = this.index(type, field);
    if (values.length === 1) return [...(index.get(indexKey(values[0])) ?? [])];
    const out = new Set<Row>();
    for (const v of values) for (const row of index.get(indexKey(v)) ?? []) out.add(row);
    return [...out];
  }

  /**
   * Rows of `type` whose `fieldA` equals (or holds) `a` and whose `fieldB` equals (or holds) `b`, in no set order. It
   * costs the smaller of the two sets of rows, not the larger: the row joining a Playlist of 16,000 Versions to one
   * of them is found among that Version's rows.
   */
  lookupBoth(type: string, fieldA: string, a: unknown, fieldB: string, b: unknown): Row[] {
    const rowsA = this.index(type, fieldA).get(indexKey(a));
    const rowsB = this.index(type, fieldB).get(indexKey(b));
    if (!rowsA || !rowsB) return [];
    const [small, large] = rowsA.size <= rowsB.size ? [rowsA, rowsB] : [rowsB, rowsA];
    const out: Row[] = [];
    for (const row of small) if (large.has(row)) out.push(row);
    return out;
  }

  /** The equality index of `type.field`, built on first use and kept in step with every write after. */
  private index(type: string, field: string): FieldIndex {
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
    return index;
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

  /** Serialisable copy of all rows; `reserve` > 0 reserves that many ids past each type's next one (see {@link reserveIds}). */
  snapshot(reserve = 0): StoreSnapshot {
    const tables: StoreSnapshot['tables'] = {};
    for (const [type, t] of this.tables) {
      tables[type] = { nextId: t.nextId, ...(reserve > 0 ? { reservedTo: t.nextId + reserve } : {}), rows: t.list.map((r) => [r.id, r.retired, r.f]) };
    }
    return { tables };
  }

  /**
   * Records that a snapshot taken with the same `reserve` was saved: ids up to `reserve` past each type's next one may
   * be handed out before the next save, since a load of that file goes on after them.
   */
  reserveIds(reserve: number): void {
    for (const t of this.tables.values()) t.reservedTo = t.nextId + reserve;
    this.pastReserved = false;
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
      // Ids reserved by the save may have been handed out before a crash: they are never handed out again.
      t.nextId = t.reservedTo = Math.max(data.nextId, data.reservedTo ?? 0);
    }
  }
}

/** The entries of `list` linking to one of `gone` (by key; `goneIds` holds their ids by type), with their positions, in order. */
function positionsOf(list: readonly LinkRef[], gone: ReadonlyMap<string, LinkRef>, goneIds: ReadonlyMap<string, ReadonlySet<number>>): [number, LinkRef][] {
  const removed: [number, LinkRef][] = [];
  if (gone.size === 1) {
    // One link leaving (a single move): compare, no lookup per entry.
    const { type, id } = gone.values().next().value as LinkRef;
    for (let i = 0; i < list.length; i++) {
      const l = list[i] as LinkRef;
      if (l.id === id && l.type === type) removed.push([i, l]);
    }
    return removed;
  }
  for (let i = 0; i < list.length; i++) {
    const l = list[i] as LinkRef;
    if (goneIds.get(l.type)?.has(l.id)) removed.push([i, l]);
  }
  return removed;
}

/**
 * Takes out of `list` the entries at the positions of `removed` (in order), keeping the order of the rest: one pass
 * from the first of them, each entry after it moving up once.
 */
function takeOut(list: LinkRef[], removed: readonly (readonly [number, LinkRef])[]): void {
  let kept = (removed[0] as readonly [number, LinkRef])[0];
  for (let i = kept, k = 0; i < list.length; i++) {
    if (k < removed.length && (removed[k] as readonly [number, LinkRef])[0] === i) k++;
    else list[kept++] = list[i] as LinkRef;
  }
  list.length = kept;
}

/**
 * Puts back the entries {@link Store.removeLinks} took out of `list`: `removed` holds each with its position before
 * the removal, in order. One pass from the end, so that undoing a large removal stays linear.
 */
function restoreRemoved(list: LinkRef[], removed: readonly (readonly [number, LinkRef])[]): void {
  let from = list.length - 1;
  for (const [, link] of removed) list.push(link);
  for (let k = removed.length - 1, at = list.length - 1; k >= 0; at--) {
    const [position, link] = removed[k] as [number, LinkRef];
    if (at === position) {
      list[at] = link;
      k--;
    } else list[at] = list[from--] as LinkRef;
  }
}
