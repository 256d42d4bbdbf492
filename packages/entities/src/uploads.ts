/**
 * Uploads (rpc-protocol §2.8): `upload`, `uploadThumbnail`, `uploadFilmstripThumbnail`, `shareThumbnail`.
 * Files are posted straight to the site (`/upload/upload_file`, `/upload/publish_thumbnail`) through
 * `client.http`; the transport adds the credentials as form fields. Like the Python client, these paths are
 * taken on the site's origin: a base path in the site URL applies to `/api3/json` only (§1.1). Sites that announce
 * `s3_direct_uploads_enabled` get the cloud-storage route for the fields they list.
 *
 * The Node modules that read files from disk are loaded only when a path is uploaded, and only under Node (see
 * `node-files.ts`), so uploading a `Blob` works wherever `fetch` does and a browser bundle needs no `node:*` module.
 *
 * @packageDocumentation
 */
import { SgValidationError, cutText, type CallOptions, type Credentials, type DateMode, type EntityRef, type HttpResponse, type SgAuthError, type SiteInfo } from "@sg/core";
import { contextOf, type Context, type EntityTarget } from "./context.js";
import { SgThumbnailNotReadyError, SgTransferError, type UploadedThumbnail } from "./errors.js";
import type { CheckedFieldName, EntityTypeName, FileFieldName, LooseSchema, SiteSchema } from "./schema-types.js";
import { credentialsRefused, parseUploadReply, shareFrom, uploadRefused, withUpload, wordsOf, type StepAnswer } from "./upload-reply.js";
import { transferSecrets } from "./transfer-secrets.js";
import { checkTransferOptions, requireHttp, step, transferCall, type Transfer, type TransferCallOptions } from "./transfer.js";
import { nodeBuiltins } from "./node-files.js";
import { PREFIX, checkBoolean, checkEntityRef, checkEntityType, checkFieldPath, checkFormText, checkId, checkString, fail, optionOr, type Path } from "./validate.js";

export { parseUploadReply };

/** A file to upload: a path on disk, or a `File`/`Blob` already in memory (a `Blob` needs `displayName` or gets `upload.bin`). */
export type UploadSource = string | Blob;

/** Options of `upload` (Python `upload` keyword arguments), plus call options. */
export interface UploadOptions<F extends string = string> extends TransferCallOptions {
  /**
   * The field to attach the file to (`field_name`); without it the Attachment is linked to the entity only. With a
   * schema, a literal name must be a `url` or `image` field of the entity type ({@link FileFieldName}). `null`: not given, as Python's `None`.
   */
  readonly fieldName?: F | null | undefined;
  /** The name shown for the file (`display_name`, default: the file's base name). `null`: not given, as Python's `None`. */
  readonly displayName?: string | null | undefined;
  /**
   * Tags of the Attachment (`tag_list`): names, or Python's comma-separated string (`"review,client"`). `null`: not given, as Python's `None`.
   */
  readonly tagList?: readonly string[] | string | null | undefined;
}

/** The fields an upload into which is a thumbnail's (posted to `publish_thumbnail`, which takes no tags). */
export type ThumbnailFieldName = "thumb_image" | "filmstrip_thumb_image" | "image" | "filmstrip_image";

/**
 * What `upload` into field `K` takes besides {@link UploadOptions}: into a thumbnail field ({@link ThumbnailFieldName}), no
 * `tagList` (a thumbnail is not tagged; `upload` refuses one); anything for other fields, or a `K` known only at run time.
 */
export type FieldUploadOptions<K extends string> = K extends ThumbnailFieldName ? { readonly tagList?: null | undefined } : unknown;

/** Options of `shareThumbnail`: exactly one of `thumbnailPath` and `sourceEntity`. */
export interface ShareThumbnailOptions extends TransferCallOptions {
  /** Upload this image to the first entity, then share it with the others. `null`: not given, as Python's `None`. */
  readonly thumbnailPath?: UploadSource | null | undefined;
  /** Share the thumbnail this entity already has. `null`: not given, as Python's `None`. */
  readonly sourceEntity?: EntityRef | null | undefined;
  /** Share the filmstrip thumbnail instead of the thumbnail. */
  readonly filmstripThumbnail?: boolean | undefined;
}

const THUMBNAIL_FIELDS = new Set(["thumb_image", "filmstrip_thumb_image", "image", "filmstrip_image"]);
const MULTIPART_CHUNK = 20_000_000;

