/**
 * Downloads (rpc-protocol §2.8): `getAttachmentDownloadUrl` and `downloadAttachment`. Files on the site
 * are fetched with session credentials — the session of session credentials, or a token obtained once with
 * `get_session_token` for script and user credentials — which the transport sends as the `_session_id`
 * cookie to the site's origin only. Other hosts (e.g. cloud storage) get no credentials. `node:fs` is
 * loaded only when `filePath` is given, and only under Node (see `node-files.ts`); then the body is streamed to
 * a temporary file next to it and renamed into place once complete, so a multi-GB movie never sits in memory
 * and a failed download leaves nothing at `filePath`.
 *
 * @packageDocumentation
 */
import { SgAuthError, SgError, SgValidationError, abortErrorFrom, targetSecrets, urlRefusal, type CallOptions, type Credentials, type DateMode, type HttpResponse } from "@sg/core";
import { localPathKey } from "./records.js";
import { contextOf, forgetSessionToken, sessionToken, tokenRequest, within, type Context, type EntityTarget } from "./context.js";
import { joinRequest } from "./shared-request.js";
import { SgTransferError } from "./errors.js";
import type { SiteSchema } from "./schema-types.js";
import { checkTransferOptions, deadlineError, requireHttp, step, transferCall, type StepState, type Transfer, type TransferCallOptions } from "./transfer.js";
import { writeFifo } from "./fifo-write.js";
import { transferSecrets } from "./transfer-secrets.js";
import type { NodeBuiltins } from "./node-builtins.js";
import { nodeBuiltins } from "./node-files.js";
import { safeFileName } from "./file-name.js";
import { expandHome } from "./home-path.js";
import { PREFIX, checkBoolean, checkId, checkInt, checkString, fail, isPlainObject, optionOr } from "./validate.js";

/**
 * An attachment as `downloadAttachment` accepts it: a url field value, an Attachment link, or an Attachment id. The
 * object is typed with an index signature (an object literal may hold other keys) and without (a value declared as
 * an `interface`, which has no implicit index signature).
 */
export type AttachmentInput =
  | { readonly url?: string | null; readonly type?: string; readonly id?: number; readonly [key: string]: unknown }
  | { readonly url?: string | null; readonly type?: string; readonly id?: number }
  | number;

/**
 * The attachment parameter: an {@link AttachmentInput}, or a value typed `unknown`, such as a loose record's field
 * (`downloadAttachment(client, rec["sg_uploaded_movie"])`, as in Python), checked at run time as any other. A value
 * of another type is refused at compile time as before.
 */
export type AttachmentArg<A> = unknown extends A ? A : AttachmentInput;

/** Options of `openAttachment`, plus call options. */
export interface OpenAttachmentOptions extends TransferCallOptions {
  /**
   * `false` refuses a local file link (`link_type: "local"`, a `file://` url) before anything is read, with
   * `SgTransferError` (`SG_LOCAL_LINK_REFUSED`): its path is the site's value and may name any file this process can
   * read. Default `true`: the file is read, as the Python client does.
   */
  readonly localFiles?: boolean | undefined;
}

/** Options of `downloadAttachment`, plus call options. */
export interface DownloadOptions extends OpenAttachmentOptions {
  /**
   * Write the file here and resolve to this path instead of the bytes. A path that is `~` or starts with `~/` is in
   * the home folder (Node's `os.homedir()`), as an upload's path is; the call resolves to it expanded, which its errors
   * name too. The body is streamed to a temporary
   * file in the same folder (`<filePath>.<random>.part`) and renamed to `filePath` once complete; on any
   * failure the temporary file is removed and `filePath` is left as it was. A named pipe or a device (or a link to
   * one, e.g. `/dev/stdout`) is written into as it is, as `curl -o` does; a named pipe's reader is waited for without
   * holding a thread, within `signal` and `deadlineMs`. A folder (or a path ending in a separator), a write-protected
   * file, or a path in no existing folder is refused with `SgValidationError` before anything is sent. `null`: not given, as Python's `None`.
   */
  readonly filePath?: string | null | undefined;
  /**
   * The largest file read into memory, in bytes (without `filePath`): a longer answer is not read past it — the
   * transport counts the body as it arrives (decoded), and drops the connection at the limit — and a local file link
   * larger than it is not read; either fails with `SgTransferError` (`SG_DOWNLOAD_TOO_LARGE`). A positive whole
   * number; default 2 GiB (2 147 483 648). Downloads to `filePath` and {@link openAttachment}'s stream are not bounded
   * by it: their memory stays flat whatever the size.
   */
  readonly maxBytes?: number | undefined;
}

/** The default of {@link DownloadOptions.maxBytes}: 2 GiB. */
const MAX_BYTES = 2 ** 31;

/**
 * The `SgTransferError` (`SG_DOWNLOAD_TOO_LARGE`) of `what` (a download, or the read of a local file), longer than
 * `max` bytes, that was not read into memory; `cause` the transport's refusal, if any.
 */
function tooLarge(what: string, max: number, cause?: unknown): SgTransferError {
  return new SgTransferError(`${PREFIX}: ${what} is larger than options.maxBytes, ${max} bytes: it was not read`, {
    cause,
    code: "SG_DOWNLOAD_TOO_LARGE",
    hint: "Raise options.maxBytes, or give a filePath, or stream it with openAttachment().",
  });
}

/**
 * The URL an attachment downloads from (Python `get_attachment_download_url`), or `null` for `null`. Throws
 * `SgValidationError` synchronously for anything else that is not an attachment.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param attachment - a url field value `{ url, … }`, an Attachment link, or an Attachment id.
 */
export function getAttachmentDownloadUrl<A>(target: EntityTarget<SiteSchema, DateMode>, attachment: AttachmentArg<A> | null): string | null {
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
  0: "A redirect a browser's fetch hides: in a browser, let it open getAttachmentDownloadUrl() itself.",
};

