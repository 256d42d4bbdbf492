import { checkPasswordWrite, checkUserActivation, checkUserActivationData, type Principal } from './auth-rules.js';
import { formatDateTime } from './clock.js';
import { compilePath, formatRow } from './entity-format.js';
import { FaultCode, RpcFault, badInput, excerpt } from './errors.js';
import { logEvent, logFieldChange, logRetirement, logReverseChanges, logRevival } from './event-log.js';
import type { ConnectionEffect } from './connection-rows.js';
import type { UserCredential } from './fixtures.js';
import { viewerOf } from './last-accessed.js';
import { linkKey } from './link-refs.js';
import type { Site } from './site.js';
import type { ReverseChange } from './reverse-link-changes.js';
import type { LinkRef, Row } from './store.js';
import { PASSWORD_FIELD, passwordFieldValue, setUserPassword, writtenPassword } from './user-passwords.js';
import { coerceValue } from './values.js';

/** One `{field_name, value, multi_entity_update_mode?}` item. */
export interface FieldWrite {
  field: string;
  value: unknown;
  mode: 'set' | 'add' | 'remove';
}

const READ_ONLY = new Set(['id', 'type', 'cached_display_name']);
const CREATE_ONLY = new Set(['created_at', 'created_by']);
const NOT_WRITABLE_TYPES = new Set(['pivot_column', 'summary']);

/** Parses the `fields` list of create/update: `[{field_name, value, multi_entity_update_mode?}]`. */
export function parseFieldWrites(fields: unknown, defaultMode: unknown): FieldWrite[] {
  const mode = (m: unknown): FieldWrite['mode'] => {
    if (m === undefined || m === null) return 'set';
    if (m === 'set' || m === 'add' || m === 'remove') return m;
    throw badInput(`Invalid multi_entity_update_mode ${excerpt(m)}: expected 'set', 'add' or 'remove'`);
  };
  const fallback = mode(defaultMode);
  if (fields === undefined || fields === null) return [];
  if (Array.isArray(fields)) {
    return fields.map((item) => {
      if (!item || typeof item !== 'object' || typeof (item as Record<string, unknown>)['field_name'] !== 'string') {
        throw badInput(`Each field must be {field_name, value}, got ${excerpt(item)}`);
      }
      const it = item as Record<string, unknown>;
      if (!('value' in it)) throw badInput(`Field '${String(it['field_name'])}' has no 'value'`);
      return { field: it['field_name'] as string, value: it['value'], mode: it['multi_entity_update_mode'] === undefined ? fallback : mode(it['multi_entity_update_mode']) };
    });
  }
  throw badInput(`'fields' must be a list of {field_name, value}, got ${excerpt(fields)}`);
}

function checkWritable(site: Site, type: string, field: string, creating: boolean): void {
  if (READ_ONLY.has(field)) throw badInput(`${type}.${field} cannot be set`);
  const def = site.schema.requireField(type, field);
  const dt = def.data_type.value as string;
  if (NOT_WRITABLE_TYPES.has(dt)) throw badInput(`${type}.${field} (${dt}) is computed and cannot be set`);
  if (!creating && CREATE_ONLY.has(field)) throw badInput(`${type}.${field} can only be set when the entity is created`);
  if (type === 'HumanUser' && field === 'can_impersonate_this_user') {
    throw new RpcFault(FaultCode.PERMISSION, "HumanUser.can_impersonate_this_user is not writable through the API; change it in the web UI");
  }
}

function returnPaths(site: Site, principal: Principal, type: string, names: readonly string[]): ReturnType<typeof compilePath>[] {
  const viewer = viewerOf(site, principal);
  return [...new Set(names)].filter((n) => n !== 'type' && n !== 'id').map((n) => compilePath(site.schema, site.store, type, n, viewer));
}

/** Parses `return_fields`: a list of strings (default `["id"]`). */
export function parseReturnFields(value: unknown): string[] {
  if (value === undefined || value === null) return ['id'];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw badInput(`'return_fields' must be a list of field names, got ${excerpt(value)}`);
  return value as string[];
}

