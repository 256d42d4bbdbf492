/**
 * Downloads (rpc-protocol §2.8): `getAttachmentDownloadUrl` and `downloadAttachment`. Files on the site
 * are fetched with session credentials — the session of session credentials, or a token obtained once with
 * `get_session_token` for script and user credentials — which the transport sends as the `_session_id`
 * cookie to the site's origin only. Other hosts (e.g. cloud storage) get no credentials. `node:fs` is
 * imported only when `filePath` is given; then the body is streamed to a temporary file next to it and
 * renamed into place once complete, so a multi-GB movie never sits in memory and a failed download leaves
 * nothing at `filePath`.
 *
 * @packageDocumentation
 */
import { SgError, scrubText, type CallOptions, type DateMode } from "@sg/core";
import { contextOf, forgetSessionToken, sessionToken, within, type Context, type EntityTarget } from "./context.js";
import { SgTransferError } from "./errors.js";
import type { SiteSchema } from "./schema-types.js";
import { checkTransferOptions, requireHttp, step, transferCall, type TransferCallOptions } from "./transfer.js";
import { PREFIX, checkId, checkString, fail, isPlainObject } from "./validate.js";

/** An attachment as `downloadAttachment` accepts it: a url field value, an Attachment link, or an Attachment id. */
export type AttachmentInput = { readonly url?: string | null; readonly type?: string; readonly id?: number; readonly [key: string]: unknown } | number;

/** Options of `downloadAttachment`, plus call options. */
export interface DownloadOptions extends TransferCallOptions {
  /**
   * Write the file here and resolve to this path instead of the bytes. The body is streamed to a temporary
   * file in the same folder (`<filePath>.<random>.part`) and renamed to `filePath` once complete; on any
   * failure the temporary file is removed and `filePath` is left as it was.
   */
  readonly filePath?: string;
}

/**
 * The URL an attachment downloads from (Python `get_attachment_download_url`), or `null` for `null`. Throws
 * `SgValidationError` synchronously for anything else that is not an attachment.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param attachment - a url field value `{ url, … }`, an Attachment link, or an Attachment id.
 */
export function getAttachmentDownloadUrl(target: EntityTarget<SiteSchema, DateMode>, attachment: AttachmentInput | null): string | null {
  return attachmentUrl(contextOf(target), attachment);
}

/** The download URL of an attachment (`/file_serve/…` on the site's origin, base path ignored); `null` for `null`. */
export function attachmentUrl(ctx: Context, attachment: unknown, path: readonly (string | number)[] = ["attachment"]): string | null {
  if (attachment === null || attachment === undefined) return null;
  if (typeof attachment === "number") return `${ctx.client.site.origin}/file_serve/attachment/${checkId(attachment, path)}`;
  if (!isPlainObject(attachment)) fail(path, "an Attachment link {type: 'Attachment', id}, a url field value {url, …} or an Attachment id", attachment);
  if (typeof attachment["url"] === "string" && attachment["url"] !== "") return attachment["url"];
  if (attachment["type"] === "Attachment" && attachment["id"] !== undefined) {
    return `${ctx.client.site.origin}/file_serve/attachment/${checkId(attachment["id"], [...path, "id"])}`;
  }
  return fail([...path, "url"], "a 'url' key, or type 'Attachment' with an id", attachment);
}

const HINTS: Record<number, string> = {
  400: "Attachment may not exist or is a local file?",
  409: "The file is still being scanned for malware; try again later.",
  410: "The file was quarantined by the malware scan.",
};

/**
 * Download an attachment (Python `download_attachment`): the bytes, or `filePath` once written (Node).
 * With `filePath` the body is streamed to disk (a temporary file next to it, renamed on success), never held
 * in memory; the limits apply to the whole transfer — `deadlineMs` to all of it, the wait for a session token
 * and the body to its last byte included; `timeoutMs` to each wait for data, so a stalled download fails with
 * `SgTimeoutError`; and `signal` ends it at once with `SgAbortError`. A `kind` is refused.
 *
 * Files on the site's own origin are fetched with a session: the session of session credentials, or a token
 * obtained once per client with `get_session_token`. The token is handed to `client.http()` as session
 * credentials, so the transport speaks it (the `_session_id` cookie, on the site's origin only — never to a
 * cloud-storage redirect) and scrubs it from its errors; a 401/403 forgets it. A local file link (`file://`
 * url, `link_type: "local"`) is read from its `local_path` (Node) without any request, within the same
 * `signal` and `deadlineMs`; once its copy to `filePath` is complete, the rename into place is not cut short.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param attachment - a url field value `{ url, … }`, an Attachment link, or an Attachment id.
 * @param options - `filePath` and call options (no `kind`).
 */
