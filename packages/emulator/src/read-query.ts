import { compilePath, displayName, formatRow, type CompiledPath } from './entity-format.js';
import { badInput } from './errors.js';
import { compileFilters } from './filter-engine.js';
import type { Site } from './site.js';
import { isLink, type Row } from './store.js';
import { parseReturnFields } from './writes.js';

/** A selection of rows: the filtering part shared by `read`, `summarize` and `export_page`. */
export interface Selection {
  type: string;
  filters?: unknown;
  returnOnly?: unknown;
  includeArchivedProjects?: unknown;
  additionalFilterPresets?: unknown;
}

function archivedProjectIds(site: Site): Set<number> {
  const ids = new Set<number>();
  for (const p of site.store.all('Project')) if (p.f['archived'] === true) ids.add(p.id);
  return ids;
}

/** Rows matching a selection, in id order. */
export function selectRows(site: Site, sel: Selection): Row[] {
  const type = site.schema.requireType(sel.type);
  const filter = compileFilters({ schema: site.schema, store: site.store, now: site.now() }, type, sel.filters);
  const returnOnly = sel.returnOnly ?? 'active';
  if (returnOnly !== 'active' && returnOnly !== 'retired') throw badInput(`'return_only' must be 'active' or 'retired', got ${JSON.stringify(returnOnly)}`);
  const wantRetired = returnOnly === 'retired';
  if (sel.includeArchivedProjects !== undefined && typeof sel.includeArchivedProjects !== 'boolean') {
    throw badInput(`'include_archived_projects' must be true or false, got ${JSON.stringify(sel.includeArchivedProjects)}`);
  }
  const archived = sel.includeArchivedProjects === false ? archivedProjectIds(site) : undefined;
  const hasProject = site.schema.field(type, 'project') !== undefined;
  const candidates = filter.candidates();
  let source: readonly Row[] = site.store.all(type);
  if (candidates) source = candidates.length > 1 ? candidates.sort((a, b) => a.id - b.id) : candidates;
  const out: Row[] = [];
  for (const row of source) {
    if (row.retired !== wantRetired) continue;
    if (archived && archived.size > 0) {
      if (type === 'Project' && archived.has(row.id)) continue;
      const p = hasProject ? row.f['project'] : undefined;
      if (isLink(p) && archived.has(p.id)) continue;
    }
    if (filter.test(row)) out.push(row);
  }
  return applyPresets(site, type, out, sel.additionalFilterPresets);
}

/** `additional_filter_presets`: the LATEST presets of Version and PublishedFile. */
function applyPresets(site: Site, type: string, rows: Row[], presets: unknown): Row[] {
  if (presets === undefined || presets === null) return rows;
  if (!Array.isArray(presets)) throw badInput(`'additional_filter_presets' must be a list of {preset_name, …} hashes, got ${JSON.stringify(presets)}`);
  let latestSeen = false;
  let result = rows;
  for (const preset of presets) {
    if (!preset || typeof preset !== 'object' || Array.isArray(preset)) throw badInput(`Each additional filter preset must be a hash with 'preset_name', got ${JSON.stringify(preset)}`);
    const p = preset as Record<string, unknown>;
    const name = p['preset_name'];
    if (typeof name !== 'string') throw badInput(`Additional filter preset without 'preset_name': ${JSON.stringify(preset)}`);
    if (name === 'LATEST') {
      if (latestSeen) throw badInput('Conflicting additional filter presets: only one LATEST preset may be given');
      latestSeen = true;
      result = latest(site, type, result, p['latest_by']);
    } else if (name === 'CUT_SHOT_VERSIONS') {
      if (type !== 'Version') throw badInput(`Preset CUT_SHOT_VERSIONS only applies to Version, not ${type}`);
      throw badInput('Preset CUT_SHOT_VERSIONS needs the Cut entity, which this site does not have');
    } else {
      throw badInput(`Unknown additional filter preset '${name}'`);
    }
  }
  return result;
}

