import { refsOf } from './link-refs.js';
import type { LinkPair, LinkSide } from './reverse-link-pairs.js';
import type { Row, Store } from './store.js';

/** Links of each row of `side.type` to rows of `other`'s type, by row id: the connections that side records. */
function recorded(store: Store, side: LinkSide, otherType: string): Map<number, Set<Row>> {
  const out = new Map<number, Set<Row>>();
  for (const row of store.all(side.type)) {
    for (const ref of refsOf(row.f[side.field])) {
      const target = ref.type === otherType ? store.get(ref.type, ref.id) : undefined;
      if (target) connect(out, row.id, target);
    }
  }
  return out;
}

function connect(links: Map<number, Set<Row>>, id: number, row: Row): void {
  const rows = links.get(id);
  if (rows) rows.add(row);
  else links.set(id, new Set([row]));
}

/** Adds to `into` (keyed by the target's id) the reverse of `links` (keyed by the source's id). */
function addReversed(store: Store, sourceType: string, links: Map<number, Set<Row>>, into: Map<number, Set<Row>>): void {
  for (const [sourceId, targets] of links) {
    const source = store.get(sourceType, sourceId);
    if (source) for (const target of targets) connect(into, target.id, source);
  }
}

/**
 * Sets the links of `row.field` to rows of `otherType` to `want`, keeping the order of those already there and
 * adding the others in id order; links to other types are left alone. Nothing is written when nothing changes.
 */
function setList(store: Store, row: Row, field: string, otherType: string, want: readonly Row[]): void {
  const current = refsOf(row.f[field]);
  const wanted = new Set(want.map((r) => r.id));
  const present = new Set(current.filter((l) => l.type === otherType).map((l) => l.id));
  const kept = current.filter((l) => l.type !== otherType || wanted.has(l.id));
  const added = [...wanted].filter((id) => !present.has(id)).sort((x, y) => x - y).map((id) => ({ type: otherType, id }));
  if (added.length === 0 && kept.length === current.length) return;
  store.setField(row, field, [...kept, ...added]);
}

/** A live row lists live partners only; a retired row keeps all its connections, to restore them on revive. */
function visible(row: Row, partners: ReadonlySet<Row> | undefined): Row[] {
  const all = [...(partners ?? [])];
  return row.retired ? all : all.filter((p) => !p.retired);
}

/**
 * Brings the stored rows in line with a pair that just became active (seeded or loaded data, a pair whose fields
 * were just created): afterwards each live row's list holds exactly its live partners, as {@link ReverseLinks}
 * keeps it on every write. A single-entity side decides (a Task is in the `tasks` of the entity its `entity` names,
 * whatever `tasks` said); between two multi-entity sides, a link either side records counts for both.
 */
export function reconcilePair(store: Store, pair: LinkPair): void {
  const single = !pair.a.multi ? pair.a : !pair.b.multi ? pair.b : undefined;
  if (single) {
    const list = single === pair.a ? pair.b : pair.a;
    const owners = new Map<number, Set<Row>>();
    addReversed(store, single.type, recorded(store, single, list.type), owners);
    for (const row of store.all(list.type)) setList(store, row, list.field, single.type, visible(row, owners.get(row.id)));
    return;
  }
  const ofA = recorded(store, pair.a, pair.b.type);
  const ofB = recorded(store, pair.b, pair.a.type);
  addReversed(store, pair.b.type, recorded(store, pair.b, pair.a.type), ofA);
  addReversed(store, pair.a.type, recorded(store, pair.a, pair.b.type), ofB);
  for (const row of store.all(pair.a.type)) setList(store, row, pair.a.field, pair.b.type, visible(row, ofA.get(row.id)));
  for (const row of store.all(pair.b.type)) setList(store, row, pair.b.field, pair.a.type, visible(row, ofB.get(row.id)));
}