/** An attachment being read, from {@link openAttachment}: its body as a stream, and what is known of it. */
export interface AttachmentStream {
  /**
   * The file's bytes, chunk by chunk, read from the network (or the disk) only as fast as they are read from
   * here: nothing is read ahead, so memory stays flat whatever the size. Read it to its end or `cancel()` it:
   * until then the connection (or the local file) stays open. Cancelling drops the connection. It errors with
   * `SgAbortError` when the call's `signal` aborts, with `SgTimeoutError` when its `deadlineMs` passes (or, without
   * one, the transport's `transferDeadlineMs`) or no data comes for `timeoutMs`, and with `SgNetworkError` on a
   * reset midway; nothing is retried once it has been handed over.
   */
  readonly stream: ReadableStream<Uint8Array>;
  /**
   * The size in bytes when known: the answer's `Content-Length` (not when the body is content-encoded, since the
   * stream gives it decoded), the size of a local regular file, the length of the bytes of a transport that cannot
   * stream; else `undefined` (a chunked answer, a pipe).
   */
  readonly size: number | undefined;
  /** The answer's `Content-Type`, or a local file link's `content_type`, when given. */
  readonly contentType: string | undefined;
  /**
   * The file name of the answer's `Content-Disposition`, or the last part of a local file link's path, when given:
   * the site's text reduced to a plain name — its last part after `/` or `\`, without control and bidi characters
   * — so that joining it to a folder stays in it; `undefined` when nothing is left, or for `.` and `..`.
   */
  readonly fileName: string | undefined;
}

/**
 * Download an attachment's bytes (Python `download_attachment`), or write them to `filePath` (Node).
 *
 * With `filePath` the body is streamed to disk (a temporary file next to it, renamed on success), never held
 * in memory; the limits apply to the whole transfer — `deadlineMs` to all of it, the wait for a session token
 * and the body to its last byte included; `timeoutMs` to each wait for data, so a stalled download fails with
 * `SgTimeoutError`; and `signal` ends it at once with `SgAbortError`. A `kind` is refused. To hand the bytes on as
 * they arrive (stdout, an HTTP response, a hash), use {@link openAttachment}.
 *
 * Files on the site's own origin are fetched with a session: the session of session credentials, or a token
 * obtained once per client with `get_session_token`. The token is handed to `client.http()` as session
 * credentials, so the transport speaks it (the `_session_id` cookie, on the site's origin only — never to a
 * cloud-storage redirect) and scrubs it from its errors. A 401/403 (an expired session) forgets it and the GET is
 * sent once more with a new session: a token fetched again (one for every download refused with the same token), or
 * the auth strategy's renewed session (its `onRejected`, as for a call's fault 102; what it throws, e.g. a session
 * that cannot be renewed, is what the download rejects with). Nothing of the body was written by then; a second
 * refusal is the `SgTransferError`, with a hint. A local file link (`file://`
 * url, `link_type: "local"`) is read from its `local_path` (Node) without any request, within the same
 * `signal` and `deadlineMs`; once its copy to `filePath` is complete, the rename into place is not cut short. That
 * path is the site's value and may name any file of this machine: `localFiles: false` refuses such a link.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param attachment - a url field value `{ url, … }`, an Attachment link, or an Attachment id.
 * @param options - `filePath` and call options (no `kind`).
 */
export function downloadAttachment<A>(target: EntityTarget<SiteSchema, DateMode>, attachment: AttachmentArg<A>, options: DownloadOptions & { readonly filePath: string }): Promise<string>;
/**
 * Download an attachment's bytes (Python `download_attachment`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param attachment - a url field value `{ url, … }`, an Attachment link, or an Attachment id.
 * @param options - `localFiles`, `maxBytes` (the most bytes read into memory, default 2 GiB: past it
 * `SgTransferError` `SG_DOWNLOAD_TOO_LARGE`) and call options (no `kind`); `deadlineMs` bounds the whole download,
 * its body included.
 */
export function downloadAttachment<A>(target: EntityTarget<SiteSchema, DateMode>, attachment: AttachmentArg<A>, options?: DownloadOptions & { readonly filePath?: null | undefined }): Promise<Uint8Array>;
/**
 * Download an attachment when whether there is a `filePath` is known only at run time (options typed
 * {@link DownloadOptions}, `{ filePath: maybe }`): the path once written, or the bytes.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param attachment - a url field value `{ url, … }`, an Attachment link, or an Attachment id.
 * @param options - `filePath` (or undefined) and call options (no `kind`); the options themselves may be undefined.
 */
export function downloadAttachment<A>(target: EntityTarget<SiteSchema, DateMode>, attachment: AttachmentArg<A>, options?: DownloadOptions): Promise<Uint8Array | string>;
export async function downloadAttachment(target: unknown, attachment: unknown, rawOptions?: unknown): Promise<Uint8Array | string> {
  const d = prepare(target, attachment, rawOptions, ["filePath", "maxBytes"]);
  const given = optionOr<string | undefined>(d.options, "filePath", undefined, (value, path) => checkString(value, path, "a file path"), true);
  // `~/` is the home folder, as in an upload's path (outside Node, filesFor refuses any path before anything is sent)
  const filePath = given === undefined ? undefined : expandHome(given, (await filesFor(given)).os.homedir);
  // outside Node, a folder or a read-only file: refused before anything is sent
  const into = filePath !== undefined && (await checkTarget(filePath));
  // a pipe or device: nothing is written into it until it is open
  const mark: Opened = { open: false };
  const state = (): string => (filePath === undefined ? "" : !into ? `${filePath} was left as it was` : `${mark.open ? "part of it may have been" : "nothing was"} written into ${filePath}`);
  if (d.local !== undefined) {
    const local = d.local;
    return step(d.t, `the read of ${local}`, (call) => readLocal(local, filePath, call, d.max, mark), state);
  }
  return fetchAttachment<Uint8Array | string>(d, filePath !== undefined, state, (response, call) => {
    // a transport that does not know maxBytes read it all: the bytes are still refused
    if (filePath === undefined && response.body.byteLength > d.max) throw tooLarge(d.what, d.max);
    return filePath === undefined ? response.body : writeDownload(filePath, response.body, response.stream, call, mark);
  });
}

