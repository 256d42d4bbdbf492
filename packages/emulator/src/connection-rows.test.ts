import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from './server.js';
import { lastEntryId, loggedAfter, type LoggedEntry as Entry } from './test-support/event-log-reads.js';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());
beforeEach(() => t.h.reset());

const project = { type: 'Project', id: 1 };
const ref = (type: string, id: number): { type: string; id: number } => ({ type, id });
const fieldsOf = (fields: Record<string, unknown>, mode?: string): unknown[] =>
  Object.entries(fields).map(([field_name, value]) => ({ field_name, value, ...(mode ? { multi_entity_update_mode: mode } : {}) }));
const create = async (type: string, fields: Record<string, unknown>): Promise<number> => (await t.call('create', t.script, { type, fields: fieldsOf(fields) })).id;
const update = (type: string, id: number, fields: Record<string, unknown>, mode?: string): Promise<unknown> => t.call('update', t.script, { type, id, fields: fieldsOf(fields, mode) });
const retire = (type: string, id: number): Promise<boolean> => t.call('delete', t.script, { type, id });
const revive = (type: string, id: number): Promise<boolean> => t.call('revive', t.script, { type, id });

/** The live rows of `type` matching the filters, with `fields`, in id order. */
async function rows(type: string, fields: string[], ...filters: unknown[][]): Promise<Record<string, any>[]> {
  const r = await t.call('read', t.script, { type, return_fields: fields, filters: where(...filters), sorts: [{ field_name: 'id', direction: 'asc' }] });
  return r.entities;
}
/** The ids in a live row's list field, in their order. */
async function listed(type: string, id: number, field: string): Promise<number[]> {
  const [row] = await rows(type, [field], ['id', 'is', id]);
  return (row![field] as { id: number }[]).map((l) => l.id);
}
/** `version id → sg_sort_order` of a Playlist's live connection rows. */
async function playlistConnections(playlist: number): Promise<[number, number | null][]> {
  const found = await rows('PlaylistVersionConnection', ['version', 'sg_sort_order'], ['playlist', 'is', ref('Playlist', playlist)]);
  return found.map((c) => [c['version'].id as number, c['sg_sort_order'] as number | null]);
}
const outline = (entries: Entry[]): string[] => entries.map((e) => `${e.event_type} ${e.entity?.type}#${e.entity?.id} ${e.attribute_name ?? '-'}`);

