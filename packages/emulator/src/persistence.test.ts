import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Site, type SiteSnapshot } from './site.js';
import { startHarness, where, type Harness } from './test-support/harness.js';

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

  it('refuses JSON that is not a saved site, naming the file and leaving it as it was', async () => {
    for (const [name, content, holds] of [
      ['null.json', 'null', 'it holds null'],
      ['object.json', '{}', 'it holds an object without "format"'],
      ['list.json', '[]', 'it holds a list'],
      ['other.json', '{"format":"other/2"}', 'it holds an object with "format" "other/2"'],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, content);
      await expect(startHarness({ dataFile: file })).rejects.toThrow(`Data file ${file} is not a saved site (expected a JSON object with "format": "sg-emulator/1", written by sg-emulator); ${holds}`);
      expect(readFileSync(file, 'utf8')).toBe(content);
      rmSync(file);
    }
  });

    it('saves the file readable by its owner only, even over a file others could read', async () => {
    const file = join(dir, 'private.json');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const a = await startHarness({ dataFile: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await a.call('create', a.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'private' }] });
    await a.h.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('private');
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

describe('--data persistence of PAT exchanges', () => {
  it('keeps the time a PAT was last exchanged by a read-only login, so a revoked PAT keeps its hour after a restart', async () => {
    const file = join(dir, 'pat-exchange.json');
    const a = await startHarness({ dataFile: file, authMode: 'identity' });
    const coord = a.h.card.users.find((u) => u.login === 'coord')!;
    const auth = { user_login: 'coord', user_password: coord.password };
    await a.call('read', auth, { type: 'Project', return_fields: ['name'] });
    await a.h.close();

    const b = await startHarness({ dataFile: file, authMode: 'identity' });
    expect((await b.admin('pat', { login: 'coord', state: 'revoked' })).status).toBe(200);
    const found = await b.call('read', auth, { type: 'Project', return_fields: ['name'] });
    expect(found.entities.length).toBeGreaterThan(0);
    await b.h.close();
  });

  it('saves on close an exchange that stayed within the minute of the last one (which scheduled no save)', async () => {
    const file = join(dir, 'pat-exchange-minute.json');
    const exchangedAt = (): number | null => (JSON.parse(readFileSync(file, 'utf8')) as SiteSnapshot).users.find((u) => u.login === 'coord')!.patExchangedAt;
    const a = await startHarness({ dataFile: file, authMode: 'identity', clock: '2026-01-12T09:00:10Z', clockFrozen: true });
    const coord = a.h.card.users.find((u) => u.login === 'coord')!;
    const auth = { user_login: 'coord', user_password: coord.password };
    await a.call('read', auth, { type: 'Project', return_fields: ['name'] });
    await a.h.close();
    expect(exchangedAt()).toBe(Date.parse('2026-01-12T09:00:10Z'));

    const b = await startHarness({ dataFile: file, authMode: 'identity', clock: '2026-01-12T09:00:40Z', clockFrozen: true });
    await b.call('read', auth, { type: 'Project', return_fields: ['name'] });
    await b.h.close();
    expect(exchangedAt()).toBe(Date.parse('2026-01-12T09:00:40Z'));
  });
});

/** What a restart must give back as it was: the card (less its URL), row counts and lists, follows. */
async function siteState(t: Harness): Promise<Record<string, unknown>> {
  const { url: _url, ...card } = (await (await fetch(`${t.h.url}/__emulator/card`)).json()) as Record<string, unknown>;
  const out: Record<string, unknown> = { card };
  for (const [type, fields] of [['Shot', ['code', 'tasks', 'assets', 'sg_sequence']], ['Sequence', ['shots']], ['Task', ['content', 'entity']], ['HumanUser', ['login', 'sg_status_list']], ['EventLogEntry', ['event_type']]] as const) {
    for (const only of ['active', 'retired'] as const) {
      const r = await t.call('read', t.script, { type, return_fields: [...fields], return_only: only, filters: where(), paging: { entities_per_page: 500, current_page: 1 } });
      out[`${type} ${only}`] = r.entities;
    }
  }
  out['following'] = await t.call('following', t.script, { user: { type: 'HumanUser', id: 3 } });
  return out;
}

describe('a start with --data', () => {
  it('loads an existing data file as it is, without seeding the fixtures first; a reset seeds them', async () => {
    const file = join(dir, 'no-seed.json');
    const seeding = vi.spyOn(Site.prototype, 'loadFixtures');
    try {
      const a = await startHarness({ dataFile: file, rows: 20 });
      expect(seeding).toHaveBeenCalledTimes(1); // no file yet: the site starts from the fixtures
      await a.h.close();
      seeding.mockClear();

      const b = await startHarness({ dataFile: file, rows: 20 });
      expect(seeding).not.toHaveBeenCalled();
      expect((await b.admin('reset', {})).status).toBe(200);
      expect(seeding).toHaveBeenCalledTimes(1);
      await b.h.close();
    } finally {
      seeding.mockRestore();
    }
  });

  it('starts from the fixtures when the data file is empty, and saves them there', async () => {
    const file = join(dir, 'empty.json');
    writeFileSync(file, '');
    const a = await startHarness({ dataFile: file });
    expect(a.h.card.projects.map((p) => p.name)).toEqual(['Demo Project', 'Archived Project']);
    await a.h.close();
    const saved = JSON.parse(readFileSync(file, 'utf8')) as SiteSnapshot;
    expect(saved.format).toBe('sg-emulator/1');
    expect(saved.projects).toHaveLength(2);
  });

  it('refuses a data file that is not JSON, naming the file', async () => {
    const file = join(dir, 'junk.json');
    writeFileSync(file, '{"format": "sg-emul');
    await expect(startHarness({ dataFile: file })).rejects.toThrow(`Data file ${file} is not a saved site`);
  });

  it('gives back the saved site: rows, retired rows, reverse lists, credentials, follows, next ids', async () => {
    const file = join(dir, 'equal.json');
    const a = await startHarness({ dataFile: file, authMode: 'identity' });
    const shot = await a.call('create', a.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'saved' }, { field_name: 'sg_sequence', value: { type: 'Sequence', id: 2 } }] });
    await a.call('update', a.script, { type: 'Task', id: 1, fields: [{ field_name: 'entity', value: { type: 'Shot', id: shot.id } }] });
    const gone = await a.call('create', a.script, { type: 'Task', fields: [{ field_name: 'content', value: 'retired' }, { field_name: 'entity', value: { type: 'Shot', id: 1 } }] });
    await a.call('delete', a.script, { type: 'Task', id: gone.id });
    await a.call('follow', a.script, { user: { type: 'HumanUser', id: 3 }, entity: { type: 'Shot', id: 1 } });
    a.h.setPat('coord', 'revoked');
    const saved = await siteState(a);
    const lastEvent = (saved['EventLogEntry active'] as { id: number }[]).at(-1)!.id;
    await a.h.close();

    const b = await startHarness({ dataFile: file, authMode: 'identity' });
    expect(await siteState(b)).toEqual(saved);
    const next = await b.call('create', b.script, { type: 'Task', fields: [{ field_name: 'content', value: 'next' }] });
    expect(next.id).toBe(gone.id + 1); // the retired Task keeps its id
    const events = await b.call('read', b.script, { type: 'EventLogEntry', return_fields: ['event_type'], filters: where(['id', 'greater_than', lastEvent]) });
    expect(events.entities).toEqual([{ type: 'EventLogEntry', id: lastEvent + 1, event_type: 'Shotgun_Task_New' }]);
    await b.h.close();
  });

  it('keeps the file over the fixtures option: a site saved from empty fixtures stays empty, until a reset', async () => {
    const file = join(dir, 'from-empty.json');
    const a = await startHarness({ dataFile: file, fixtures: 'empty' });
    const saved = await siteState(a);
    await a.h.close();

    const b = await startHarness({ dataFile: file, rows: 10 }); // fixtures: 'demo' by default
    expect(await siteState(b)).toEqual(saved);
    expect(b.h.card.projects).toEqual([]);
    expect((await b.call('create', b.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'first' }] })).id).toBe(1);
    expect((await b.admin('reset', {})).status).toBe(200);
    const shots = await b.call('read', b.script, { type: 'Shot', return_fields: ['code'], filters: where(), paging: { entities_per_page: 500, current_page: 1 } });
    expect(shots.entities).toHaveLength(6 + 10); // the demo Shots and the 10 generated rows
    await b.h.close();
  });
});