/**
 * Open an attachment for reading as a stream (no Python equivalent): resolves, once the site (or the storage it
 * redirects to) has answered with the file, to its body as a web `ReadableStream<Uint8Array>` with its size, type
 * and name when the answer tells them — to pipe a file on (to stdout, an HTTP response, cloud storage, a hash) as
 * it arrives, with memory flat whatever its size. The same attachments, URLs, session token, errors and hints as
 * {@link downloadAttachment}: a refused download rejects with `SgTransferError` (`SG_DOWNLOAD_FAILED`, `status`,
 * the hints for 400, 409 and 410), and a 401/403 renews the session and sends the GET once more. A local file link (`file://` url,
 * `link_type: "local"`) gives a stream of its `local_path` (Node), with no request; `localFiles: false` refuses it,
 * since that path is the site's value. A transport that cannot stream gives a stream of the bytes it read.
 *
 * Limits: `signal`, `deadlineMs` and `timeoutMs` bound the wait for the answer as for `downloadAttachment`, and
 * keep bounding the body once the stream is handed over: `signal` errors the stream with `SgAbortError` and drops
 * the connection, `deadlineMs` covers the whole download to its last byte (the time the reader takes included;
 * without it the transport's `transferDeadlineMs`, 30 min by default, bounds the exchange) and errors the stream
 * with the same `SgTimeoutError` as `downloadAttachment`'s, `timeoutMs` bounds each wait for the next chunk. For
 * a local file link `signal` and `deadlineMs` bound the opening and the reading of the file. Read the stream to its
 * end or `cancel()` it: until then the connection is held; cancelling drops it. A `kind` is refused.
 *
 * ```ts
 * import { Readable } from "node:stream";
 * import { pipeline } from "node:stream/promises";
 *
 * const { stream, size } = await openAttachment(client, version.sg_uploaded_movie, { signal });
 * // The cast: with the DOM lib loaded (a default tsconfig) `stream` is typed as DOM's ReadableStream, which
 * // `Readable.fromWeb`'s node:stream/web type does not accept (TS2345); it is the same object at run time.
 * const body = stream as import("node:stream/web").ReadableStream<Uint8Array>;
 * await pipeline(Readable.fromWeb(body), process.stdout); // back-pressured: memory stays flat
 * ```
 *
 * (On Node 20, `stream.pipeTo(Writable.toWeb(…))` is not back-pressured: it buffered most of a 512 MB file in the
 * bench. `Readable.fromWeb` and `pipeline`, or a loop over the chunks that awaits each write, keep memory flat.)
 *
 * @param target - a client or an {@link EntityContext}.
 * @param attachment - a url field value `{ url, … }`, an Attachment link, or an Attachment id.
 * @param options - `localFiles` and call options (no `kind`).
 */
export async function openAttachment<A>(target: EntityTarget<SiteSchema, DateMode>, attachment: AttachmentArg<A>, options?: OpenAttachmentOptions): Promise<AttachmentStream> {
  const d = prepare(target, attachment, options, []);
  const t = d.t;
  if (d.local !== undefined) {
    const local = d.local;
    const what = `the read of ${local}`;
    const link = attachment as Readonly<Record<string, unknown>>;
    return step(t, what, (call) => openLocal(local, typeof link["content_type"] === "string" ? link["content_type"] : undefined, call, (error) => deadlineError(t, call.deadlineMs ?? 0, error, what, "")), "");
  }
  return fetchAttachment(d, true, "", (response, call) => {
    const headers = response.headers;
    const length = headers.get("content-length");
    const encoded = (headers.get("content-encoding") ?? "identity").toLowerCase() !== "identity";
    const size = response.stream ? (length !== null && /^\d+$/.test(length) && !encoded ? Number(length) : undefined) : response.body.byteLength;
    const reader = response.stream?.getReader();
    let bytes: Uint8Array | undefined = response.body;
    const read = reader ? (): Promise<Uint8Array | undefined> => reader.read().then((chunk) => chunk.value) : async (): Promise<Uint8Array | undefined> => bytes && ((bytes = undefined), response.body);
    return {
      // The transport keeps the body under the call's limits; its deadline error and an abort (with or without a
      // deadline) become the download's own, naming it; any other error goes as it is (see deadlineError).
      stream: bodyStream(read, (reason) => void reader?.cancel(reason).catch(() => {}), (error) => deadlineError(t, call.deadlineMs ?? 0, error, d.what, "")),
      size,
      contentType: headers.get("content-type") ?? undefined,
      fileName: safeFileName(dispositionName(headers.get("content-disposition"))),
    };
  });
}

/** A download as its functions start it: the context, the transfer, where the file is, and the options. */
interface Download {
  readonly ctx: Context;
  readonly t: Transfer;
  readonly where: URL;
  /** "the download of <origin><path>", for errors. */
  readonly what: string;
  /** The path of a local file link, read from disk instead of fetched. */
  readonly local: string | undefined;
  readonly options: Readonly<Record<string, unknown>>;
  /** `options.maxBytes`: the most bytes of a body read into memory. */
  readonly max: number;
}

/** Check a download's arguments (options `known` besides the call options) and resolve where the file is. */
function prepare(target: unknown, attachment: unknown, rawOptions: unknown, known: readonly string[]): Download {
  const ctx = contextOf(target);
  if (attachment === null || attachment === undefined) fail(["attachment"], "an attachment to download", attachment);
  const url = attachmentUrl(ctx, attachment) as string;
  const options = checkTransferOptions(rawOptions, known.concat("localFiles"));
  const localFiles = optionOr(options, "localFiles", true, checkBoolean);
  const max = optionOr(options, "maxBytes", MAX_BYTES, (value, path) => checkInt(value, path, 1, "a positive whole number of bytes"));
  const t = transferCall(ctx, options);
  let where: URL;
  try {
    where = new URL(url, ctx.client.site.origin);
  } catch {
    throw new SgValidationError(PREFIX, urlRefusal(["attachment", "url"], "an absolute http(s) URL", url));
  }
  // A local file link: read it from disk, as Python's urllib does with its file:// url. Nothing is sent.
  if (where.protocol === "file:" && !localFiles) {
    throw new SgTransferError(`${PREFIX}: options.localFiles is false: the local file link ${where.href} was not read`, { code: "SG_LOCAL_LINK_REFUSED" });
  }
  const local = where.protocol !== "file:" ? undefined : localPath(attachment, where);
  if (local === undefined) requireHttp(ctx, ["attachment"]);
  return { ctx, t, where, what: `the download of ${where.origin}${where.pathname}`, local, options, max };
}

/** The per-OS path keys of a local file link. */
const PLATFORM_KEYS = ["local_path_linux", "local_path_mac", "local_path_windows"];

/**
 * The path of the local file link `link` (url `where`) on this OS: its `local_path` when it is this OS's, else the url's
 * path. A site value whose `local_path_<platform>` for this OS is null has no path here: its `local_path` is then null
 * (read through `find`) or another OS's (a site value as it came), which would be read as a file name relative to the
 * working folder, so it is refused (`SgTransferError`) unless the app set `local_path` to where the file is here.
 */
