import { refOf, refsOf, sameRef } from './link-refs.js';
import { ReverseChangeLog, type ReverseChange } from './reverse-link-changes.js';
import { reconcilePairs, type PairToReconcile } from './reverse-link-reconcile.js';
import { LinkPairs, pairKey, resolvePairs, type LinkSide, type ParsedSpec } from './reverse-link-pairs.js';
import type { Schema } from './schema.js';
import { indexKey, isLink, type LinkRef, type Row, type Store } from './store.js';

/** Told of each link a list of a pair gains or loses through {@link ReverseLinks}, and of each refresh. */
export interface LinkWatcher {
  /** `ref` went into or left the list in `row.field` (it leaves the list when the operation under way ends). */
  linkChanged(row: Row, field: string, ref: LinkRef): void;
  /** The pairs were re-read ({@link ReverseLinks.refresh}). */
  refreshed(): void;
}

/** What {@link ReverseLinks} reads: the site's current schema and store (both are replaced on reset and load). */
export interface LinkedSite {
  readonly schema: Schema;
  readonly store: Store;
}

/**
 * Keeps the two sides of each active pair of link fields in step, as a site does: `Task.entity` and `Shot.tasks`,
 * `Asset.shots` and `Shot.assets`. Writing either side updates the other (a single-entity side is moved: the Task
 * leaves the `tasks` of its previous Shot; dropped from a list, its `entity` becomes null). A retired entity leaves
 * the lists of its live partners and comes back on revive; a single-entity link to a retired entity stays, as links
 * to retired entities do elsewhere. Every change goes through the store, so `batch` undoes it with the rest.
 *
 * Links leaving a list are taken out together at the end of each operation ({@link write}, {@link created},
 * {@link retired}, {@link revived}), one pass per list: 50,000 Shots moved into one Sequence leave the other
 * Sequence's `shots` in one pass, not one scan each. A write and a create also say what they changed on the other
 * side, for the event log.
 */
export class ReverseLinks {
  private pairs = new LinkPairs();
  private schema: Schema | undefined;
  private schemaRevision = -1;
  private store: Store | undefined;
  /** Keys of the pairs the current store has been brought in line with. */
  private readonly reconciled = new Set<string>();
  /**
   * During an operation, the links to take out of lists when it ends, by row, field and link key (null between
   * operations). See {@link unlist}.
   */
  private leaving: Map<Row, Map<string, Map<string, LinkRef>>> | null = null;
  /** During an operation, what it changed on the other side of the pairs (null between operations). */
  private log: ReverseChangeLog | null = null;
  /** Told of every link a list gains or loses (see {@link watch}). */
  private watcher: LinkWatcher | undefined;

  /**
   * @param site - The site whose rows are kept in step.
   * @param specs - The pairs, in order of precedence (see {@link resolvePairs}).
   */
  constructor(
    private readonly site: LinkedSite,
    private readonly specs: readonly ParsedSpec[],
  ) {}

  /**
   * Re-reads the schema and brings the rows in line with every pair that became active since the last call (all of
   * them after a reset or a load). Call it after seeding or restoring the store and after every schema change.
   *
   * @param inStep - Keys of the pairs whose lists the restored store saved in step ({@link inStep} when it was
   *   saved): their retired rows keep the lists they were saved with.
   */
  refresh(inStep: readonly string[] = []): void {
    const store = this.site.store;
    if (store !== this.store) {
      this.store = store;
      this.reconciled.clear();
    }
    const active = new Set<string>();
    const due: PairToReconcile[] = [];
    for (const pair of this.current().pairs) {
      const key = pairKey(pair);
      active.add(key);
      if (this.reconciled.has(key)) continue;
      due.push({ pair, keepRetired: inStep.includes(key) });
      this.reconciled.add(key);
    }
    reconcilePairs(store, due);
    for (const key of [...this.reconciled]) if (!active.has(key)) this.reconciled.delete(key);
    this.watcher?.refreshed();
  }

  /** Sets the one watcher told of every link a list of a pair gains or loses, and of every refresh. */
  watch(watcher: LinkWatcher): void {
    this.watcher = watcher;
  }