/** Whether an upload into `field` is a thumbnail's (posted to `publish_thumbnail`, without a display name or tags). */
const isThumbnail = (field: string | undefined): boolean => field !== undefined && THUMBNAIL_FIELDS.has(field);

/** A file ready to send: its bytes as a named `File`. */
export interface PreparedFile {
  readonly file: File;
  readonly name: string;
  readonly size: number;
  readonly path: string | undefined;
  /** A path's modification time when it was opened (ms), to tell a file changed during the upload; none for a Blob. */
  readonly mtimeMs: number | undefined;
}

/**
 * Check and open an upload source before anything is sent: a path must name an existing, non-empty file
 * (`~` is expanded); a Blob must not be empty.
 */
export async function prepareFile(source: unknown, path: Path, displayName?: string): Promise<PreparedFile> {
  if (typeof Blob !== "undefined" && source instanceof Blob) {
    if (source.size === 0) fail(path, "a non-empty file", "an empty Blob");
    // Another implementation's Blob (jsdom's, where a test environment swaps the global) passes `instanceof Blob`
    // without stream(): its bytes would never be read, and the upload would stall until its transfer timeout.
    if (typeof source.stream !== "function") fail(path, "a Blob with stream()", source, "Pass a file path, or the bytes in node:buffer's Blob.");
    const own = source instanceof File ? checkFileName(source.name, path) : "";
    const name = displayName ?? (own || "upload.bin");
    // Without a type of its own, the file goes with the one its name says, as a path's does (Python guesses it too).
    const file = source instanceof File && source.type ? source : new File([source], own || name, { type: source.type || contentType(own || name) });
    return { file, name: file.name || name, size: source.size, path: undefined, mtimeMs: undefined };
  }
  if (typeof source !== "string" || source.trim() === "") fail(path, "a file path or a Blob (for bytes: new Blob([bytes]))", source);
  const { fs: { openAsBlob }, fsPromises: { stat }, path: { basename, resolve }, os: { homedir } } = await nodeBuiltins(path, source, "a Blob or File");
  const full = resolve(source.startsWith("~/") || source === "~" ? homedir() + source.slice(1) : source);
  // The path is given whole (`fail` would cut it at 40 characters, and a publish's paths differ at their end).
  const bad = (expected: string, what: string): never => {
    throw new SgValidationError(PREFIX, { path, expected, received: `${what}'${source}'` });
  };
  checkFileName(basename(full), path);
  const info = await stat(full).catch(() => bad("the path of an existing file", ""));
  if (!info.isFile()) bad("the path of a regular file", `${describeKind(info)} `);
  if (info.size === 0) bad("a non-empty file", "an empty file ");
  const blob = await openAsBlob(full);
  const name = basename(full);
  return { file: new File([blob], name, { type: contentType(name) }), name, size: info.size, path: full, mtimeMs: info.mtimeMs };
}

/**
 * A rejection handler for a step sending the bytes of `file`. A file that changed on disk since {@link prepareFile}
 * opened it (a render still appending, or truncating and starting over) cannot be read to its end: the Blob fails
 * with `NotReadableError`, and fetch cuts the request short of the Content-Length it declared, so the site never got
 * the body whole and attached nothing. That failure becomes an `SgTransferError` naming the path and the change,
 * without `maybeSent`; any other error, or a file unchanged, is rethrown as it is. For `.catch()` of such a step.
 */
function rethrowChanged(file: PreparedFile): (error: unknown) => Promise<never> {
  return async (error) => {
    let unread = false;
    for (let c = error as { name?: unknown; cause?: unknown } | null; !unread && c !== null && typeof c === "object"; c = c.cause as typeof c) unread = c.name === "NotReadableError";
    if (!unread || file.path === undefined) throw error;
    const { fsPromises: { stat } } = await nodeBuiltins(["path"], file.path, "");
    const now = await stat(file.path).catch(() => undefined);
    if (now && now.size === file.size && now.mtimeMs === file.mtimeMs) throw error;
    const mb = (n: number): string => `${+(n / 1048576).toFixed(1)} MB`;
    const change = !now ? "removed" : mb(now.size) === mb(file.size) ? `${file.size} → ${now.size} bytes` : `${mb(file.size)} → ${mb(now.size)}`;
    throw new SgTransferError(`${PREFIX}: ${file.path} changed while it was being uploaded (${change}): a program may still be writing it`, {
      cause: error,
      code: "SG_UPLOAD_FAILED",
      hint: `Upload it again once it is complete: ${NOTHING}, the site never got it whole.`,
    });
  };
}

