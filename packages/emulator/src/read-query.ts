import { compilePath, displayName, formatRow, type CompiledPath } from './entity-format.js';
import { badInput, excerpt } from './errors.js';
import { compileFilters, type FilterUsage } from './filter-engine.js';
import type { Viewer } from './last-accessed.js';
import type { Schema } from './schema.js';
import type { Site } from './site.js';
import { isLink, type Row, type Store } from './store.js';
import { parseReturnFields } from './writes.js';

/** A selection of rows: the filtering part shared by `read`, `summarize` and `export_page`. */
export interface Selection {
  type: string;
  filters?: unknown;
  returnOnly?: unknown;
  includeArchivedProjects?: unknown;
  additionalFilterPresets?: unknown;
  /** Whose per-user fields the filters read. */
  viewer?: Viewer | undefined;
}

function archivedProjectIds(site: Site): Set<number> {
  const ids = new Set<number>();
  for (const p of site.store.all('Project')) if (p.f['archived'] === true) ids.add(p.id);
  return ids;
}

/** What a query result depends on, recorded while computing it (see {@link QueryCache}). */
export interface QueryUsage extends FilterUsage {
  /** Entity types, besides the queried one, whose rows the result reads. */
  readonly types: Set<string>;
}

/** A fresh, empty {@link QueryUsage}. */
export function newUsage(): QueryUsage {
  return { clock: false, crossType: false, perUser: false, types: new Set() };
}

/** Rows matching a selection, in id order. */
export function selectRows(site: Site, sel: Selection, usage?: QueryUsage): Row[] {
  const type = site.schema.requireType(sel.type);
  const ctx = { schema: site.schema, store: site.store, now: site.now(), ...(sel.viewer ? { viewer: sel.viewer } : {}) };
  const filter = compileFilters(usage ? { ...ctx, usage } : ctx, type, sel.filters);
  const returnOnly = sel.returnOnly ?? 'active';
  if (returnOnly !== 'active' && returnOnly !== 'retired') throw badInput(`'return_only' must be 'active' or 'retired', got ${excerpt(returnOnly)}`);
  const wantRetired = returnOnly === 'retired';
  if (sel.includeArchivedProjects !== undefined && typeof sel.includeArchivedProjects !== 'boolean') {
    throw badInput(`'include_archived_projects' must be true or false, got ${excerpt(sel.includeArchivedProjects)}`);
  }
  const archived = sel.includeArchivedProjects === false ? archivedProjectIds(site) : undefined;
  if (archived) usage?.types.add('Project');
  const hasProject = site.schema.field(type, 'project') !== undefined;
  /** Whether the read could see the row apart from its filters: `return_only`, and archived projects when left out. */
  const visible = (row: Row): boolean => {
    if (row.retired !== wantRetired) return false;
    if (!archived || archived.size === 0) return true;
    if (type === 'Project' && archived.has(row.id)) return false;
    const p = hasProject ? row.f['project'] : undefined;
    return !(isLink(p) && archived.has(p.id));
  };
  const candidates = filter.candidates();
  let source: readonly Row[] = site.store.all(type);
  if (candidates) source = candidates.length > 1 ? candidates.sort((a, b) => a.id - b.id) : candidates;
  const out: Row[] = [];
  for (const row of source) if (visible(row) && filter.test(row)) out.push(row);
  const keep = presetRows(site, type, sel.additionalFilterPresets, visible, usage);
  return keep ? out.filter((r) => keep.has(r)) : out;
}

/**
 * `additional_filter_presets` (the LATEST presets of Version and PublishedFile): the rows they keep, or undefined
 * when there is none. Presets are ANDed with the filters (rpc-protocol §2.7), so "latest, if approved" is empty when
 * the latest is not approved: the latest of each group is picked among every row the read could see apart from its
 * filters, not among the rows the filters kept. That scope is the read's `return_only` (a retired Version is gone
 * from an active read, so it does not hide the newest live one; a retired read picks among retired rows) and, with
 * `include_archived_projects: false`, leaves out rows of archived projects (a group shares its entity, hence almost
 * always its project, so this only matters for rows linked across projects). No source says how a site scopes it;
 * this is the reading that makes the preset behave as one more filter on what the caller can see.
 */
