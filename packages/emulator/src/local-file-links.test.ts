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

// rpc-protocol §1.8: from a local_path the site picks the best-matching LocalStorage, the one with the longest root.
describe('local file links written with {local_path}', () => {
  let s: Harness;
  beforeAll(async () => {
    s = await startHarness();
    // After `primary` (id 1, /mnt/projects): a broader storage, and one whose root is a prefix of a name, not a folder.
    for (const [code, linux_path, mac_path, windows_path] of [
      ['mnt_root', '/mnt', '/Volumes', 'P:\\'],
      ['proj_prefix', '/mnt/proj', '/Volumes/proj', 'P:\\proj'],
    ]) {
      await s.call('create', s.script, { type: 'LocalStorage', fields: Object.entries({ code, linux_path, mac_path, windows_path }).map(([field_name, value]) => ({ field_name, value })) });
    }
  });
  afterAll(() => s.h.close());

  const linkOf = async (local_path: string): Promise<Record<string, unknown>> =>
    (await s.call('create', s.script, { type: 'PublishedFile', fields: publish({ local_path }), return_fields: ['path'] })).path;

  it('links to the storage with the longest matching root, whichever storage came last', async () => {
    for (const path of ['/mnt/projects/demo/shot/v001.mov', '/Volumes/projects/demo/shot/v001.mov', 'P:\\projects\\demo\\shot\\v001.mov']) {
      expect(await linkOf(path), path).toMatchObject({
        local_storage: { type: 'LocalStorage', id: 1, name: 'primary' },
        relative_path: 'demo/shot/v001.mov',
        local_path_linux: '/mnt/projects/demo/shot/v001.mov',
        local_path_windows: 'P:\\projects\\demo\\shot\\v001.mov',
      });
    }
  });

  it('matches roots on whole path segments only', async () => {
    expect(await linkOf('/mnt/projects2/demo/v001.mov')).toMatchObject({ local_storage: { id: 2, name: 'mnt_root' }, relative_path: 'projects2/demo/v001.mov' });
    expect(await linkOf('/mnt/proj/demo/v001.mov')).toMatchObject({ local_storage: { id: 3, name: 'proj_prefix' }, relative_path: 'demo/v001.mov' });
    expect(await linkOf('/mnt/other.mov')).toMatchObject({ local_storage: { id: 2, name: 'mnt_root' }, relative_path: 'other.mov' });
  });
});
