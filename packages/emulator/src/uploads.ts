import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { authenticate, describeAuth, type Principal } from './auth-rules.js';
import { withArticle } from './articles.js';
import { RpcFault, badInput, excerpt } from './errors.js';
import { attachmentDisposition, formText, methodNotAllowed, parseCookies, parseUrlEncoded, text, type HttpReply } from './http-util.js';
import { uploadCreatedAt } from './upload-created-at.js';
import { multipartBoundary, parseMultipart, type MultipartFile } from './multipart.js';
import type { Emulator } from './server.js';
import type { Site } from './site.js';
import { isLink, type Row } from './store.js';
import { createEntity, requireRow, updateEntity } from './writes.js';

interface PendingUpload {
  filename: string;
  uploadType: string;
  data: Buffer | undefined;
  contentType: string;
  /** The `created_at` its link-info request gave (a wire datetime), for a link request that gives none. */
  createdAt: string | undefined;
  /** Parts PUT so far, by part number, with the ETag storage answered for each. */
  parts: Map<number, { data: Buffer; etag: string }>;
}

/** Uploads kept waiting for their link; the oldest started is forgotten past this. */
export const PENDING_UPLOAD_LIMIT = 1000;

/**
 * Uploads started with `/upload/api_get_upload_link_info` and not linked yet. One is forgotten when linked, and
 * an upload a client never links (it gave up, or crashed) would stay for as long as the emulator runs, bytes
 * included: only the {@link PENDING_UPLOAD_LIMIT} most recently started are kept.
 */
export class PendingUploads {
  readonly byId: Map<string, PendingUpload> = new Map();

  /** Keeps a new upload, forgetting the oldest started past {@link PENDING_UPLOAD_LIMIT}. */
  add(id: string, upload: PendingUpload): void {
    this.byId.set(id, upload);
    while (this.byId.size > PENDING_UPLOAD_LIMIT) {
      const oldest = this.byId.keys().next();
      if (oldest.done) break;
      this.byId.delete(oldest.value);
    }
  }

  /** Forgets every pending upload. */
  clear(): void {
    this.byId.clear();
  }
}

/** The path part of a site's placeholder for a thumbnail still being processed (rpc-protocol §1.8). */
const TRANSIENT_IMAGE = '/images/status/transient/';
const THUMB_FIELDS = new Set(['thumb_image', 'image']);
const FILMSTRIP_FIELDS = new Set(['filmstrip_thumb_image', 'filmstrip_image']);
/** The form endpoints under `/upload/`; any other path there has no route (404 before credentials are looked at). */
const FORM_ENDPOINTS: ReadonlySet<string> = new Set([
  '/upload/upload_file',
  '/upload/publish_thumbnail',
  '/upload/share_thumbnail',
  '/upload/api_get_upload_link_info',
  '/upload/api_get_upload_link_for_part',
  '/upload/api_complete_multipart_upload',
  '/upload/api_link_file',
]);
const AUTH_KEYS = ['user_login', 'user_password', 'auth_token', 'script_name', 'script_key', 'session_token', 'sudo_as_login', 'session_uuid'];

/** The auth params a form carries, as `params[0]` of an RPC would. */
function formAuthParams(fields: Record<string, string>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const k of AUTH_KEYS) if (fields[k] !== undefined) params[k] = fields[k];
  return params;
}

function targetRow(site: Site, fields: Record<string, string>): Row {
  const id = Number(fields['entity_id']);
  const row = requireRow(site, fields['entity_type'], Number.isInteger(id) ? id : fields['entity_id']);
  if (row.retired) throw badInput(`${row.type} ${row.id} is retired`);
  return row;
}

function isTrue(v: string | undefined): boolean {
  return v !== undefined && /^(true|1|yes)$/i.test(v);
}

/** Stores a file as an Attachment (linked to `row`, created at `createdAt` when given) and returns its id. */
function storeAttachment(site: Site, principal: Principal, row: Row, file: MultipartFile, displayName: string | undefined, tagList: string | undefined, thumbnail: boolean, createdAt: string | undefined): number {
  const ext = file.filename.includes('.') ? file.filename.split('.').pop() ?? '' : '';
  const linkable = site.schema.validTypes('Attachment', 'attachment_links').includes(row.type);
  const fields: { field_name: string; value: unknown }[] = [
    { field_name: 'filename', value: file.filename },
    { field_name: 'display_name', value: displayName || file.filename },
    { field_name: 'file_size', value: file.data.length },
    { field_name: 'file_extension', value: ext },
  ];
  if (!thumbnail && linkable) fields.push({ field_name: 'attachment_links', value: [{ type: row.type, id: row.id }] });
  if (thumbnail) fields.push({ field_name: 'sg_type', value: 'Thumbnail' });
  if (isLink(row.f['project'])) fields.push({ field_name: 'project', value: row.f['project'] });
  if (tagList) fields.push({ field_name: 'tag_list', value: tagList.split(',').map((t) => t.trim()).filter(Boolean) });
  if (createdAt) fields.push({ field_name: 'created_at', value: createdAt });
  const created = createEntity(site, principal, 'Attachment', fields, ['id']);
  const id = created['id'] as number;
  const att = site.store.get('Attachment', id);
  if (att) site.store.setField(att, 'this_file', { type: 'Attachment', id, name: displayName || file.filename, content_type: file.contentType, link_type: 'upload' });
  site.files.set(id, { data: file.data, contentType: file.contentType, name: file.filename });
  return id;
}