function localPath(link: unknown, where: URL): string {
  const key = localPathKey();
  const given = isPlainObject(link) ? link : {};
  const set = given["local_path"];
  // another OS's path as local_path: one of the other local_path_<platform> values
  const foreign = key !== undefined && key in given && typeof given[key] !== "string" && (typeof set !== "string" || PLATFORM_KEYS.some((k) => k !== key && given[k] === set));
  const path = foreign ? "" : typeof set === "string" && set ? set : urlPath(String(given["url"]), where);
  if (path) return path;
  const storage = isPlainObject(given["local_storage"]) ? given["local_storage"] : undefined;
  throw new SgTransferError(`${PREFIX}: the local file link has no path for this OS: its ${key ?? "local_path"} is ${given[key ?? "local_path"]}${storage ? ` (LocalStorage ${storage["id"]} '${storage["name"]}')` : ""}`, {
    code: "SG_DOWNLOAD_FAILED",
    hint: `Give its LocalStorage a path for this OS, or set the link's local_path and ${key ?? "local_path"} to where the file is here.`,
  });
}

/**
 * The path of a local file link that has only its url. The site's links (and this package's records, as Python's) carry
 * `local_path`, which is read instead, and a url of `"file://" + path`: the path as it is, not percent-encoded
 * (rpc-protocol, record post-processing), while a url an app made with `pathToFileURL` is encoded. So a url holding
 * what an encoded one cannot — a space, a non-ASCII character, `\`, `#`, `?`, a `%` not followed by two hex digits — is
 * the path as written (`file:///p/進捗 100%.txt`, `file:///p/進捗 %41.txt`); an all-ASCII one of encoded form is
 * decoded as `fileURLToPath` does (`file:///p/a%41.txt` is `/p/aA.txt`), and read as written if that fails (not UTF-8).
 * A file whose name holds a literal `%41` and nothing else to tell is read through `local_path`. The path is the url's
 * after `file://`, `file://localhost` or `file:` (always from its `/`); a url naming another host (`file://server/share/…`,
 * a UNC path) is refused (`SgTransferError`) rather than read as a path relative to the working folder, and so is one
 * whose path starts with two separators (`file:////server/share/…`, `file:///\\server\share\…`), on every OS: Windows
 * would read it as the same share, and POSIX as `/server/share/…`, another file than the one meant. On Windows a
 * drive path (`/C:/p`, `/C:\p`, or `C:\p` right after `file://`, as this package's own `"file://" + local_path` urls are) is
 * `C:\p`, with backslashes, as `fileURLToPath(url, { windows: true })` reads it.
 */
