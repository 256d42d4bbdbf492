import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonMultipart } from './test-support/python-form.js';
import { startHarness, where, type Harness } from './test-support/harness.js';

// A refusal copied the client's whole bad value into its fault message: 5 MB sent made a 5 MB message. Each place
// now shows a 100-character excerpt and the length, and still names what it expected.

let t: Harness;
beforeAll(async () => {
  t = await startHarness();
});
afterAll(() => t.h.close());

const huge = 'x'.repeat(5e6);
/** How a 5,000,000-character string reads in a message. */
const cut = `"${'x'.repeat(99)}… (a string of 5000000 characters)`;
const read = { type: 'Shot', filters: where(), return_fields: ['id'] };

/** The message of the bad-input fault `method` answers, checked short before anything compares it whole. */
async function refusal(method: string, payload: unknown, auth: Record<string, unknown> = t.script): Promise<string> {
  const f = await t.fault(method, auth, payload);
  expect(f.message.length).toBeLessThan(300);
  expect(f.code).toBe(auth === t.script ? 103 : f.code);
  return f.message;
}

describe('refusals of a huge value show an excerpt', () => {
  it('params that are no hash (every CRUD method) and a link argument that is no entity hash', async () => {
    expect(await refusal('read', huge)).toBe(`read: params[1] must be a hash of arguments, got ${cut}`);
    expect(await refusal('follow', { user: huge, entity: { type: 'Shot', id: 1 } })).toBe(`follow: 'user' must be an entity hash {type, id}, got ${cut}`);
  });

  it('read options: presets, sorts, return_only, paging', async () => {
    expect(await refusal('read', { ...read, additional_filter_presets: huge })).toBe(`'additional_filter_presets' must be a list of {preset_name, …} hashes, got ${cut}`);
    expect(await refusal('read', { ...read, sorts: huge })).toBe(`'sorts' must be a list of {field_name, direction}, got ${cut}`);
    expect(await refusal('read', { ...read, return_only: huge })).toBe(`'return_only' must be 'active' or 'retired', got ${cut}`);
    expect(await refusal('read', { ...read, paging: { entities_per_page: huge, current_page: 1 } })).toBe(`'entities_per_page' must be a positive integer, got ${cut}`);
  });

  it('a wrong field value', async () => {
    const m = await refusal('create', { type: 'Shot', fields: [{ field_name: 'code', value: [huge] }] });
    expect(m).toMatch(/\(text\) expects a string or null, got \["x{98}… \(5000004 characters\)$/);
  });

  it('write arguments: fields, return_fields, id, multi_entity_update_mode', async () => {
    expect(await refusal('create', { type: 'Shot', fields: huge })).toBe(`'fields' must be a list of {field_name, value}, got ${cut}`);
    expect(await refusal('create', { type: 'Shot', fields: [], return_fields: huge })).toBe(`'return_fields' must be a list of field names, got ${cut}`);
    expect(await refusal('update', { type: 'Shot', id: huge, fields: [] })).toBe(`'id' must be an integer, got ${cut}`);
    expect(await refusal('create', { type: huge, fields: [] })).toBe(`Entity type ${cut} is not a valid entity type`);
  });

  it('filter values', async () => {
    expect(await refusal('read', { ...read, filters: where(['code', 'is', [huge]]) })).toMatch(/^'code' expects a string value, got \["x{98}… \(5000004 characters\)$/);
    const cond = { logical_operator: 'and', conditions: [{ path: 1, relation: huge, values: [] }] };
    expect(await refusal('read', { ...read, filters: cond })).toMatch(/^A condition needs a string 'path' and 'relation', got \{"path":1,"relation":"x{78}… \(5000036 characters\)$/);
  });

  it('summaries and groupings', async () => {
    expect(await refusal('summarize', { type: 'Shot', filters: where(), summaries: [huge] })).toBe(`summarize: each summary needs 'field' and 'type', got ${cut}`);
  });

  it('schema field properties and data types', async () => {
    expect(await refusal('schema_field_update', { type: 'Shot', field_name: 'code', properties: [huge] })).toBe(`schema_field_update: each property must be {property_name, value}, got ${cut}`);
    expect(await refusal('schema_field_create', { type: 'Shot', data_type: huge, properties: [] })).toBe(`Unsupported data type for a new field: ${cut}`);
    const types = await refusal('schema_field_create', { type: 'Shot', data_type: 'entity', properties: [{ property_name: 'name', value: 'Big' }, { property_name: 'valid_types', value: huge }] });
    expect(types).toMatch(/'valid_types' must be a list of entity types, got "x{99}… \(a string of 5000000 characters\)$/);
  });

  it('other methods: export_page, last accessed, subscriptions', async () => {
    expect(await refusal('export_page', { format: 'csv', page_id: huge })).toBe(`Export for Page id=${cut} not available`);
    expect(await refusal('update_project_last_accessed_by_current_user', { project_id: huge })).toBe(`update_project_last_accessed: unknown project_id ${cut}`);
    expect(await refusal('user_subscriptions_create', { users: [{ humanUserId: huge }] })).toBe(`user_subscriptions_create: unknown humanUserId ${cut}`);
  });

  it('an unknown script name', async () => {
    const f = await t.fault('read', { script_name: huge, script_key: 'k' }, read);
    expect(f.message.length).toBeLessThan(300);
    expect(f.message).toBe(`Can't authenticate script '${'x'.repeat(100)}… (a string of 5000000 characters)'`);
  });

  it('an unknown user login and an unknown sudo target', async () => {
    const user = await t.fault('read', { user_login: huge, user_password: 'p' }, read);
    expect(user.message.length).toBeLessThan(300);
    expect(user.message).toBe(`Can't authenticate user '${'x'.repeat(100)}… (a string of 5000000 characters)'.`);
    const sudo = await t.fault('read', { ...t.script, sudo_as_login: huge }, read);
    expect(sudo.message.length).toBeLessThan(300);
    expect(sudo.message).toBe(`Cannot 'sudo' - unknown or retired user: '${'x'.repeat(100)}… (a string of 5000000 characters)'`);
  });
});

describe('refusals of a huge name show an excerpt', () => {
  const name = `'${'x'.repeat(100)}… (a string of 5000000 characters)'`;
  it('a field name or field path that does not exist, in return_fields, filters, sorts and fields', async () => {
    const field = `Shot.${name.slice(1, -1)} doesn't exist`;
    expect(await refusal('read', { ...read, return_fields: [huge] })).toBe(field);
    expect(await refusal('read', { ...read, filters: where([huge, 'is', 1]) })).toBe(field);
    expect(await refusal('read', { ...read, sorts: [{ field_name: huge, direction: 'asc' }] })).toBe(field);
    expect(await refusal('create', { type: 'Shot', fields: [{ field_name: huge, value: 1 }] })).toBe(field);
    const hop = `project.Project.${huge}`;
    // The name shows twice: as the field and in the path.
    const inPath = (await t.fault('read', t.script, { ...read, return_fields: [hop] })).message;
    expect(inPath.length).toBeLessThan(400);
    expect(inPath).toBe(`Project.${name.slice(1, -1)} doesn't exist (in path 'project.Project.${'x'.repeat(84)}… (a string of 5000016 characters)')`);
  });

  it('an unknown filter relation, summary type or grouping type', async () => {
    expect(await refusal('read', { ...read, filters: where(['code', huge, 'a']) })).toBe(`Unknown filter relation ${name}`);
    expect(await refusal('summarize', { type: 'Shot', filters: where(), summaries: [{ field: 'id', type: huge }] })).toBe(`summarize: unknown summary type ${name}`);
    expect(await refusal('summarize', { type: 'Shot', filters: where(), summaries: [], grouping: [{ field: 'code', type: huge }] })).toBe(`summarize: unknown grouping type ${name}`);
  });
});

describe('refusals of a huge value outside the RPC methods show an excerpt', () => {
  it('a default_value a write would refuse', async () => {
    // The value shows twice: in the refusal and in the write's refusal it quotes.
    const { message: m } = await t.fault('schema_field_create', t.script, { type: 'Shot', data_type: 'number', properties: [{ property_name: 'name', value: 'Dv Huge' }, { property_name: 'default_value', value: huge }] });
    expect(m.length).toBeLessThan(400);
    expect(m).toMatch(/: default_value "x{99}… \(a string of 5000000 characters\) is refused: .*\(number\) expects .*, got "x{99}… \(a string of 5000000 characters\)$/);
  });

  it("an upload's created_at that is no date-time", async () => {
    const { body, contentType } = pythonMultipart({ entity_type: 'Version', entity_id: '1', ...t.script, field_name: 'sg_uploaded_movie', created_at: huge }, [{ field: 'file', filename: 'take.mov', contentType: 'video/quicktime', data: Buffer.from('MOVIEDATA') }]);
    const res = await fetch(`${t.h.url}/upload/upload_file`, { method: 'POST', headers: { 'content-type': contentType }, body });
    const reply = await res.text();
    expect(reply.length).toBeLessThan(400);
    expect(reply).toBe(`0\n'created_at' must be a date-time such as 2026-01-02T03:04:05 or 2026-01-02 03:04:05 (UTC unless it has a zone), within the years 1970 to 9999; got ${cut} (error_code 103)`);
  });
});

describe('more refusals of a long value show an excerpt (200,000 characters)', () => {
  const long = 'x'.repeat(200_000);
  const quoted = `'${'x'.repeat(100)}… (a string of 200000 characters)'`;
  const short = (m: string): string => {
    expect(m.length).toBeLessThan(400);
    return m;
  };

  it('an unknown method_name', async () => {
    const body = await t.rpc(long, [t.script]);
    expect(short(body['message'] as string)).toBe(`Unknown method ${quoted}`);
    expect((await t.rpc('no_such_method', [t.script]))['message']).toBe("Unknown method 'no_such_method'");
  });

  it('a status list value that is not a valid value, and a link to an unknown entity type', async () => {
    const status = await refusal('create', { type: 'Shot', fields: [{ field_name: 'sg_status_list', value: long }] });
    expect(short(status)).toContain(`: ${quoted} is not a valid value (valid values: `);
    const link = await refusal('create', { type: 'Shot', fields: [{ field_name: 'project', value: { type: long, id: 1 } }] });
    expect(short(link)).toContain(` does not accept entities of type ${quoted.slice(1, -1)} (valid types: `);
  });

  it('an unknown additional filter preset', async () => {
    expect(short(await refusal('read', { ...read, additional_filter_presets: [{ preset_name: long }] }))).toBe(`Unknown additional filter preset ${quoted}`);
  });

  it("share_thumbnail's entity token", async () => {
    const res = await fetch(`${t.h.url}/upload/share_thumbnail`, { method: 'POST', body: new URLSearchParams({ ...t.script, entities: long, source_entity: 'Shot_1' }) });
    expect(short(await res.text())).toBe(`0\nshare_thumbnail: ${quoted} is not of the form Type_id (error_code 103)`);
  });

  it('the login of a browser approval', async () => {
    const made = await fetch(`${t.h.url}/internal_api/app_session_request`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appName: 'app', machineId: 'm1' }) });
    const { url } = (await made.json()) as { url: string };
    const res = await fetch(url, { method: 'POST', body: new URLSearchParams({ decision: 'approve', login: long }) });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain(`${'x'.repeat(100)}… (a string of 200000 characters)`);
    expect(page).not.toContain('x'.repeat(101));
  });
});

describe('an excerpt cut inside a surrogate pair', () => {
  it('drops the lone high surrogate the cut would leave', async () => {
    const sent = `ab${'😀'.repeat(60)}`;
    const m = await refusal('read', { ...read, return_only: sent });
    // `"ab` and 48 emoji are 99 code units; the 100th is the first half of the 49th emoji.
    expect(m).toBe(`'return_only' must be 'active' or 'retired', got "ab${'😀'.repeat(48)}… (a string of 122 characters)`);
    expect(m).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
