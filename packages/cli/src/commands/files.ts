import { stat } from "node:fs/promises";
import { join, sep } from "node:path";
import type { ThumbnailFieldName } from "@sg/entities";
import type { CommandContext, Connected } from "../command-context.js";
import { holdExitUntilSettled } from "../exit-guard.js";
import { UsageError } from "../exit-codes.js";
import { outputUntil, resolveFromCwd, writeAndDrain } from "../io.js";
import { parseId } from "../json-arg.js";
import { isStdout } from "../stdout-file.js";
import { DEFAULT_TRANSFER_DEADLINE_MS, transferLimitMs } from "../transfer-limit.js";

/** The value of `--out` / `-o`, or undefined for standard output (no option, or `-`, as for input arguments). */
export function outputFile(ctx: CommandContext): string | undefined {
  const out = ctx.args.values["out"] as string | undefined;
  return out === "-" ? undefined : out;
}

/**
 * The fields an upload into which is a thumbnail's, which keeps its file's own name (every one of @sg/entities'
 * `ThumbnailFieldName`, and only those: the type check says when that list changes).
 */
const THUMBNAIL_FIELDS: Readonly<Record<string, true>> = { thumb_image: true, filmstrip_thumb_image: true, image: true, filmstrip_image: true } satisfies Record<ThumbnailFieldName, true>;

/** `sg upload <Entity> <id> <file> [--field name] [--display-name text]`. */
export async function uploadCommand(ctx: CommandContext): Promise<number> {
  const [entityType = "", idText = "", file = ""] = ctx.args.positionals;
  const id = parseId(idText);
  const field = ctx.args.values["field"] as string | undefined;
  const displayName = ctx.args.values["display-name"] as string | undefined;
  // Refused here, before anything is asked of the site, with the flag's name: the library refuses it as its option.
  if (displayName && field && Object.hasOwn(THUMBNAIL_FIELDS, field)) {
    throw new UsageError(`--display-name cannot be given with --field ${field}: a thumbnail keeps its file's own name`, "Leave out --display-name; to name the thumbnail's Attachment, upload a copy of the file under that name.");
  }
  const { api } = await ctx.connect();
  const path = resolveFromCwd(ctx.io, file);
  // The site's info first (a read; the upload asks for it and gets this one, cached): a Ctrl-C before the upload's own
  // requests is then "nothing written" (130), not "may have been applied".
  await api.info(ctx.signal ? { signal: ctx.signal } : {});
  // Ctrl-C aborts the transfer; once it resolved, the file is attached, whatever a late signal says.
  ctx.writing();
  const attachmentId = await api.upload(entityType, id, path, {
    ...(field ? { fieldName: field } : {}),
    ...(displayName ? { displayName } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  ctx.applied(attachmentId === undefined ? `the file was uploaded to ${entityType} ${id}` : `Attachment ${attachmentId} was uploaded to ${entityType} ${id}`);
  const writer = ctx.writer({ single: true });
  await writer.row({ type: entityType, id, field: field ?? null, file: path, attachment_id: attachmentId ?? null });
  await writer.end();
  return 0;
}

/** `sg download <attachment-id|url> [--out file|-]`. */
export async function downloadCommand(ctx: CommandContext): Promise<number> {
  const [target = ""] = ctx.args.positionals;
  const out = outputFile(ctx);
  // resolve() would drop the separator and write a file named after the folder
  if (out && (out.endsWith("/") || out.endsWith(sep))) throw new UsageError(`--out must name a file, not a folder: '${out}'`, `Name a file in that folder, e.g. --out ${join(out, "name.ext")}.`);
  if (!out && ctx.io.stdout.isTTY) throw new UsageError("refusing to write a file to the terminal", "Pass --out FILE: sg download 123 --out shot.exr. (In POSIX shells '> FILE' works too; not in Windows PowerShell before 7.4, which re-encodes a program's output and corrupts a binary file.)");
  const attachment = /^\d+$/.test(target) ? { type: "Attachment", id: parseId(target) } : /^https?:\/\//.test(target) ? { url: target } : undefined;
  if (!attachment) throw new UsageError(`'${target}' is neither an attachment id nor an http(s) URL`);
  const connected = await ctx.connect();
  if (!out) return downloadToStdout(ctx, connected, attachment);
  // Streamed to disk through a temporary file: memory stays flat whatever the size, and a failed or aborted
  // download leaves no partial file. A second Ctrl-C waits for that file to be removed (exit-guard). Into a named
  // pipe, the transfer limit bounds the whole download as its deadline too: the wait for the pipe's reader is no HTTP
  // exchange, which is all the transport's limits bound.
  const filePath = resolveFromCwd(ctx.io, out);
  const info = await stat(filePath).catch(() => undefined);
  // --out /dev/stdout (or /proc/self/fd/1) is written through stdout, as without --out: a socket (a Node parent's pipe)
  // cannot be opened by path (ENXIO), and a file that `>` or `>>` opened would be replaced by a new one, losing what
  // the shell wrote before and after. A terminal keeps the device route.
  if (isStdout(ctx, info)) return downloadToStdout(ctx, connected, attachment);
  const fifo = info?.isFIFO() === true;
  const deadlineMs = fifo ? (transferLimitMs(ctx.args.values, ctx.io.env, "download") ?? DEFAULT_TRANSFER_DEADLINE_MS) : undefined;
  const path = await holdExitUntilSettled(
    connected.api.downloadAttachment(attachment as never, { filePath, ...(deadlineMs ? { deadlineMs } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}) }),
  );
  // Recorded before the stat: the file is in place now, so a signal during the stat must not say nothing happened.
  ctx.applied(`the download was written to ${path}`);
  // A named pipe or a device (`--out /dev/stdout`) was written into: its size says nothing of what went in.
  const written = await stat(path);
  ctx.note(written.isFile() ? `wrote ${written.size} bytes to ${path}` : `wrote the download into ${path}`);
  return 0;
}

/**
 * Stream an attachment to stdout chunk by chunk, waiting for stdout to drain, so memory stays flat and a reader
 * that closes (`| head -c 10`) or Ctrl-C stops the download and drops the connection. `openAttachment` does the
 * rest as for `--out`: the session token (to the site's origin only, forgotten after a 401/403) and the errors and
 * hints of a refused download.
 */
async function downloadToStdout(ctx: CommandContext, { api }: Connected, attachment: { readonly url: string } | { readonly type: string; readonly id: number }): Promise<number> {
  const signal = ctx.signal;
  const { stream } = await api.openAttachment(attachment, signal ? { signal } : {});
  const out = outputUntil(ctx.io.stdout, signal);
  const reader = stream.getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) await writeAndDrain(out, chunk.value);
  } catch (error) {
    // Stdout closed or Ctrl-C: drop the connection rather than read the rest.
    reader.cancel().catch(() => {});
    throw error;
  }
  return 0;
}