describe('connection rows follow the links of their pair', () => {
  it('makes a PlaylistVersionConnection per Version of a Playlist created with versions, sg_sort_order their position', async () => {
    const pl = await create('Playlist', { project, code: 'dailies', versions: [ref('Version', 2), ref('Version', 1)] });
    expect(await playlistConnections(pl)).toEqual([[2, 1], [1, 2]]);
    const [c] = await rows('PlaylistVersionConnection', ['playlist', 'version'], ['playlist', 'is', ref('Playlist', pl)], ['version', 'is', ref('Version', 2)]);
    expect(c).toMatchObject({ playlist: { type: 'Playlist', id: pl }, version: { type: 'Version', id: 2 } });
  });

  it('adds and retires rows with update modes add, remove and set, on either side, and renumbers sg_sort_order', async () => {
    const pl = await create('Playlist', { project, code: 'dailies' });
    expect(await playlistConnections(pl)).toEqual([]);
    await update('Playlist', pl, { versions: [ref('Version', 1), ref('Version', 2)] }, 'add');
    expect(await playlistConnections(pl)).toEqual([[1, 1], [2, 2]]);
    await update('Version', 3, { playlists: [ref('Playlist', pl)] }, 'add');
    expect(await playlistConnections(pl)).toEqual([[1, 1], [2, 2], [3, 3]]);
    await update('Playlist', pl, { versions: [ref('Version', 1)] }, 'remove');
    expect(await playlistConnections(pl)).toEqual([[2, 1], [3, 2]]);
    await update('Playlist', pl, { versions: [ref('Version', 3), ref('Version', 2)] });
    expect(await playlistConnections(pl)).toEqual([[2, 2], [3, 1]]);
    await update('Version', 2, { playlists: [] });
    expect(await playlistConnections(pl)).toEqual([[3, 1]]);
  });

  it('keeps AssetShotConnection and the same-type ShotShotConnection in step with their lists', async () => {
    const asset = await create('Asset', { project, code: 'prop' });
    await update('Shot', 1, { assets: [ref('Asset', asset)] }, 'add');
    const joined = await rows('AssetShotConnection', ['asset', 'shot'], ['asset', 'is', ref('Asset', asset)]);
    expect(joined.map((c) => [c['asset'].id, c['shot'].id])).toEqual([[asset, 1]]);
    await update('Asset', asset, { shots: [] });
    expect(await rows('AssetShotConnection', ['id'], ['asset', 'is', ref('Asset', asset)])).toEqual([]);
    await update('Shot', 1, { parent_shots: [ref('Shot', 2)] });
    const parents = await rows('ShotShotConnection', ['shot', 'parent_shot'], ['shot', 'is', ref('Shot', 1)]);
    expect(parents.map((c) => [c['shot'].id, c['parent_shot'].id])).toEqual([[1, 2]]);
  });

  it('has a row for each link of the seeded data', async () => {
    const shotsOfAsset1 = await listed('Asset', 1, 'shots');
    expect(shotsOfAsset1.length).toBeGreaterThan(0);
    const joined = await rows('AssetShotConnection', ['shot'], ['asset', 'is', ref('Asset', 1)]);
    expect(joined.map((c) => c['shot'].id).sort((a, b) => a - b)).toEqual([...shotsOfAsset1].sort((a, b) => a - b));
  });

  it('retires the rows of a retired end, and revives them with it', async () => {
    const pl = await create('Playlist', { project, code: 'dailies', versions: [ref('Version', 1), ref('Version', 2)] });
    const before = await rows('PlaylistVersionConnection', ['id', 'version', 'sg_sort_order'], ['playlist', 'is', ref('Playlist', pl)]);
    await retire('Version', 1);
    expect(await playlistConnections(pl)).toEqual([[2, 2]]);
    await revive('Version', 1);
    expect(await rows('PlaylistVersionConnection', ['id', 'version', 'sg_sort_order'], ['playlist', 'is', ref('Playlist', pl)])).toEqual(before);
    await retire('Playlist', pl);
    expect(await playlistConnections(pl)).toEqual([]);
  });

  it('writes them in a batch, and a failed batch leaves none', async () => {
    const results = await t.call('batch', t.script, [
      { request_type: 'create', type: 'Playlist', fields: fieldsOf({ project, code: 'b', versions: [ref('Version', 1)] }) },
    ]);
    expect(await playlistConnections(results[0].id)).toEqual([[1, 1]]);
    const before = await rows('PlaylistVersionConnection', ['id']);
    const failed = await t.fault('batch', t.script, [
      { request_type: 'update', type: 'Playlist', id: results[0].id, fields: fieldsOf({ versions: [ref('Version', 2)] }) },
      { request_type: 'update', type: 'Playlist', id: 999999, fields: fieldsOf({ code: 'x' }) },
    ]);
    expect(failed.code).toBe(103);
    expect(await rows('PlaylistVersionConnection', ['id'])).toEqual(before);
    expect(await playlistConnections(results[0].id)).toEqual([[1, 1]]);
  });
});

describe('the links follow connection rows written by hand', () => {
  it('links both sides when a connection row is created, and keeps the sg_sort_order given', async () => {
    const pl = await create('Playlist', { project, code: 'ordered' });
    const c = await create('PlaylistVersionConnection', { playlist: ref('Playlist', pl), version: ref('Version', 3), sg_sort_order: 7 });
    expect(await listed('Playlist', pl, 'versions')).toEqual([3]);
    expect(await listed('Version', 3, 'playlists')).toContain(pl);
    const all = await rows('PlaylistVersionConnection', ['id', 'sg_sort_order'], ['playlist', 'is', ref('Playlist', pl)]);
    expect(all).toEqual([{ type: 'PlaylistVersionConnection', id: c, sg_sort_order: 7 }]);
  });

  it('moves the link when an end is updated, unlinks on retire and links again on revive', async () => {
    const pl = await create('Playlist', { project, code: 'a' });
    const pl2 = await create('Playlist', { project, code: 'b' });
    const c = await create('PlaylistVersionConnection', { playlist: ref('Playlist', pl), version: ref('Version', 3) });
    await update('PlaylistVersionConnection', c, { playlist: ref('Playlist', pl2) });
    expect(await listed('Playlist', pl, 'versions')).toEqual([]);
    expect(await listed('Playlist', pl2, 'versions')).toEqual([3]);
    expect(await listed('Version', 3, 'playlists')).not.toContain(pl);
    await retire('PlaylistVersionConnection', c);
    expect(await listed('Playlist', pl2, 'versions')).toEqual([]);
    expect(await listed('Version', 3, 'playlists')).not.toContain(pl2);
    await revive('PlaylistVersionConnection', c);
    expect(await listed('Playlist', pl2, 'versions')).toEqual([3]);
    expect(await playlistConnections(pl2)).toEqual([[3, null]]);
  });

  it('keeps sg_sort_order as written, without reordering Playlist.versions', async () => {
    const pl = await create('Playlist', { project, code: 'a', versions: [ref('Version', 1), ref('Version', 2)] });
    const [first] = await rows('PlaylistVersionConnection', ['id'], ['playlist', 'is', ref('Playlist', pl)], ['version', 'is', ref('Version', 1)]);
    await update('PlaylistVersionConnection', first!['id'], { sg_sort_order: 9 });
    expect(await playlistConnections(pl)).toEqual([[1, 9], [2, 2]]);
    expect(await listed('Playlist', pl, 'versions')).toEqual([1, 2]);
  });

  it('refuses writes to a connection entity whose pair the emulator does not keep, with fault 103', async () => {
    const f = await t.fault('create', t.script, { type: 'CutVersionConnection', fields: fieldsOf({ sg_cut_order: 1 }) });
    expect(f.code).toBe(103);
    expect(f.message).toMatch(/CutVersionConnection/);
  });
});

