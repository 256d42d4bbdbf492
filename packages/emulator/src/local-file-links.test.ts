import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-support/harness.js';

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

const publish = (path: unknown): unknown[] => [
  { field_name: 'code', value: 'thumb.png' },
  { field_name: 'project', value: { type: 'Project', id: 1 } },
  { field_name: 'path', value: path },
];

describe('local file links written with {local_storage, relative_path}', () => {
  it('joins a forward-slash relative_path to each root of the storage', async () => {
    const pf = await t.call('create', t.script, { type: 'PublishedFile', fields: publish({ local_storage: { type: 'LocalStorage', name: 'primary' }, relative_path: 'files/thumb.png' }) });
    expect(pf.path).toMatchObject({
      link_type: 'local',
      relative_path: 'files/thumb.png',
      local_path_linux: '/mnt/projects/files/thumb.png',
      local_path_mac: '/Volumes/projects/files/thumb.png',
      local_path_windows: 'P:\\projects\\files\\thumb.png',
    });
  });

  it('refuses a relative_path with a backslash, naming it and asking for /', async () => {
    const fault = await t.fault('create', t.script, { type: 'PublishedFile', fields: publish({ local_storage: { type: 'LocalStorage', name: 'primary' }, relative_path: 'files\\thumb.png' }) });
    expect(fault).toEqual({
      code: 103,
      message: `PublishedFile.path: relative_path "files\\\\thumb.png" contains a backslash; relative paths use forward slashes only: write "files/thumb.png"`,
    });
  });
});
