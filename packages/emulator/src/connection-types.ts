import type { LinkPairs, LinkSide } from './reverse-link-pairs.js';
import type { Schema } from './schema.js';

/** One end of a connection entity: its link field and the list of that end's rows that holds the other end. */
export interface ConnectionEnd {
  /** The connection's field naming this end (`playlist` of `PlaylistVersionConnection`). */
  readonly field: string;
  /** The list of this end's rows that holds the other end (`Playlist.versions`). */
  readonly list: LinkSide;
}

/** A connection entity type kept in step with an active pair of multi-entity fields. */
export interface ConnectionType {
  readonly type: string;
  /** The two ends; the first is the one whose list {@link sortOrder} numbers, when there is one. */
  readonly ends: readonly [ConnectionEnd, ConnectionEnd];
  /** `sg_sort_order` when the type has it as a number field and its two ends are of different types; else null. */
  readonly sortOrder: string | null;
}

/** The connection entity types of a schema: those kept in step with a pair, and those the emulator cannot keep. */
export interface ConnectionTypes {
  /** Kept in step, by connection type. */
  readonly kept: ReadonlyMap<string, ConnectionType>;
  /** Connection types with no active pair to keep them in step with: writes to them are refused. */
  readonly unkept: ReadonlySet<string>;
  /** The connection types whose ends hold a list, by `Type.field` of the list. */
  readonly byList: ReadonlyMap<string, readonly ConnectionType[]>;
}

const STAMPS = new Set(['created_by', 'updated_by']);
const SORT_ORDER = 'sg_sort_order';

/**
 * Finds the connection entity types of a schema and the pair each one stands for. The rule, from the schema alone:
 * a type whose name ends in `Connection` is kept in step when exactly one couple of its `entity` fields (besides
 * `created_by`/`updated_by`), `f` and `g`, each linking to one type, A and B, have A's `<g>s` and B's `<f>s` an active
 * pair of multi-entity fields: `PlaylistVersionConnection` (`playlist`, `version`) stands for `Playlist.versions` ↔
 * `Version.playlists`, `ShotShotConnection` (`shot`, `parent_shot`) for `Shot.parent_shots` ↔ `Shot.shots`. Its
 * other entity fields (a custom `sg_reviewer`) are fields like any. A type with no such two fields, or with more
 * than one such two, is unkept.
 */
export function resolveConnectionTypes(schema: Schema, pairs: LinkPairs): ConnectionTypes {
  const kept = new Map<string, ConnectionType>();
  const unkept = new Set<string>();
  const byList = new Map<string, ConnectionType[]>();
  for (const type of schema.entityTypes()) {
    if (!type.endsWith('Connection') || type === 'Connection') continue;
    const found = connectionOf(schema, pairs, type);
    if (!found) {
      unkept.add(type);
      continue;
    }
    kept.set(type, found);
    for (const end of found.ends) {
      const key = `${end.list.type}.${end.list.field}`;
      byList.set(key, [...(byList.get(key) ?? []), found]);
    }
  }
  return { kept, unkept, byList };
}

function connectionOf(schema: Schema, pairs: LinkPairs, type: string): ConnectionType | undefined {
  const links = schema.fieldNames(type).filter((f) => !STAMPS.has(f) && schema.dataType(type, f) === 'entity');
  // Any two entity fields whose lists are an active pair are the ends; other entity fields (a custom `sg_reviewer`) are just fields.
  const found: ConnectionType[] = [];
  for (let i = 0; i < links.length; i++) {
    for (let j = i + 1; j < links.length; j++) {
      const pair = endsOf(schema, pairs, type, links[i] as string, links[j] as string);
      if (pair) found.push(pair);
    }
  }
  return found.length === 1 ? found[0] : undefined;
}

/** The connection `type` is with `f` and `g` as its ends, when A's `<g>s` and B's `<f>s` are an active pair. */
function endsOf(schema: Schema, pairs: LinkPairs, type: string, f: string, g: string): ConnectionType | undefined {
  const a = single(schema.validTypes(type, f));
  const b = single(schema.validTypes(type, g));
  if (!a || !b) return undefined;
  const listA = pairs.partners(b, `${f}s`).find((side) => side.type === a && side.field === `${g}s` && side.multi);
  const listB = pairs.partners(a, `${g}s`).find((side) => side.type === b && side.field === `${f}s` && side.multi);
  if (!listA || !listB) return undefined;
  const endF: ConnectionEnd = { field: f, list: listA };
  const endG: ConnectionEnd = { field: g, list: listB };
  // The end whose type begins the name comes first (`Playlist` of `PlaylistVersionConnection`): its list is the one numbered.
  const ends: [ConnectionEnd, ConnectionEnd] = !type.startsWith(a) && type.startsWith(b) ? [endG, endF] : [endF, endG];
  const sortOrder = a !== b && schema.field(type, SORT_ORDER)?.data_type.value === 'number' ? SORT_ORDER : null;
  return { type, ends, sortOrder };
}

function single(types: readonly string[]): string | undefined {
  return types.length === 1 ? types[0] : undefined;
}
