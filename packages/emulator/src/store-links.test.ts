import { describe, expect, it } from 'vitest';
import { Store, type LinkRef, type Row } from './store.js';

const shot = (id: number): LinkRef => ({ type: 'Shot', id });
const ids = (row: Row, field = 'shots'): number[] => (row.f[field] as LinkRef[]).map((l) => l.id);
/** The Sequences the field index finds for each of `refs` (and for an empty list), in id order. */
const found = (store: Store, refs: LinkRef[]): Record<string, number[]> => {
  const seqs = (value: unknown): number[] => store.lookup('Sequence', 'shots', [value]).map((s) => s.id).sort((a, b) => a - b);
  return Object.fromEntries([...refs.map((r) => [`Shot ${r.id}`, seqs(r)]), ['empty', seqs(null)]]);
};

/** A Sequence whose `shots` is long enough (40) to be changed in place with its links kept by key. */
function longList(): { store: Store; seq: Row; written: LinkRef[] } {
  const store = new Store();
  const written = Array.from({ length: 40 }, (_, i) => shot(i + 1));
  const seq = store.insert('Sequence', { code: 'SQ', shots: written });
  store.insert('Sequence', { code: 'empty' });
  return { store, seq, written };
}

describe('adding and removing one link of a list', () => {
  it('appends at the end and removes keeping the order, leaving the array the caller wrote alone', () => {
    const { store, seq, written } = longList();
    expect(store.addLink(seq, 'shots', shot(41))).toBe(true);
    expect(store.addLink(seq, 'shots', shot(41))).toBe(false);
    expect(store.addLink(seq, 'shots', shot(7))).toBe(false);
    expect(store.removeLink(seq, 'shots', shot(20))).toBe(true);
    expect(store.removeLink(seq, 'shots', shot(20))).toBe(false);
    expect(store.removeLink(seq, 'shots', { type: 'Asset', id: 21 })).toBe(false);
    expect(ids(seq)).toEqual([...Array.from({ length: 19 }, (_, i) => i + 1), ...Array.from({ length: 21 }, (_, i) => i + 21)]);
    expect(written).toHaveLength(40);
    expect(written[19]).toEqual(shot(20));
  });

  it('keeps a field index built before in step, one link at a time, empty lists included', () => {
    const { store, seq } = longList();
    const empty = store.get('Sequence', 2) as Row;
    expect(found(store, [shot(1), shot(41)])).toEqual({ 'Shot 1': [1], 'Shot 41': [], empty: [2] });
    store.addLink(seq, 'shots', shot(41));
    store.removeLink(seq, 'shots', shot(1));
    store.addLink(empty, 'shots', shot(41));
    expect(found(store, [shot(1), shot(41)])).toEqual({ 'Shot 1': [], 'Shot 41': [1, 2], empty: [] });
    store.removeLink(empty, 'shots', shot(41));
    expect(found(store, [shot(1), shot(41)])).toEqual({ 'Shot 1': [], 'Shot 41': [1], empty: [2] });
  });

  it('undoes every change of a failed transaction: the lists, their index, and a field that was absent', () => {
    const { store, seq, written } = longList();
    const empty = store.get('Sequence', 2) as Row;
    store.lookup('Sequence', 'shots', [shot(1)]);
    store.addLink(seq, 'shots', shot(50));
    const before = ids(seq);
    const revision = store.typeRevision('Sequence');
    expect(() =>
      store.transaction(() => {
        store.removeLink(seq, 'shots', shot(3));
        store.addLink(seq, 'shots', shot(51));
        store.removeLink(seq, 'shots', shot(50));
        store.addLink(empty, 'shots', shot(3));
        store.setField(seq, 'shots', [shot(60)]);
        store.addLink(seq, 'shots', shot(61));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(ids(seq)).toEqual(before);
    expect('shots' in empty.f).toBe(false);
    expect(found(store, [shot(3), shot(50), shot(51), shot(60), shot(61)])).toEqual({ 'Shot 3': [1], 'Shot 50': [1], 'Shot 51': [], 'Shot 60': [], 'Shot 61': [], empty: [2] });
    expect(store.typeRevision('Sequence')).not.toBe(revision);
    // The list is still one the store changes in place, and still knows its links.
    expect(store.addLink(seq, 'shots', shot(50))).toBe(false);
    expect(store.removeLink(seq, 'shots', shot(50))).toBe(true);
    expect(written).toHaveLength(40);
  });
});

describe('removing many links of a list in one pass', () => {
  it('keeps the order of the rest, takes out every copy of a link, ignores links it does not hold and keeps the index', () => {
    const { store, seq, written } = longList();
    store.addLink(seq, 'shots', shot(41));
    store.lookup('Sequence', 'shots', [shot(1)]);
    (seq.f['shots'] as LinkRef[]).push(shot(2)); // a second copy, in the store's own list (as an older data file may hold)
    const gone = [shot(1), shot(2), shot(10), shot(11), shot(41), shot(99), { type: 'Asset', id: 3 }];
    expect(store.removeLinks(seq, 'shots', gone)).toBe(6);
    expect(ids(seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1).filter((id) => ![1, 2, 10, 11].includes(id)));
    expect(found(store, [shot(1), shot(2), shot(3), shot(41)])).toEqual({ 'Shot 1': [], 'Shot 2': [], 'Shot 3': [1], 'Shot 41': [], empty: [2] });
    expect(store.removeLinks(seq, 'shots', gone)).toBe(0);
    expect(store.addLink(seq, 'shots', shot(10))).toBe(true);
    expect(ids(seq).slice(-1)).toEqual([10]);
    expect(written).toHaveLength(40);
  });

  it('empties a list, and a failed transaction puts every link back at its place with the index and what it holds', () => {
    const { store, seq } = longList();
    store.lookup('Sequence', 'shots', [shot(1)]);
    store.removeLink(seq, 'shots', shot(40)); // the store's own list from here
    const before = ids(seq);
    expect(() =>
      store.transaction(() => {
        expect(store.removeLinks(seq, 'shots', [shot(1), shot(2), shot(20), shot(21), shot(39)])).toBe(5);
        store.addLink(seq, 'shots', shot(2));
        expect(store.removeLinks(seq, 'shots', ids(seq).map(shot))).toBe(35);
        expect(ids(seq)).toEqual([]);
        expect(found(store, [shot(3)])).toEqual({ 'Shot 3': [], empty: [1, 2] });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(ids(seq)).toEqual(before);
    expect(found(store, [shot(1), shot(2), shot(39), shot(40)])).toEqual({ 'Shot 1': [1], 'Shot 2': [1], 'Shot 39': [1], 'Shot 40': [], empty: [2] });
    for (const id of [1, 20, 39]) expect(store.hasLink(seq, 'shots', shot(id))).toBe(true);
    expect(store.hasLink(seq, 'shots', shot(40))).toBe(false);
    expect(store.removeLinks(seq, 'shots', [shot(39), shot(1)])).toBe(2);
    expect(ids(seq)).toEqual(before.filter((id) => id !== 1 && id !== 39));
  });
});
