import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, where } from './test-support/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'sg-emulator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--data persistence', () => {
  it('round-trips rows, schema changes and files through a restart', async () => {
    const file = join(dir, 'site.json');
    const a = await startHarness({ dataFile: file });
    const shot = await a.call('create', a.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'persisted' }] });
    await a.call('schema_field_create', a.script, { type: 'Shot', data_type: 'text', properties: [{ property_name: 'name', value: 'Notes Text' }] });
    await a.call('update', a.script, { type: 'Shot', id: shot.id, fields: [{ field_name: 'sg_notes_text', value: 'kept' }] });
    await a.h.close();
    expect(readdirSync(dir)).toEqual(['site.json']);

    const b = await startHarness({ dataFile: file });
    const found = await b.call('read', b.script, { type: 'Shot', return_fields: ['code', 'sg_notes_text'], filters: where(['id', 'is', shot.id]) });
    expect(found.entities[0]).toMatchObject({ code: 'persisted', sg_notes_text: 'kept' });
    const next = await b.call('create', b.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'next' }] });
    expect(next.id).toBe(shot.id + 1);
    await b.h.close();
  });

  it('keeps a PAT change made through the admin endpoint, with no RPC write after it', async () => {
    const file = join(dir, 'pat.json');
    const a = await startHarness({ dataFile: file, authMode: 'identity' });
    expect((await a.admin('pat', { login: 'coord', state: 'revoked' })).status).toBe(200);
    await a.h.close();

    const b = await startHarness({ dataFile: file, authMode: 'identity' });
    expect(b.h.card.users.find((u) => u.login === 'coord')?.pat).toBe('revoked');
    const coord = b.h.card.users.find((u) => u.login === 'coord')!;
    expect((await b.fault('read', { user_login: 'coord', user_password: coord.password }, { type: 'Project', return_fields: ['name'] })).code).toBe(102);
    await b.h.close();
  });
});