export function downloadAttachment(target: EntityTarget<SiteSchema, DateMode>, attachment: AttachmentInput, options: DownloadOptions & { readonly filePath: string }): Promise<string>;
/**
 * Download an attachment's bytes (Python `download_attachment`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param attachment - a url field value `{ url, … }`, an Attachment link, or an Attachment id.
 * @param options - call options (no `kind`); `deadlineMs` bounds the whole download, its body included.
 */
export function downloadAttachment(target: EntityTarget<SiteSchema, DateMode>, attachment: AttachmentInput, options?: TransferCallOptions): Promise<Uint8Array>;
export async function downloadAttachment(target: unknown, attachment: unknown, rawOptions?: unknown): Promise<Uint8Array | string> {
  const ctx = contextOf(target);
  if (attachment === null || attachment === undefined) fail(["attachment"], "an attachment to download", attachment);
  const url = attachmentUrl(ctx, attachment) as string;
  const options = checkTransferOptions(rawOptions, ["filePath"]);
  const filePath = options["filePath"] === undefined ? undefined : checkString(options["filePath"], ["options", "filePath"], "a file path");
  const t = transferCall(ctx, options);
  let where: URL;
  try {
    where = new URL(url, ctx.client.site.origin);
  } catch {
    return fail(["attachment", "url"], "an absolute http(s) URL", url);
  }
  const state = filePath === undefined ? "" : `${filePath} was left as it was`;
  if (where.protocol === "file:") {
    // A local file link: read it from disk, as Python's urllib does with its file:// url. Nothing is sent.
    const local = isPlainObject(attachment) && typeof attachment["local_path"] === "string" ? attachment["local_path"] : decodeURIComponent(where.pathname);
    return step(t, `the read of ${local}`, (call) => readLocal(local, filePath, call), state);
  }
  requireHttp(ctx, ["attachment"]);
  const onSite = where.origin === ctx.client.site.origin;
  // deadlineMs bounds the whole download: the wait for a session token, the request and the body, streamed or not.
  const what = `the download of ${where.origin}${where.pathname}`;
  const token = onSite ? await step(t, what, (call) => sessionToken(ctx, call), state) : undefined;
  return step(t, what, (call) => fetchAttachment(ctx, where, onSite, token, filePath, call), state);
}

/** GET the attachment at `where` (with the session `token` on the site's origin) and hand back its bytes, or write them to `filePath`. */
async function fetchAttachment(ctx: Context, where: URL, onSite: boolean, token: string | undefined, filePath: string | undefined, call: CallOptions): Promise<Uint8Array | string> {
  const response = await ctx.client.http({
    method: "GET",
    target: where.href,
    ...(token === undefined ? { authenticated: false } : { credentials: { kind: "session", sessionToken: token } }),
    ...(filePath === undefined ? {} : { responseBody: "stream" }),
    ...call,
    kind: "read",
  });
  if (response.status >= 300) {
    if (onSite && (response.status === 401 || response.status === 403)) forgetSessionToken(ctx);
    const secrets = token === undefined ? [] : [token];
    const body = scrubText(new TextDecoder().decode(response.body.subarray(0, 2000)), secrets);
    const s3 = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
    throw new SgTransferError(`${PREFIX}: failed to download ${where.origin}${where.pathname} (HTTP ${response.status})`, {
      status: response.status,
      reply: s3 ?? body,
      code: "SG_DOWNLOAD_FAILED",
      ...(HINTS[response.status] ? { hint: HINTS[response.status] } : {}),
    });
  }
  return filePath === undefined ? response.body : writeDownload(filePath, response.body, response.stream);
}

