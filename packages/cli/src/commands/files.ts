import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { scrubText } from "@sg/core";
import { SgTransferError } from "@sg/entities";
import type { CommandContext, Connected } from "../command-context.js";
import { holdExitUntilSettled } from "../exit-guard.js";
import { UsageError } from "../exit-codes.js";
import { outputUntil, writeAndDrain } from "../io.js";
import { parseId } from "../json-arg.js";

/** The value of `--out` / `-o`, or undefined for standard output (no option, or `-`, as for input arguments). */
export function outputFile(ctx: CommandContext): string | undefined {
  const out = ctx.args.values["out"] as string | undefined;
  return out === "-" ? undefined : out;
}

/** `sg upload <Entity> <id> <file> [--field name] [--display-name text]`. */
export async function uploadCommand(ctx: CommandContext): Promise<number> {
  const [entityType = "", idText = "", file = ""] = ctx.args.positionals;
  const id = parseId(idText);
  const field = ctx.args.values["field"] as string | undefined;
  const displayName = ctx.args.values["display-name"] as string | undefined;
  const { api } = await ctx.connect();
  const path = resolve(ctx.io.cwd, file);
  // Ctrl-C aborts the transfer; once it resolved, the file is attached, whatever a late signal says.
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
  if (!out && ctx.io.stdout.isTTY) throw new UsageError("refusing to write a file to the terminal", "Pass --out FILE, or pipe the output: sg download 123 > file");
  const attachment = /^\d+$/.test(target) ? { type: "Attachment", id: parseId(target) } : /^https?:\/\//.test(target) ? { url: target } : undefined;
  if (!attachment) throw new UsageError(`'${target}' is neither an attachment id nor an http(s) URL`);
  const connected = await ctx.connect();
  if (!out) return downloadToStdout(ctx, connected, attachment);
  // Streamed to disk through a temporary file: memory stays flat whatever the size, and a failed or aborted
  // download leaves no partial file. A second Ctrl-C waits for that file to be removed (exit-guard).
  const path = await holdExitUntilSettled(
    connected.api.downloadAttachment(attachment as never, { filePath: resolve(ctx.io.cwd, out), ...(ctx.signal ? { signal: ctx.signal } : {}) }),
  );
  const size = (await stat(path)).size;
  ctx.applied(`the download was written to ${path}`);
  ctx.note(`wrote ${size} bytes to ${path}`);
  return 0;
}

/** The hints `@sg/entities` gives a refused download (not exported by it), for the same statuses. */
const DOWNLOAD_HINTS: Record<number, string> = {
  400: "Attachment may not exist or is a local file?",
  409: "The file is still being scanned for malware; try again later.",
  410: "The file was quarantined by the malware scan.",
};

/**
 * Stream an attachment to stdout chunk by chunk, waiting for stdout to drain, so memory stays flat and a reader
 * that closes (`| head -c 10`) or Ctrl-C stops the download. `@sg/entities`' `downloadAttachment` streams only to a
 * file (`filePath`), so this asks the client for the documented `responseBody: "stream"` itself, with the session
 * token the entity API gives for downloads (sent by the transport to the site's origin only).
 */
async function downloadToStdout(ctx: CommandContext, { client, api }: Connected, attachment: { readonly url: string } | { readonly type: string; readonly id: number }): Promise<number> {
  const signal = ctx.signal;
  const url = api.getAttachmentDownloadUrl(attachment as never) ?? "";
  const where = new URL(url, client.site.origin);
  const onSite = where.origin === client.site.origin;
  const token = onSite ? await api.getSessionToken(signal ? { signal } : {}) : undefined;
  const response = await client.http({
    method: "GET",
    target: where.href,
    ...(token === undefined ? { authenticated: false } : { credentials: { kind: "session", sessionToken: token } }),
    responseBody: "stream",
    kind: "read",
    ...(signal ? { signal } : {}),
  });
  if (response.status >= 300) {
    const reply = scrubText(new TextDecoder().decode(response.body.subarray(0, 2000)), token === undefined ? [] : [token]);
    const hint = DOWNLOAD_HINTS[response.status];
    throw new SgTransferError(`failed to download ${where.origin}${where.pathname} (HTTP ${response.status})`, { status: response.status, reply, code: "SG_DOWNLOAD_FAILED", ...(hint ? { hint } : {}) });
  }
  const out = outputUntil(ctx.io.stdout, signal);
  if (!response.stream) {
    await writeAndDrain(out, response.body);
    return 0;
  }
  const reader = response.stream.getReader();
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) await writeAndDrain(out, chunk.value);
  } catch (error) {
    // Stdout closed or Ctrl-C: drop the connection rather than read the rest.
    reader.cancel().catch(() => {});
    throw error;
  }
  return 0;
}