/**
 * A file name as it goes in the upload's form (the file part's name; a `filename` field on the cloud route; the
 * display name when none is given), refused when the form would alter it (see {@link checkFormText}); only the name
 * of a path is sent, so its folders may hold anything.
 */
function checkFileName(name: string, path: Path): string {
  return checkFormText(name, path, "a file name", "Rename the file, or upload its bytes as a Blob with a displayName.");
}

function describeKind(info: { isDirectory(): boolean }): string {
  return info.isDirectory() ? "a directory" : "a special file";
}

const TYPES: Record<string, string> = {
  jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", gif: "image/gif", tif: "image/tiff", tiff: "image/tiff", bmp: "image/bmp",
  exr: "image/x-exr", dpx: "image/x-dpx", tga: "image/x-tga", mov: "video/quicktime", mp4: "video/mp4", txt: "text/plain", pdf: "application/pdf",
  json: "application/json", csv: "text/csv",
};

function contentType(name: string): string {
  const ext = name.includes(".") ? (name.split(".").pop() as string).toLowerCase() : "";
  return TYPES[ext] ?? "application/octet-stream";
}


/** An upload checked and ready to send. */
export interface UploadPlan {
  readonly type: string;
  readonly id: number;
  readonly file: PreparedFile;
  readonly field: string | undefined;
  readonly displayName: string | undefined;
  readonly tags: readonly string[];
}

/** What to do with a display name the upload's form cannot carry: JSON can. */
const DISPLAY_NAME_HINT = "Set it with update() after the upload: JSON carries it unchanged.";

/** Check the arguments of `upload` but its file (throws before anything is sent); returns them with its options. */
function checkUpload(entityType: unknown, entityId: unknown, rawOptions: unknown, forcedField: string | undefined): [Omit<UploadPlan, "file">, Record<string, unknown>] {
  const type = checkEntityType(entityType, ["entityType"]);
  const id = checkId(entityId, ["entityId"]);
  // A thumbnail upload's field is fixed, so a fieldName given to it is refused rather than ignored.
  const options = checkTransferOptions(rawOptions, forcedField ? ["displayName", "tagList"] : ["fieldName", "displayName", "tagList"]);
  // null is Python's default None for these three options: not given.
  const field = forcedField ?? optionOr<string | undefined>(options, "fieldName", undefined, checkFieldPath, true);
  const displayName = optionOr<string | undefined>(options, "displayName", undefined, (value, path) => checkFormText(checkString(value, path), path, "a display name", DISPLAY_NAME_HINT), true);
  let tags: string[] = [];
  if (options["tagList"] != null) {
    const t = options["tagList"];
    // publish_thumbnail takes no tag_list: the tags would be dropped without a word.
    if (isThumbnail(field)) fail(["options", "tagList"], "no tagList: a thumbnail is not tagged", t);
    // Python's tag_list is one comma-separated string, sent as it is (an empty one is not sent).
    if (typeof t === "string") tags = t ? [checkFormText(t, ["options", "tagList"], "tag names")] : [];
    else if (!Array.isArray(t)) fail(["options", "tagList"], "an array of tag names or a string of them", t);
    // The site splits tag_list on commas: a tag holding one would silently become two.
    else tags = Array.from(t, (tag, i) => (checkFormText(checkString(tag, ["options", "tagList", i], "a tag name"), ["options", "tagList", i], "a tag name").includes(",") ? fail(["options", "tagList", i], "a tag name without a comma", tag) : tag));
  }
  return [{ type, id, field, displayName, tags }, options];
}

/**
 * What a deadline error of an upload says is on the site when the deadline passed: nothing; the bytes in cloud
 * storage but not attached; or, once the step that attaches the file went out, maybe attached. The upload's
 * name (`uploadOf`) says to what.
 */
const NOTHING = "nothing was attached";
const STORED = "its bytes were sent to cloud storage, but it was not attached: upload it again";
const MAYBE = "it may have been attached: check before uploading it again";

