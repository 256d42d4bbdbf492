import { describe, expect, it } from 'vitest';
import { resolveConnectionTypes } from './connection-types.js';
import { parseReverseLinkSpecs, resolvePairs } from './reverse-link-pairs.js';
import { DEFAULT_REVERSE_LINKS } from './reverse-link-table.js';
import { Schema } from './schema.js';

describe('the connection types of the shipped schema', () => {
  const schema = new Schema();
  const all = resolveConnectionTypes(schema, resolvePairs(schema, parseReverseLinkSpecs(DEFAULT_REVERSE_LINKS)));

  it('keeps in step the ten whose two lists are a pair, each end with the list of its rows that holds the other', () => {
    const kept = [...all.kept.values()].map((c) => `${c.type}: ${c.ends.map((e) => `${e.field}→${e.list.type}.${e.list.field}`).join(' ')}${c.sortOrder ? ` #${c.sortOrder}` : ''}`);
    expect(kept.sort()).toEqual([
      'AssetAssetConnection: asset→Asset.parents parent→Asset.assets',
      'AssetElementConnection: asset→Asset.elements element→Element.assets',
      'AssetSceneConnection: asset→Asset.scenes scene→Scene.assets',
      'AssetSequenceConnection: asset→Asset.sequences sequence→Sequence.assets',
      'AssetShotConnection: asset→Asset.shots shot→Shot.assets',
      'ElementShotConnection: element→Element.shots shot→Shot.elements',
      'GroupUserConnection: group→Group.users user→HumanUser.groups',
      'PlaylistVersionConnection: playlist→Playlist.versions version→Version.playlists #sg_sort_order',
      'ProjectUserConnection: project→Project.users user→HumanUser.projects',
      'ShotShotConnection: parent_shot→Shot.shots shot→Shot.parent_shots',
    ]);
  });

  it('leaves the other 19 unkept, so that writes to them are refused', () => {
    expect(all.unkept.size).toBe(19);
    expect(all.unkept.has('CutVersionConnection')).toBe(true);
    expect(all.unkept.has('AssetMocapTakeConnection')).toBe(true);
  });

  it('keeps none without the pairs', () => {
    const none = resolveConnectionTypes(schema, resolvePairs(schema, []));
    expect(none.kept.size).toBe(0);
    expect(none.unkept.size).toBe(29);
  });
});

describe('a field added to a connection type', () => {
  it('is just a field: the two ends stay those whose lists are the pair, whatever other entity fields there are', () => {
    const schema = new Schema();
    schema.createField('PlaylistVersionConnection', 'entity', { name: 'Reviewer', valid_types: ['HumanUser'] });
    schema.createField('PlaylistVersionConnection', 'entity', { name: 'Other Version', valid_types: ['Version'] });
    const found = resolveConnectionTypes(schema, resolvePairs(schema, parseReverseLinkSpecs(DEFAULT_REVERSE_LINKS)));
    const pvc = found.kept.get('PlaylistVersionConnection');
    expect(pvc?.ends.map((e) => `${e.field}→${e.list.type}.${e.list.field}`)).toEqual(['playlist→Playlist.versions', 'version→Version.playlists']);
    expect(pvc?.sortOrder).toBe('sg_sort_order');
    expect(found.unkept.has('PlaylistVersionConnection')).toBe(false);
  });
});
