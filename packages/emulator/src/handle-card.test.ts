import { describe, expect, it } from 'vitest';
import { startHarness } from './test-support/harness.js';

describe('handle.card', () => {
  // card was a snapshot taken at start: users created through the API, passphrase and PAT changes did not show in it.
  it('is the current card, as GET /__emulator/card and the CLI give it', async () => {
    const t = await startHarness();
    try {
      await t.call('create', t.script, { type: 'HumanUser', fields: [{ field_name: 'login', value: 'jdoe' }, { field_name: 'password_proxy', value: 'jdoe-pass-1' }] });
      const coord = t.h.card.users.find((u) => u.login === 'coord')!;
      const coordId = (await t.call('read', t.script, { type: 'HumanUser', return_fields: ['id'], filters: { logical_operator: 'and', conditions: [{ path: 'login', relation: 'is', values: ['coord'] }] } })).entities[0].id;
      await t.call('update', t.script, { type: 'HumanUser', id: coordId, fields: [{ field_name: 'password_proxy', value: 'coord-new-pass' }] });
      t.h.setPat('admin', 'revoked');
      const card = t.h.card;
      const user = (login: string) => card.users.find((u) => u.login === login);
      expect(user('jdoe')).toMatchObject({ password: 'jdoe-pass-1' });
      expect(user('coord')).toMatchObject({ password: 'coord-new-pass' });
      expect(coord.password).toBe('coord-pass-1');
      expect(user('admin')).toMatchObject({ pat: 'revoked' });
      expect(card).toEqual(await (await fetch(`${t.h.url}/__emulator/card`)).json());
      // Each read is a copy: changing it changes neither the site nor the next read.
      card.users.length = 0;
      expect(t.h.card.users.length).toBeGreaterThan(0);
    } finally {
      await t.h.close();
    }
  });
});