function latest(site: Site, type: string, rows: Row[], by: unknown): Row[] {
  const key = (r: Row, fields: string[]): string => fields.map((f) => JSON.stringify(r.f[f] ?? null)).join('|');
  let groupFields: string[];
  let better: (a: Row, b: Row) => boolean;
  const newer = (a: Row, b: Row): boolean => String(a.f['created_at'] ?? '') > String(b.f['created_at'] ?? '') || (a.f['created_at'] === b.f['created_at'] && a.id > b.id);
  if (type === 'Version' && by === 'ENTITIES_CREATED_AT') {
    groupFields = ['entity'];
    better = newer;
  } else if (type === 'Version' && by === 'BY_PIPELINE_STEP_NUMBER_AND_ENTITIES_CREATED_AT') {
    const stepOf = (r: Row): string => {
      const t = r.f['sg_task'];
      const task = isLink(t) ? site.store.get(t.type, t.id) : undefined;
      return JSON.stringify(task?.f['step'] ?? null);
    };
    const groups = new Map<string, Row>();
    for (const r of rows) {
      const k = key(r, ['entity']) + '|' + stepOf(r);
      const cur = groups.get(k);
      if (!cur || newer(r, cur)) groups.set(k, r);
    }
    const keep = new Set(groups.values());
    return rows.filter((r) => keep.has(r));
  } else if (type === 'PublishedFile' && (by === 'ENTITIES_CREATED_AT' || by === 'VERSION_NUMBER')) {
    groupFields = ['entity', 'task', 'name', 'published_file_type'];
    better = by === 'VERSION_NUMBER'
      ? (a, b) => Number(a.f['version_number'] ?? -1) > Number(b.f['version_number'] ?? -1) || (a.f['version_number'] === b.f['version_number'] && a.id > b.id)
      : newer;
  } else {
    throw badInput(`LATEST preset: latest_by ${JSON.stringify(by)} is not supported on ${type}`);
  }
  const groups = new Map<string, Row>();
  for (const r of rows) {
    const k = key(r, groupFields);
    const cur = groups.get(k);
    if (!cur || better(r, cur)) groups.set(k, r);
  }
  const keep = new Set(groups.values());
  return rows.filter((r) => keep.has(r));
}

type SortKey = string | number | boolean | null;

function sortKey(site: Site, path: CompiledPath, row: Row): SortKey {
  const v = path.direct && path.lastField !== 'id' && path.lastField !== 'type' ? row.f[path.lastField] : path.values(row)[0];
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

/** Sorts rows by `sorts` (`[{field_name, direction}]`; `column` is accepted for `field_name`); default id asc. */
export function sortRows(site: Site, type: string, rows: Row[], sorts: unknown): Row[] {
  if (sorts === undefined || sorts === null || (Array.isArray(sorts) && sorts.length === 0)) return rows;
  if (!Array.isArray(sorts)) throw badInput(`'sorts' must be a list of {field_name, direction}, got ${JSON.stringify(sorts)}`);
  const specs = sorts.map((s) => {
    const spec = (s ?? {}) as Record<string, unknown>;
    const field = spec['field_name'] ?? spec['column'];
    if (typeof field !== 'string') throw badInput(`Each sort needs a 'field_name', got ${JSON.stringify(s)}`);
    const dir = spec['direction'] ?? 'asc';
    if (dir !== 'asc' && dir !== 'desc') throw badInput(`Sort direction must be 'asc' or 'desc', got ${JSON.stringify(dir)}`);
    return { path: compilePath(site.schema, site.store, type, field), sign: dir === 'asc' ? 1 : -1 };
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
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw badInput(`'${name}' must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

/** `read` reply: `{entities, paging_info}`. */
export function readEntities(site: Site, payload: Record<string, unknown>): { entities: Record<string, unknown>[]; paging_info: Record<string, unknown> } {
  const type = site.schema.requireType(payload['type']);
  const fields = parseReturnFields(payload['return_fields']);
  const paths = [...new Set(fields)].map((f) => compilePath(site.schema, site.store, type, f));
  const paging = (payload['paging'] ?? {}) as Record<string, unknown>;
  if (typeof paging !== 'object' || Array.isArray(paging)) throw badInput(`'paging' must be {entities_per_page, current_page}, got ${JSON.stringify(payload['paging'])}`);
  const perPage = positiveInt(paging['entities_per_page'], 'entities_per_page', site.settings.pageSize);
  const page = positiveInt(paging['current_page'], 'current_page', 1);
  let rows = selectRows(site, {
    type,
    filters: payload['filters'],
    returnOnly: payload['return_only'],
    includeArchivedProjects: payload['include_archived_projects'],
    additionalFilterPresets: payload['additional_filter_presets'],
  });
  rows = sortRows(site, type, rows, payload['sorts']);
  const start = (page - 1) * perPage;
  const slice = rows.slice(start, start + perPage);
  return {
    entities: slice.map((row) => formatRow(site, row, paths)),
    paging_info: {
      entity_count: rows.length,
      current_page: page,
      entities_per_page: perPage,
      page_count: Math.ceil(rows.length / perPage),
      has_next_page: start + perPage < rows.length,
    },
  };
}