/**
 * The field through which an upload without `field_name` lists its Attachment on `type` when
 * `Attachment.attachment_links` does not take that type: a multi-entity field of `type` that takes Attachments
 * only (`Note.attachments` in the shipped schema), `attachments` first, else the first in schema order; undefined
 * when `type` has none (the Attachment is then linked to nothing).
 */
function attachmentListField(site: Site, type: string): string | undefined {
  const lists = site.schema.fieldNames(type).filter((f) => {
    const valid = site.schema.validTypes(type, f);
    return site.schema.dataType(type, f) === 'multi_entity' && valid.length === 1 && valid[0] === 'Attachment';
  });
  return lists.includes('attachments') ? 'attachments' : lists[0];
}

/** Attaches an uploaded file to `row`: thumbnail, filmstrip, a url field, or just an Attachment. */
function attach(site: Site, principal: Principal, row: Row, file: MultipartFile, fieldName: string | undefined, displayName: string | undefined, tagList: string | undefined, filmstrip: boolean, createdAt?: string): number {
  return site.store.transaction(() => {
    const thumb = filmstrip || (fieldName !== undefined && (THUMB_FIELDS.has(fieldName) || FILMSTRIP_FIELDS.has(fieldName)));
    if (fieldName && !thumb) {
      const dt = site.schema.dataType(row.type, fieldName);
      if (dt !== 'url') throw badInput(`${row.type}.${fieldName} is ${withArticle(String(dt))} field; files can only be uploaded to url fields`);
    }
    const id = storeAttachment(site, principal, row, file, displayName, tagList, thumb, createdAt);
    if (thumb) {
      const target = filmstrip || (fieldName !== undefined && FILMSTRIP_FIELDS.has(fieldName)) ? 'filmstrip_image' : 'image';
      if (site.schema.field(row.type, target)) updateEntity(site, principal, row.type, row.id, [{ field_name: target, value: `/thumbnail/${id}` }], undefined, true);
    } else if (fieldName) {
      updateEntity(site, principal, row.type, row.id, [{ field_name: fieldName, value: { type: 'Attachment', id, name: displayName || file.filename, content_type: file.contentType, link_type: 'upload' } }], undefined);
    } else if (!site.schema.validTypes('Attachment', 'attachment_links').includes(row.type)) {
      // storeAttachment linked it through attachment_links where that field takes the type; else the entity lists it.
      const list = attachmentListField(site, row.type);
      if (list) updateEntity(site, principal, row.type, row.id, [{ field_name: list, value: [{ type: 'Attachment', id }], multi_entity_update_mode: 'add' }], undefined);
    }
    return id;
  });
}

function failure(err: unknown): HttpReply {
  const code = err instanceof RpcFault ? ` (error_code ${err.code})` : '';
  return text(200, `0\n${(err as Error).message}${code}`);
}

async function formOf(req: IncomingMessage, body: Buffer): Promise<{ fields: Record<string, string>; files: Record<string, MultipartFile> }> {
  const boundary = multipartBoundary(req.headers['content-type']);
  if (boundary) return parseMultipart(body, boundary);
  return { fields: parseUrlEncoded(formText(body, 'the form body')), files: {} };
}

/** The methods a path of {@link uploadRoute} takes (as an `Allow` header), or undefined when it is none of them. */
function allowedMethods(path: string): string | undefined {
  if (FORM_ENDPOINTS.has(path)) return 'POST';
  if (/^\/upload\/storage\/[^/]+(?:\/part\/\d+)?$/.test(path)) return 'PUT';
  return /^\/(?:file_serve\/attachment|thumbnail)\/\d+$/.test(path) ? 'GET, HEAD' : undefined;
}