/** An upload's name in a deadline error: `the upload of <file> to <Type> <id>`. */
function uploadOf(plan: UploadPlan): string {
  return `the upload of ${plan.file.name} to ${plan.type} ${plan.id}`;
}

/**
 * Upload a prepared file to an entity (thumbnail fields go to `publish_thumbnail`) as steps of transfer `t`,
 * which bounds them all. Returns the Attachment id.
 */
export async function sendUpload(ctx: Context, plan: UploadPlan, t: Transfer): Promise<number> {
  const { type, id, file, field, displayName, tags } = plan;
  const what = uploadOf(plan);
  const thumbnail = isThumbnail(field);
  const filmstrip = field === "filmstrip_thumb_image" || field === "filmstrip_image";
  const info = await step(t, what, async (call) => {
    if (filmstrip) await ctx.requireVersion("filmstrip thumbnails", [3, 1, 0], call);
    return ctx.info(call);
  }, NOTHING);
  if (info.s3_direct_uploads_enabled === true && useCloud(info, type, field)) {
    return cloudUpload(ctx, plan, thumbnail, filmstrip, t);
  }
  const form: Record<string, string | Blob> = { entity_type: type, entity_id: String(id) };
  let target: string;
  if (thumbnail) {
    target = "/upload/publish_thumbnail";
    if (filmstrip) form["filmstrip"] = "True";
    form["thumb_image"] = file.file;
  } else {
    target = "/upload/upload_file";
    if (field !== undefined) form["field_name"] = field;
    form["display_name"] = displayName ?? file.name;
    if (tags.length > 0) form["tag_list"] = tags.join(",");
    form["file"] = file.file;
  }
  return step(t, what, (call) => postUpload(ctx, target, form, plan, call), NOTHING, MAYBE, true).catch(rethrowChanged(file));
}

/**
 * POST one of the site's upload steps (a write) and return its answer, with the secrets of the credentials it was
 * sent with, which an error quoting it scrubs. A reply refusing the credentials goes through the auth strategy as a
 * call's fault 102 does (fresh credentials, the step sent once more: nothing was stored); see {@link credentialsRefused}.
 */
async function postStep(ctx: Context, target: string, form: Readonly<Record<string, string | Blob>>, what: string, call: CallOptions): Promise<StepAnswer> {
  const site = ctx.client.site;
  let secrets = transferSecrets(site);
  // Called with every answer and the credentials it came to, the re-send's fresh ones included.
  const refused = (response: HttpResponse, sent?: Credentials): SgAuthError | undefined =>
    credentialsRefused(what, target, response, (secrets = transferSecrets(site, [sent])));
  // A write never repeated once it may have landed: a retryWrites the caller, the context or the transport gives
  // (which re-sends a write after a 502/504) would attach the file twice.
  const retry = call.retry === false ? false : { ...call.retry, retryWrites: false };
  const response = await ctx.client.http({ method: "POST", target, form, ...call, retry, kind: "write", refused });
  return { status: response.status, text: new TextDecoder().decode(response.body), secrets };
}

async function postUpload(ctx: Context, target: string, form: Record<string, string | Blob>, plan: UploadPlan, call: CallOptions): Promise<number> {
  const answer = await postStep(ctx, target, form, uploadOf(plan), call);
  const id = answer.status < 300 ? parseUploadReply(answer.text) : undefined;
  // This step attaches the file: a gateway's 5xx, or a page instead of the reply, may come after it did.
  if (id === undefined) throw uploadRefused(`${PREFIX}: could not upload ${plan.file.path ?? plan.file.name}`, target, answer, MAYBE);
  return id;
}

function useCloud(info: SiteInfo, type: string, field: string | undefined): boolean {
  const types = info.s3_enabled_upload_types ?? {};
  const has = (entry: string | readonly string[] | undefined, name: string | undefined): boolean =>
    entry === "*" || (Array.isArray(entry) && (entry.includes("*") || (name !== undefined && entry.includes(name))));
  if (has(types[type], field) || has(types["*"], field)) return true;
  return type === "Version" && field === "sg_uploaded_movie";
}