  /** The active pairs of the current schema. */
  activePairs(): LinkPairs {
    return this.current();
  }

  /**
   * Adds `ref` to (or takes it out of) the list in `row.field`, a side of a pair, and follows the change to the other
   * side; returns what changed on both sides (the list of `row` included), for the event log.
   */
  linkEnds(row: Row, field: string, ref: LinkRef, linked: boolean): ReverseChange[] {
    return this.operation(() => {
      if (linked) {
        if (this.list(row, field, ref)) this.follow(row, field, undefined, ref);
      } else if (this.unlist(row, field, ref)) {
        this.follow(row, field, ref, undefined);
      }
    });
  }

  /** Keys of the active pairs whose lists are in step, for a snapshot to give back to {@link refresh}. */
  inStep(): string[] {
    if (this.site.store !== this.store) return [];
    return this.current().pairs.map(pairKey).filter((key) => this.reconciled.has(key));
  }

  private current(): LinkPairs {
    const schema = this.site.schema;
    if (schema !== this.schema || schema.revision !== this.schemaRevision) {
      this.pairs = resolvePairs(schema, this.specs);
      this.schema = schema;
      this.schemaRevision = schema.revision;
    }
    return this.pairs;
  }

  /**
   * Writes `value` to `row.field` and updates the other side of every pair the field is in; returns what changed
   * there (the rows and fields of the other side, not `row.field` itself).
   */
  write(row: Row, field: string, value: unknown): ReverseChange[] {
    return this.operation(() => this.assign(row, field, value));
  }

  /** Updates the other sides of a row just inserted with its paired fields set; returns what changed there, by field of the row. */
  created(row: Row): Map<string, ReverseChange[]> {
    const changes = new Map<string, ReverseChange[]>();
    for (const side of this.current().sidesOf(row.type)) {
      const changed = this.operation(() => this.follow(row, side.field, undefined, row.f[side.field]));
      if (changed.length > 0) changes.set(side.field, changed);
    }
    return changes;
  }

  /** Takes a row just retired out of its live partners' lists (it keeps its own links, for {@link revived}). */
  retired(row: Row): void {
    this.operation(() => {
      this.eachPartner(row, (side, other, partner) => {
        if (!partner.retired && other.multi) this.unlist(partner, other.field, refOf(row));
      });
    });
  }

  /**
   * Puts a row just revived back in its partners' lists. A partner still retired leaves the row's list, and holds
   * the link itself to restore it when it is revived in turn.
   */
  revived(row: Row): void {
    this.operation(() => {
      this.eachPartner(row, (side, other, partner) => {
        const self = refOf(row);
        if (!partner.retired && !other.multi && !sameRef(partner.f[other.field], self)) {
          // The partner's single link moved on while this row was retired: the row's list is stale.
          this.unlist(row, side.field, refOf(partner));
          return;
        }
        if (partner.retired && side.multi) this.unlist(row, side.field, refOf(partner));
        if (other.multi) this.list(partner, other.field, self);
      });
    });
  }

  /**
   * Runs `fn` as one operation: the links it takes out of lists leave them when it ends, one pass per list. Returns
   * what it changed on the other side of the pairs.
   */
  private operation(fn: () => void): ReverseChange[] {
    if (this.leaving) throw new Error('reverse links: an operation started inside another');
    const leaving = new Map<Row, Map<string, Map<string, LinkRef>>>();
    const log = new ReverseChangeLog();
    this.leaving = leaving;
    this.log = log;
    try {
      fn();
      for (const [row, fields] of leaving) for (const [field, refs] of fields) this.site.store.removeLinks(row, field, refs.values());
    } finally {
      this.leaving = null;
      this.log = null;
    }
    return log.changes();
  }

  /** Writes `value` to `row.field` within the operation under way and follows the change to the other side. */
  private assign(row: Row, field: string, value: unknown): void {
    this.settle(row, field);
    const old = row.f[field];
    this.site.store.setField(row, field, value);
    this.follow(row, field, old, value);
  }