function urlPath(url: string, where: URL): string {
  // file:///p, file://localhost/p, file:/p (and on Windows file://C:\p): `/p` as written; any other form (`file:p`) as
  // the URL parser reads it
  const written = url.replace(/^file:(\/\/(localhost)?)?/i, "");
  const drive = localPathKey() == "local_path_windows" && /^\/?[a-z]:[/\\]/i;
  const raw = written[0] == "/" || (drive && drive.test(written)) ? written : where.pathname;
  // an encoded `/` or `\` is not decoded into a separator (fileURLToPath refuses it): such a url is read as written
  const path = /^(?:[\w\-.~!$&'()*+,;=:@/]|%[\da-f]{2})*$/i.test(raw) && !/%(2f|5c)/i.test(raw) ? (utf8(where.pathname) ?? raw) : raw;
  // a path that starts with two separators (file:////server/share, file:///\\server) is a UNC path: another machine too
  const unc = /^[/\\]{2}[/\\]*([^/\\]*)/.exec(path);
  if (where.host || unc) {
    throw new SgTransferError(`${PREFIX}: the local file link ${url} names another machine (${where.host || unc![1]}): only its local_path, the site's LocalStorage path for this OS, is read`, {
      code: "SG_DOWNLOAD_FAILED",
      hint: "Give its LocalStorage a path for this OS, or set the link's local_path to where the file is here.",
    });
  }
  // on Windows `/C:/p` (and `C:/p`) is `C:\p`, as fileURLToPath(url, { windows: true }) reads it
  return drive && drive.test(path) ? path.replace(/^\//, "").replaceAll("/", "\\") : path;
}

/**
 * GET the attachment of `d` and hand the answer to `use` once it is a 2xx, within the same step: `deadlineMs` bounds the
 * whole download — the wait for a session, the request, and what `use` does with the body (streamed when `stream` and
 * the transport can). On the site's origin the request carries a session:
 *
 * - the auth strategy's own, when its credentials are a session: `client.http()` adds them, and a 401/403 goes through
 *   the strategy as a call's fault 102 does (`refused`: its `onRejected` renews the session, the GET is sent once more);
 * - else a token from `get_session_token` (cached per client), given as explicit session credentials: a 401/403
 *   forgets it, and the GET is sent once more with a new one (see {@link renewedToken}).
 *
 * Either way the GET is repeated once, and only after a refusal, which is never streamed: nothing of the body was
 * written. A refused download is an {@link SgTransferError} whose reply is scrubbed of every secret it was sent with
 * (the session tokens, the site URL's Basic auth).
 */
async function fetchAttachment<T>(d: Download, stream: boolean, state: StepState, use: (response: HttpResponse, call: CallOptions) => T | Promise<T>): Promise<T> {
  const { ctx, where, what } = d;
  if (where.origin !== ctx.client.site.origin) return get(d, undefined, stream, state, use);
  const credentials = await step(d.t, what, (call) => within(ctx.client.credentials(), call.signal, call.deadlineMs, "credentials", "login", false), state);
  if (credentials.kind === "session") return getWithOwnSession(d, stream, state, use);
  const token = await step(d.t, what, (call) => sessionToken(ctx, call), state);
  try {
    return await get(d, token, stream, state, use);
  } catch (error) {
    if (!refusedSession(error)) throw error;
    const fresh = await step(d.t, what, (call) => renewedToken(ctx, token, call), state);
    if (fresh === token) throw error;
    // The refused token is scrubbed from this one's errors too: a site may echo any token it was sent.
    return get(d, fresh, stream, state, use, { hint: NEW_TOKEN_REFUSED, secret: token });
  }
}

/** The hint of a download the site refused for its session. */
const SESSION_REFUSED = "The site refused the session for this file: it may have expired, or the script or user may not be allowed to see this attachment.";

/** The hint of a download refused with a session token fetched again after the first was refused. */
const NEW_TOKEN_REFUSED = "A new session token was refused too: the script or user may not be allowed to see this attachment.";

/** Whether `error` is a download the site refused for its session (HTTP 401 or 403). */
function refusedSession(error: unknown): error is SgTransferError {
  return error instanceof SgTransferError && (error.status === 401 || error.status === 403);
}

/**
 * GET the attachment of `d` on the site with the auth strategy's own session credentials (added by `client.http()`),
 * a 401/403 handed to the strategy as a refusal of them (see {@link fetchAttachment}). A refusal it could not help —
 * the GET sent again was refused too, or the strategy had no new session and no error of its own (which is thrown as
 * it is, e.g. one saying to log in again) — is the download's `SgTransferError`.
 */
async function getWithOwnSession<T>(d: Download, stream: boolean, state: StepState, use: (response: HttpResponse, call: CallOptions) => T | Promise<T>): Promise<T> {
  let last: { readonly response: HttpResponse; readonly error: SgAuthError } | undefined;
  const own: OwnSession = {
    sent: [],
    refused: (response) => {
      if ((response.status !== 401 && response.status !== 403) || offSite(d, response)) return undefined;
      const error = new SgAuthError(`${PREFIX}: the site refused the session for ${d.what} (HTTP ${response.status})`, { method: d.where.pathname });
      last = { response, error };
      return error;
    },
  };
  try {
    return await get(d, own, stream, state, use);
  } catch (error) {
    if (last && error === last.error) throw downloadFailed(d, last.response, own.sent, "The session was refused (and, if the auth strategy renewed it, the new one too): the user may not be allowed to see this attachment.");
    throw error;
  }
}

/**
 * The auth strategy's own session for a GET (see {@link getWithOwnSession}): the check of each answer for a refusal,
 * and the credentials each answer came to, which a failed download's reply is scrubbed of (the session before a
 * renewal, and the renewed one).
 */
interface OwnSession {
  /** The refusal `response` is (HTTP 401 or 403), else `undefined`. */
  readonly refused: (response: HttpResponse, credentials?: Credentials) => SgAuthError | undefined;
  /** The credentials of each answer so far, in order. */
  readonly sent: Credentials[];
}

/**
 * Per client, the token fetched again after the site refused one: the downloads refused with the same token share
 * one `get_session_token`, as the calls refused together share one refresh of the credentials.
 */
const renewals: WeakMap<object, { readonly refused: string; readonly token: Promise<string> }> = /* @__PURE__ */ new WeakMap();

/**
 * A new download session token after the site refused `refused` (which the refused GET forgot), within the caller's
 * limits.
 */
function renewedToken(ctx: Context, refused: string, call: CallOptions): Promise<string> {
  let renewal = renewals.get(ctx.client);
  // As sessionToken: started and joined with the caller's signal (else the defaults'), so that it ends once every
  // download waiting for it has aborted; an aborted caller starts none.
  const signal = call.signal ?? ctx.client.defaults?.signal;
  if (signal?.aborted) return Promise.reject(abortErrorFrom(signal));
  if (renewal?.refused !== refused) {
    // Shared by every download refused with `refused`: fetched without any caller's limits, as sessionToken does.
    const made = { refused, token: tokenRequest(ctx, signal) };
    renewals.set(ctx.client, made);
    // A failed renewal is not kept: the next download refused with the same token tries again.
    made.token.catch(() => renewals.get(ctx.client) === made && renewals.delete(ctx.client));
    renewal = made;
  }
  return within(joinRequest(renewal.token, signal), signal, call.deadlineMs, "'get_session_token'", "get_session_token");
}

/** A download session token as the credentials it is sent as. */
const tokenCredentials = (sessionToken: string): Credentials => ({ kind: "session", sessionToken });

/**
 * One GET of the attachment of `d` within a step: with the session `token` as explicit credentials, with the
 * strategy's credentials and their `refused` check ({@link OwnSession}, which also collects the credentials each answer
 * came to), or (`undefined`, off the site) with none. A status of 300 or more is an {@link SgTransferError} (401/403
 * forget the cached token), its reply scrubbed of the secrets of every credentials sent. A GET sent again after a
 * refusal gives `again`: the hint of a 401/403, and the refused token, scrubbed from the reply as the one sent is.
 */
function get<T>(
  d: Download,
  session: string | OwnSession | undefined,
  stream: boolean,
  state: StepState,
  use: (response: HttpResponse, call: CallOptions) => T | Promise<T>,
  again?: { readonly hint: string; readonly secret: string },
): Promise<T> {
  const { ctx, where } = d;
  const sent = typeof session === "string" ? [tokenCredentials(session), ...(again ? [tokenCredentials(again.secret)] : [])] : (session?.sent ?? []);
  const auth =
    session === undefined
      ? { authenticated: false }
      : typeof session === "string"
        ? { credentials: sent[0] }
        : {
            refused: (response: HttpResponse, credentials?: Credentials): SgAuthError | undefined => {
              if (credentials) sent.push(credentials);
              return session.refused(response, credentials);
            },
          };
  return step(d.t, d.what, async (call) => {
    // bytes are read whole up to maxBytes; the transport's refusal is known by its code (another transport's
    // protocol errors are not taken for it), on the error or, for a custom transport's plain error, on the cause of the
    // SgNetworkError core makes of it
    const response = await ctx.client.http({ method: "GET", target: where.href, ...auth, ...(stream ? { responseBody: "stream" } : { maxBytes: d.max }), ...call, kind: "read" }).catch((error: unknown) => {
      const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
      throw e?.code === "SG_RESPONSE_TOO_LARGE" || (e?.code === "SG_NETWORK" && e.cause?.code === "SG_RESPONSE_TOO_LARGE") ? tooLarge(d.what, d.max, error) : error;
    });
    // status 0 is a redirect a browser's fetch hides (no file in it), never a success
    if (response.status > 199 && response.status < 300) return use(response, call);
    // a refusal from elsewhere (a signed storage link the site redirected to) says nothing of the session
    const refused = session !== undefined && (response.status === 401 || response.status === 403) && !offSite(d, response);
    if (refused) forgetSessionToken(ctx, typeof session === "string" ? session : undefined);
    throw downloadFailed(d, response, sent, refused ? (again?.hint ?? SESSION_REFUSED) : undefined);
  }, state);
}

/**
 * The origin `response` came from when it is not the site's (a storage link the site redirected to, or was given),
 * else undefined. A `url` that is empty or not a URL (a custom transport's) counts as the link asked for.
 */
function offSite(d: Download, response: HttpResponse): string | undefined {
  let origin = d.where.origin;
  try {
    origin = new URL(response.url || d.where.href, d.where).origin;
  } catch {}
  return origin === d.ctx.client.site.origin ? undefined : origin;
}

/**
 * The hint of a download refused (401/403) by another origin than the site's: it names that origin (a storage link, a
 * web link's server, or the site's other address it redirected to, where its session is not sent either).
 */
function offSiteRefusal(d: Download, response: HttpResponse): string | undefined {
  const origin = (response.status === 401 || response.status === 403) && offSite(d, response);
  return origin ? `${origin} refused the download: a signed link may have expired (download again for a new one); the site's credentials are not sent there.` : undefined;
}

/**
 * The {@link SgTransferError} of a download answered `response` (300 or more), its reply scrubbed of the secrets of
 * the `sent` credentials, of the site's Basic auth and of the query of the link and of the URL the answer came from
 * after redirects ({@link transferSecrets}).
 */
function downloadFailed(d: Download, response: HttpResponse, sent: readonly Credentials[], hint = HINTS[response.status] ?? offSiteRefusal(d, response)): SgTransferError {
  const body = new TextDecoder().decode(response.body.subarray(0, 2000));
  const s3 = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  return new SgTransferError(`${PREFIX}: failed to download ${d.where.origin}${d.where.pathname} (HTTP ${response.status})`, {
    status: response.status,
    reply: s3 ?? body,
    secrets: [...transferSecrets(d.ctx.client.site, sent, d.where), ...targetSecrets(response.url)],
    code: "SG_DOWNLOAD_FAILED",
    ...(hint ? { hint } : {}),
  });
}

/**
 * A stream of the chunks `read` gives (`undefined` at the end), pulled only when its reader reads (nothing is read
 * ahead). Its errors go through `mapError`. `release` lets go of the source — on cancel, on an error, at the end
 * (`undefined`) — once. `watch`, when given, is called at the start with a function that errors the stream at once
 * (a signal, a deadline) and returns what stops watching.
 */
function bodyStream(
  read: () => Promise<Uint8Array | undefined>,
  release: (reason: unknown) => void,
  mapError: (error: unknown) => unknown,
  watch?: (stop: (error: unknown) => void) => () => void,
): ReadableStream<Uint8Array> {
  let over = false;
  let unwatch: (() => void) | undefined;
  const finish = (reason: unknown): void => {
    if (over) return;
    over = true;
    unwatch?.();
    release(reason);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const stop = (error: unknown): void => {
          if (over) return;
          controller.error(mapError(error));
          finish(error);
        };
        unwatch = watch?.(stop);
        if (over) unwatch?.(); // already stopped while being set up
      },
      async pull(controller) {
        let chunk: Uint8Array | undefined;
        try {
          chunk = await read();
        } catch (error) {
          if (over) return;
          controller.error(mapError(error));
          return finish(error);
        }
        if (over) return;
        if (chunk !== undefined) return controller.enqueue(chunk);
        controller.close();
        finish(undefined);
      },
      cancel(reason) {
        finish(reason ?? new Error("cancelled"));
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The file name of a `Content-Disposition` header, if any: `filename*` (RFC 8187, its charset UTF-8 or ISO-8859-1, its
 * value quoted or not) when valid, else `filename`. Parameter names are case-insensitive; a quoted value has its `\"`
 * and `\\` unescaped (any other `\` is kept: senders put Windows paths there unescaped). Header values are byte strings
 * (fetch and node:http read them as Latin-1), and many servers send a raw UTF-8 `filename`: read as UTF-8 when it is,
 * as browsers do, else as Latin-1.
 */
function dispositionName(header: string | null): string | undefined {
  const params: Record<string, string> = {};
  // a parameter after a `;` or at the start (no disposition type); a quoted value never closed loses its opening quote
  for (const [, key, quoted, token] of (header ?? "").matchAll(/(?:^|;)\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|"?([^;]*))/g)) {
    params[key!.toLowerCase()] ??= quoted?.replace(/\\(["\\])/g, "$1") ?? token!.trim();
  }
  const [, charset, value] = /^(utf-8|iso-8859-1)'[^']*'((?:[^%]|%[\da-f]{2})*)$/i.exec(params["filename*"]!) ?? []; // undefined: no match
  const plain = params["filename"];
  // escape() gives each character up to U+00FF as its byte %XX (and %uXXXX, refused, above): decodeURIComponent reads
  // those bytes as UTF-8 and throws when they are not; unescape() reads %XX as ISO-8859-1
  // (the charset with a sixth character).
  return utf8(value, charset?.[5] ? unescape : decodeURIComponent) || (plain && (utf8(escape(plain)) ?? plain));
}

/** `decode(text)` (by default `decodeURIComponent`), or `undefined` for no text or when it throws (not UTF-8). */
function utf8(text: string | undefined, decode = decodeURIComponent): string | undefined {
  try {
    return text && decode(text);
  } catch {
    return undefined;
  }
}

/**
 * A stream of the local file `local` (Node), opened within the caller's `signal` and `deadlineMs` (a file on a hung
 * network share does not hang the caller), read 64 KiB at a time as its reader reads. The same `signal` and what is
 * left of `deadlineMs` keep bounding the reading: either errors the stream at once (through `mapError`), without
 * waiting for a read that may never return, and the file is closed once that read is over. A read error is an
 * {@link SgTransferError} (`SG_DOWNLOAD_FAILED`), as with `downloadAttachment`.
 */
async function openLocal(local: string, contentType: string | undefined, call: CallOptions, mapError: (error: unknown) => unknown): Promise<AttachmentStream> {
  const { fs } = await localFiles(local);
  const failed = (cause: unknown): never => {
    throw new SgTransferError(`${PREFIX}: failed to read the local file ${local}`, { cause, code: "SG_DOWNLOAD_FAILED" });
  };
  const what = `the read of ${local}`;
  const endsAt = call.deadlineMs === undefined ? Infinity : performance.now() + call.deadlineMs;
  const opening = fs.promises.open(local, "r").then(async (handle) => {
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) failed(new Error(`${local} is a folder`));
      return { handle, size: stats.isFile() ? stats.size : undefined };
    } catch (error) {
      await handle.close().catch(() => {});
      // a failed stat is a failed read too: SgTransferError, not a raw Node error
      if (error instanceof SgError) throw error;
      return failed(error);
    }
  }, failed);
  const { handle, size } = await within(opening, call.signal, call.deadlineMs, what, "file", false).catch((error: unknown) => {
    // given up: close the file once it is open, if it ever is
    opening.then(({ handle }) => handle.close(), () => {}).catch(() => {});
    throw error;
  });
  const read = async (): Promise<Uint8Array | undefined> => {
    const buffer = new Uint8Array(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, null).catch(failed);
    return bytesRead === 0 ? undefined : buffer.subarray(0, bytesRead);
  };
  // The same wait as the opening's, on a promise that settles when the stream is over (which ends the watch). Its
  // timer does not hold the process: a read under way does, and a stream its reader dropped must not (for deadlineMs).
  const watch = (stop: (error: unknown) => void): (() => void) => {
    let over!: () => void;
    within(new Promise<void>((resolve) => (over = resolve)), call.signal, endsAt === Infinity ? undefined : Math.max(1, Math.ceil(endsAt - performance.now())), what, "file", false, false).catch(stop);
    return over;
  };
  // FileHandle.close waits for a read in progress, so the file is closed once a stalled read returns.
  const stream = bodyStream(read, () => void handle.close().catch(() => {}), mapError, watch);
  return { stream, size, contentType, fileName: safeFileName(local) };
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
async function readLocal(local: string, filePath: string | undefined, call: CallOptions, max: number, mark: Opened): Promise<Uint8Array | string> {
  const builtins = await localFiles(local);
  const { fs, streamPromises: { finished, pipeline } } = builtins;
  const stop = new AbortController();
  const fail = (cause: unknown): never => {
    throw new SgTransferError(`${PREFIX}: failed to read the local file ${local}`, { cause, code: "SG_DOWNLOAD_FAILED" });
  };
  const wait = <T>(read: Promise<T>): Promise<T> =>
    within(read, call.signal, call.deadlineMs, `the read of ${local}`, "file", false).catch((error: unknown) => {
      stop.abort();
      throw error;
    });
  if (filePath === undefined) {
    // Opened without blocking (a pipe with no writer would hold the open; O_RDONLY is 0, and Windows, without
    // O_NONBLOCK, gets "r"), and read only as a regular file no larger than `max`: a pipe or a device (/dev/zero) has
    // no end to bound.
    const whole = fs.promises.open(local, fs.constants.O_NONBLOCK ?? "r").then(async (handle) => {
      try {
        const stats = await handle.stat();
        if (!stats.isFile()) {
          throw new SgTransferError(`${PREFIX}: the local file ${local} is not a regular file (a pipe, a device, a folder): it was not read`, {
            code: "SG_DOWNLOAD_FAILED",
            hint: "Stream a pipe or device with openAttachment(), or give a filePath.",
          });
        }
        const bytes = stats.size > max ? undefined : await handle.readFile({ signal: stop.signal });
        // a file that grew as it was read is refused too
        if (!bytes || bytes.byteLength > max) throw tooLarge(`the read of ${local}`, max);
        return new Uint8Array(bytes);
      } finally {
        await handle.close().catch(() => {});
      }
    });
    return wait(whole.catch((error: unknown) => (error instanceof SgError ? Promise.reject(error) : fail(error))));
  }
  const to = await landing(fs.promises, filePath);
  if (to.fifo) {
    // opened and written without holding a thread (see fifo-write.ts); the read stops with the copy
    const chunks = fs.createReadStream(local, { signal: stop.signal })[Symbol.asyncIterator]();
    const read = (): Promise<Uint8Array | undefined> => chunks.next().then((c) => c.value as Uint8Array | undefined, fail);
    await writeFifo(builtins, to.real, read, call, `the copy of ${local} into ${filePath}`, () => void (mark.open = true)).catch((error: unknown) => {
      stop.abort();
      throw error instanceof SgError ? error : writeFailed(filePath, error, mark.open);
    });
    return filePath;
  }
  const temp = partPath(to.real);
  // a device is written into (see landing); `temp` is then never made
  const out = fs.createWriteStream(to.into ? to.real : temp, { flags: to.into ? "w" : "wx" });
  if (to.into) out.once("open", () => (mark.open = true));
  // The temporary file is removed once `out` is closed: at once, or once the chunk being written is on disk (also
  // when the read failed first: `pipeline` may reject before `out` has even been opened).
  const drop = (): Promise<void> => {
    const rm = (): Promise<void> => fs.promises.rm(temp, { force: true }).catch(() => {}); // the copy's error is the one to report
    return finished(out).then(rm, rm);
  };
  const failed = (cause: unknown): Promise<never> => drop().then(() => fail(cause));
  // A failed copy is reported once its temporary file is gone. One given up is removed without waiting for its read,
  // which may never return (a stalled pipe, a hung share); the rejection waits for that removal (`out` closes at once
  // unless a write of its own hangs), for a second at most, so that a process exiting on it leaves no `.part` behind.
  await wait(pipeline(fs.createReadStream(local), out, { signal: stop.signal }).catch(failed)).catch(async (error: unknown) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([drop(), new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
    throw error;
  });
  // The copy is complete and the caller still waits: the rename is not cut short (see above).
  return to.into ? filePath : replace(fs.promises, temp, to).then(() => filePath, failed);
}

/** Node's file modules for writing `filePath`; outside Node an `SgValidationError` for `options.filePath`. */
function filesFor(filePath: string): Promise<NodeBuiltins> {
  return nodeBuiltins(["options", "filePath"], filePath, "no filePath", "Leave it out to get the bytes.");
}

/** Node's file modules for reading the local file link `local`; outside Node an `SgValidationError` for the attachment. */
function localFiles(local: string): Promise<NodeBuiltins> {
  return nodeBuiltins(["attachment", "local_path"], local, "an attachment the site serves");
}

/**
 * A temporary file next to `filePath` (same folder, so renaming it into place is atomic): `<name>.<random>.part`, the
 * name cut (whole characters) so that the temporary one stays within the 255 bytes a file name may have.
 */
function partPath(filePath: string): string {
  const at = Math.max(filePath.lastIndexOf("/"), filePath.lastIndexOf("\\")) + 1;
  const name = Array.from(filePath.slice(at));
  const utf8 = new TextEncoder();
  while (utf8.encode(name.join("")).length > 241) name.pop();
  return `${filePath.slice(0, at)}${name.join("")}.${Math.random().toString(36).slice(2, 10)}.part`;
}

/** Where a download to `filePath` is written: see {@link landing}. */
interface Landing {
  /** The file to replace: `filePath`, or the file an existing link at `filePath` leads to. */
  readonly real: string;
  /** The permission bits of the file replaced; none for a new file, which keeps the process umask. */
  readonly mode: number | undefined;
  /** `filePath` is, or leads to, a pipe or a device: the bytes are written into it, with no temporary file. */
  readonly into: boolean;
  /** `filePath` is, or leads to, a named pipe: opened and written without blocking (see fifo-write.ts). */
  readonly fifo: boolean;
  /** What `stat` (following links) said of `filePath`: its stats, or the code of its error (`ENOENT`: nothing there). */
  readonly info: import("node:fs").Stats | string;
}

/**
 * Where a download to `filePath` lands. An existing link is written through, as Python's `open(path, "wb")` does:
 * the file it leads to is replaced, and the link stays. An existing file keeps its permission bits. A pipe or a
 * device, or a link to one (`/dev/stdout`, a link to /proc/self/fd/1, whose realpath fails for a pipe), is written
 * into as it is, as `curl -o` and `open(path, "wb")` write into it. Only a link that leads nowhere (`ENOENT`) is
 * replaced by the file, as a new file is written.
 */
async function landing(fs: NodeBuiltins["fsPromises"], filePath: string): Promise<Landing> {
  const info = await fs.stat(filePath).catch((error: { code?: unknown }) => String(error.code));
  const file = typeof info !== "string" && info.isFile();
  return {
    real: file ? await fs.realpath(filePath).catch(() => filePath) : filePath,
    mode: file ? info.mode & 0o777 : undefined,
    into: typeof info !== "string" && !file && !info.isDirectory(),
    fifo: typeof info !== "string" && info.isFIFO(),
    info,
  };
}

/**
 * Refuse, before the download is asked for, a `filePath` that names a folder (or ends in a separator), that is in no existing folder, that
 * cannot be reached (`EACCES`, `ELOOP`), or a file this process may not write (a write-protected file is never
 * replaced, as `cp`, `curl -o` and Python's `open(path, "wb")` refuse it).
 */
async function checkTarget(filePath: string): Promise<boolean> {
  const { fsPromises: fs, path: { join, dirname, sep } } = await filesFor(filePath);
  const { real, info, into } = await landing(fs, filePath);
  const path = ["options", "filePath"];
  const folder = (): never => fail(path, "a file path, not a folder", filePath, `Name a file in that folder, e.g. ${join(filePath, "name.ext")}.`);
  // a path ending in a separator names a folder, even one that does not exist (its dirname is the folder above)
  if (filePath.endsWith("/") || filePath.endsWith(sep)) folder();
  if (typeof info === "string") {
    // a new file, or a link that leads nowhere, lands at filePath: in its folder
    const parent = dirname(filePath);
    if (!(await fs.stat(parent).then((d) => d.isDirectory(), () => false))) fail(path, "a file path in an existing folder", filePath, `Create the folder ${parent} first, or name a file in an existing one.`);
    if (info !== "ENOENT") fail(path, `a file path this process may reach (${info})`, filePath);
  } else if (info.isDirectory()) folder();
  else if (await fs.access(real, fs.constants.W_OK).then(() => false, () => true)) {
    fail(path, "a file this process may write (it is write-protected)", filePath, "Make it writable (chmod u+w), or name another file.");
  }
  return into;
}

/** Put the complete temporary file `temp` in place of `to`, with the mode of the file it replaces. */
async function replace(fs: NodeBuiltins["fsPromises"], temp: string, to: Landing): Promise<void> {
  if (to.mode !== undefined) await fs.chmod(temp, to.mode);
  await fs.rename(temp, to.real);
}

/**
 * Write a download to `filePath` through a temporary file next to it (same folder, so the rename is atomic), or into
 * the pipe or device it is (see {@link landing}): from `stream` chunk by chunk when the transport streamed, else
 * `bytes`. On failure the temporary file is removed, the stream cancelled (dropping the connection), and the error
 * rethrown: the transport's own (`SgTimeoutError`, `SgAbortError`, `SgNetworkError`) as is, a file-system one as
 * {@link SgTransferError}. The call's `signal` and `deadlineMs` end the wait for a named pipe's reader, which holds no
 * thread (see fifo-write.ts). `mark` is set once a pipe or device is open.
 */
async function writeDownload(filePath: string, bytes: Uint8Array, stream: ReadableStream<Uint8Array> | undefined, call: CallOptions, mark: Opened): Promise<string> {
  const builtins = await filesFor(filePath);
  const { fsPromises: fs } = builtins;
  const to = await landing(fs, filePath);
  const temp = partPath(to.real);
  const reader = stream?.getReader();
  try {
    if (to.fifo) {
      let whole: Uint8Array | undefined = bytes;
      const read = reader ? (): Promise<Uint8Array | undefined> => reader.read().then((c) => c.value) : async (): Promise<Uint8Array | undefined> => whole && ((whole = undefined), bytes);
      await writeFifo(builtins, to.real, read, call, `the download into ${filePath}`, () => void (mark.open = true));
      return filePath;
    }
    // a device opens at once
    const file = await (to.into ? fs.open(to.real, "w") : fs.open(temp, "wx"));
    if (to.into) mark.open = true;
    try {
      if (!reader) await file.writeFile(bytes);
      // a short write only happens on odd file systems; write the rest of the chunk
      else for (let chunk; !(chunk = await reader.read()).done; ) for (let at = 0; at < chunk.value.byteLength; ) at += (await file.write(chunk.value, at)).bytesWritten;
    } finally {
      await file.close();
    }
    if (!to.into) await replace(fs, temp, to);
    return filePath;
  } catch (cause) {
    reader?.cancel().catch(() => {});
    await fs.rm(temp, { force: true }).catch(() => {}); // the download's error is the one to report
    if (cause instanceof SgError) throw cause;
    throw writeFailed(filePath, cause, mark.open);
  }
}

/** Whether a pipe or a device a download is written into was opened: part of the download may be in it from then on. */
interface Opened {
  open: boolean;
}

/**
 * The {@link SgTransferError} of a download whose write to `filePath` failed with `cause`; `into` once a pipe or device
 * it is written into was open, where part of it may then be (`EPIPE`: the pipe's reader went away).
 */
function writeFailed(filePath: string, cause: unknown, into: boolean): SgTransferError {
  const code = (cause as { code?: unknown } | null)?.code;
  return new SgTransferError(`${PREFIX}: failed to write the download to ${filePath}${typeof code === "string" ? ` (${code})` : ""}${into ? ": part of it may have been written into it" : ""}`, {
    cause,
    code: "SG_DOWNLOAD_FAILED",
    hint:
      code === "EPIPE"
        ? "The program reading the pipe closed it before the end."
        : code === "ENXIO"
          ? "A socket, or a device with no driver, cannot be opened by path: to write to stdout, write openAttachment's stream there."
          : "Check that the folder exists, can be written to, and has room.",
  });
}