async function cloudUpload(ctx: Context, plan: UploadPlan, thumbnail: boolean, filmstrip: boolean, t: Transfer): Promise<number> {
  const { file } = plan;
  const what = uploadOf(plan);
  const uploadType = thumbnail ? "Thumbnail" : "Attachment";
  const multipart = file.size > MULTIPART_CHUNK;
  // What a deadline passing before the next step leaves: nothing until a storage PUT may have gone out.
  let before = NOTHING;
  const post = (path: string, form: Record<string, string>): Promise<string> =>
    step(t, what, async (call) => {
      const answer = await postStep(ctx, path, form, what, call);
      if (answer.status >= 300 || !answer.text.startsWith("1")) throw uploadRefused(`${PREFIX}: cloud upload step failed for ${file.name}`, path, answer);
      return answer.text;
    }, before);
  const linkInfo = await post("/upload/api_get_upload_link_info", { upload_type: uploadType, filename: file.name, multipart_upload: multipart ? "True" : "False" });
  const [, uploadUrl = "", timestamp = "", , uploadId = ""] = linkInfo.split("\n");
  // A PUT to a presigned URL is idempotent (a repeat rewrites the same object), so it is retried like a read:
  // 503 SlowDown, resets and timeouts, and 500 InternalError, which storage asks to be repeated (rpc-protocol
  // §4.1c). The site's own steps stay writes: a 500 there may have landed. `retry: false` stays one attempt;
  // statuses the caller listed are kept.
  const { retry } = t.call;
  const put = async (url: string, body: Blob): Promise<string> => {
    const etag = await step(t, what, async (call) => {
      const r = await ctx.client.http({
        method: "PUT",
        target: url,
        body,
        // the type a File or Blob has, as the site's route sends it
        headers: { "content-type": file.file.type || contentType(file.name) },
        ...call,
        kind: "read",
        retry: retry === false ? retry : { ...retry, retryStatuses: [...(retry?.retryStatuses ?? []), 500] },
      });
      // No credentials go with a PUT's body; the site's Basic auth does, when storage is on the site. Storage's page
      // may quote the signed link.
      const secrets = transferSecrets(ctx.client.site, [], url);
      if (r.status >= 300) throw new SgTransferError(`${PREFIX}: storage refused the upload of ${file.name}`, { status: r.status, reply: new TextDecoder().decode(r.body), secrets, code: "SG_UPLOAD_FAILED" });
      return r.headers.get("etag") ?? "";
    }, before, STORED).catch(rethrowChanged(file));
    before = STORED;
    return etag;
  };
  if (multipart) {
    const etags: string[] = [];
    for (let part = 1, offset = 0; offset < file.size; part++, offset += MULTIPART_CHUNK) {
      const partReply = await post("/upload/api_get_upload_link_for_part", { upload_type: uploadType, filename: file.name, timestamp, upload_id: uploadId, part_number: String(part) });
      const etag = await put(partReply.split("\n")[1] ?? "", file.file.slice(offset, offset + MULTIPART_CHUNK));
      // Completing needs every part's ETag; without one the site's refusal would not say why.
      if (!etag) throw new SgTransferError(`${PREFIX}: storage answered part ${part} of ${file.name} without an ETag header`, { status: 200, reply: "", code: "SG_UPLOAD_FAILED", hint: "In a browser, the bucket's CORS rules must expose the ETag header." });
      etags.push(etag);
    }
    await post("/upload/api_complete_multipart_upload", { upload_type: uploadType, filename: file.name, timestamp, upload_id: uploadId, etags: etags.join(",") });
  } else {
    await put(uploadUrl, file.file);
  }
  const form: Record<string, string> = { entity_type: plan.type, entity_id: String(plan.id), upload_link_info: linkInfo };
  if (filmstrip) form["filmstrip"] = "True";
  if (!thumbnail) {
    if (plan.field !== undefined) form["field_name"] = plan.field;
    form["display_name"] = plan.displayName ?? file.name;
    if (plan.tags.length > 0) form["tag_list"] = plan.tags.join(",");
  }
  return step(t, what, (call) => postUpload(ctx, "/upload/api_link_file", form, plan, call), STORED, MAYBE, true);
}

/**
 * Upload a file to an entity, optionally into a field; returns the Attachment id (Python `upload`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entityType - e.g. `"Version"`.
 * @param entityId - the entity's id.
 * @param path - a file path (Node) or a `Blob`/`File`.
 * @param options - `fieldName`, `displayName`, `tagList` and call options (no `kind`); `deadlineMs` bounds the whole
 *   upload, every step of it. Into a thumbnail field (`image`, …) a `tagList` is refused, and so is a `displayName`
 *   but a nameless Blob's (the file name it is sent under).
 */
