import { didYouMean, meantName } from '../did-you-mean.js';
import { compilePath, formatValue, linkOut, type CompiledPath } from '../entity-format.js';
import { badInput, excerpt } from '../errors.js';
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
 * The compiled paths of a thread or stream request's `entity_fields` (`{EntityType: [fields]}`), looked up by type
 * (none for a type it leaves out), reading `viewer`'s own `Project.last_accessed_by_current_user` as `read` does.
 * Every entry is checked up front, whether or not an item of its type comes back: a type the site does not have is
 * refused as `read` refuses one (fault 103, with the type it likely meant), and so is an unknown field of any type.
 */
export function entityFieldPaths(site: Site, method: string, entityFields: unknown, viewer: Viewer): (type: string) => CompiledPath[] {
  const paths = new Map<string, CompiledPath[]>();
  if (entityFields !== undefined && entityFields !== null) {
    if (typeof entityFields !== 'object' || Array.isArray(entityFields)) throw badInput(`${method}: 'entity_fields' must be a hash {EntityType: [fields]}, got ${excerpt(entityFields)}`);
    for (const [type, list] of Object.entries(entityFields)) {
      if (!site.schema.hasType(type)) {
        const meant = meantName(type, site.schema.entityTypes(), (t) => [t]);
        throw badInput(`${method}: 'entity_fields' has ${excerpt(type)}, which is not a valid entity type${didYouMean(meant)}`);
      }
      if (!Array.isArray(list) || !list.every((f) => typeof f === 'string')) throw badInput(`${method}: 'entity_fields.${type}' must be a list of field names, got ${excerpt(list)}`);
      paths.set(type, (list as string[]).map((f) => compilePath(site.schema, site.store, type, f, viewer)));
    }
  }
  return (type) => paths.get(type) ?? [];
}
