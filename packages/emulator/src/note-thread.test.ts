import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, where, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

describe('note_thread_contents', () => {
  it("gives a Reply's user the same image URL a read of that user gives", async () => {
    t.h.reset();
    const form = new FormData();
    for (const [k, v] of Object.entries({ ...t.script, entity_type: 'HumanUser', entity_id: '2' })) form.set(k, v);
    form.set('thumb_image', new Blob([Buffer.from('89504e470d0a1a0a', 'hex')], { type: 'image/png' }), 'face.png');
    expect(await (await fetch(`${t.h.url}/upload/publish_thumbnail`, { method: 'POST', body: form })).text()).toMatch(/^1:/);

    const user = await t.call('read', t.script, { type: 'HumanUser', return_fields: ['image'], filters: where(['id', 'is', 2]) });
    const image = user.entities[0].image as string;
    expect(image.startsWith(t.h.url)).toBe(true);
    const thread = await t.call('note_thread_contents', t.script, { note_id: 1 });
    const reply = thread.find((x: { type: string }) => x.type === 'Reply');
    expect(reply.user).toMatchObject({ type: 'HumanUser', id: 2, image });
  });
});