export function upload<S extends SiteSchema = LooseSchema, D extends DateMode = "date", E extends EntityTypeName<S> = EntityTypeName<S>, const K extends string = string>(target: EntityTarget<S, D>, entityType: E, entityId: number, path: UploadSource, options?: UploadOptions<CheckedFieldName<S, K, FileFieldName<S, E>, `✗ ${K} is not a url or image field of ${E}`>> & FieldUploadOptions<K>): Promise<number>;
export function upload(target: unknown, entityType: unknown, entityId: unknown, path: unknown, options?: unknown): Promise<number> {
  return uploadTo(target, entityType, entityId, path, options, undefined);
}

/**
 * Upload an entity's thumbnail (Python `upload_thumbnail`); returns the Attachment id.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entityType - e.g. `"Shot"`.
 * @param entityId - the entity's id.
 * @param path - an image path (Node) or a `Blob`/`File`.
 * @param options - call options (no `kind`); `deadlineMs` bounds the whole upload.
 */
export function uploadThumbnail<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(target: EntityTarget<S, D>, entityType: EntityTypeName<S>, entityId: number, path: UploadSource, options?: TransferCallOptions): Promise<number>;
export function uploadThumbnail(target: unknown, entityType: unknown, entityId: unknown, path: unknown, options?: unknown): Promise<number> {
  return uploadTo(target, entityType, entityId, path, options, "thumb_image");
}

/**
 * Upload an entity's filmstrip thumbnail (Python `upload_filmstrip_thumbnail`); returns the Attachment id.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entityType - e.g. `"Version"`.
 * @param entityId - the entity's id.
 * @param path - an image path (Node) or a `Blob`/`File`.
 * @param options - call options (no `kind`); `deadlineMs` bounds the whole upload.
 */
export function uploadFilmstripThumbnail<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(target: EntityTarget<S, D>, entityType: EntityTypeName<S>, entityId: number, path: UploadSource, options?: TransferCallOptions): Promise<number>;
export function uploadFilmstripThumbnail(target: unknown, entityType: unknown, entityId: unknown, path: unknown, options?: unknown): Promise<number> {
  return uploadTo(target, entityType, entityId, path, options, "filmstrip_thumb_image");
}

async function uploadTo(target: unknown, entityType: unknown, entityId: unknown, source: unknown, options: unknown, forcedField: string | undefined): Promise<number> {
  const ctx = contextOf(target);
  const [plan, checked] = checkUpload(entityType, entityId, options, forcedField);
  // The options are read, and the deadline starts, when the call is made, as in shareThumbnail: before the file is
  // checked, so that an options object changed meanwhile changes nothing.
  const t = transferCall(ctx, checked);
  const file = await prepareFile(source, ["path"], plan.displayName);
  // A thumbnail's name is the file's: a displayName names only a Blob without a name of its own (the file name it is
  // sent under), and would be dropped without a word for a path or a named File.
  if (isThumbnail(plan.field) && plan.displayName !== undefined && file.name !== plan.displayName) {
    fail(["options", "displayName"], "no displayName: a thumbnail keeps its file's own name", plan.displayName);
  }
  requireHttp(ctx, ["path"]);
  return sendUpload(ctx, { ...plan, file }, t);
}

/**
 * Give several entities the same thumbnail (Python `share_thumbnail`); returns the Attachment id of the
 * shared thumbnail. Throws `SgThumbnailNotReadyError`, quoting the site's words, while the source thumbnail is still
 * being processed (the site's `2…` answer); any other answer that shares nothing is an `SgTransferError`. With a
 * `thumbnailPath`, once its upload to the first entity landed, either error names it (`uploaded`, `maybeSent: true`)
 * and its hint says to share it with `sourceEntity` rather than upload it again; so does every other error that ends
 * the call after that (its deadline, signal or close(), a network error of the share), which keeps its class and has
 * `uploaded` as an own property its class does not declare.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entities - the entities to share the thumbnail with.
 * @param options - exactly one of `thumbnailPath` and `sourceEntity`; `filmstripThumbnail`; call options (no
 *   `kind`); `deadlineMs` bounds the whole share, a `thumbnailPath` upload included.
 */