/** `/upload/*`, the storage PUT target, `/file_serve/attachment/<id>` and `/thumbnail/<id>`; undefined for other paths. */
export async function uploadRoute(emulator: Emulator, httpMethod: string, path: string, url: URL, body: Buffer, req: IncomingMessage): Promise<HttpReply | undefined> {
  const site = emulator.site;
  const allow = allowedMethods(path);
  if (allow && !allow.split(', ').includes(httpMethod)) return methodNotAllowed(allow);
  const storage = /^\/upload\/storage\/([^/]+)(?:\/part\/(\d+))?$/.exec(path);
  if (storage && httpMethod === 'PUT') {
    const pending = emulator.uploads.byId.get(storage[1] ?? '');
    if (!pending) return text(404, 'Unknown upload');
    const etag = `"${randomUUID()}"`;
    if (storage[2]) pending.parts.set(Number(storage[2]), { data: Buffer.from(body), etag });
    else pending.data = Buffer.from(body);
    pending.contentType = req.headers['content-type'] ?? pending.contentType;
    return { status: 200, headers: { etag, 'content-type': 'text/plain' }, body: '' };
  }
  const download = /^\/file_serve\/attachment\/(\d+)$/.exec(path);
  if (download && httpMethod === 'GET') {
    const token = parseCookies(req.headers.cookie)['_session_id'];
    if (!token) return { ...text(403, 'A valid _session_id cookie is required to download attachments'), auth: { kind: 'none', principal: null } };
    let principal: Principal;
    try {
      principal = authenticate(site, { session_token: token });
    } catch (err) {
      return { ...text(403, `Forbidden: ${(err as Error).message}`), auth: { kind: 'cookie', principal: null } };
    }
    const id = Number(download[1]);
    const att = site.store.getLive('Attachment', id);
    const file = site.files.get(id);
    if (!att || !file) return { ...text(404, `Attachment ${id} not found`), auth: { kind: 'cookie', principal: principal.name } };
    return {
      status: 200,
      headers: { 'content-type': file.contentType, 'content-disposition': attachmentDisposition(file.name) },
      body: file.data,
      auth: { kind: 'cookie', principal: principal.name },
    };
  }
  const thumb = /^\/thumbnail\/(\d+)$/.exec(path);
  if (thumb && httpMethod === 'GET') {
    // Only thumbnails are public here; any other attachment is served by file_serve, behind the session cookie.
    const file = site.store.getLive('Attachment', Number(thumb[1]))?.f['sg_type'] === 'Thumbnail' ? site.files.get(Number(thumb[1])) : undefined;
    return file ? { status: 200, headers: { 'content-type': file.contentType }, body: file.data } : text(404, 'Thumbnail not found');
  }
  if (httpMethod !== 'POST' || !FORM_ENDPOINTS.has(path)) return undefined;
  let form: Awaited<ReturnType<typeof formOf>>;
  try {
    form = await formOf(req, body);
  } catch (err) {
    return text(400, `0\nMalformed form body: ${(err as Error).message}`);
  }
  const f = form.fields;
  const params = formAuthParams(f);
  // For the request log, as for an RPC: the credentials as claimed (sudo_as_login included), until they are checked.
  const claimed = describeAuth(params);
  let principal: Principal;
  try {
    principal = authenticate(site, params);
  } catch (err) {
    return { ...failure(err), auth: { kind: claimed.auth, principal: claimed.principal, sudoAsLogin: claimed.sudoAsLogin } };
  }
  const auth: HttpReply['auth'] = { kind: principal.kind, principal: principal.name, sudoAsLogin: claimed.sudoAsLogin };
  const ok = (s: string): HttpReply => ({ ...text(200, s), auth, wrote: true });
  try {
    switch (path) {
      case '/upload/upload_file': {
        const file = form.files['file'];
        if (!file) throw badInput("upload_file: the file part 'file' is missing");
        const id = attach(site, principal, targetRow(site, f), file, f['field_name'] || undefined, f['display_name'], f['tag_list'], false, uploadCreatedAt(f['created_at']));
        return ok(`1:${id}\n`);
      }
      case '/upload/publish_thumbnail': {
        const file = form.files['thumb_image'];
        if (!file) throw badInput("publish_thumbnail: the file part 'thumb_image' is missing");
        const id = attach(site, principal, targetRow(site, f), file, 'thumb_image', undefined, undefined, isTrue(f['filmstrip']), uploadCreatedAt(f['created_at']));
        return ok(`1:${id}\n`);
      }
      case '/upload/share_thumbnail':
        return ok(shareThumbnail(site, principal, f, form.files['thumb_image']));
      case '/upload/api_get_upload_link_info': {
        const uploadId = randomUUID();
        const filename = f['filename'] ?? 'upload.bin';
        const uploadType = f['upload_type'] ?? 'Attachment';
        const createdAt = uploadCreatedAt(f['created_at']);
        emulator.uploads.add(uploadId, { filename, uploadType, data: undefined, contentType: 'application/octet-stream', createdAt, parts: new Map() });
        const timestamp = new Date(site.now()).toISOString();
        return ok(`1\n${site.baseUrl}/upload/storage/${uploadId}\n${timestamp}\n${uploadType}\n${uploadId}\n`);
      }
      case '/upload/api_get_upload_link_for_part': {
        const uploadId = f['upload_id'] ?? '';
        if (!emulator.uploads.byId.has(uploadId)) throw badInput(`Unknown upload_id '${uploadId}'`);
        const part = Number(f['part_number']);
        if (!Number.isInteger(part) || part < 1) throw badInput("'part_number' must be a positive integer");
        return ok(`1\n${site.baseUrl}/upload/storage/${uploadId}/part/${part}\n`);
      }
      case '/upload/api_complete_multipart_upload': {
        const pending = emulator.uploads.byId.get(f['upload_id'] ?? '');
        if (!pending) throw badInput(`Unknown upload_id '${f['upload_id'] ?? ''}'`);
        // Like S3: the list must name every part that was PUT, in part order, by the ETag each PUT answered.
        const parts = [...pending.parts].sort(([a], [b]) => a - b).map(([, part]) => part);
        if (parts.length === 0 || (f['etags'] ?? '').split(',').map((e) => e.trim()).join(',') !== parts.map((p) => p.etag).join(',')) {
          throw badInput(`api_complete_multipart_upload: 'etags' must list the ETag of each of the ${parts.length} uploaded parts, in part order`);
        }
        pending.data = Buffer.concat(parts.map((p) => p.data));
        return ok('1\n');
      }
      case '/upload/api_link_file': {
        const lines = (f['upload_link_info'] ?? '').split('\n');
        const uploadId = lines[4]?.trim() ?? '';
        const pending = emulator.uploads.byId.get(uploadId);
        if (!pending || !pending.data) throw badInput('api_link_file: unknown upload, or its bytes were never PUT to the upload URL');
        const file: MultipartFile = { filename: pending.filename, contentType: pending.contentType, data: pending.data };
        const isThumb = pending.uploadType === 'Thumbnail';
        const createdAt = uploadCreatedAt(f['created_at']) ?? pending.createdAt;
        const id = attach(site, principal, targetRow(site, f), file, isThumb ? 'thumb_image' : f['field_name'] || undefined, f['display_name'], f['tag_list'], isTrue(f['filmstrip']), createdAt);
        // Forgotten only once linked: a link refused (bad entity, field) can be sent again with the same upload.
        emulator.uploads.byId.delete(uploadId);
        return ok(`1:${id}\n`);
      }
      default:
        return undefined; // not reached: FORM_ENDPOINTS lists the cases above
    }
  } catch (err) {
    return { ...failure(err), auth };
  }
}