function presetRows(site: Site, type: string, presets: unknown, visible: (row: Row) => boolean, usage: QueryUsage | undefined): Set<Row> | undefined {
  if (presets === undefined || presets === null) return undefined;
  if (!Array.isArray(presets)) throw badInput(`'additional_filter_presets' must be a list of {preset_name, …} hashes, got ${excerpt(presets)}`);
  let result: Set<Row> | undefined;
  for (const preset of presets) {
    if (!preset || typeof preset !== 'object' || Array.isArray(preset)) throw badInput(`Each additional filter preset must be a hash with 'preset_name', got ${excerpt(preset)}`);
    const p = preset as Record<string, unknown>;
    const name = p['preset_name'];
    if (typeof name !== 'string') throw badInput(`Additional filter preset without 'preset_name': ${excerpt(preset)}`);
    if (name === 'LATEST') {
      if (result) throw badInput('Conflicting additional filter presets: only one LATEST preset may be given');
      if (p['latest_by'] === 'BY_PIPELINE_STEP_NUMBER_AND_ENTITIES_CREATED_AT') usage?.types.add('Task');
      result = latest(site, type, site.store.all(type).filter(visible), p['latest_by']);
    } else if (name === 'CUT_SHOT_VERSIONS') {
      if (type !== 'Version') throw badInput(`Preset CUT_SHOT_VERSIONS only applies to Version, not ${type}`);
      throw badInput('Preset CUT_SHOT_VERSIONS needs the Cut entity, which this site does not have');
    } else {
      throw badInput(`Unknown additional filter preset '${excerpt(name, name)}'`);
    }
  }
  return result;
}

/** The latest row of each group of `rows` (the LATEST preset's `latest_by`). */
function latest(site: Site, type: string, rows: readonly Row[], by: unknown): Set<Row> {
  const key = (r: Row, fields: string[]): string => fields.map((f) => JSON.stringify(r.f[f] ?? null)).join('|');
  let groupOf: (r: Row) => string;
  let better: (a: Row, b: Row) => boolean;
  const newer = (a: Row, b: Row): boolean => String(a.f['created_at'] ?? '') > String(b.f['created_at'] ?? '') || (a.f['created_at'] === b.f['created_at'] && a.id > b.id);
  if (type === 'Version' && by === 'ENTITIES_CREATED_AT') {
    groupOf = (r) => key(r, ['entity']);
    better = newer;
  } else if (type === 'Version' && by === 'BY_PIPELINE_STEP_NUMBER_AND_ENTITIES_CREATED_AT') {
    groupOf = (r) => {
      const t = r.f['sg_task'];
      const task = isLink(t) ? site.store.get(t.type, t.id) : undefined;
      return key(r, ['entity']) + '|' + JSON.stringify(task?.f['step'] ?? null);
    };
    better = newer;
  } else if (type === 'PublishedFile' && (by === 'ENTITIES_CREATED_AT' || by === 'VERSION_NUMBER')) {
    groupOf = (r) => key(r, ['entity', 'task', 'name', 'published_file_type']);
    better = by === 'VERSION_NUMBER'
      ? (a, b) => Number(a.f['version_number'] ?? -1) > Number(b.f['version_number'] ?? -1) || (a.f['version_number'] === b.f['version_number'] && a.id > b.id)
      : newer;
  } else {
    throw badInput(`LATEST preset: latest_by ${excerpt(by)} is not supported on ${type}`);
  }
  const groups = new Map<string, Row>();
  for (const r of rows) {
    const k = groupOf(r);
    const cur = groups.get(k);
    if (!cur || better(r, cur)) groups.set(k, r);
  }
  return new Set(groups.values());
}

type SortKey = string | number | boolean | null;

