import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastEntryId, loggedAfter } from './test-support/event-log-reads.js';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

/** Uploads a small file to `/upload/upload_file` without `field_name` and returns the Attachment id. */
async function uploadTo(entityType: string, entityId: number, name: string): Promise<number> {
  const fd = new FormData();
  for (const [k, v] of Object.entries({ ...t.script, entity_type: entityType, entity_id: String(entityId), display_name: name })) fd.append(k, v);
  fd.append('file', new Blob([Buffer.from('some notes')], { type: 'text/plain' }), name);
  const res = await fetch(`${t.h.url}/upload/upload_file`, { method: 'POST', body: fd });
  const reply = await res.text();
  expect(reply).toMatch(/^1:\d+/);
  return Number(/^1:(\d+)/.exec(reply)?.[1]);
}

const links = async (id: number): Promise<unknown[]> =>
  (await t.call('read', t.script, { type: 'Attachment', return_fields: ['attachment_links'], filters: where(['id', 'is', id]) })).entities[0].attachment_links;

describe('uploads without field_name link the Attachment to the entity uploaded to', () => {
  it('links it to a Note through Note.attachments, so that the note thread shows it, and logs the change', async () => {
    const before = await lastEntryId(t);
    const id = await uploadTo('Note', 1, 'review.txt');
    const note = await t.call('read', t.script, { type: 'Note', return_fields: ['attachments'], filters: where(['id', 'is', 1]) });
    expect(note.entities[0].attachments).toEqual([{ type: 'Attachment', id, name: 'review.txt' }]);
    const thread: { type: string; id: number }[] = await t.call('note_thread_contents', t.script, { note_id: 1 });
    expect(thread.map((i) => `${i.type}:${i.id}`)).toContain(`Attachment:${id}`);
    expect(await links(id)).toEqual([]);
    const change = (await loggedAfter(t, before)).find((e) => e.event_type === 'Shotgun_Note_Change' && e.attribute_name === 'attachments');
    expect(change?.meta).toMatchObject({ entity_type: 'Note', entity_id: 1, added: [{ type: 'Attachment', id, name: 'review.txt' }], removed: [] });
  });

  it('adds to the Note attachments already there', async () => {
    const first = await uploadTo('Note', 2, 'a.txt');
    const second = await uploadTo('Note', 2, 'b.txt');
    const note = await t.call('read', t.script, { type: 'Note', return_fields: ['attachments'], filters: where(['id', 'is', 2]) });
    expect(note.entities[0].attachments.map((a: { id: number }) => a.id)).toEqual([first, second]);
  });

  it('still links it through Attachment.attachment_links for the types that field takes', async () => {
    const id = await uploadTo('Shot', 1, 'shot.txt');
    expect(await links(id)).toEqual([{ type: 'Shot', id: 1, name: expect.any(String) }]);
  });

  it('links it to nothing for a type with neither (a Task): documented in the README', async () => {
    const id = await uploadTo('Task', 1, 'task.txt');
    expect(await links(id)).toEqual([]);
  });
});
