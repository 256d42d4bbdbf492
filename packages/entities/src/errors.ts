/**
 * Errors specific to this package. Everything else surfaces as the core's errors (`SgFault`,
 * `SgHttpError`, `SgValidationError`, …).
 *
 * @packageDocumentation
 */
import { SgError, type SgErrorOptions } from "@sg/core";

/** Options of {@link SgTransferError}. */
export interface TransferErrorOptions extends SgErrorOptions {
  /** The HTTP status, when a response arrived. */
  readonly status?: number;
  /** The start of the site's reply, when there was one. */
  readonly reply?: string;
}

/** An upload or download that the site refused or answered in an unexpected way. */
export class SgTransferError extends SgError {
  /** The HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** The start of the site's reply (at most 500 characters). */
  readonly reply: string | undefined;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: TransferErrorOptions = {}) {
    super(message, options, options.code ?? "SG_TRANSFER_FAILED");
    this.status = options.status;
    this.reply = options.reply === undefined ? undefined : options.reply.slice(0, 500);
  }
}

/** `shareThumbnail` was asked to share a thumbnail the site is still processing (reply code 2). */
export class SgThumbnailNotReadyError extends SgTransferError {
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: TransferErrorOptions = {}) {
    super(message, { ...options, code: "SG_THUMBNAIL_NOT_READY" });
  }
}

/** Options of {@link SgPartialWriteError}. */
export interface PartialWriteErrorOptions extends SgErrorOptions {
  /** The record that was written. */
  readonly record: Readonly<Record<string, unknown>>;
}

/**
 * The entity was created (or updated) but a following step failed, e.g. uploading its `image`. `record`
 * holds what was written, so its id is never lost; `cause` is the failure.
 */
export class SgPartialWriteError extends SgError {
  /** The created or updated record (`type`, `id`, fields). */
  readonly record: Readonly<Record<string, unknown>>;
  /** @param message - the failure, in one sentence. */
  constructor(message: string, options: PartialWriteErrorOptions) {
    super(message, options, "SG_PARTIAL_WRITE");
    this.record = options.record;
  }
}
