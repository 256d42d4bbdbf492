import { formatDateTime } from '../clock.js';
import { displayName, formatValue } from '../entity-format.js';
import { badInput, excerpt } from '../errors.js';
import { compileFilters } from '../filter-engine.js';
import type { Site } from '../site.js';
import { isLink } from '../store.js';
import { parseDate } from '../values.js';
import { optionalLink, payloadObject } from './payload.js';
import { RawReply, type MethodCall, type MethodHandler } from './types.js';

/** Site preferences `preferences_read` knows. */
const PREFERENCES: Record<string, unknown> = {
  date_component_order: 'month_day',
  duration_units: 'days',
  format_currency_fields_decimal_options: '$1,000.99',
  format_currency_fields_display_dollar_sign: false,
  format_currency_fields_negative_options: '- $1,000',
  format_date_fields: '08/04/22 OR 04/08/22 (depending on the Month order preference)',
  format_float_fields: '9,999.99',
  format_float_fields_rounding: '9.999999',
  format_footage_fields: '10-05',
  format_number_fields: '1,000',
  format_time_hour_fields: '12 hour',
  hours_per_day: 8.0,
  last_day_work_week: null,
  support_local_storage: true,
  enable_rv_integration: true,
  enable_shotgun_review_for_rv: false,
  view_master_settings: '{"status_groups":[{"name":"Upcoming","code":"upc_stgr","status_list":["wtg","rdy"]}]}',
  creative_review_settings: null,
};

function dateArg(method: string, v: unknown, message: string): string {
  if (typeof v !== 'string' || parseDate(v) === undefined) throw badInput(message);
  void method;
  return v;
}

/** The optional `project` / `user` of a work-schedule call: a live Project / HumanUser, or undefined when absent. */
function scheduleTarget(site: Site, method: string, args: Record<string, unknown>, key: 'project' | 'user'): { type: string; id: number } | undefined {
  const link = optionalLink(method, args, key);
  if (!link) return undefined;
  const type = key === 'project' ? 'Project' : 'HumanUser';
  if (link.type !== type) throw badInput(`${method}: '${key}' must be a ${type}, got ${link.type}`);
  if (!site.store.getLive(type, link.id)) throw badInput(`${method}: unknown ${key} ${link.id}`);
  return link;
}

function scheduleKey(project: number | undefined, user: number | undefined, date: string): string {
  return `${project ?? ''}|${user ?? ''}|${date}`;
}

function workScheduleRead(call: MethodCall): unknown {
  const { site } = call;
  const p = payloadObject('work_schedule_read', call.payload);
  const msg = 'The start_date and end_date arguments must be strings in YYYY-MM-DD format';
  const start = parseDate(dateArg('work_schedule_read', p['start_date'], msg)) as number;
  const end = parseDate(dateArg('work_schedule_read', p['end_date'], msg)) as number;
  if (end < start) throw badInput('work_schedule_read: end_date is before start_date');
  if ((end - start) / 86_400_000 > 3660) throw badInput('work_schedule_read: the range may not exceed ten years');
  const project = scheduleTarget(site, 'work_schedule_read', p, 'project')?.id;
  const user = scheduleTarget(site, 'work_schedule_read', p, 'user')?.id;
  const out: Record<string, unknown> = {};
  for (let ms = start; ms <= end; ms += 86_400_000) {
    const date = new Date(ms).toISOString().slice(0, 10);
    const weekday = new Date(ms).getUTCDay();
    const candidates: [string, string][] = [];
    if (user !== undefined) candidates.push([scheduleKey(undefined, user, date), 'USER_EXCEPTION']);
    if (project !== undefined) candidates.push([scheduleKey(project, undefined, date), 'PROJECT_EXCEPTION']);
    candidates.push([scheduleKey(undefined, undefined, date), 'STUDIO_EXCEPTION']);
    const hit = candidates.map(([k, reason]) => ({ e: site.workSchedule.get(k), reason })).find((c) => c.e);
    out[date] = hit?.e
      ? { working: hit.e.working, description: hit.e.description, reason: hit.reason }
      : { working: weekday !== 0 && weekday !== 6, description: null, reason: 'STUDIO_WORK_WEEK' };
  }
  return out;
}

