import { checkDefaultValue } from '../default-value.js';
import { badInput, excerpt } from '../errors.js';
import { optionalLink, payloadObject, requireString } from './payload.js';
import type { MethodCall, MethodHandler } from './types.js';

function projectId(call: MethodCall, method: string): number | undefined {
  if (call.payload === undefined) return undefined;
  const link = optionalLink(method, payloadObject(method, call.payload), 'project');
  if (link && (link.type !== 'Project' || !call.site.store.get('Project', link.id))) throw badInput(`${method}: unknown project ${excerpt(link)}`);
  return link?.id;
}

function properties(method: string, value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (Array.isArray(value)) {
    // Without a prototype, so that a property named `__proto__` is a key (refused by name) rather than the prototype
    // every unset property would be read from.
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const item of value) {
      if (!item || typeof item !== 'object' || typeof (item as Record<string, unknown>)['property_name'] !== 'string') {
        throw badInput(`${method}: each property must be {property_name, value}, got ${excerpt(item)}`);
      }
      const it = item as Record<string, unknown>;
      // Without a value the property would be stored as nothing (a field's display name blanked).
      if (!('value' in it)) throw badInput(`${method}: property '${String(it['property_name'])}' has no 'value'`);
      out[it['property_name'] as string] = it['value'];
    }
    return out;
  }
  // A hash ({description: …}) is how the Python client takes them, not how it sends them (rpc-protocol §2.6): a client
  // sending it has a bug the site would refuse, so it is refused here too.
  const got = typeof value === 'object' ? `a hash (${excerpt(value)}); send [{"property_name": "name", "value": …}, …]` : excerpt(value);
  throw badInput(`${method}: 'properties' must be a list of {property_name, value}, got ${got}`);
}

/** Schema methods. */
export const schemaMethods: Record<string, MethodHandler> = {
  schema_read: (call) => call.site.schema.read(projectId(call, 'schema_read')),
  schema_entity_read: (call) => {
    projectId(call, 'schema_entity_read');
    return call.site.schema.entityRead();
  },
  schema_field_read: (call) => {
    const p = payloadObject('schema_field_read', call.payload);
    const type = requireString('schema_field_read', p, 'type');
    const field = p['field_name'];
    if (field !== undefined && field !== null && typeof field !== 'string') throw badInput("schema_field_read: 'field_name' must be a string");
    return call.site.schema.fieldRead(type, field ?? undefined, projectId(call, 'schema_field_read'));
  },
  schema_field_create: (call) => {
    const p = payloadObject('schema_field_create', call.payload);
    const type = requireString('schema_field_create', p, 'type');
    const dataType = requireString('schema_field_create', p, 'data_type');
    const code = call.site.schema.createField(type, dataType, properties('schema_field_create', p['properties']), (made) => checkDefaultValue(call.site.schema, call.site.store, type, made));
    call.site.reverseLinks.refresh();
    return code;
  },
  schema_field_update: (call) => {
    const p = payloadObject('schema_field_update', call.payload);
    const type = requireString('schema_field_update', p, 'type');
    const field = requireString('schema_field_update', p, 'field_name');
    const props = properties('schema_field_update', p['properties']);
    call.site.schema.updateField(type, field, props, projectId(call, 'schema_field_update'), () => checkDefaultValue(call.site.schema, call.site.store, type, field, props));
    call.site.reverseLinks.refresh();
    return true;
  },
  schema_field_delete: (call) => {
    const p = payloadObject('schema_field_delete', call.payload);
    call.site.schema.deleteField(requireString('schema_field_delete', p, 'type'), requireString('schema_field_delete', p, 'field_name'));
    call.site.reverseLinks.refresh();
    return true;
  },
};
