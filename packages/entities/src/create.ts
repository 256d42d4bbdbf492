/**
 * `create` (Python `create`, RPC `create`). The entity is created first; an `image` or `filmstrip_image`
 * path is uploaded afterwards, so a failed upload never loses the new id: it throws
 * {@link SgPartialWriteError} carrying the created record.
 *
 * @packageDocumentation
 */
import type { CallOptions, DateMode } from "@sg/core";
import { callOptions, contextOf, type Context, type EntityTarget } from "./context.js";
import { SgPartialWriteError } from "./errors.js";
import { finishRecord, parseRecord } from "./records.js";
import type { EntityData, EntityDataByType, EntityTypeName, FieldList, FieldPath, LooseSchema, SiteSchema, WrittenData, WrittenRecord } from "./schema-types.js";
import { firstEntity, firstRecord } from "./reply.js";
import { prepareFile, sendUpload, type PreparedFile } from "./uploads.js";
import { requireHttp, startTransfer, step } from "./transfer.js";
import { PREFIX, checkData, checkEntityType, checkFieldList, checkOptions, isPlainObject, type Path } from "./validate.js";
import { wireFields, type WireField } from "./write-values.js";

/** Options of `create`, plus call options. */
export type CreateOptions = CallOptions;

/** Image paths split off a write's data. */
export interface ImageUploads {
  readonly image: PreparedFile | undefined;
  readonly filmstrip: PreparedFile | undefined;
}

/**
 * Split `image` / `filmstrip_image` off `data` and check their files, before anything is sent. The other fields are
 * encoded (`trim`: their links trimmed) at once, before the first await: a link the caller reuses after the call is
 * made does not change what is written.
 */
export async function splitImages(data: Record<string, unknown>, path: Path, keepNullImage: boolean, trim: boolean, types?: ReadonlyMap<string, string>): Promise<{ fields: WireField[]; images: ImageUploads }> {
  const rest = { ...data };
  const { image, filmstrip_image: filmstrip } = rest;
  delete rest["filmstrip_image"];
  if (image !== null || !keepNullImage) delete rest["image"];
  const fields = wireFields(rest, path, trim, types);
  const plan = (v: unknown, key: string): Promise<PreparedFile> | undefined => (v == null ? undefined : prepareFile(v, [...path, key]));
  return { fields, images: { image: await plan(image, "image"), filmstrip: await plan(filmstrip, "filmstrip_image") } };
}

/** Refuse split-off images before the write when the transport cannot upload them. */
export function requireImageHttp(ctx: Context, images: ImageUploads): void {
  if (images.image || images.filmstrip) requireHttp(ctx, ["data", images.image ? "image" : "filmstrip_image"]);
}

/**
 * Upload split-off images to a written record and read back `image` / `filmstrip_image`; failures become
 * {@link SgPartialWriteError}. The uploads and the read-back are one transfer: `deadlineMs` bounds them together,
 * as it bounds an upload (the write before them was a call of its own). A bad `deadlineMs` is refused before
 * anything is sent, not wrapped: with only images to write, no update went out first.
 */
export async function uploadImages(ctx: Context, type: string, record: Record<string, unknown>, images: ImageUploads, call: CallOptions, verb: string): Promise<Record<string, unknown>> {
  if (!images.image && !images.filmstrip) return record;
  const id = record["id"] as number;
  const t = startTransfer(call);
  // what was being uploaded when it failed (its name and the function that uploads it again); undefined once both are
  let failing: readonly [string, string] | undefined = ["image", "uploadThumbnail"];
  try {
    if (images.image) await sendUpload(ctx, { type, id, file: images.image, field: "thumb_image", displayName: undefined, tags: [] }, t);
    failing = ["filmstrip", "uploadFilmstripThumbnail"];
    if (images.filmstrip) await sendUpload(ctx, { type, id, file: images.filmstrip, field: "filmstrip_thumb_image", displayName: undefined, tags: [] }, t);
    failing = undefined;
    // Read back what was uploaded (Python reads `image` after an image, `filmstrip_image` after a filmstrip).
    const names = [images.image && "image", images.filmstrip && "filmstrip_image"].filter((n): n is string => !!n);
    const read = await step(t, `reading back the image of ${type} ${id}`, (options) => ctx.call<unknown>("read", {
      type,
      return_fields: names,
      filters: { logical_operator: "and", conditions: [{ path: "id", relation: "is", values: [id] }] },
      return_only: "active",
      paging: { entities_per_page: 1, current_page: 1 },
      api_return_image_urls: true,
    }, options), "the image was uploaded");
    const first = firstEntity(read);
    const out = { ...record };
    for (const n of names) if (isPlainObject(first) && n in first) out[n] = first[n];
    return out;
  } catch (error) {
    // The hint follows the cause: an upload that may have landed is checked first, a refused one fixed first.
    const cause = error as { maybeSent?: unknown; hint?: unknown } | undefined;
    // once every upload went up, only reading back failed: say which were given
    const both = images.image && images.filmstrip;
    const [what, again] = failing ?? [both ? "image and filmstrip" : images.image ? "image" : "filmstrip"];
    throw new SgPartialWriteError(`${PREFIX}: ${type} ${id} was ${verb}, but ${failing ? "uploading" : "reading back"} its ${what} failed`, {
      record,
      cause: error,
      hint: `The record is in error.record; ${failing && images.image && what !== "image" ? "its image was attached, but " : ""}its ${what} ${
        !failing
          ? `${both ? "were" : "was"} uploaded, but reading ${both ? "them" : "it"} back failed.`
          : cause?.maybeSent === true
            ? `may have been attached: check before uploading it again with ${again}().`
            : `was not attached.${typeof cause?.hint === "string" ? ` ${cause.hint}` : ""} Then upload it with ${again}().`
      }`,
    });
  }
}