  /**
   * Marks `ref` to leave the list in `row.field` when the operation ends; returns whether the list holds it (and it
   * was not marked already). Until then the list keeps it, so nothing may read the list for a link that left it:
   * {@link list} and {@link write} take the marked links out first.
   */
  private unlist(row: Row, field: string, ref: LinkRef): boolean {
    const leaving = this.leaving;
    if (!leaving) throw new Error('reverse links: a link was taken out of a list outside an operation');
    const fields = leaving.get(row);
    const key = indexKey(ref);
    if (fields?.get(field)?.has(key) || !this.site.store.hasLink(row, field, ref)) return false;
    const byField = fields ?? new Map<string, Map<string, LinkRef>>();
    leaving.set(row, byField);
    const refs = byField.get(field) ?? new Map<string, LinkRef>();
    byField.set(field, refs);
    refs.set(key, ref);
    this.log?.removed(row, field, ref);
    this.watcher?.linkChanged(row, field, ref);
    return true;
  }

  /** Appends `ref` to the list in `row.field` (after the links marked to leave it are gone); returns whether it was added. */
  private list(row: Row, field: string, ref: LinkRef): boolean {
    this.settle(row, field);
    if (!this.site.store.addLink(row, field, ref)) return false;
    this.log?.added(row, field, ref);
    this.watcher?.linkChanged(row, field, ref);
    return true;
  }

  /** Takes out of `row.field` now the links marked to leave it, so that the list can be read or written in order. */
  private settle(row: Row, field: string): void {
    const fields = this.leaving?.get(row);
    const refs = fields?.get(field);
    if (!fields || !refs) return;
    fields.delete(field);
    this.site.store.removeLinks(row, field, refs.values());
  }

  /** Calls `fn` for each existing row a paired field of `row` links to, with both sides of the pair. */
  private eachPartner(row: Row, fn: (side: LinkSide, other: LinkSide, partner: Row) => void): void {
    const pairs = this.current();
    for (const side of pairs.sidesOf(row.type)) {
      for (const other of pairs.partners(side.type, side.field)) {
        for (const ref of refsOf(row.f[side.field])) {
          const partner = ref.type === other.type ? this.site.store.get(ref.type, ref.id) : undefined;
          if (partner) fn(side, other, partner);
        }
      }
    }
  }

  /**
   * After `row.field` went from `before` to `after` (stored values: a link, a list, null): links and unlinks the
   * rows it gained and lost. A change made here to a list passes only the link it added or removed, so that its
   * cost does not grow with the list (a Sequence's `shots` on a large site).
   */
  private follow(row: Row, field: string, before: unknown, after: unknown): void {
    const self = refOf(row);
    for (const other of this.current().partners(row.type, field)) {
      const lost = idsOf(before, other.type);
      const gained = idsOf(after, other.type);
      for (const id of lost) {
        const partner = gained.has(id) ? undefined : this.site.store.get(other.type, id);
        if (partner) this.detach(partner, other, self);
      }
      for (const id of gained) {
        const partner = lost.has(id) ? undefined : this.site.store.get(other.type, id);
        if (partner) this.attach(partner, other, self);
      }
    }
  }

  private attach(row: Row, side: LinkSide, ref: LinkRef): void {
    if (side.multi) {
      if (this.list(row, side.field, ref)) this.follow(row, side.field, undefined, ref);
    } else if (!sameRef(row.f[side.field], ref)) {
      this.relink(row, side.field, ref);
    }
  }

  private detach(row: Row, side: LinkSide, ref: LinkRef): void {
    if (side.multi) {
      if (this.unlist(row, side.field, ref)) this.follow(row, side.field, ref, undefined);
    } else if (sameRef(row.f[side.field], ref)) {
      this.relink(row, side.field, null);
    }
  }

  /** Sets the single link in `row.field`, a side the operation changes on its way: recorded for the event log. */
  private relink(row: Row, field: string, ref: LinkRef | null): void {
    this.log?.single(row, field, row.f[field]);
    this.assign(row, field, ref);
  }
}

/** The ids of the links to `type` a stored link or list holds, in their order. */
function idsOf(value: unknown, type: string): Set<number> {
  const ids = new Set<number>();
  for (const l of Array.isArray(value) ? value : [value]) if (isLink(l) && l.type === type) ids.add(l.id);
  return ids;
}