/**
 * An emulator saving to `<dir>/<name>/site.json`, whose folder the test removes to make saves fail; with `comesBack`
 * the folder is made again as soon as a failure is logged, so that only a save made after it can succeed.
 * `saveFirst()` makes a first write and waits for it to be saved: the file then reserves the ids of every type a Shot
 * create uses, so a later create is saved by the timed save (or a fault's path) only, not before its answer.
 */
async function vanishingSite(name: string, comesBack: boolean) {
  const sub = join(dir, name);
  mkdirSync(sub);
  const file = join(sub, 'site.json');
  /** When each failed save was logged (performance.now()). */
  const failedAt: number[] = [];
  const a = await startHarness({ dataFile: file, logger: (line) => {
    if (!line.includes('Could not save')) return;
    failedAt.push(performance.now());
    if (comesBack) mkdirSync(sub, { recursive: true });
  } });
  /** Whether the data file holds `text`. */
  const saved = (text: string): boolean => existsSync(file) && readFileSync(file, 'utf8').includes(text);
  const saveFirst = async (): Promise<void> => {
    await a.call('create', a.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'first' }] });
    await vi.waitFor(() => expect(saved('first')).toBe(true), { timeout: 10_000, interval: 25 });
  };
  return { a, sub, failedAt, saved, saveFirst };
}