/**
 * Read a local file: its bytes, or a copy at `filePath` streamed chunk by chunk to a temporary file next to it
 * and renamed into place (a pipe or device is copied to its end, not to its size). The caller's `signal` and
 * `deadlineMs` end the wait at once, as they end an HTTP download. The read then stops at its next chunk, and a
 * copy's temporary file is removed as soon as it is closed (at once, or once the chunk being written is on disk),
 * without waiting for a read that may never return (a stalled pipe, a hung network share).
 *
 * The rename starts only once the copy is complete and the caller still waits, and it is never cut short (it is
 * quick: same folder). So a `signal` or `deadlineMs` that ends the wait always leaves `filePath` as it was, as its
 * error says; one that comes during the rename comes too late, and the call resolves with `filePath` replaced.
 */
async function readLocal(local: string, filePath: string | undefined, call: CallOptions): Promise<Uint8Array | string> {
  const [fs, { finished, pipeline }] = await Promise.all([import("node:fs"), import("node:stream/promises")]);
  const stop = new AbortController();
  const fail = (cause: unknown): never => {
    throw new SgTransferError(`${PREFIX}: failed to read the local file ${local}`, { cause, code: "SG_DOWNLOAD_FAILED" });
  };
  const wait = <T>(read: Promise<T>): Promise<T> =>
    within(read, call.signal, call.deadlineMs, `the read of ${local}`, undefined, false).catch((error: unknown) => {
      stop.abort();
      throw error;
    });
  if (filePath === undefined) return wait(fs.promises.readFile(local, { signal: stop.signal }).then((bytes) => new Uint8Array(bytes), fail));
  const temp = partPath(filePath);
  const out = fs.createWriteStream(temp, { flags: "wx" });
  // The temporary file is removed once `out` is closed: at once, or once the chunk being written is on disk (also
  // when the read failed first: `pipeline` may reject before `out` has even been opened).
  const drop = (): Promise<void> => {
    const rm = (): Promise<void> => fs.promises.rm(temp, { force: true }).catch(() => {}); // the copy's error is the one to report
    return finished(out).then(rm, rm);
  };
  const failed = (cause: unknown): Promise<never> => drop().then(() => fail(cause));
  // A failed copy is reported once its temporary file is gone; one given up is removed without waiting for its read,
  // which may never return (a stalled pipe, a hung share).
  await wait(pipeline(fs.createReadStream(local), out, { signal: stop.signal }).catch(failed)).catch((error: unknown) => {
    void drop();
    throw error;
  });
  // The copy is complete and the caller still waits: the rename is not cut short (see above).
  return fs.promises.rename(temp, filePath).then(() => filePath, failed);
}

/** A temporary file next to `filePath` (same folder, so renaming it into place is atomic). */
function partPath(filePath: string): string {
  return `${filePath}.${Math.random().toString(36).slice(2, 10)}.part`;
}

/**
 * Write a download to `filePath` through a temporary file next to it (same folder, so the rename is atomic):
 * from `stream` chunk by chunk when the transport streamed, else `bytes`. On failure the temporary file is
 * removed, the stream cancelled (dropping the connection), and the error rethrown: the transport's own
 * (`SgTimeoutError`, `SgAbortError`, `SgNetworkError`) as is, a file-system one as {@link SgTransferError}.
 */
async function writeDownload(filePath: string, bytes: Uint8Array, stream: ReadableStream<Uint8Array> | undefined): Promise<string> {
  const fs = await import("node:fs/promises");
  const temp = partPath(filePath);
  const reader = stream?.getReader();
  try {
    const file = await fs.open(temp, "wx");
    try {
      if (!reader) await file.writeFile(bytes);
      // a short write only happens on odd file systems; write the rest of the chunk
      else for (let chunk; !(chunk = await reader.read()).done; ) for (let at = 0; at < chunk.value.byteLength; ) at += (await file.write(chunk.value, at)).bytesWritten;
    } finally {
      await file.close();
    }
    await fs.rename(temp, filePath);
    return filePath;
  } catch (cause) {
    reader?.cancel().catch(() => {});
    await fs.rm(temp, { force: true }).catch(() => {}); // the download's error is the one to report
    if (cause instanceof SgError) throw cause;
    const code = (cause as { code?: unknown } | null)?.code;
    throw new SgTransferError(`${PREFIX}: failed to write the download to ${filePath}${typeof code === "string" ? ` (${code})` : ""}`, {
      cause,
      code: "SG_DOWNLOAD_FAILED",
      hint: "Check that the folder exists, can be written to, and has room.",
    });
  }
}
