import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

// rpc-protocol §2.7: additional_filter_presets are ANDed with each other and with the filters. The latest row of a
// group is the latest the read can see, whatever the filters keep: "latest, if viewed" is empty when it is not.
let t: Harness;
beforeAll(async () => {
  t = await startHarness({ clock: '2026-01-12T09:00:00Z', clockFrozen: true });
});
afterAll(() => t.h.close());

const shot = { type: 'Shot', id: 1 };
const byCreation = [{ preset_name: 'LATEST', latest_by: 'ENTITIES_CREATED_AT' }];
const codes = async (type: string, filters: unknown[][], extra: Record<string, unknown> = {}): Promise<string[]> => {
  const r = await t.call('read', t.script, { type, return_fields: ['code'], filters: where(...filters), ...extra });
  return r.entities.map((e: { code: string }) => e.code);
};
const field = (field_name: string, value: unknown): { field_name: string; value: unknown } => ({ field_name, value });

describe('LATEST preset ANDed with the filters', () => {
  let v2: number;
  beforeAll(async () => {
    await t.call('update', t.script, { type: 'Version', id: 1, fields: [field('sg_status_list', 'vwd')] });
    t.h.advanceClock(60);
    const created = await t.call('create', t.script, { type: 'Version', fields: [field('code', 'SQ010_0010_anim_v002'), field('project', { type: 'Project', id: 1 }), field('entity', shot), field('sg_status_list', 'rev')] });
    v2 = created.id;
  });

  it('keeps no row when the latest of the group fails the filters, and the latest without them', async () => {
    expect(await codes('Version', [['entity', 'is', shot], ['sg_status_list', 'is', 'vwd']], { additional_filter_presets: byCreation })).toEqual([]);
    expect(await codes('Version', [['entity', 'is', shot]], { additional_filter_presets: byCreation })).toEqual(['SQ010_0010_anim_v002']);
    expect(await codes('Version', [['entity', 'is', shot], ['sg_status_list', 'is', 'vwd']])).toEqual(['SQ010_0010_anim_v001']);
  });

  it('picks the latest among the rows of the return_only asked for', async () => {
    await t.call('delete', t.script, { type: 'Version', id: v2 });
    expect(await codes('Version', [['entity', 'is', shot], ['sg_status_list', 'is', 'vwd']], { additional_filter_presets: byCreation })).toEqual(['SQ010_0010_anim_v001']);
    expect(await codes('Version', [['entity', 'is', shot]], { additional_filter_presets: byCreation, return_only: 'retired' })).toEqual(['SQ010_0010_anim_v002']);
    await t.call('revive', t.script, { type: 'Version', id: v2 });
  });

  it('does the same for PublishedFile by version number', async () => {
    const publish = (code: string, version_number: number, status: string): Promise<unknown> =>
      t.call('create', t.script, { type: 'PublishedFile', fields: [field('code', code), field('name', 'anim'), field('entity', shot), field('version_number', version_number), field('sg_status_list', status)] });
    await publish('anim_v001', 1, 'cmpt');
    await publish('anim_v002', 2, 'ip');
    const byNumber = { additional_filter_presets: [{ preset_name: 'LATEST', latest_by: 'VERSION_NUMBER' }] };
    expect(await codes('PublishedFile', [['entity', 'is', shot], ['sg_status_list', 'is', 'cmpt']], byNumber)).toEqual([]);
    expect(await codes('PublishedFile', [['entity', 'is', shot]], byNumber)).toEqual(['anim_v002']);
  });
});