function workScheduleUpdate(call: MethodCall): unknown {
  const { site } = call;
  const p = payloadObject('work_schedule_update', call.payload);
  const date = dateArg('work_schedule_update', p['date'], 'The date argument must be string in YYYY-MM-DD format');
  if (typeof p['working'] !== 'boolean') throw badInput("work_schedule_update: 'working' must be true or false");
  const description = p['description'] ?? null;
  if (description !== null && typeof description !== 'string') throw badInput("work_schedule_update: 'description' must be a string or null");
  const project = scheduleTarget(site, 'work_schedule_update', p, 'project');
  const user = scheduleTarget(site, 'work_schedule_update', p, 'user');
  // A user's exception is looked up by user alone, so one keyed by both would be stored and never read.
  if (project && user) throw badInput("work_schedule_update: 'project' and 'user' can only be used exclusively of each other; give one or neither");
  const rf = p['recalculate_field'];
  if (rf !== undefined && rf !== null && rf !== 'due_date' && rf !== 'duration') throw badInput("work_schedule_update: 'recalculate_field' must be 'due_date' or 'duration'");
  site.workSchedule.set(scheduleKey(project?.id, user?.id, date), { working: p['working'], description });
  return { date, description, project: project ?? null, user: user ?? null, working: p['working'] };
}