export function shareThumbnail(target: EntityTarget<SiteSchema, DateMode>, entities: readonly EntityRef[], options: ShareThumbnailOptions): Promise<number>;
export async function shareThumbnail(target: unknown, entities: unknown, rawOptions: unknown): Promise<number> {
  const ctx = contextOf(target);
  if (!Array.isArray(entities) || entities.length === 0) fail(["entities"], "a non-empty array of entity links {type, id}", entities);
  const refs = Array.from(entities, (e, i) => checkEntityRef(e, ["entities", i]));
  const options = checkTransferOptions(rawOptions, ["thumbnailPath", "sourceEntity", "filmstripThumbnail"]);
  // null is Python's default None for both: not given.
  const hasPath = options["thumbnailPath"] != null;
  const hasSource = options["sourceEntity"] != null;
  if (hasPath === hasSource) {
    throw new SgValidationError(PREFIX, { path: ["options"], expected: "exactly one of thumbnailPath and sourceEntity", received: hasPath ? "both" : "neither (each missing or null)" });
  }
  const filmstrip = options["filmstripThumbnail"] === undefined ? false : checkBoolean(options["filmstripThumbnail"], ["options", "filmstripThumbnail"]);
  requireHttp(ctx, ["options", hasPath ? "thumbnailPath" : "sourceEntity"]);
  const t = transferCall(ctx, options);
  const plan: UploadPlan | undefined = hasPath
    ? { ...refs[0]!, field: filmstrip ? "filmstrip_thumb_image" : "thumb_image", displayName: undefined, tags: [], file: await prepareFile(options["thumbnailPath"], ["options", "thumbnailPath"]) }
    : undefined;
  const source = plan ? (refs[0] as EntityRef) : checkEntityRef(options["sourceEntity"], ["options", "sourceEntity"]);
  const rest = plan ? refs.slice(1) : refs;
  // deadlineMs bounds the whole share: the version check, the upload of a thumbnailPath, and the share itself.
  const what = `sharing a thumbnail with ${refs.length} ${refs.length === 1 ? "entity" : "entities"}`;
  await step(t, what, (call) => ctx.requireVersion("shareThumbnail", [4, 0, 0], call), "nothing was shared");
  let landed: UploadedThumbnail | undefined;
  if (plan) {
    const attachmentId = await sendUpload(ctx, plan, t);
    if (rest.length === 0) return attachmentId;
    landed = { entity: source, attachmentId };
  }
  // Once the upload landed, every error says what is on the site, and how to share it without a second upload.
  const at = landed ? ` attached to ${source.type} ${source.id} (Attachment ${landed.attachmentId})` : "";
  const uploaded = at && `the thumbnail was${at}, `;
  const form = {
    entities: rest.map((e) => `${e.type}_${e.id}`).join(","),
    source_entity: `${source.type}_${source.id}`,
    filmstrip_thumbnail: filmstrip ? "1" : "False",
  };
  const shared = `${uploaded}sharing it may have landed: check before sharing again`;
  // Its timeout, abort or network error says what landed too (the site's answers below do).
  const response = await step(t, what, (call) => postStep(ctx, "/upload/share_thumbnail", form, what, call), `${uploaded}nothing was shared`, shared, true).catch((error: unknown) => {
    throw withUpload(error, landed);
  });
  const { status, text, secrets } = response;
  if (status < 300 && text.startsWith("1:")) {
    const id = parseUploadReply(text);
    if (id !== undefined) return id;
  }
  if (status < 300 && text.startsWith("2")) {
    // The site's words (scrubbed, as a refusal's are) say which source and why, as Python's message quotes its reply.
    const words = cutText(wordsOf(text), 300, secrets);
    throw new SgThumbnailNotReadyError(`${PREFIX}: unable to share thumbnail${at}: ${words || "the source thumbnail is not ready"}`, {
      status,
      reply: text,
      secrets,
      ...(words ? { serverMessage: words } : {}),
      hint: `Retry once the source's thumbnail is no longer transient.${shareFrom(landed)}`,
      uploaded: landed,
    });
  }
  throw uploadRefused(`${PREFIX}: unable to share thumbnail${at}`, "share_thumbnail", response, shared,
    `The site refused the share (its words above): the source entity must have a ${filmstrip ? "filmstrip " : ""}thumbnail to share, and every target entity must exist.`, landed);
}
