import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { CommandContext } from "../command-context.js";
import { UsageError } from "../exit-codes.js";
import { parseId } from "../json-arg.js";

/** `sg upload <Entity> <id> <file> [--field name] [--display-name text]`. */
export async function uploadCommand(ctx: CommandContext): Promise<number> {
  const [entityType = "", idText = "", file = ""] = ctx.args.positionals;
  const id = parseId(idText);
  const field = ctx.args.values["field"] as string | undefined;
  const displayName = ctx.args.values["display-name"] as string | undefined;
  const { api } = await ctx.connect();
  const path = resolve(ctx.io.cwd, file);
  const attachmentId = await api.upload(entityType, id, path, { ...(field ? { fieldName: field } : {}), ...(displayName ? { displayName } : {}) });
  const writer = ctx.writer({ single: true });
  await writer.row({ type: entityType, id, field: field ?? null, file: path, attachment_id: attachmentId ?? null });
  await writer.end();
  return 0;
}

/** `sg download <attachment-id|url> [--out file]`. */
export async function downloadCommand(ctx: CommandContext): Promise<number> {
  const [target = ""] = ctx.args.positionals;
  const out = ctx.args.values["out"] as string | undefined;
  if (!out && ctx.io.stdout.isTTY) throw new UsageError("refusing to write a file to the terminal", "Pass --out FILE, or pipe the output: sg download 123 > file");
  const attachment = /^\d+$/.test(target) ? { type: "Attachment", id: parseId(target) } : /^https?:\/\//.test(target) ? { url: target } : undefined;
  if (!attachment) throw new UsageError(`'${target}' is neither an attachment id nor an http(s) URL`);
  const { api } = await ctx.connect();
  if (out) {
    // Streamed to disk through a temporary file: memory stays flat whatever the size, and a failed download
    // leaves no partial file.
    const path = await api.downloadAttachment(attachment as never, { filePath: resolve(ctx.io.cwd, out) });
    ctx.note(`wrote ${(await stat(path)).size} bytes to ${path}`);
  } else {
    ctx.io.stdout.write(await api.downloadAttachment(attachment as never));
  }
  return 0;
}