/** `create`: inserts a row and returns it with the written fields plus `return_fields`. */
export function createEntity(site: Site, principal: Principal, type: string, fields: unknown, returnFields: unknown): Record<string, unknown> {
  site.schema.requireType(type);
  site.connections.checkWritable(type);
  const writes = parseFieldWrites(fields, undefined);
  const ret = parseReturnFields(returnFields);
  const paths = returnPaths(site, principal, type, ret);
  const now = formatDateTime(site.now());
  const data: Record<string, unknown> = {};
  // Every data type's default, as a write of it would store it; a checkbox reads false unset, so only a true one is
  // stored (the shipped Attachment.queue_for_s3_upload has a default of 0).
  for (const name of site.schema.fieldNames(type)) {
    const def = site.schema.defaultValue(type, name);
    if (def !== null && (def === true || site.schema.dataType(type, name) !== 'checkbox')) data[name] = coerceValue(site.schema, site.store, type, name, def);
  }
  for (const w of writes) {
    checkWritable(site, type, w.field, true);
    data[w.field] = coerceValue(site.schema, site.store, type, w.field, w.value);
  }
  // A created_at or created_by written null is taken as not given (the clock time, the caller): a row without them is
  // missed by `in_last`, creation sorts and the latest presets. updated_at/updated_by are the create's whatever was sent.
  if (site.schema.field(type, 'created_at') && (data['created_at'] === undefined || data['created_at'] === null)) data['created_at'] = now;
  if (site.schema.field(type, 'updated_at')) data['updated_at'] = now;
  if (site.schema.field(type, 'created_by') && (data['created_by'] === undefined || data['created_by'] === null)) data['created_by'] = principal.effective;
  if (site.schema.field(type, 'updated_by')) data['updated_by'] = principal.effective;
  // A Reply has no created_by: its `user` names who wrote it, and the site fills it with the caller when none is
  // given (the python-api's note thread test reads the script's ApiUser there). Only a type the field takes.
  if (type === 'Reply' && (data['user'] === undefined || data['user'] === null) && site.schema.field(type, 'user') && site.schema.validTypes(type, 'user').includes(principal.effective.type)) {
    data['user'] = principal.effective;
  }
  if (type === 'HumanUser') {
    if (typeof data['login'] !== 'string' || data['login'] === '') throw badInput("HumanUser.login is required");
    if (site.userRow(data['login'])) throw badInput(`A HumanUser with login '${data['login']}' already exists`);
    if (data['name'] === undefined || data['name'] === null) data['name'] = [data['firstname'], data['lastname']].filter((x) => typeof x === 'string' && x).join(' ') || data['login'];
    if (data['sg_status_list'] === 'act') {
      checkUserActivation(site, principal, `creating the active HumanUser '${String(data['login'])}'`);
      checkUserActivationData(site, data, `create the active HumanUser '${String(data['login'])}'`);
    }
  }
  // The passphrase goes to the credential only; the row holds the mask (or null), never the value sent.
  const password = type === 'HumanUser' ? writtenPassword(data[PASSWORD_FIELD]) : null;
  if (password !== null) checkPasswordWrite(site, principal, null, `setting the password_proxy of the new HumanUser '${String(data['login'])}'`);
  if (type === 'HumanUser' && PASSWORD_FIELD in data) data[PASSWORD_FIELD] = passwordFieldValue(password);
  const row = site.store.insert(type, data);
  const reverse = site.reverseLinks.created(row);
  // Lists written by the create are numbered by position; those a connection row created by hand links are not.
  for (const [field, changes] of reverse) listsWritten(site, row, field, changes);
  for (const [field, changes] of site.connections.created(row)) reverse.set(field, [...(reverse.get(field) ?? []), ...changes]);
  if (type === 'HumanUser') {
    const cred: UserCredential = { login: data['login'] as string, password, admin: false, pat: 'missing', patExchangedAt: null, twoFactor: false };
    site.users.push(cred);
    site.store.onUndo(() => {
      const i = site.users.indexOf(cred);
      if (i >= 0) site.users.splice(i, 1);
    });
  }
  const event = logEvent(site, principal, row, 'New', { type: 'new_entity', entity_type: type, entity_id: row.id });
  // The site logs a Change per field set in a create (`in_create`); the emulator logs none, so the back-references point to the New entry.
  for (const [field, changes] of reverse) logReverseChanges(site, principal, { row, field, event, inCreate: true }, changes);
  logConnectionEffects(site, principal, site.connections.settle());
  const written = writes.map((w) => w.field).filter((f, i, all) => all.indexOf(f) === i);
  return formatRow(site, row, [...returnPaths(site, principal, type, written), ...paths.filter((p) => !written.includes(p.path))]);
}