describe('a connection type given a field of its own', () => {
  it('keeps following the links when a custom entity field is added to it', async () => {
    const f: string = await t.call('schema_field_create', t.script, {
      type: 'PlaylistVersionConnection',
      data_type: 'entity',
      properties: [{ property_name: 'name', value: 'Reviewer' }, { property_name: 'valid_types', value: ['HumanUser'] }],
    });
    const pl = await create('Playlist', { project, code: 'reviewed', versions: [ref('Version', 1), ref('Version', 2)] });
    await update('Playlist', pl, { versions: [ref('Version', 1)] }, 'remove');
    await update('Playlist', pl, { versions: [ref('Version', 3)] }, 'add');
    expect(await playlistConnections(pl)).toEqual([[2, 1], [3, 2]]);
    const [c] = await rows('PlaylistVersionConnection', ['id'], ['playlist', 'is', ref('Playlist', pl)], ['version', 'is', ref('Version', 2)]);
    await update('PlaylistVersionConnection', c!['id'], { sg_sort_order: 5, [f]: ref('HumanUser', 1) });
    expect(await playlistConnections(pl)).toEqual([[2, 5], [3, 2]]);
  });
});

describe('moving both ends of a connection row in one update', () => {
  it('unlinks the old two and links the new two once, logging no link made and unmade on the way', async () => {
    const p1 = await create('Playlist', { project, code: 'p1', versions: [ref('Version', 1)] });
    const p2 = await create('Playlist', { project, code: 'p2', versions: [ref('Version', 3)] });
    const [c] = await rows('PlaylistVersionConnection', ['id'], ['playlist', 'is', ref('Playlist', p1)]);
    const start = await lastEntryId(t);
    await update('PlaylistVersionConnection', c!['id'], { playlist: ref('Playlist', p2), version: ref('Version', 2) });
    expect(await listed('Playlist', p1, 'versions')).toEqual([]);
    expect(await listed('Playlist', p2, 'versions')).toEqual([3, 2]);
    expect(await listed('Version', 1, 'playlists')).not.toContain(p2);
    expect(await listed('Version', 2, 'playlists')).toContain(p2);
    const entries = await loggedAfter(t, start);
    const lists = entries.filter((e) => e.entity?.type !== 'PlaylistVersionConnection');
    const ids = (links: unknown): number[] => ((links as { id: number }[] | undefined) ?? []).map((l) => l.id);
    expect(lists.map((e) => `${e.entity?.type}#${e.entity?.id} +${ids(e.meta['added'])} -${ids(e.meta['removed'])}`).sort()).toEqual(
      [`Playlist#${p1} + -1`, `Playlist#${p2} +2 -`, `Version#1 + -${p1}`, `Version#2 +${p2} -`].sort(),
    );
  });
});

