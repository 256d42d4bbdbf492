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
  /** Rows whose list holds anything, in id order: with those in {@link missing}, the only lists that may change. */
  readonly holders: Row[];
}

/** The read of one field of an entity type, for the pairs the field is in. */
interface FieldRead {
  readonly field: string;
  /** The jobs whose other side the field is, by the type they list: where the links it holds are recorded. */
  readonly into: Map<string, ListJob>;
  /** The jobs whose list the field is. */
  readonly listedBy: ListJob[];
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
 * their order, then the `missing` ones in id order; links to other types stay. Nothing is written when nothing changes.
 */
function settle(store: Store, row: Row, job: ListJob, missing: readonly Row[] | undefined): void {
  const current = row.f[job.list.field];
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
 * Each row is visited once, for all the fields of its type that the pairs read or list (`Task.entity` is in one
 * pair per type with `tasks`); then only the lists that hold something or miss a partner are looked at again, and a
 * list is written only when it changes, so lists already in step (a data file) cost a read, no copy.
 */
export function reconcilePairs(store: Store, pairs: readonly PairToReconcile[]): void {
  const jobs: ListJob[] = [];
  const reads = new Map<string, Map<string, FieldRead>>();
  const readOf = (side: LinkSide): FieldRead => {
    const ofType = reads.get(side.type) ?? new Map<string, FieldRead>();
    const read = ofType.get(side.field) ?? { field: side.field, into: new Map<string, ListJob>(), listedBy: [] };
    ofType.set(side.field, read);
    reads.set(side.type, ofType);
    return read;
  };
  for (const { pair, keepRetired } of pairs) {
    for (const [list, other] of [[pair.a, pair.b], [pair.b, pair.a]] as const) {
      if (!list.multi) continue;
      const job: ListJob = { list, other, keepRetired, missing: new Map(), longLists: new Map(), holders: [] };
      jobs.push(job);
      readOf(other).into.set(list.type, job);
      readOf(list).listedBy.push(job);
    }
  }
  for (const [type, ofType] of reads) {
    const fields = [...ofType.values()];
    for (const row of store.all(type)) {
      for (const { field, into, listedBy } of fields) {
        const value = row.f[field];
        if (!Array.isArray(value)) record(store, row, value, into);
        else if (value.length > 0) {
          if (into.size > 0) for (const link of value) record(store, row, link, into);
          for (const job of listedBy) job.holders.push(row);
        }
      }
    }
  }
  // Job by job, in the order of the pairs (two pairs may share a list, each with its own partner type).
  for (const job of jobs) {
    job.longLists.clear();
    for (const row of job.holders) {
      if (row.retired && job.keepRetired) continue;
      settle(store, row, job, job.missing.get(row));
      job.missing.delete(row);
    }
    for (const [row, missing] of job.missing) settle(store, row, job, missing);
  }
}