describe('--data save failures', () => {
  it('logs a failed save instead of throwing from its timer, keeps the site unsaved and saves it on the next try', async () => {
    const sub = join(dir, 'vanishing');
    mkdirSync(sub);
    const file = join(sub, 'site.json');
    const lines: string[] = [];
    let saw: () => void = () => {};
    const logged = new Promise<void>((resolve) => {
      saw = resolve;
    });
    const a = await startHarness({ dataFile: file, logger: (line) => {
      lines.push(line);
      if (line.includes('Could not save')) saw();
    } });
    rmSync(sub, { recursive: true });
    await a.call('create', a.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'unsaved' }] });
    await logged;
    expect(lines.find((l) => l.includes('Could not save'))).toContain(file);
    mkdirSync(sub);
    await a.h.close();
    expect(readFileSync(file, 'utf8')).toContain('unsaved');
  });

  it('tries a failed timed save again by itself, with no later write, once the cause is gone', async () => {
    const { a, sub, failedAt, saved, saveFirst } = await vanishingSite('timed-retry', true);
    try {
      await saveFirst();
      rmSync(sub, { recursive: true });
      await a.call('create', a.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'timed-retry' }] });
      await vi.waitFor(() => expect(failedAt.length).toBeGreaterThan(0), { timeout: 10_000, interval: 25 });
      await vi.waitFor(() => expect(saved('timed-retry')).toBe(true), { timeout: 10_000, interval: 50 });
      expect(failedAt).toHaveLength(1);
    } finally {
      await a.h.close();
    }
  }, 30_000);

  it('waits longer before each try while timed saves keep failing (a full disk is not tried every few ms)', async () => {
    const { a, sub, failedAt, saveFirst } = await vanishingSite('timed-backoff', false);
    try {
      await saveFirst();
      rmSync(sub, { recursive: true });
      await a.call('create', a.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'never-saved' }] });
      // The first failure, then two tries made by the emulator alone.
      await vi.waitFor(() => expect(failedAt.length).toBeGreaterThanOrEqual(3), { timeout: 15_000, interval: 50 });
      const gaps = failedAt.slice(1).map((t, i) => t - failedAt[i]!);
      expect(gaps[0]).toBeGreaterThanOrEqual(900);
      expect(gaps[1]).toBeGreaterThan(gaps[0]! * 1.5);
    } finally {
      mkdirSync(sub, { recursive: true });
      await a.h.close();
    }
  }, 30_000);

  it('after a failed save before answering new ids, does not try again on every later request (reads neither)', async () => {
    const sub = join(dir, 'gone-then-reads');
    mkdirSync(sub);
    const file = join(sub, 'site.json');
    const lines: string[] = [];
    const a = await startHarness({ dataFile: file, logger: (line) => lines.push(line) });
    rmSync(sub, { recursive: true });
    // A type with no rows yet: its first id is past those the file reserves, so the create saves before answering.
    await a.call('create', a.script, { type: 'Playlist', fields: [{ field_name: 'code', value: 'p' }] });
    const failures = (): number => lines.filter((l) => l.includes('Could not save')).length;
    expect(failures()).toBe(1);
    for (let i = 0; i < 20; i++) await a.call('read', a.script, { type: 'Shot', filters: where(), return_fields: ['id'], paging: { entities_per_page: 1, current_page: 1 } });
    // At most the one retry that the save delay schedules.
    expect(failures() - 1).toBeLessThanOrEqual(1);
    mkdirSync(sub);
    await a.h.close();
    expect(readFileSync(file, 'utf8')).toContain('Playlist');
  });

  // A write answered by an injected fault (`when: 'after'`) is saved before its answer; when that save fails, it is
  // tried again by itself (1 s later), as a failed save before new ids are answered is, not only at the next write.
  for (const [name, fault] of [
    ['a 502 answered after the write', { method: 'create', status: 502, when: 'after' }],
    ['a connection dropped after the write', { method: 'create', dropConnection: true, when: 'after' }],
  ] as const) {
    it(`saves later, with no other write, a write whose save failed on its way to ${name} once the cause is gone`, async () => {
      const { a, sub, failedAt, saved, saveFirst } = await vanishingSite(`fault-${fault.status ?? 'drop'}`, true);
      try {
        await saveFirst();
        expect((await a.admin('faults', fault)).status).toBe(200);
        rmSync(sub, { recursive: true });
        const code = `after-fault-${fault.status ?? 'drop'}`;
        const res = await fetch(`${a.h.url}/api3/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method_name: 'create', params: [a.script, { type: 'Shot', fields: [{ field_name: 'code', value: code }] }] }) }).then(
          (r) => r.status,
          () => 'dropped',
        );
        expect(res).toBe(fault.status ?? 'dropped');
        expect(failedAt).toHaveLength(1);
        await vi.waitFor(() => expect(saved(code)).toBe(true), { timeout: 10_000, interval: 25 });
      } finally {
        await a.h.close();
      }
    }, 30_000);
  }

  it('rejects close() naming the file when the last save fails', async () => {
    const sub = join(dir, 'gone-at-close');
    mkdirSync(sub);
    const file = join(sub, 'site.json');
    const a = await startHarness({ dataFile: file });
    rmSync(sub, { recursive: true });
    await a.call('create', a.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'lost' }] });
    await expect(a.h.close()).rejects.toThrow(`Could not save the site to data file ${file}`);
  });

  it('removes its temporary file when the save fails after writing it (the rename over the file failed)', async () => {
    const sub = join(dir, 'replaced');
    mkdirSync(sub);
    const file = join(sub, 'site.json');
    const a = await startHarness({ dataFile: file });
    // A folder (not empty) where the file was: the temporary file is written, the rename over the folder fails.
    rmSync(file);
    mkdirSync(join(file, 'inside'), { recursive: true });
    await a.call('create', a.script, { type: 'Shot', fields: [{ field_name: 'code', value: 'lost' }] });
    await expect(a.h.close()).rejects.toThrow(`Could not save the site to data file ${file}`);
    expect(readdirSync(sub).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});

describe('a --data path that is a folder', () => {
  it('is refused naming it and saying it is a folder, not with a bare EISDIR', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    await expect(startHarness({ dataFile: folder })).rejects.toThrow(`Data file ${folder} is a folder, not a file`);
    expect(readdirSync(dir).filter((name) => name.startsWith('a-folder'))).toEqual(['a-folder']);
  });
});