describe('the event log', () => {
  it('logs the New of a connection row a link made, and its Retirement when the link goes', async () => {
    const pl = await create('Playlist', { project, code: 'a' });
    const start = await lastEntryId(t);
    await update('Playlist', pl, { versions: [ref('Version', 1)] }, 'add');
    const [c] = await rows('PlaylistVersionConnection', ['id'], ['playlist', 'is', ref('Playlist', pl)]);
    expect(outline(await loggedAfter(t, start))).toEqual([
      `Shotgun_Playlist_Change Playlist#${pl} versions`,
      'Shotgun_Version_Change Version#1 playlists',
      `Shotgun_PlaylistVersionConnection_New PlaylistVersionConnection#${c!['id']} -`,
    ]);
    const mid = await lastEntryId(t);
    await update('Playlist', pl, { versions: [] });
    const gone = await loggedAfter(t, mid);
    // An EventLogEntry reads null for the entity of a retired row; its meta names it.
    expect(outline(gone)).toEqual([
      `Shotgun_Playlist_Change Playlist#${pl} versions`,
      'Shotgun_Version_Change Version#1 playlists',
      'Shotgun_PlaylistVersionConnection_Change undefined#undefined retirement_date',
      'Shotgun_PlaylistVersionConnection_Retirement undefined#undefined -',
    ]);
    expect(gone[3]!.meta).toMatchObject({ entity_type: 'PlaylistVersionConnection', entity_id: c!['id'] });
  });

  it('logs both lists a connection row created by hand changes, as back-references of its New entry', async () => {
    const pl = await create('Playlist', { project, code: 'a' });
    const start = await lastEntryId(t);
    const c = await create('PlaylistVersionConnection', { playlist: ref('Playlist', pl), version: ref('Version', 2) });
    const entries = await loggedAfter(t, start);
    expect(outline(entries)).toEqual([
      `Shotgun_PlaylistVersionConnection_New PlaylistVersionConnection#${c} -`,
      `Shotgun_Playlist_Change Playlist#${pl} versions`,
      'Shotgun_Version_Change Version#2 playlists',
    ]);
    expect(entries[1]!.meta).toMatchObject({ entity_type: 'PlaylistVersionConnection', entity_id: c, actual_attribute_changed: 'PlaylistVersionConnection.version', in_create: true });
    expect(entries[2]!.meta).toMatchObject({ actual_attribute_changed: 'PlaylistVersionConnection.playlist', original_event_log_entry_id: entries[0]!.id });
  });
});

describe('persistence', () => {
  it('saves the connection rows and gives them back after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-emu-conn-'));
    const data = join(dir, 'site.json');
    try {
      const first = await startHarness({ dataFile: data });
      const pl = (await first.call('create', first.script, { type: 'Playlist', fields: fieldsOf({ project, code: 'kept', versions: [ref('Version', 2), ref('Version', 1)] }) })).id;
      const read = async (h: Harness): Promise<unknown> =>
        (await h.call('read', h.script, { type: 'PlaylistVersionConnection', return_fields: ['version', 'sg_sort_order'], filters: where(['playlist', 'is', ref('Playlist', pl)]), sorts: [{ field_name: 'id', direction: 'asc' }] })).entities;
      const saved = await read(first);
      expect(saved).toHaveLength(2);
      await first.h.close();
      const second = await startHarness({ dataFile: data });
      try {
        expect(await read(second)).toEqual(saved);
      } finally {
        await second.h.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('links the two ends of a live row found in a data file without their link, and numbers the list it joined', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-emu-conn-'));
    const data = join(dir, 'site.json');
    try {
      const first = await startHarness({ dataFile: data });
      const pl = (await first.call('create', first.script, { type: 'Playlist', fields: fieldsOf({ project, code: 'old', versions: [ref('Version', 1)] }) })).id;
      await first.h.close();
      // A row written by a version that kept no links for it: live, joining the Playlist to Version 2, which it does not list.
      const saved = JSON.parse(await readFile(data, 'utf8'));
      const table = saved.store.tables.PlaylistVersionConnection;
      table.rows.push([table.nextId, false, { playlist: ref('Playlist', pl), version: ref('Version', 2), sg_sort_order: 9 }]);
      table.nextId++;
      await writeFile(data, JSON.stringify(saved));
      const second = await startHarness({ dataFile: data });
      try {
        const read = async (type: string, id: number, field: string): Promise<number[]> =>
          (await second.call('read', second.script, { type, return_fields: [field], filters: where(['id', 'is', id]) })).entities[0][field].map((l: { id: number }) => l.id);
        expect(await read('Playlist', pl, 'versions')).toEqual([1, 2]);
        expect(await read('Version', 2, 'playlists')).toContain(pl);
        const joined = await second.call('read', second.script, { type: 'PlaylistVersionConnection', return_fields: ['version', 'sg_sort_order'], filters: where(['playlist', 'is', ref('Playlist', pl)]), sorts: [{ field_name: 'id', direction: 'asc' }] });
        expect(joined.entities.map((c: any) => [c.version.id, c.sg_sort_order])).toEqual([[1, 1], [2, 2]]);
      } finally {
        await second.h.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('makes no row twice on a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-emu-conn-'));
    const data = join(dir, 'site.json');
    try {
      const first = await startEmulator({ dataFile: data });
      await first.close();
      const second = await startHarness({ dataFile: data });
      try {
        const joined = await second.call('read', second.script, { type: 'AssetShotConnection', return_fields: ['asset', 'shot'], filters: where() });
        const keys = joined.entities.map((c: any) => `${c.asset.id}:${c.shot.id}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys.length).toBeGreaterThan(0);
      } finally {
        await second.h.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
