import type { ReverseLinkSpec } from './types.js';

/**
 * The pairs of link fields a ShotGrid site keeps in step, as far as the emulator knows them. The shipped schema
 * does not say which field is the reverse of which, so they are listed here; each pair is active only when the
 * loaded schema has both fields, each linking to the other's entity type (see `reverse-link-pairs.ts`).
 *
 * Sources (README "Reverse links" has the table):
 * - `Task.entity` ↔ `*.tasks`: "if you set the Task.entity to be a Shot, Shot.tasks will be updated to include
 *   that Task" (sgevents, "Reverse Engineering", Back-references). `*` stands for every type `Task.entity` may
 *   link to that has a `tasks` field of Tasks: Asset, Element, Scene, Sequence, Shot and Project in the shipped schema.
 * - `Shot.sg_sequence` ↔ `Sequence.shots`: the Sequence's `shots` lists the Shots in it (ShotGrid support,
 *   "Shotgun schema": `find('Sequence', …, ['assets', 'shots'])`); `sg_sequence` is the one Shot → Sequence link.
 * - `Task.upstream_tasks` ↔ `Task.downstream_tasks`: setting one "will also automatically update" the other
 *   (python-api cookbook, "Task Dependencies"; `TaskDependency` in the shipped schema).
 * - The multi-entity pairs joined by a connection entity of the shipped schema (`AssetShotConnection`,
 *   `PlaylistVersionConnection`, …): "Connection entities are created automatically when there's a link between
 *   two entities via a Multi-Entity field … every time an Asset is linked to a Shot, or vice-versa" (ShotGrid
 *   support, "Using connection entities"; python-api wiki, "Example: Connection Entities").
 */
export const DEFAULT_REVERSE_LINKS: readonly ReverseLinkSpec[] = Object.freeze([
  { field: 'Task.entity', reverse: '*.tasks' },
  { field: 'Shot.sg_sequence', reverse: 'Sequence.shots' },
  { field: 'Task.upstream_tasks', reverse: 'Task.downstream_tasks' },
  { field: 'PublishedFile.upstream_published_files', reverse: 'PublishedFile.downstream_published_files' }, // PublishedFileDependency
  { field: 'Asset.shots', reverse: 'Shot.assets' }, // AssetShotConnection
  { field: 'Asset.sequences', reverse: 'Sequence.assets' }, // AssetSequenceConnection
  { field: 'Asset.scenes', reverse: 'Scene.assets' }, // AssetSceneConnection
  { field: 'Asset.elements', reverse: 'Element.assets' }, // AssetElementConnection
  { field: 'Asset.parents', reverse: 'Asset.assets' }, // AssetAssetConnection (asset, parent)
  { field: 'Element.shots', reverse: 'Shot.elements' }, // ElementShotConnection
  { field: 'Shot.parent_shots', reverse: 'Shot.shots' }, // ShotShotConnection (shot, parent_shot)
  { field: 'Playlist.versions', reverse: 'Version.playlists' }, // PlaylistVersionConnection
  { field: 'Group.users', reverse: 'HumanUser.groups' }, // GroupUserConnection
  { field: 'Project.users', reverse: 'HumanUser.projects' }, // ProjectUserConnection
].map((spec) => Object.freeze(spec)));
