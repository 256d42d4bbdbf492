import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness.js';

// `entity_fields` of note_thread_contents and activity_stream: {EntityType: [fields]} (rpc-protocol §2.7). An entry
// that can never apply (a misspelt type, a misspelt field of a type no item has) is refused up front, as `read`
// refuses an unknown type or field, rather than read as "no extra fields".
let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());
beforeEach(() => t.h.reset());

const thread = (entityFields: unknown): Promise<{ code: number; message: string }> =>
  t.fault('note_thread_contents', t.script, { note_id: 1, entity_fields: entityFields });
const stream = (entityFields: unknown): Promise<{ code: number; message: string }> =>
  t.fault('activity_stream', t.script, { type: 'Shot', id: 1, max_id: null, min_id: null, limit: null, entity_fields: entityFields });

describe('entity_fields with an entity type the site does not have', () => {
  it('is refused by note_thread_contents, naming the type and the one it likely meant', async () => {
    const f = await thread({ Reply_: ['content'] });
    expect(f.code).toBe(103);
    expect(f.message).toBe(`note_thread_contents: 'entity_fields' has "Reply_", which is not a valid entity type: did you mean "Reply"?`);
  });

  it('is refused by note_thread_contents when the case differs, as read refuses it', async () => {
    expect((await t.fault('read', t.script, { type: 'note', filters: { logical_operator: 'and', conditions: [] }, return_fields: ['id'] })).code).toBe(103);
    const f = await thread({ note: ['subject'] });
    expect(f.code).toBe(103);
    expect(f.message).toContain(`"note", which is not a valid entity type: did you mean "Note"?`);
  });

  it('is refused by activity_stream, with no guess when nothing is close', async () => {
    const f = await stream({ Shot: ['code'], Zzyzx: ['code'] });
    expect(f.code).toBe(103);
    expect(f.message).toBe(`activity_stream: 'entity_fields' has "Zzyzx", which is not a valid entity type`);
  });

  it('is refused by activity_stream for a type written in lower case', async () => {
    expect((await stream({ shot: ['code', 'sg_cut_in'] })).message).toContain('did you mean "Shot"?');
  });

  it('is refused when its list is not a list of field names, naming the type', async () => {
    expect((await thread({ Note: 'subject' })).message).toBe(`note_thread_contents: 'entity_fields.Note' must be a list of field names, got "subject"`);
    expect((await stream({ Shot: [1] })).message).toBe(`activity_stream: 'entity_fields.Shot' must be a list of field names, got [1]`);
  });
});

describe('entity_fields of a type no item or update has', () => {
  it('still has its fields checked by activity_stream', async () => {
    // Shot 1's stream holds no Note: the misspelt field was taken while a Note update would have been refused.
    const f = await stream({ Note: ['subjct'] });
    expect(f.code).toBe(103);
    expect(f.message).toContain('subjct');
  });

  it('still has its fields checked by note_thread_contents', async () => {
    const f = await thread({ Attachment: ['fle_size'] });
    expect(f.code).toBe(103);
    expect(f.message).toContain('fle_size');
  });

  it('is taken when the type and fields exist', async () => {
    const items = await t.call('note_thread_contents', t.script, { note_id: 1, entity_fields: { Note: ['subject'], Version: ['code'] } });
    expect(items[0].type).toBe('Note');
    expect(items[0]).toHaveProperty('subject');
    const s = await t.call('activity_stream', t.script, { type: 'Shot', id: 1, max_id: null, min_id: null, limit: null, entity_fields: { Note: ['subject'] } });
    expect(s.entity_type).toBe('Shot');
  });
});
