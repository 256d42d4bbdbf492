/**
 * Downloads (rpc-protocol §2.8): `getAttachmentDownloadUrl` and `downloadAttachment`. Files on the site
 * are fetched with the `_session_id` cookie: the session of session credentials, or a token obtained once
 * with `get_session_token` for script and user credentials. Other hosts (e.g. cloud storage) get no cookie.
 *
 * @packageDocumentation
 */
import { writeFile } from "node:fs/promises";
import type { CallOptions } from "@sg/core";
import { callOptions, type Context } from "./context.js";
import { SgTransferError } from "./errors.js";
import { transferOptions } from "./uploads.js";
import { PREFIX, checkId, checkOptions, checkString, fail, isPlainObject } from "./validate.js";

/** An attachment as `downloadAttachment` accepts it: a url field value, an Attachment link, or an Attachment id. */
export type AttachmentInput = { readonly url?: string | null; readonly type?: string; readonly id?: number; readonly [key: string]: unknown } | number;

/** Options of `downloadAttachment`, plus call options. */
export interface DownloadOptions extends CallOptions {
  /** Write the file here and resolve to this path instead of the bytes. */
  readonly filePath?: string;
}

/** The download URL of an attachment (Python `get_attachment_download_url`); `null` for `null`. */
export function attachmentUrl(ctx: Context, attachment: unknown, path: readonly (string | number)[] = ["attachment"]): string | null {
  if (attachment === null || attachment === undefined) return null;
  if (typeof attachment === "number") return `${ctx.client.site.href}/file_serve/attachment/${checkId(attachment, path)}`;
  if (!isPlainObject(attachment)) fail(path, "an Attachment link {type: 'Attachment', id}, a url field value {url, …} or an Attachment id", attachment);
  if (typeof attachment["url"] === "string" && attachment["url"] !== "") return attachment["url"];
  if (attachment["type"] === "Attachment" && attachment["id"] !== undefined) {
    return `${ctx.client.site.href}/file_serve/attachment/${checkId(attachment["id"], [...path, "id"])}`;
  }
  return fail([...path, "url"], "a 'url' key, or type 'Attachment' with an id", attachment);
}

const HINTS: Record<number, string> = {
  400: "Attachment may not exist or is a local file?",
  409: "The file is still being scanned for malware; try again later.",
  410: "The file was quarantined by the malware scan.",
};

/** `downloadAttachment` → the bytes, or `filePath` once written. */
export async function downloadAttachment(ctx: Context, attachment: unknown, rawOptions: unknown): Promise<Uint8Array | string> {
  if (attachment === null || attachment === undefined) fail(["attachment"], "an attachment to download", attachment);
  const url = attachmentUrl(ctx, attachment) as string;
  const options = checkOptions(rawOptions, ["options"]);
  const filePath = options["filePath"] === undefined ? undefined : checkString(options["filePath"], ["options", "filePath"], "a file path");
  const call: CallOptions = callOptions(ctx, options);
  let target: URL;
  try {
    target = new URL(url, ctx.client.site.origin);
  } catch {
    return fail(["attachment", "url"], "an absolute http(s) URL", url);
  }
  const onSite = target.origin === ctx.client.site.origin;
  const headers: Record<string, string> = {};
  if (onSite) headers["cookie"] = `_session_id=${await ctx.sessionToken(call)}`;
  const response = await ctx.client.http({ method: "GET", target: target.href, headers, authenticated: false, kind: "read", ...transferOptions(call) });
  if (response.status >= 300) {
    if (onSite && (response.status === 401 || response.status === 403)) ctx.forgetSessionToken();
    const body = new TextDecoder().decode(response.body.subarray(0, 2000));
    const s3 = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
    throw new SgTransferError(`${PREFIX}: failed to download ${target.origin}${target.pathname} (HTTP ${response.status})`, {
      status: response.status,
      reply: s3 ?? body,
      code: "SG_DOWNLOAD_FAILED",
      ...(HINTS[response.status] ? { hint: HINTS[response.status] } : {}),
    });
  }
  if (filePath !== undefined) {
    await writeFile(filePath, response.body);
    return filePath;
  }
  return response.body;
}
