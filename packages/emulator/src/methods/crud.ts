import { asText, badInput, excerpt } from '../errors.js';
import { viewerOf } from '../last-accessed.js';
import { readEntities } from '../read-query.js';
import { createEntity, deleteEntity, reviveEntity, updateEntity } from '../writes.js';
import { payloadObject } from './payload.js';
import type { MethodCall, MethodHandler } from './types.js';

function read(call: MethodCall): unknown {
  return readEntities(call.site, payloadObject('read', call.payload), viewerOf(call.site, call.principal));
}

function create(call: MethodCall): unknown {
  const p = payloadObject('create', call.payload);
  return call.site.store.transaction(() => createEntity(call.site, call.principal, call.site.schema.requireType(p['type']), p['fields'], p['return_fields']));
}

function update(call: MethodCall): unknown {
  const p = payloadObject('update', call.payload);
  return call.site.store.transaction(() => updateEntity(call.site, call.principal, p['type'], p['id'], p['fields'], p['multi_entity_update_mode']));
}

function del(call: MethodCall): unknown {
  const p = payloadObject('delete', call.payload);
  return call.site.store.transaction(() => deleteEntity(call.site, call.principal, p['type'], p['id']));
}

function revive(call: MethodCall): unknown {
  const p = payloadObject('revive', call.payload);
  return call.site.store.transaction(() => reviveEntity(call.site, call.principal, p['type'], p['id']));
}

/** The keys of a batch request on the wire, each with the name the Python client's `batch()` takes for it. */
const WIRE_KEYS: readonly { key: string; clientKey: string; needed: readonly string[] }[] = [
  { key: 'type', clientKey: 'entity_type', needed: ['create', 'update', 'delete'] },
  { key: 'id', clientKey: 'entity_id', needed: ['update', 'delete'] },
  { key: 'fields', clientKey: 'data', needed: [] },
];

/**
 * Refuses a batch request that lacks a wire key (`type`, and `id` to update or delete) or holds the client's name for
 * one in its place (`entity_type`, `entity_id`, `data`), naming both, rather than failing later on an undefined value.
 */
function checkBatchKeys(r: Record<string, unknown>): void {
  for (const { key, clientKey, needed } of WIRE_KEYS) {
    if (r[key] !== undefined) continue;
    const found = clientKey in r;
    if (!found && !needed.includes(r['request_type'] as string)) continue;
    const hint = found ? ` (found '${clientKey}', the Python client's argument name, which it sends as '${key}')` : '';
    throw badInput(`'${key}' is missing${hint}; a request on the wire is {request_type, type, id?, fields?}`);
  }
}

/**
 * `batch`: create/update/delete requests applied in one transaction; one failure applies nothing. Requests are keyed
 * `type`/`id` as on the wire (`entity_type`/`entity_id` are the Python client's arguments, which it translates).
 */
function batch(call: MethodCall): unknown {
  const list = call.payload;
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw badInput(`batch: params[1] must be a list of requests, got ${excerpt(list)}`);
  const { site, principal } = call;
  return site.store.transaction(() =>
    list.map((req, i) => {
      if (!req || typeof req !== 'object') throw badInput(`batch request ${i}: expected a hash, got ${excerpt(req)}`);
      const r = req as Record<string, unknown>;
      try {
        checkBatchKeys(r);
        switch (r['request_type']) {
          case 'create':
            return createEntity(site, principal, site.schema.requireType(r['type']), r['fields'], r['return_fields']);
          case 'update':
            return updateEntity(site, principal, r['type'], r['id'], r['fields'], r['multi_entity_update_mode']);
          case 'delete':
            return deleteEntity(site, principal, r['type'], r['id']);
          default:
            throw badInput(`Invalid request_type ${excerpt(r['request_type'])} for batch`);
        }
      } catch (err) {
        if (err instanceof Error) err.message = `batch request ${i} (${excerpt(r['request_type'], asText(r['request_type']))}) failed, nothing was applied: ${err.message}`;
        throw err;
      }
    }),
  );
}

/** Entity CRUD methods. */
export const crudMethods: Record<string, MethodHandler> = { read, create, update, delete: del, revive, batch };
