import { resolveConnectionTypes, type ConnectionType, type ConnectionTypes } from './connection-types.js';
import { badInput } from './errors.js';
import { refOf } from './link-refs.js';
import type { LinkPairs } from './reverse-link-pairs.js';
import type { ReverseChange } from './reverse-link-changes.js';
import type { LinkWatcher, ReverseLinks } from './reverse-links.js';
import type { Schema } from './schema.js';
import { isLink, type LinkRef, type Row, type Store } from './store.js';

/** What {@link ConnectionRows} reads: the site's current schema, store and reverse links. */
export interface ConnectedSite {
  readonly schema: Schema;
  readonly store: Store;
  readonly reverseLinks: ReverseLinks;
}

/** What {@link ConnectionRows.settle} wrote, for the event log, in the order it wrote it. */
export type ConnectionEffect =
  | { readonly kind: 'new' | 'retired' | 'revived'; readonly row: Row }
  | { readonly kind: 'renumbered'; readonly row: Row; readonly field: string; readonly before: unknown; readonly after: number };

/** Two rows a connection type joins, by id, in the order of its ends. */
interface Joined {
  readonly connection: ConnectionType;
  readonly ids: readonly [number, number];
}

/**
 * Keeps the rows of the connection entity types (`PlaylistVersionConnection`, `AssetShotConnection`, …) in step
 * with the pairs of multi-entity fields they stand for (see {@link resolveConnectionTypes}), both ways: a link
 * gained by a list of the pair gets a live connection row joining the two, one lost retires it; a connection row
 * written by hand adds, moves or removes the link. Its own writes to connection rows are made in {@link settle},
 * once the write that changed the links is done, so that they are the same whichever way the link came.
 */
export class ConnectionRows implements LinkWatcher {
  private types: ConnectionTypes | undefined;
  private typesOf: LinkPairs | undefined;
  private store: Store | undefined;
  /** Connection types whose rows the current store has been brought in line with. */
  private readonly reconciled = new Set<string>();
  /** The pairs of rows whose link changed since the last {@link settle}, by `Type:id:id`. */
  private readonly touched = new Map<string, Joined>();
  /**
   * The first-end rows whose list a write changed, to number by position in {@link settle}, by connection type: with
   * the links appended to the list when that is all the write did to it, else null (number the whole list).
   */
  private readonly numbering = new Map<ConnectionType, Map<Row, LinkRef[] | null>>();

  constructor(private readonly site: ConnectedSite) {
    site.reverseLinks.watch(this);
  }

  /** The connection types of the current schema and pairs. */
  current(): ConnectionTypes {
    const pairs = this.site.reverseLinks.activePairs();
    if (!this.types || pairs !== this.typesOf) {
      this.types = resolveConnectionTypes(this.site.schema, pairs);
      this.typesOf = pairs;
    }
    return this.types;
  }

  /** Refuses a write to a connection type the emulator does not keep in step (fault 103). */
  checkWritable(type: string): void {
    if (!this.current().unkept.has(type)) return;
    throw badInput(
      `${type} is a connection entity whose two multi-entity fields the emulator does not keep in step, so it cannot be written; read it, or write the links of a connection it keeps (see the emulator's README, "Connection entities")`,
    );
  }

  /** {@inheritDoc LinkWatcher.linkChanged} */
  linkChanged(row: Row, field: string, ref: LinkRef): void {
    for (const connection of this.current().byList.get(`${row.type}.${field}`) ?? []) {
      const [first, second] = connection.ends;
      if (first.list.type === row.type && first.list.field === field && ref.type === second.list.type) this.touch(connection, row.id, ref.id);
      else if (second.list.type === row.type && second.list.field === field && ref.type === first.list.type) this.touch(connection, ref.id, row.id);
    }
  }

  /** {@inheritDoc LinkWatcher.refreshed} */
  refreshed(): void {
    const store = this.site.store;
    if (store !== this.store) {
      this.store = store;
      this.reconciled.clear();
      this.touched.clear();
      this.numbering.clear();
    }
    const kept = this.current().kept;
    for (const type of [...this.reconciled]) if (!kept.has(type)) this.reconciled.delete(type);
    for (const connection of kept.values()) {
      if (this.reconciled.has(connection.type)) continue;
      this.reconciled.add(connection.type);
      this.reconcile(connection);
    }
  }