/**
 * The error for a write that has landed when decoding its dates failed: {@link SgPartialWriteError} carrying
 * what was written (dates left as wire strings) — never a bare error that invites repeating a create.
 *
 * @param what - what landed, e.g. `Shot 12 was created`.
 */
export function landedError(what: string, record: Record<string, unknown>, error: unknown, records?: readonly (Record<string, unknown> | boolean)[]): SgPartialWriteError {
  return new SgPartialWriteError(`${PREFIX}: ${what}, but reading field types to decode its dates failed; do not retry it`, {
    record,
    records,
    cause: error,
    hint: `What was written is in error.record${records ? "s" : ""}, with datetimes as wire strings.`,
  });
}

/** {@link finishRecord} for a record that was just written; a failure to decode its dates is {@link landedError}. */
export async function finishWritten(ctx: Context, type: string, raw: Record<string, unknown>, call: CallOptions, verb: string): Promise<Record<string, unknown>> {
  try {
    return await finishRecord(ctx, type, raw, call);
  } catch (error) {
    throw landedError(`${type} ${String(raw["id"])} was ${verb}`, parseRecord(raw), error);
  }
}

/**
 * Create an entity (Python `create`) and return it with `returnFields`. An `image` / `filmstrip_image` path
 * is uploaded after the create; if that fails an `SgPartialWriteError` carries the created record.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entityType - e.g. `"Shot"`.
 * @param data - the new entity's field values.
 * @param returnFields - fields to return besides `type`, `id` and the fields written.
 * @param options - call options.
 */
export function create<
  S extends SiteSchema = LooseSchema, D extends DateMode = "date", E extends EntityTypeName<S> = EntityTypeName<S>, const T extends object = EntityDataByType<S, "create">[E],
  const F extends readonly FieldPath<S, E>[] = readonly [],
>(
  target: EntityTarget<S, D>,
  entityType: E,
  data: WrittenData<S, E, T, "create">,
  returnFields?: F,
  options?: CreateOptions,
): Promise<WrittenRecord<S, E, T, F, D>>;
/** The same with a literal `returnFields` that is not all one-hop paths (`FieldPath`), checked path by path: a bad element is named by one message. */
export function create<
  S extends SiteSchema = LooseSchema, D extends DateMode = "date", E extends EntityTypeName<S> = EntityTypeName<S>, const T extends object = EntityDataByType<S, "create">[E],
  const F extends readonly string[] = readonly [],
>(
  target: EntityTarget<S, D>,
  entityType: E,
  data: WrittenData<S, E, T, "create">,
  returnFields?: FieldList<S, E, F>,
  options?: CreateOptions,
): Promise<WrittenRecord<S, E, T, F, D>>;
export async function create(target: unknown, entityType: unknown, data: unknown, returnFields?: unknown, rawOptions?: unknown): Promise<Record<string, unknown>> {
  const ctx = contextOf(target);
  const type = checkEntityType(entityType, ["entityType"]);
  const checked = checkData(data, ["data"], true);
  const fieldsOut = returnFields === undefined || returnFields === null ? [] : checkFieldList(returnFields, ["returnFields"]);
  // Read when the call is made, as the data is: an options object changed while the images are checked changes nothing.
  const call = callOptions(ctx, checkOptions(rawOptions, ["options"]));
  const { fields, images } = await splitImages(checked, ["data"], false, false, ctx.knownFieldTypes(type));
  requireImageHttp(ctx, images);
  const payload = { type, fields, return_fields: fieldsOut.length > 0 ? fieldsOut : ["id"] };
  if (images.filmstrip) await ctx.requireVersion("filmstrip_image", [3, 1, 0], call);
  const result = await ctx.call<unknown>("create", payload, call);
  const record = await finishWritten(ctx, type, firstRecord(result, "create", type), call, "created");
  return uploadImages(ctx, type, record, images, call, "created");
}
