import type { LinkPair, LinkSide } from './reverse-link-pairs.js';
import { isLink, type LinkRef, type Row, type Store } from './store.js';

/** A pair to bring in line, and whether its retired rows keep their lists as they are. */
export interface PairToReconcile {
  readonly pair: LinkPair;
  /**
   * True when the stored lists of the pair were kept in step until they were saved (a data file that says so):
   * a retired row's list is then history (what it held when retired, and the writes since), not something to
   * work out again from its partners.
   */
  readonly keepRetired: boolean;
}

/** One list side to bring in line with the other side of its pair. */
interface ListJob {
  readonly list: LinkSide;
  /** The other side: its rows are the ones the list links to (links to other types are left alone). */
  readonly other: LinkSide;
  readonly keepRetired: boolean;
  /** Partners that link to a row of the list side from the other side but are not in its list yet, in the order read. */
  readonly missing: Map<Row, Row[]>;
  /** Ids of the partner links of the long lists looked at, so that a membership test stays a lookup. */
  readonly longLists: Map<Row, Set<number>>;
}

/** A live row lists live partners only; a retired row keeps all its connections, to restore them on revive. */
function shows(row: Row, partner: Row): boolean {
  return row.retired || !partner.retired;
}

/** Whether the stored list of `row` in a job links to `partner` (before any change the reconcile makes). */
function lists(job: ListJob, row: Row, partner: Row): boolean {
  const value = row.f[job.list.field];
  if (!Array.isArray(value)) return false;
  if (value.length <= 8) {
    for (const l of value) if (isLink(l) && l.id === partner.id && l.type === partner.type) return true;
    return false;
  }
  let ids = job.longLists.get(row);
  if (!ids) {
    ids = new Set();
    for (const l of value) if (isLink(l) && l.type === job.other.type) ids.add(l.id);
    job.longLists.set(row, ids);
  }
  return ids.has(partner.id);
}

/** Reads one link of `source` (a row of the other side of the jobs in `into`, by the type they list). */
function record(store: Store, source: Row, link: unknown, into: ReadonlyMap<string, ListJob>): void {
  if (!isLink(link)) return;
  const job = into.get(link.type);
  const target = job && store.get(link.type, link.id);
  if (!job || !target || (target.retired && job.keepRetired) || !shows(target, source) || lists(job, target, source)) return;
  const sources = job.missing.get(target);
  if (!sources) job.missing.set(target, [source]);
  else if (sources[sources.length - 1] !== source) sources.push(source);
}

/** Whether a partner link in a row's list stays: the partner exists and shows, and a single-entity partner links back. */
function keeps(store: Store, job: ListJob, row: Row, link: LinkRef): boolean {
  const partner = store.get(link.type, link.id);
  if (!partner || !shows(row, partner)) return false;
  if (job.other.multi) return true;
  const back = partner.f[job.other.field];
  return isLink(back) && back.id === row.id && back.type === row.type;
}

/**
 * Brings `row`'s list in line: its links to the partner type are those it should hold, the ones it held first, in
 * their order, then the missing ones in id order; links to other types stay. Nothing is written when nothing changes.
 */
function settle(store: Store, row: Row, job: ListJob): void {
  const current = row.f[job.list.field];
  const missing = job.missing.size > 0 ? job.missing.get(row) : undefined;
  if (!missing && (!Array.isArray(current) || current.length === 0)) return;
  const listed: unknown[] = Array.isArray(current) ? current : [];
  const stays = (l: unknown): boolean => !isLink(l) || l.type !== job.other.type || keeps(store, job, row, l);
  const kept = listed.every(stays) ? listed : listed.filter(stays);
  if (!missing && kept === listed) return;
  const added = (missing ?? []).map((p) => p.id).sort((x, y) => x - y).map((id): LinkRef => ({ type: job.other.type, id }));
  store.setField(row, job.list.field, kept.length === 0 ? added : [...kept, ...added]);
}

/**
 * Brings the stored rows in line with pairs that just became active (seeded or loaded data, a pair whose fields
 * were just created): afterwards each live row's list holds exactly its live partners, as {@link ReverseLinks}
 * keeps it on every write. A single-entity side decides (a Task is in the `tasks` of the entity its `entity` names,
 * whatever `tasks` said); between two multi-entity sides, a link either side records counts for both.
 *
 * Each side is read once for all the pairs it is in (`Task.entity` is in one per type with `tasks`), then each list
 * once; a list is written only when it changes, so lists already in step (a data file) cost a read, no copy.
 */
export function reconcilePairs(store: Store, pairs: readonly PairToReconcile[]): void {
  // By entity type, so that each row is visited once to read all its sides and once to settle all its lists.
  const reads = new Map<string, Map<string, { side: LinkSide; into: Map<string, ListJob> }>>();
  const jobs = new Map<string, ListJob[]>();
  const addJob = (list: LinkSide, other: LinkSide, keepRetired: boolean): void => {
    const job: ListJob = { list, other, keepRetired, missing: new Map(), longLists: new Map() };
    jobs.set(list.type, [...(jobs.get(list.type) ?? []), job]);
    const ofType = reads.get(other.type) ?? new Map<string, { side: LinkSide; into: Map<string, ListJob> }>();
    const read = ofType.get(other.field) ?? { side: other, into: new Map<string, ListJob>() };
    read.into.set(list.type, job);
    ofType.set(other.field, read);
    reads.set(other.type, ofType);
  };
  for (const { pair, keepRetired } of pairs) {
    if (pair.a.multi) addJob(pair.a, pair.b, keepRetired);
    if (pair.b.multi) addJob(pair.b, pair.a, keepRetired);
  }
  for (const [type, ofType] of reads) {
    const sides = [...ofType.values()];
    for (const row of store.all(type)) {
      for (const { side, into } of sides) {
        const value = row.f[side.field];
        if (Array.isArray(value)) for (const link of value) record(store, row, link, into);
        else record(store, row, value, into);
      }
    }
  }
  for (const [type, ofType] of jobs) {
    for (const job of ofType) job.longLists.clear();
    for (const row of store.all(type)) for (const job of ofType) if (!(row.retired && job.keepRetired)) settle(store, row, job);
  }
}