function textSearch(call: MethodCall): unknown {
  const { site } = call;
  const p = payloadObject('query_display_name_cache', call.payload);
  const text = p['text'];
  // characters, as the site counts them: an emoji is one
  if (typeof text !== 'string' || [...text.trim()].length < 3) throw badInput('text_search: the search text must be at least 3 characters long');
  const types = p['entity_types'];
  if (!types || typeof types !== 'object' || Array.isArray(types)) throw badInput("text_search: 'entity_types' must be a hash {EntityType: filters}");
  const projectIds = Array.isArray(p['project_ids']) ? (p['project_ids'] as unknown[]).filter((x): x is number => typeof x === 'number') : [];
  const max = typeof p['max_results'] === 'number' && p['max_results'] > 0 ? p['max_results'] : 50;
  const needle = text.trim().toLowerCase();
  const matches: Record<string, unknown>[] = [];
  for (const [type, filters] of Object.entries(types as Record<string, unknown>)) {
    site.schema.requireType(type);
    const filter = compileFilters({ schema: site.schema, store: site.store, now: site.now() }, type, filters);
    for (const row of site.store.all(type)) {
      if (matches.length >= max) break;
      if (row.retired) continue;
      const name = displayName(row);
      if (!name || !name.toLowerCase().includes(needle)) continue;
      const project = row.f['project'];
      if (projectIds.length && !(isLink(project) && projectIds.includes(project.id))) continue;
      if (!filter.test(row)) continue;
      // `links` names the row's `entity` link, as the documented answers do for a Task and a Version; no source
      // shows what a site gives for other types (a Shot's Sequence?), so they get the blanks an Asset gets (README).
      const entity = row.f['entity'];
      matches.push({
        id: row.id, type: row.type, name, project_id: isLink(project) ? project.id : null, image: formatValue(site, 'image', row.f['image'] ?? null),
        links: isLink(entity) ? [entity.type, displayName(site.store.get(entity.type, entity.id) ?? row) ?? ''] : ['', ''], status: row.f['sg_status_list'] ?? null,
      });
    }
  }
  return { matches, terms: needle.split(/\s+/) };
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? (isLink(v) ? String((v as { name?: unknown }).name ?? '') : JSON.stringify(v)) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function exportPage(call: MethodCall): unknown {
  const { site } = call;
  const p = (call.payload ?? {}) as Record<string, unknown>;
  if (p['format'] === undefined || p['format'] === null) throw badInput("'format' missing");
  if (p['page_id'] === undefined || p['page_id'] === null) throw badInput("'page_id' missing");
  if (p['format'] !== 'csv') throw badInput('This functionality is currently not available');
  const page = typeof p['page_id'] === 'number' ? site.store.getLive('Page', p['page_id']) : undefined;
  if (!page || page.f['ui_category'] !== 'api_exportable' || typeof page.f['entity_type'] !== 'string') throw badInput(`Export for Page id=${excerpt(p['page_id'])} not available`);
  // No page here has layouts, so every layout is unknown: refused as an unknown page is, rather than ignored.
  const layout = p['layout_name'];
  if (layout !== undefined && layout !== null) {
    throw badInput(`Export for Page id=${page.id} layout_name=${excerpt(layout)} not available: the emulator models no page layouts (send layout_name null or leave it out)`);
  }
  const type = page.f['entity_type'];
  const columns = ['id', 'code', 'sg_status_list', 'description'].filter((f) => f === 'id' || site.schema.field(type, f));
  const project = page.f['project'];
  const lines = [columns.map((c) => csvCell(site.schema.field(type, c)?.name.value ?? 'Id')).join(',')];
  for (const row of site.store.all(type)) {
    if (row.retired) continue;
    if (isLink(project) && !(isLink(row.f['project']) && row.f['project'].id === project.id)) continue;
    lines.push(columns.map((c) => csvCell(c === 'id' ? row.id : formatValue(site, site.schema.dataType(type, c), row.f[c]))).join(','));
  }
  return new RawReply('text/csv; charset=utf-8', lines.join('\r\n') + '\r\n');
}

/**
 * Records when a user opened a project: the `user_id` sent (a HumanUser), else the user the request acts as (the sudo
 * user under `sudo_as_login`). Kept per user (see `LastAccessed`), not written to the Project row: no
 * `updated_at`/`updated_by` change, no event, no activity.
 */
function lastAccessed(call: MethodCall): unknown {
  const { site, principal } = call;
  const method = 'update_project_last_accessed';
  const p = payloadObject('update_project_last_accessed_by_current_user', call.payload);
  const projectId = p['project_id'];
  if (typeof projectId !== 'number' || !site.store.getLive('Project', projectId)) throw badInput(`${method}: unknown project_id ${excerpt(projectId)}`);
  const userId = p['user_id'] ?? null;
  if (userId !== null && (typeof userId !== 'number' || !site.store.getLive('HumanUser', userId))) throw badInput(`${method}: 'user_id' must be the id of a HumanUser that is not retired, got ${excerpt(userId)}`);
  const now = formatDateTime(site.now());
  site.lastAccessed.set(userId === null ? principal.effective : { type: 'HumanUser', id: userId }, projectId, now);
  return [{ type: 'Project', id: projectId, last_accessed_by_current_user: now }];
}

function subscriptionsCreate(call: MethodCall): unknown {
  const { site } = call;
  const p = payloadObject('user_subscriptions_create', call.payload);
  const users = p['users'];
  if (!Array.isArray(users)) throw badInput("user_subscriptions_create: 'users' must be a list of {humanUserId, subscription}");
  for (const u of users) {
    const item = (u ?? {}) as Record<string, unknown>;
    const id = item['humanUserId'];
    if (typeof id !== 'number' || !site.store.getLive('HumanUser', id)) throw badInput(`user_subscriptions_create: unknown humanUserId ${excerpt(id)}`);
    const sub = item['subscription'];
    if (sub !== null && typeof sub !== 'string' && !(Array.isArray(sub) && sub.every((s) => typeof s === 'string'))) throw badInput("user_subscriptions_create: 'subscription' must be null, a string or a list of strings");
  }
  for (const u of users as Record<string, unknown>[]) site.subscriptions.set(u['humanUserId'] as number, u['subscription'] ?? null);
  return { status: 'success' };
}

function preferencesRead(call: MethodCall): unknown {
  const p = call.payload === undefined ? {} : payloadObject('preferences_read', call.payload);
  const names = p['prefs'];
  if (names !== undefined && !Array.isArray(names)) throw badInput("preferences_read: 'prefs' must be a list of names");
  const wanted = Array.isArray(names) && names.length > 0 ? names.filter((n): n is string => typeof n === 'string') : Object.keys(PREFERENCES);
  const out: Record<string, unknown> = {};
  for (const n of wanted) if (n in PREFERENCES) out[n] = PREFERENCES[n];
  return out;
}

/** Preferences, work schedule, subscriptions, search, export and last-accessed methods. */
export const otherMethods: Record<string, MethodHandler> = {
  preferences_read: preferencesRead,
  work_schedule_read: workScheduleRead,
  work_schedule_update: workScheduleUpdate,
  user_subscriptions_read: ({ site }: { site: Site }) => [...site.subscriptions].map(([humanUserId, subscription]) => ({ humanUserId, subscription })),
  user_subscriptions_create: subscriptionsCreate,
  query_display_name_cache: textSearch,
  export_page: exportPage,
  update_project_last_accessed_by_current_user: lastAccessed,
};