function parseEntityToken(site: Site, token: string): Row {
  const m = /^([A-Za-z0-9]+)_(\d+)$/.exec(token.trim());
  if (!m) throw badInput(`share_thumbnail: '${excerpt(token, token)}' is not of the form Type_id`);
  const row = requireRow(site, m[1], Number(m[2]));
  if (row.retired) throw badInput(`${row.type} ${row.id} is retired`);
  return row;
}

function shareThumbnail(site: Site, principal: Principal, f: Record<string, string>, file: MultipartFile | undefined): string {
  const targets = (f['entities'] ?? '').split(',').filter((s) => s.trim() !== '').map((t) => parseEntityToken(site, t));
  if (targets.length === 0) throw badInput("share_thumbnail: 'entities' is empty");
  const filmstrip = f['filmstrip_thumbnail'] === '1' || isTrue(f['filmstrip_thumbnail']);
  const field = filmstrip ? 'filmstrip_image' : 'image';
  let source: string;
  let id: number;
  if (file) {
    const first = targets[0] as Row;
    id = attach(site, principal, first, file, 'thumb_image', undefined, undefined, filmstrip);
    source = `/thumbnail/${id}`;
  } else {
    const src = parseEntityToken(site, f['source_entity'] ?? '');
    const img = src.f[field];
    // `2` tells the client to try again later (rpc-protocol §2.8), so only a thumbnail still being processed gets it;
    // a source with none would keep a retrying client waiting forever, so it is refused like any bad request.
    if (typeof img === 'string' && img.includes(TRANSIENT_IMAGE)) return `2\nThe thumbnail of ${src.type} ${src.id} is not ready yet (${field} is still the transient placeholder)`;
    if (typeof img !== 'string' || !img.startsWith('/thumbnail/')) {
      throw badInput(`share_thumbnail: ${src.type} ${src.id} has no ${filmstrip ? 'filmstrip thumbnail' : 'thumbnail'} to share`);
    }
    source = img;
    id = Number(img.slice('/thumbnail/'.length));
  }
  site.store.transaction(() => {
    for (const t of targets) if (site.schema.field(t.type, field)) updateEntity(site, principal, t.type, t.id, [{ field_name: field, value: source }], undefined, true);
  });
  return `1:${id}\n`;
}