function sortKey(site: Site, path: CompiledPath, row: Row): SortKey {
  const read = path.direct && !path.perUser && path.lastField !== 'id' && path.lastField !== 'type' ? row.f[path.lastField] : path.values(row)[0];
  // A checkbox never written reads false, and filters take it as false: it sorts with the false ones.
  if (path.dataType === 'checkbox') return read === true;
  // A multi-entity field (the row's own or a dotted path's last) sorts by its first link, as a link does; empty as null.
  const v = path.dataType === 'multi_entity' && Array.isArray(read) ? read[0] : read;
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (isLink(v)) {
    const r = site.store.get(v.type, v.id);
    return (r ? displayName(r) ?? '' : '').toLowerCase();
  }
  if (Array.isArray(v)) return v.length;
  return JSON.stringify(v);
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts rows by `sorts` (`[{field_name, direction}]`); default id asc. The legacy `column` key is a client-side alias
 * that the client renames to `field_name` before sending (rpc-protocol §2.3): on the wire it is refused.
 */
export function sortRows(site: Site, type: string, rows: Row[], sorts: unknown, usage?: QueryUsage, viewer?: Viewer): Row[] {
  if (sorts === undefined || sorts === null || (Array.isArray(sorts) && sorts.length === 0)) return rows;
  if (!Array.isArray(sorts)) throw badInput(`'sorts' must be a list of {field_name, direction}, got ${excerpt(sorts)}`);
  const specs = sorts.map((s) => {
    if (!s || typeof s !== 'object' || Array.isArray(s)) throw badInput(`Each sort must be a hash {field_name, direction}, got ${excerpt(s)}`);
    const spec = s as Record<string, unknown>;
    if ('column' in spec) throw badInput(`Sorts take 'field_name', not 'column' (the client renames 'column' before sending), got ${excerpt(s)}`);
    const field = spec['field_name'];
    if (typeof field !== 'string') throw badInput(`Each sort needs a 'field_name', got ${excerpt(s)}`);
    const dir = spec['direction'] ?? 'asc';
    if (dir !== 'asc' && dir !== 'desc') throw badInput(`Sort direction must be 'asc' or 'desc', got ${excerpt(dir)}`);
    const path = compilePath(site.schema, site.store, type, field, viewer);
    // Links sort by the display name of the row they point at; dotted paths read other rows.
    if (usage && (!path.direct || path.dataType === 'entity' || path.dataType === 'multi_entity')) usage.crossType = true;
    if (usage && path.perUser) usage.perUser = true;
    return { path, sign: dir === 'asc' ? 1 : -1 };
  });
  const keyed = rows.map((row) => ({ row, keys: specs.map((s) => sortKey(site, s.path, row)) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < specs.length; i++) {
      const c = compareKeys(a.keys[i] ?? null, b.keys[i] ?? null);
      if (c !== 0) return c * (specs[i]?.sign ?? 1);
    }
    return a.row.id - b.row.id;
  });
  return keyed.map((k) => k.row);
}

function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw badInput(`'${name}' must be a positive integer, got ${excerpt(value)}`);
  return value;
}

/** `read` reply: `{entities, paging_info}`, with the per-user fields of `viewer`. */
export function readEntities(site: Site, payload: Record<string, unknown>, viewer?: Viewer): { entities: Record<string, unknown>[]; paging_info: Record<string, unknown> } {
  const type = site.schema.requireType(payload['type']);
  const fields = parseReturnFields(payload['return_fields']);
  const paths = [...new Set(fields)].map((f) => compilePath(site.schema, site.store, type, f, viewer));
  const paging = (payload['paging'] ?? {}) as Record<string, unknown>;
  if (typeof paging !== 'object' || Array.isArray(paging)) throw badInput(`'paging' must be {entities_per_page, current_page}, got ${excerpt(payload['paging'])}`);
  // A site serves at most api_max_entities_per_page rows a page, whatever is asked (rpc-protocol §0, §2.3).
  const perPage = Math.min(positiveInt(paging['entities_per_page'], 'entities_per_page', site.settings.pageSize), site.settings.pageSize);
  const page = positiveInt(paging['current_page'], 'current_page', 1);
  const rows = site.queryCache.get(site, type, payload, () => {
    const usage = newUsage();
    const selected = selectRows(
      site,
      {
        type,
        filters: payload['filters'],
        returnOnly: payload['return_only'],
        includeArchivedProjects: payload['include_archived_projects'],
        additionalFilterPresets: payload['additional_filter_presets'],
        viewer,
      },
      usage,
    );
    return { rows: sortRows(site, type, selected, payload['sorts'], usage, viewer), usage };
  });
  const start = (page - 1) * perPage;
  const slice = rows.slice(start, start + perPage);
  return {
    entities: slice.map((row) => formatRow(site, row, paths)),
    // Without counts (rpc-protocol §2.3, servers >= 7.4) the client may rely on has_next_page only.
    paging_info: payload['return_paging_info_without_counts'] === true
      ? { current_page: page, entities_per_page: perPage, has_next_page: start + perPage < rows.length }
      : {
          entity_count: rows.length,
          current_page: page,
          entities_per_page: perPage,
          page_count: Math.ceil(rows.length / perPage),
          has_next_page: start + perPage < rows.length,
        },
  };
}