  /**
   * A write changed the list in `row.field`: the connection rows of its links are numbered by position in
   * {@link settle}. `appended`: the links the write appended to the list, when it did nothing else to it; only their
   * rows are numbered then (the rest keep their positions).
   */
  listWritten(row: Row, field: string, appended?: readonly LinkRef[]): void {
    for (const connection of this.current().byList.get(`${row.type}.${field}`) ?? []) {
      const [first] = connection.ends;
      if (!connection.sortOrder || first.list.type !== row.type || first.list.field !== field) continue;
      const rows = this.numbering.get(connection) ?? new Map<Row, LinkRef[] | null>();
      const had = rows.get(row);
      rows.set(row, had === null || !appended ? null : [...(had ?? []), ...appended]);
      this.numbering.set(connection, rows);
    }
  }

  /** A connection row was just created: links its two ends; returns what changed, by the connection's field it is put down to. */
  created(row: Row): Map<string, ReverseChange[]> {
    const connection = this.current().kept.get(row.type);
    const out = new Map<string, ReverseChange[]>();
    if (!connection) return out;
    for (const change of this.link(connection, row)) {
      const field = this.causeOf(connection, change);
      out.set(field, [...(out.get(field) ?? []), change]);
    }
    return out;
  }

  /**
   * Ends of a live connection row were just written (`before`: the values of the fields written, before the write):
   * unlinks the two it joined and links the two it joins, once whichever ends moved; returns what changed, by the
   * connection's field it is put down to.
   */
  moved(row: Row, before: ReadonlyMap<string, unknown>): Map<string, ReverseChange[]> {
    const out = new Map<string, ReverseChange[]>();
    const connection = this.current().kept.get(row.type);
    if (!connection || !connection.ends.some((end) => before.has(end.field))) return out;
    const old = this.endsOf(connection, { ...row.f, ...Object.fromEntries(before) });
    for (const change of [...(old ? this.unlink(connection, row, old) : []), ...this.link(connection, row)]) {
      const field = this.causeOf(connection, change);
      out.set(field, [...(out.get(field) ?? []), change]);
    }
    return out;
  }

  /** Whether `field` is one of the two ends of the kept connection type `type`. */
  isEnd(type: string, field: string): boolean {
    return this.current().kept.get(type)?.ends.some((end) => end.field === field) ?? false;
  }

  /** A connection row was just retired: takes its link out, unless another live row joins the same two. */
  retired(row: Row): void {
    const connection = this.current().kept.get(row.type);
    const ends = connection && this.endsOf(connection, row.f);
    if (connection && ends) this.unlink(connection, row, ends);
  }

  /** A connection row was just revived: links its two ends again when both are live. */
  revived(row: Row): void {
    const connection = this.current().kept.get(row.type);
    if (connection) this.link(connection, row);
  }

  /**
   * Brings the connection rows of the links changed since the last call in line: a live link gets a live row (the
   * last retired row joining the two is revived, or a row is created), a link gone retires the live rows joining
   * the two. Then numbers the rows of the lists written ({@link listWritten}). Returns what it wrote.
   */
  settle(): ConnectionEffect[] {
    const effects: ConnectionEffect[] = [];
    const made = new Set<Row>();
    // The rows joining two are found by both ends at once, at the cost of the end with fewer rows: a Version joined
    // to a Playlist of 16,000 costs what the Version's few rows cost.
    const touched = [...this.touched.values()];
    this.touched.clear();
    for (const joined of touched) this.settleOne(joined, this.joining(joined.connection, joined.ids[0], joined.ids[1]), effects, made);
    const numbering = [...this.numbering];
    this.numbering.clear();
    for (const [connection, rows] of numbering) {
      for (const [row, appended] of rows) {
        if (row.retired) continue;
        if (!appended || !this.numberAppended(connection, row, appended, effects, made)) this.number(connection, row, effects, made, false);
      }
    }
    return effects;
  }

  private touch(connection: ConnectionType, first: number, second: number): void {
    this.touched.set(`${connection.type}:${first}:${second}`, { connection, ids: [first, second] });
  }

