import { compilePath, formatValue, linkOut } from '../entity-format.js';
import { badInput } from '../errors.js';
import type { Viewer } from '../last-accessed.js';
import type { Site } from '../site.js';
import type { LinkRef, Row } from '../store.js';

/** A user as `followers` and `note_thread_read` show one: the link plus `status` and `valid`. */
export function userOut(site: Site, row: Row): Record<string, unknown> {
  return { ...linkOut(site, row), status: row.f['sg_status_list'] ?? null, valid: 'valid' };
}

/** A user link of a thread item or stream update, `null` when the value is not a link; `extra` adds the user's `image` and/or `valid`. */
export function userRef(site: Site, ref: LinkRef, extra: { image?: boolean; valid?: boolean }): Record<string, unknown> {
  const row = site.store.get(ref.type, ref.id);
  const out: Record<string, unknown> = { ...linkOut(site, ref), status: row?.f['sg_status_list'] ?? null };
  if (extra.image) out['image'] = formatValue(site, 'image', row?.f['image'] ?? null);
  if (extra.valid) out['valid'] = 'valid';
  return out;
}

/** `note_thread_read` / `activity_stream_read` timestamps: `YYYY-MM-DD HH:MM:SS UTC`. */
export function threadTime(value: unknown): string | null {
  return typeof value === 'string' ? `${value.slice(0, 10)} ${value.slice(11, 19)} UTC` : null;
}

/**
 * The compiled `entity_fields[type]` paths of a thread or stream request (none when the hash or its entry is absent),
 * reading `viewer`'s own `Project.last_accessed_by_current_user` as `read` does.
 */
export function extraFields(site: Site, type: string, entityFields: unknown, viewer: Viewer): ReturnType<typeof compilePath>[] {
  if (entityFields === undefined || entityFields === null) return [];
  if (typeof entityFields !== 'object' || Array.isArray(entityFields)) throw badInput("'entity_fields' must be a hash {EntityType: [fields]}");
  const list = (entityFields as Record<string, unknown>)[type];
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'string')) throw badInput(`'entity_fields.${type}' must be a list of field names`);
  return (list as string[]).map((f) => compilePath(site.schema, site.store, type, f, viewer));
}