interface CacheEntry {
  readonly store: Store;
  readonly schema: Schema;
  readonly schemaRevision: number;
  /** `store.revision` when computed; compared only when `types` is null (the result may read any type). */
  readonly storeRevision: number;
  /** Per-type write counters when computed, or null when any write must invalidate the entry. */
  readonly types: readonly (readonly [string, number])[] | null;
  readonly rows: readonly Row[];
}

/**
 * The filtered + sorted rows of recent `read` queries, so that page N of a large result slices a list instead of
 * re-filtering and re-sorting the table. An LRU keyed by entity type, `filters`, `sorts`, `return_only`,
 * `include_archived_projects` and `additional_filter_presets` (as sent). An entry is only used while nothing it
 * depends on changed: the store and schema objects (reset, persistence load), the schema revision (field
 * create/update/delete), and the write counters of the queried type plus the types it reads (`Project` for
 * `include_archived_projects: false`, `Task` for the pipeline-step LATEST preset), or of every type when a dotted
 * path, a `name_*` operator or a link sort reads other rows. Queries using relative-date operators depend on the
 * clock and are never cached. Results do not depend on the caller (the emulator has no per-user visibility), so
 * the key holds no principal; the one exception, filters or sorts on the per-user `last_accessed_by_current_user`,
 * is never cached.
 */
export class QueryCache {
  private readonly entries = new Map<string, CacheEntry>();
  private hitCount = 0;
  private missCount = 0;

  /** @param capacity - Entries kept (least recently used dropped first); 0 turns the cache off. */
  constructor(readonly capacity: number) {}

  /** Hits and misses since the last {@link clear}. */
  get stats(): { hits: number; misses: number; size: number } {
    return { hits: this.hitCount, misses: this.missCount, size: this.entries.size };
  }

  /** The cached rows of the query, or computes (and keeps, unless it read the clock) them. */
  get(site: Site, type: string, payload: Record<string, unknown>, compute: () => { rows: readonly Row[]; usage: QueryUsage }): readonly Row[] {
    if (this.capacity <= 0) return compute().rows;
    const key = JSON.stringify([
      type,
      payload['filters'] ?? null,
      payload['sorts'] ?? null,
      payload['return_only'] ?? null,
      payload['include_archived_projects'] ?? null,
      payload['additional_filter_presets'] ?? null,
    ]);
    const { store, schema } = site;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      const fresh =
        hit.store === store &&
        hit.schema === schema &&
        hit.schemaRevision === schema.revision &&
        (hit.types === null ? hit.storeRevision === store.revision : hit.types.every(([t, rev]) => store.typeRevision(t) === rev));
      if (fresh) {
        this.entries.set(key, hit);
        this.hitCount++;
        return hit.rows;
      }
    }
    this.missCount++;
    const storeRevision = store.revision;
    const schemaRevision = schema.revision;
    const { rows, usage } = compute();
    if (usage.clock || usage.perUser) return rows;
    const types = usage.crossType ? null : [...new Set([type, ...usage.types])].map((t) => [t, store.typeRevision(t)] as const);
    this.entries.set(key, { store, schema, schemaRevision, storeRevision, types, rows });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    return rows;
  }

  /** Forgets every entry and resets the counters. */
  clear(): void {
    this.entries.clear();
    this.hitCount = 0;
    this.missCount = 0;
  }
}
