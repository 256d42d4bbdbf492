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

  it("fills a new Reply's user with who wrote it: the script's ApiUser, or the sudo user", async () => {
    t.h.reset();
    const apiUser = await t.call('read', t.script, { type: 'ApiUser', return_fields: ['id'], filters: where(['firstname', 'is', t.script['script_name']]) });
    const coord = await t.call('read', t.script, { type: 'HumanUser', return_fields: ['id'], filters: where(['login', 'is', 'coord']) });
    const byScript = await t.call('create', t.script, { type: 'Reply', fields: [{ field_name: 'entity', value: { type: 'Note', id: 1 } }, { field_name: 'content', value: 'From the script.' }], return_fields: ['user'] });
    expect(byScript.user).toMatchObject({ type: 'ApiUser', id: apiUser.entities[0].id });
    const bySudo = await t.call('create', { ...t.script, sudo_as_login: 'coord' }, { type: 'Reply', fields: [{ field_name: 'entity', value: { type: 'Note', id: 1 } }, { field_name: 'content', value: 'As coord.' }] });
    const named = await t.call('create', t.script, { type: 'Reply', fields: [{ field_name: 'entity', value: { type: 'Note', id: 1 } }, { field_name: 'content', value: 'For the artist.' }, { field_name: 'user', value: { type: 'HumanUser', id: 2 } }] });
    const thread = await t.call('note_thread_contents', t.script, { note_id: 1 });
    const user = (id: number): unknown => thread.find((x: { type: string; id: number }) => x.type === 'Reply' && x.id === id)?.user;
    expect(user(byScript.id)).toMatchObject({ type: 'ApiUser', id: apiUser.entities[0].id });
    expect(user(byScript.id)).toHaveProperty('image');
    expect(user(bySudo.id)).toMatchObject({ type: 'HumanUser', id: coord.entities[0].id });
    expect(user(named.id)).toMatchObject({ type: 'HumanUser', id: 2 });
  });

  it("fills a Reply's user written null as one not given (a copied reply without an author)", async () => {
    const apiUser = await t.call('read', t.script, { type: 'ApiUser', return_fields: ['id'], filters: where(['firstname', 'is', t.script['script_name']]) });
    const copied = await t.call('create', t.script, { type: 'Reply', fields: [{ field_name: 'entity', value: { type: 'Note', id: 1 } }, { field_name: 'content', value: 'Copied.' }, { field_name: 'user', value: null }], return_fields: ['user'] });
    expect(copied.user).toMatchObject({ type: 'ApiUser', id: apiUser.entities[0].id });
  });
});
