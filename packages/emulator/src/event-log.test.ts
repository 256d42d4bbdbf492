import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lastEntryId, loggedAfter, type Link, type LoggedEntry as Entry } from './test-support/event-log-reads.js';
import { startHarness, where, type Harness } from './test-support/harness.js';

// The shape of the entries a write logs, read back over the RPC as an event daemon reads them (README "Events").
let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());
beforeEach(() => t.h.reset());

const project = { type: 'Project', id: 1 };
const ref = (type: string, id: number): Link => ({ type, id });
const named = (type: string, id: number, name: string): Link => ({ type, id, name });

const logged = (after: number): Promise<Entry[]> => loggedAfter(t, after);
const lastEntry = (): Promise<number> => lastEntryId(t);
const setAssets = (value: Link[], mode?: string): Promise<unknown> =>
  t.call('update', t.script, { type: 'Shot', id: 1, fields: [{ field_name: 'assets', value, ...(mode ? { multi_entity_update_mode: mode } : {}) }] });

describe('a change to a multi-entity field', () => {
  // The demo Shot 1 lists the Assets hero (1) and sword (3).
  const change = { type: 'attribute_change', attribute_name: 'assets', entity_type: 'Shot', entity_id: 1, field_data_type: 'multi_entity' };

  it('gives what the list gained and lost in added and removed, with no old_value or new_value, in every mode', async () => {
    const start = await lastEntry();
    await setAssets([ref('Asset', 2), ref('Asset', 4)], 'add');
    await setAssets([ref('Asset', 1), ref('Asset', 4)], 'remove');
    await setAssets([ref('Asset', 2), ref('Asset', 1)], 'set');
    const forward = (await logged(start)).filter((e) => e.event_type === 'Shotgun_Shot_Change');
    expect(forward.map((e) => e.meta)).toEqual([
      { ...change, added: [named('Asset', 2, 'sidekick'), named('Asset', 4, 'forest')], removed: [] },
      { ...change, added: [], removed: [named('Asset', 1, 'hero'), named('Asset', 4, 'forest')] },
      { ...change, added: [named('Asset', 1, 'hero')], removed: [named('Asset', 3, 'sword')] },
    ]);
    expect(forward.every((e) => e.attribute_name === 'assets' && e.entity?.id === 1)).toBe(true);
  });

  it('keeps each side’s entries as before: the Assets’ back-references follow the Shot’s entry and point to it', async () => {
    const start = await lastEntry();
    await setAssets([ref('Asset', 3), ref('Asset', 2)], 'set');
    const entries = await logged(start);
    // Then the AssetShotConnection of the link removed is retired and one is made for the link added (a retired
    // row's entries read a null entity).
    expect(entries.map((e) => `${e.event_type} ${e.entity?.type}#${e.entity?.id} ${e.attribute_name}`)).toEqual([
      'Shotgun_Shot_Change Shot#1 assets', 'Shotgun_Asset_Change Asset#1 shots', 'Shotgun_Asset_Change Asset#2 shots',
      'Shotgun_AssetShotConnection_Change undefined#undefined retirement_date', 'Shotgun_AssetShotConnection_Retirement undefined#undefined null',
      `Shotgun_AssetShotConnection_New AssetShotConnection#${entries[5]?.meta['entity_id']} null`,
    ]);
    expect(entries[0]!.meta).toEqual({ ...change, added: [named('Asset', 2, 'sidekick')], removed: [named('Asset', 1, 'hero')] });
    for (const e of entries.slice(1, 3)) expect(e.meta['original_event_log_entry_id']).toBe(entries[0]!.id);
  });

  it('logs nothing when a write only changes the order of the list, since nothing was added or removed', async () => {
    const start = await lastEntry();
    await setAssets([ref('Asset', 3), ref('Asset', 1)], 'set');
    const shot = await t.call('read', t.script, { type: 'Shot', return_fields: ['assets'], filters: where(['id', 'is', 1]) });
    expect((shot.entities[0].assets as Link[]).map((l) => l.id)).toEqual([3, 1]);
    expect(await logged(start)).toEqual([]);
  });
});