/** Looks up a live or retired row by `{type, id}` params; throws a bad-input fault when missing. */
export function requireRow(site: Site, type: unknown, id: unknown): Row {
  const t = site.schema.requireType(type);
  if (typeof id !== 'number' || !Number.isInteger(id)) throw badInput(`'id' must be an integer, got ${excerpt(id)}`);
  const row = site.store.get(t, id);
  if (!row) throw badInput(`No entity of type ${t} exists with id ${id}`);
  return row;
}

/**
 * `update`: changes fields (multi-entity modes set/add/remove) and returns `{type, id, …changed fields}`.
 * `byUpload` is for the upload endpoints only: they set `image`/`filmstrip_image` to the uploaded thumbnail, which
 * the API itself may only clear (rpc-protocol §1.8).
 */
export function updateEntity(site: Site, principal: Principal, type: unknown, id: unknown, fields: unknown, defaultMode: unknown, byUpload = false): Record<string, unknown> {
  const row = requireRow(site, type, id);
  site.connections.checkWritable(row.type);
  if (row.retired) throw badInput(`${row.type} with id ${row.id} is retired; revive it before updating`);
  const writes = parseFieldWrites(fields, defaultMode);
  const changes: [string, unknown, unknown, ReverseChange[]][] = [];
  const computed = new Map<string, unknown>();
  for (const w of writes) {
    checkWritable(site, row.type, w.field, false);
    const dt = site.schema.dataType(row.type, w.field);
    let value = byUpload && dt === 'image' && typeof w.value === 'string' ? w.value : coerceValue(site.schema, site.store, row.type, w.field, w.value);
    if (dt === 'multi_entity' && w.mode !== 'set') {
      const current = (computed.has(w.field) ? computed.get(w.field) : row.f[w.field]) as LinkRef[] | undefined;
      const existing = Array.isArray(current) ? current : [];
      const given = value as LinkRef[];
      // By `type#id` sets, so adding or removing links on a long list stays linear.
      if (w.mode === 'add') {
        const had = new Set(existing.map(linkKey));
        value = [...existing, ...given.filter((g) => !had.has(linkKey(g)))];
      } else {
        const gone = new Set(given.map(linkKey));
        value = existing.filter((e) => !gone.has(linkKey(e)));
      }
    }
    computed.set(w.field, value);
  }
  // Clearing the thumbnail clears the filmstrip too (rpc-protocol §2.5).
  if (computed.get('image') === null && !computed.has('filmstrip_image') && site.schema.field(row.type, 'filmstrip_image')) computed.set('filmstrip_image', null);
  if (row.type === 'HumanUser' && computed.get('sg_status_list') === 'act' && row.f['sg_status_list'] !== 'act') {
    checkUserActivation(site, principal, `activating HumanUser '${String(row.f['login'])}'`);
    checkUserActivationData(site, { ...row.f, ...Object.fromEntries(computed) }, `activate HumanUser '${String(row.f['login'])}'`);
  }
  // A passphrase written goes to the credential (undone with a failed batch); the row gets the mask or null. A new
  // passphrase is a change even though the row reads the mask before and after.
  let passwordChanged = false;
  if (row.type === 'HumanUser' && computed.has(PASSWORD_FIELD)) {
    checkPasswordWrite(site, principal, row.id, `setting the password_proxy of HumanUser '${String(row.f['login'])}'`);
    const password = writtenPassword(computed.get(PASSWORD_FIELD));
    const cred = site.userCredential(String(row.f['login']));
    if (cred) passwordChanged = setUserPassword(site, cred, password);
    computed.set(PASSWORD_FIELD, passwordFieldValue(cred ? password : null));
  }
  if (row.type === 'HumanUser' && typeof computed.get('login') === 'string' && computed.get('login') !== row.f['login']) {
    const newLogin = computed.get('login') as string;
    if (site.userRow(newLogin)) throw badInput(`A HumanUser with login '${newLogin}' already exists`);
    const cred = site.userCredential(String(row.f['login']));
    if (cred) {
      const oldLogin = cred.login;
      cred.login = newLogin;
      site.store.onUndo(() => {
        cred.login = oldLogin;
      });
    }
  }
  const before = new Map<string, unknown>();
  for (const [field, value] of computed) {
    const old = row.f[field];
    if (JSON.stringify(old ?? null) === JSON.stringify(value ?? null) && !(field === PASSWORD_FIELD && passwordChanged)) continue;
    const reverse = site.reverseLinks.write(row, field, value);
    listsWritten(site, row, field, reverse);
    changes.push([field, old, value, reverse]);
    before.set(field, old);
  }
  // A connection row's link moves once all its ends are written: both ends moved at once unlink the old two and
  // link the new two, never a half-moved pair. Lists it changes are not numbered, as for a row created by hand.
  for (const [field, moved] of site.connections.moved(row, before)) {
    const change = changes.find(([f]) => f === field) ?? changes.find(([f]) => site.connections.isEnd(row.type, f));
    change?.[3].push(...moved);
  }
  if (changes.length > 0) {
    if (site.schema.field(row.type, 'updated_at')) site.store.setField(row, 'updated_at', formatDateTime(site.now()));
    if (site.schema.field(row.type, 'updated_by')) site.store.setField(row, 'updated_by', principal.effective);
    for (const [field, oldValue, newValue, reverse] of changes) {
      const event = logFieldChange(site, principal, row, field, oldValue, newValue);
      logReverseChanges(site, principal, { row, field, event, inCreate: false }, reverse);
    }
  }
  logConnectionEffects(site, principal, site.connections.settle());
  // Echo the fields the caller wrote, not the filmstrip cleared along with the thumbnail (rpc-protocol §2.5).
  const names = [...new Set(writes.map((w) => w.field))];
  return formatRow(site, row, returnPaths(site, principal, row.type, names));
}

