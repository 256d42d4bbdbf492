/**
 * Errors specific to this package. Everything else surfaces as the core's errors (`SgFault`,
 * `SgHttpError`, `SgValidationError`, …).
 *
 * @packageDocumentation
 */
import { SgError, cutText, scrubText, type EntityRef, type SgErrorOptions } from "@sg/core";

/** Options of {@link SgTransferError}. */
export interface TransferErrorOptions extends SgErrorOptions {
  /**
   * The HTTP status, when a response arrived. Without `attempts`, the error's `attempts` is then that answer,
   * `[{ attempt: 1, status }]`.
   */
  readonly status?: number | undefined;
  /** The start of the site's reply, when there was one; scrubbed of `secrets` here. */
  readonly reply?: string | undefined;
  /** The fault code an upload reply ends with (`(error_code 103)`), when it has one. */
  readonly errorCode?: number | undefined;
  /** The site's words in a refused upload's reply, without the fault code; scrubbed of `secrets` here. */
  readonly serverMessage?: string | undefined;
  /** Set for an upload step that may have been applied although it failed; only `true` is kept. */
  readonly maybeSent?: boolean | undefined;
  /** The thumbnail `shareThumbnail` uploaded before its share failed (see {@link SgTransferError.uploaded}); sets `maybeSent`. */
  readonly uploaded?: UploadedThumbnail | undefined;
}

/** A thumbnail that `shareThumbnail` uploaded (its `thumbnailPath`) before the share failed: it is on the site. */
export interface UploadedThumbnail {
  /** The entity whose thumbnail it now is: the first of the entities given. */
  readonly entity: EntityRef;
  /** The id of its Attachment. */
  readonly attachmentId: number;
}

/**
 * An upload or download that the site refused or answered in an unexpected way. What it quotes of the site (`reply`,
 * `serverMessage`) is scrubbed of the `secrets` option and of secret-looking patterns, as the core's errors scrub
 * theirs: a site or proxy may echo the credentials it was sent.
 */
export class SgTransferError extends SgError {
  /** The HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** The start of the site's reply, scrubbed, then cut to 500 characters (marked by `…` when cut). */
  readonly reply: string | undefined;
  /**
   * The fault code of a refused upload, when its reply carries one, as `SgFault.errorCode`: 103 bad input (a
   * missing record among them), 104 permission. (A refusal of the credentials, 102, is an `SgAuthError` instead.)
   */
  readonly errorCode: number | undefined;
  /** The site's words in a refused upload's reply, without the fault code, as `SgFault.serverMessage`; scrubbed. */
  readonly serverMessage: string | undefined;
  /**
   * `true` when the upload step may have been applied on the site although it failed (answered with a 5xx, or
   * with something that is not an upload reply, after the file may have reached the site), or when part of the
   * call landed before it failed (`uploaded`): check before trying again. Absent otherwise. As on the core's
   * `SgHttpError`, an own property only when `true`.
   */
  declare readonly maybeSent?: true;
  /**
   * Set by `shareThumbnail` given a `thumbnailPath` when its upload landed and the share then failed (then
   * `maybeSent` is `true` too): the entity whose thumbnail it now is and its Attachment id. Share it from there,
   * `shareThumbnail(<the other entities>, { sourceEntity: uploaded.entity })`: the same call again would upload it
   * a second time, as another Attachment.
   */
  readonly uploaded: UploadedThumbnail | undefined;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: TransferErrorOptions = {}) {
    super(message, options.attempts || !options.status ? options : { ...options, attempts: [{ attempt: 1, status: options.status }] }, options.code ?? "SG_TRANSFER_FAILED");
    // Part of the call landed before it failed: sending it again would repeat that part.
    if (options.maybeSent || options.uploaded) this.maybeSent = true;
    this.status = options.status;
    this.uploaded = options.uploaded;
    // Scrubbed, then cut: a cut first could leave the start of a secret.
    this.reply = options.reply === undefined ? undefined : cutText(options.reply, 500, options.secrets ?? []);
    this.errorCode = options.errorCode;
    this.serverMessage = options.serverMessage === undefined ? undefined : scrubText(options.serverMessage, options.secrets);
  }
}

/**
 * `shareThumbnail` was asked to share a thumbnail the site is still processing (reply code 2). After a
 * `thumbnailPath` upload that landed, `uploaded` names it: retry with it as `sourceEntity`, not the path.
 */
export class SgThumbnailNotReadyError extends SgTransferError {
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: TransferErrorOptions = {}) {
    super(message, { ...options, code: "SG_THUMBNAIL_NOT_READY" });
  }
}

/** Options of {@link SgPartialWriteError}. */
export interface PartialWriteErrorOptions extends SgErrorOptions {
  /** The record that was written (for a batch, the first record among `records`). */
  readonly record: Readonly<Record<string, unknown>>;
  /** For a batch: every result, in request order. */
  readonly records?: readonly (Readonly<Record<string, unknown>> | boolean)[] | undefined;
}

/**
 * The write landed but a following step failed, e.g. uploading its `image` or reading the field types that
 * decode its dates. `record` (and, for a `batch`, `records`) holds what was written, so no id is lost;
 * `cause` is the failure. Do not repeat the write: it has been applied, and `maybeSent` is `true` as on every
 * other error of a write that landed or may have.
 */
export class SgPartialWriteError extends SgError {
  /** The created or updated record (`type`, `id`, fields); for a `batch`, the first record among `records`. */
  readonly record: Readonly<Record<string, unknown>>;
  /**
   * Set only by `batch`: its results in request order — records (datetimes left as wire strings) for
   * creates and updates, `true` for deletes. The whole batch was applied.
   */
  readonly records: readonly (Readonly<Record<string, unknown>> | boolean)[] | undefined;
  /**
   * Always `true`: the write was applied (only a step after it failed). Code that re-sends a write unless its error
   * says `maybeSent: true` (check the site instead) so never sends this one again. What the failed step itself may
   * have done is `cause.maybeSent`.
   */
  readonly maybeSent: true;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: PartialWriteErrorOptions) {
    super(message, options, "SG_PARTIAL_WRITE");
    this.maybeSent = true;
    this.record = options.record;
    this.records = options.records;
  }
}