  /** The rows of the two ends a connection row's fields name, when both exist. */
  private endsOf(connection: ConnectionType, fields: Record<string, unknown>): [Row, Row] | undefined {
    const [first, second] = connection.ends;
    const a = fields[first.field];
    const b = fields[second.field];
    if (!isLink(a) || !isLink(b) || a.type !== first.list.type || b.type !== second.list.type) return undefined;
    const rowA = this.site.store.get(a.type, a.id);
    const rowB = this.site.store.get(b.type, b.id);
    return rowA && rowB ? [rowA, rowB] : undefined;
  }

  /** Links the two ends of a live connection row when both are live. */
  private link(connection: ConnectionType, row: Row): ReverseChange[] {
    const ends = this.endsOf(connection, row.f);
    if (row.retired || !ends || ends[0].retired || ends[1].retired) return [];
    return this.site.reverseLinks.linkEnds(ends[0], connection.ends[0].list.field, refOf(ends[1]), true);
  }

  /** Unlinks two ends `row` joined, unless another live connection row joins them. */
  private unlink(connection: ConnectionType, row: Row, ends: [Row, Row]): ReverseChange[] {
    if (this.joining(connection, ends[0].id, ends[1].id).some((other) => other !== row && !other.retired)) return [];
    return this.site.reverseLinks.linkEnds(ends[0], connection.ends[0].list.field, refOf(ends[1]), false);
  }

  /** The connection rows (retired too) joining two rows, in id order. */
  private joining(connection: ConnectionType, first: number, second: number): Row[] {
    const [a, b] = connection.ends;
    return this.site.store.lookupBoth(connection.type, a.field, { type: a.list.type, id: first }, b.field, { type: b.list.type, id: second }).sort((x, y) => x.id - y.id);
  }

  /** The connection rows (retired too) whose first end is row `first`, by the id of their second end, in id order. */
  private joinedTo(connection: ConnectionType, first: number): Map<number, Row[]> {
    const [a, b] = connection.ends;
    const out = new Map<number, Row[]>();
    const found = this.site.store.lookup(connection.type, a.field, [{ type: a.list.type, id: first }]).sort((x, y) => x.id - y.id);
    for (const row of found) {
      const other = row.f[b.field];
      if (!isLink(other) || other.type !== b.list.type) continue;
      const rows = out.get(other.id);
      if (rows) rows.push(row);
      else out.set(other.id, [row]);
    }
    return out;
  }

  /** Whether two rows are linked: both live, each in the other's list. */
  private linked(connection: ConnectionType, first: number, second: number): boolean {
    const [a, b] = connection.ends;
    const store = this.site.store;
    const rowA = store.getLive(a.list.type, first);
    const rowB = store.getLive(b.list.type, second);
    return !!rowA && !!rowB && store.hasLink(rowA, a.list.field, refOf(rowB)) && store.hasLink(rowB, b.list.field, refOf(rowA));
  }

  /** Brings the connection rows joining two rows (`rows`, in id order) in line with their link. */
  private settleOne(joined: Joined, rows: readonly Row[], effects: ConnectionEffect[], made: Set<Row>): void {
    const { connection, ids } = joined;
    if (this.linked(connection, ids[0], ids[1])) {
      if (rows.some((row) => !row.retired)) return;
      const last = rows[rows.length - 1];
      if (last) {
        this.site.store.setRetired(last, false);
        effects.push({ kind: 'revived', row: last });
        return;
      }
      const row = this.insert(connection, ids);
      made.add(row);
      effects.push({ kind: 'new', row });
      return;
    }
    for (const row of rows) {
      if (row.retired) continue;
      this.site.store.setRetired(row, true);
      effects.push({ kind: 'retired', row });
    }
  }

  private insert(connection: ConnectionType, ids: readonly [number, number]): Row {
    const [a, b] = connection.ends;
    return this.site.store.insert(connection.type, { [a.field]: { type: a.list.type, id: ids[0] }, [b.field]: { type: b.list.type, id: ids[1] } });
  }