/** `delete`: retires a row; false when it was already retired. */
export function deleteEntity(site: Site, principal: Principal, type: unknown, id: unknown): boolean {
  const row = requireRow(site, type, id);
  site.connections.checkWritable(row.type);
  if (row.retired) return false;
  site.store.setRetired(row, true);
  site.reverseLinks.retired(row);
  site.connections.retired(row);
  logRetirement(site, principal, row);
  logConnectionEffects(site, principal, site.connections.settle());
  return true;
}

/** `revive`: brings a retired row back; false when it was not retired. */
export function reviveEntity(site: Site, principal: Principal, type: unknown, id: unknown): boolean {
  const row = requireRow(site, type, id);
  site.connections.checkWritable(row.type);
  if (!row.retired) return false;
  if (row.type === 'HumanUser' && row.f['sg_status_list'] === 'act') checkUserActivation(site, principal, `reviving the active HumanUser '${String(row.f['login'])}'`);
  site.store.setRetired(row, false);
  site.reverseLinks.revived(row);
  site.connections.revived(row);
  logRevival(site, principal, row);
  logConnectionEffects(site, principal, site.connections.settle());
  return true;
}

/** Tells the connection rows which lists a write changed, the row's own and those on the other side, to number them. */
function listsWritten(site: Site, row: Row, field: string, changes: readonly ReverseChange[]): void {
  site.connections.listWritten(row, field);
  // A list that only gained links gained them at its end: only their rows need a number.
  for (const change of changes) site.connections.listWritten(change.row, change.field, change.multi && change.removed.length === 0 ? change.added : undefined);
}

/** Logs what a write did to connection rows on its own (see `ConnectionRows.settle`), as their own writes are logged. */
function logConnectionEffects(site: Site, principal: Principal, effects: readonly ConnectionEffect[]): void {
  for (const effect of effects) {
    const row = effect.row;
    if (effect.kind === 'new') logEvent(site, principal, row, 'New', { type: 'new_entity', entity_type: row.type, entity_id: row.id });
    else if (effect.kind === 'retired') logRetirement(site, principal, row);
    else if (effect.kind === 'revived') logRevival(site, principal, row);
    else if (effect.kind === 'renumbered') logFieldChange(site, principal, row, effect.field, effect.before, effect.after);
  }
}
