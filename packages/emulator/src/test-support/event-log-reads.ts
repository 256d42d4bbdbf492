import type { Harness } from './harness.js';

/** A link as reads give it. */
export type Link = { type: string; id: number; name?: string | null };

/** An EventLogEntry as the event-log tests read it. */
export interface LoggedEntry {
  id: number;
  event_type: string;
  attribute_name: string | null;
  entity: Link | null;
  created_at: string;
  meta: Record<string, unknown>;
}

/** The EventLogEntries logged after the entry `after` (an id; 0 for all), oldest first, read over the RPC. */
export async function loggedAfter(t: Harness, after: number): Promise<LoggedEntry[]> {
  const r = await t.call('read', t.script, {
    type: 'EventLogEntry',
    return_fields: ['event_type', 'attribute_name', 'entity', 'created_at', 'meta'],
    filters: { logical_operator: 'and', conditions: [{ path: 'id', relation: 'greater_than', values: [after] }] },
    sorts: [{ field_name: 'id', direction: 'asc' }],
    paging: { entities_per_page: 500 },
  });
  return r.entities;
}

/** The id of the latest EventLogEntry (0 when none). */
export async function lastEntryId(t: Harness): Promise<number> {
  const r = await t.call('read', t.script, { type: 'EventLogEntry', return_fields: ['id'], sorts: [{ field_name: 'id', direction: 'desc' }], paging: { entities_per_page: 1 } });
  return r.entities[0]?.id ?? 0;
}