  /**
   * Sets the sort order of the live connection rows of a first-end row to the position of their other end in its
   * list (1, 2, …), and reports the changes of rows not in `made` (made in this settle). `onlyMade`: number only
   * the rows in `made` (a reconcile leaves the numbers of the rows it found alone).
   */
  private number(connection: ConnectionType, row: Row, effects: ConnectionEffect[], made: ReadonlySet<Row>, onlyMade: boolean): void {
    const field = connection.sortOrder;
    if (!field) return;
    const [a, b] = connection.ends;
    const list = row.f[a.list.field];
    const position = new Map<number, number>();
    if (Array.isArray(list)) {
      let at = 0;
      for (const l of list) if (isLink(l) && l.type === b.list.type && !position.has(l.id)) position.set(l.id, ++at);
    }
    for (const c of this.site.store.lookup(connection.type, a.field, [refOf(row)]).sort((x, y) => x.id - y.id)) {
      const other = c.f[b.field];
      const at = !c.retired && isLink(other) && other.type === b.list.type ? position.get(other.id) : undefined;
      if (at === undefined || c.f[field] === at || (onlyMade && !made.has(c))) continue;
      const before = c.f[field] ?? null;
      this.site.store.setField(c, field, at);
      if (!made.has(c)) effects.push({ kind: 'renumbered', row: c, field, before, after: at });
    }
  }

  /**
   * Numbers the live connection rows of the links just appended to a first-end row's list, and only them: the links
   * before keep their positions. Returns false, numbering nothing, when the position of a link cannot be read off
   * its place in the list (the list may hold links of other types, or the links appended are not at its end): the
   * caller numbers the whole list then. Writes keep a list free of repeats, so place n is position n.
   */
  private numberAppended(connection: ConnectionType, row: Row, appended: readonly LinkRef[], effects: ConnectionEffect[], made: ReadonlySet<Row>): boolean {
    const field = connection.sortOrder;
    if (!field) return true;
    const [a, b] = connection.ends;
    const list = row.f[a.list.field];
    const types = this.site.schema.validTypes(a.list.type, a.list.field);
    if (!Array.isArray(list) || types.length !== 1 || types[0] !== b.list.type || appended.length > list.length) return false;
    const from = list.length - appended.length;
    for (let i = 0; i < appended.length; i++) {
      const l: unknown = list[from + i];
      const ref = appended[i] as LinkRef;
      if (!isLink(l) || l.type !== ref.type || l.id !== ref.id) return false;
    }
    for (let i = 0; i < appended.length; i++) {
      const at = from + i + 1;
      for (const c of this.joining(connection, row.id, (appended[i] as LinkRef).id)) {
        if (c.retired || c.f[field] === at) continue;
        const before = c.f[field] ?? null;
        this.site.store.setField(c, field, at);
        if (!made.has(c)) effects.push({ kind: 'renumbered', row: c, field, before, after: at });
      }
    }
    return true;
  }

  /**
   * Brings the rows of a connection type and the links of its pair in line, unlogged (seeded or loaded data, a pair
   * just made active): a live row whose two ends are live but not linked links them, as a row written by hand does
   * (a data file from a version that kept no links for its rows, rows left while the type was not kept), and the
   * lists it adds to are numbered again; then every live link gets a live row.
   */
  private reconcile(connection: ConnectionType): void {
    const [a, b] = connection.ends;
    const store = this.site.store;
    const made = new Set<Row>();
    const numbered = new Map<Row, boolean>();
    for (const c of store.all(connection.type)) {
      const ends = c.retired ? undefined : this.endsOf(connection, c.f);
      if (!ends || ends[0].retired || ends[1].retired || this.linked(connection, ends[0].id, ends[1].id)) continue;
      this.link(connection, c);
      numbered.set(ends[0], true);
    }
    for (const row of store.all(a.list.type)) {
      const list = row.f[a.list.field];
      if (row.retired || !Array.isArray(list) || list.length === 0) continue;
      const joined = this.joinedTo(connection, row.id);
      for (const l of list) {
        if (!isLink(l) || l.type !== b.list.type || !this.linked(connection, row.id, l.id)) continue;
        if ((joined.get(l.id) ?? []).some((c) => !c.retired)) continue;
        const inserted = this.insert(connection, [row.id, l.id]);
        joined.set(l.id, [inserted]);
        made.add(inserted);
        if (!numbered.has(row)) numbered.set(row, false);
      }
    }
    for (const [row, whole] of numbered) this.number(connection, row, [], made, !whole);
  }

  /** The connection's field a change of a list is put down to: the field naming the row that joined or left the list. */
  private causeOf(connection: ConnectionType, change: ReverseChange): string {
    const [a, b] = connection.ends;
    return change.row.type === a.list.type && change.field === a.list.field ? b.field : a.field;
  }
}