describe('a thumbnail change', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 7, 8, 9]);
  const publish = async (type: string, id: number, extra: Record<string, string> = {}): Promise<number> => {
    const fd = new FormData();
    for (const [k, v] of Object.entries({ ...t.script, entity_type: type, entity_id: String(id), ...extra })) fd.append(k, v);
    fd.append('thumb_image', new Blob([png], { type: 'image/png' }), 't.png');
    const reply = await (await fetch(`${t.h.url}/upload/publish_thumbnail`, { method: 'POST', body: fd })).text();
    return Number(/^1:(\d+)/.exec(reply)?.[1]);
  };
  const image = (field: string, values: Record<string, unknown>): Record<string, unknown> => ({
    type: 'attribute_change', attribute_name: field, entity_type: 'Version', entity_id: 1, field_data_type: 'image', ...values,
  });
  const changes = async (start: number): Promise<Entry[]> => (await logged(start)).filter((e) => e.event_type === 'Shotgun_Version_Change');

  it('gives the Attachment id, logged transient and then ready, with the previous thumbnail’s id as the old value', async () => {
    const start = await lastEntry();
    const first = await publish('Version', 1);
    const second = await publish('Version', 1);
    expect(second).toBeGreaterThan(first);
    const entries = await changes(start);
    expect(entries.map((e) => e.meta)).toEqual([
      image('image', { old_value: null, new_value: first, is_transient: true }),
      image('image', { old_value: null, new_value: first, is_transient: false }),
      image('image', { old_value: first, new_value: second, is_transient: true }),
      image('image', { old_value: null, new_value: second, is_transient: false }),
    ]);
    expect(entries.every((e) => e.attribute_name === 'image' && e.entity?.id === 1)).toBe(true);
  });

  it('logs a filmstrip like a thumbnail, and clearing both gives each old id and a null new value', async () => {
    const thumb = await publish('Version', 1);
    const strip = await publish('Version', 1, { filmstrip: 'True' });
    const start = await lastEntry();
    await t.call('update', t.script, { type: 'Version', id: 1, fields: [{ field_name: 'image', value: null }] });
    expect((await changes(start)).map((e) => e.meta)).toEqual([
      image('image', { old_value: thumb, new_value: null, is_transient: false }),
      image('filmstrip_image', { old_value: strip, new_value: null, is_transient: false }),
    ]);
  });

  it('logs the pair on each entity a thumbnail is shared to, with the shared Attachment’s id', async () => {
    const thumb = await publish('Version', 1);
    const start = await lastEntry();
    await fetch(`${t.h.url}/upload/share_thumbnail`, { method: 'POST', body: new URLSearchParams({ ...t.script, entities: 'Version_2', source_entity: 'Version_1', filmstrip_thumbnail: 'False' }) });
    const shared = (await logged(start)).filter((e) => e.event_type === 'Shotgun_Version_Change');
    expect(shared.map((e) => [e.entity?.id, e.meta['old_value'], e.meta['new_value'], e.meta['is_transient']])).toEqual([[2, null, thumb, true], [2, null, thumb, false]]);
  });
});

describe('retirement and revival', () => {
  /** The entry's `created_at` (`2026-01-05T10:00:00Z`) as the retirement date a site writes (`2026-01-05 10:00:00 UTC`). */
  const asRetirementDate = (createdAt: string): string => `${createdAt.slice(0, 10)} ${createdAt.slice(11, 19)} UTC`;

  it('logs a change of retirement_date and the Retirement, whose entity reads null while retired, naming the entity in meta', async () => {
    const task = (await t.call('create', t.script, { type: 'Task', fields: [{ field_name: 'content', value: 'Gone' }, { field_name: 'project', value: project }] })).id;
    const start = await lastEntry();
    await t.call('delete', t.script, { type: 'Task', id: task });
    const entries = await logged(start);
    expect(entries.map((e) => [e.event_type, e.entity, e.attribute_name])).toEqual([
      ['Shotgun_Task_Change', null, 'retirement_date'],
      ['Shotgun_Task_Retirement', null, null],
    ]);
    const [dated, retired] = entries as [Entry, Entry];
    const date = asRetirementDate(retired.created_at);
    expect(dated.meta).toEqual({ type: 'attribute_change', attribute_name: 'retirement_date', entity_type: 'Task', entity_id: task, old_value: null, new_value: date });
    expect(retired.meta).toEqual({ type: 'entity_retirement', entity_type: 'Task', entity_id: task, class_name: 'Task', display_name: 'Gone', id: task, retirement_date: date });
  });

  it('reads the entity of every entry of a retired entity as null, and as its link again once revived', async () => {
    const shot = (await t.call('create', t.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'back_again' }, { field_name: 'project', value: project }] })).id;
    const created = await lastEntry();
    await t.call('update', t.script, { type: 'Shot', id: shot, fields: [{ field_name: 'description', value: 'soon gone' }] });
    await t.call('delete', t.script, { type: 'Shot', id: shot });
    const whileRetired = await logged(created - 1);
    expect(whileRetired.map((e) => [e.event_type, e.entity])).toEqual([
      ['Shotgun_Shot_New', null], ['Shotgun_Shot_Change', null], ['Shotgun_Shot_Change', null], ['Shotgun_Shot_Retirement', null],
    ]);
    // A filter still finds them by the link the entry was written with.
    const byEntity = await t.call('read', t.script, { type: 'EventLogEntry', return_fields: ['entity'], filters: where(['entity', 'is', ref('Shot', shot)]) });
    expect(byEntity.entities.map((e: Entry) => e.id)).toEqual(whileRetired.map((e) => e.id));

    await t.call('revive', t.script, { type: 'Shot', id: shot });
    const all = await logged(created - 1);
    const link = named('Shot', shot, 'back_again');
    expect(all.map((e) => [e.event_type, e.entity])).toEqual([
      ['Shotgun_Shot_New', link], ['Shotgun_Shot_Change', link], ['Shotgun_Shot_Change', link], ['Shotgun_Shot_Retirement', link], ['Shotgun_Shot_Revival', link],
    ]);
    expect(all.at(-1)!.attribute_name).toBeNull();
    expect(all.at(-1)!.meta).toEqual({ entity_type: 'Shot', entity_id: shot, class_name: 'Shot', display_name: 'back_again', id: shot });
  });
});
