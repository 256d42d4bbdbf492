/**
 * Reading the site's replies to the upload steps (`/upload/*` form posts, rpc-protocol §2.8): plain text whose
 * first character says how it went, `1` for success. A refusal is `0`, then the site's words, which may end in the
 * fault code, `(error_code 102)`, as an RPC fault carries it. The code says whether the credentials were refused
 * (handed to the auth strategy, as a call's fault 102 is), the record is missing, or the input is bad.
 *
 * @packageDocumentation
 */
import { SgAuthError, SgError, SgIdentitySiteError, SgSsoSiteError, SgTwoFactorRequiredError, copyError, cutText, scrubText, type FaultDetails, type HttpResponse } from "@sg/core";
import { SgTransferError, type UploadedThumbnail } from "./errors.js";
import { PREFIX } from "./validate.js";

/** Parse an upload reply: success starts with `1`; the id sits between the first `:` and the next newline. */
export function parseUploadReply(text: string): number | undefined {
  if (!text.startsWith("1")) return undefined;
  const colon = text.indexOf(":");
  if (colon < 0) return undefined;
  const end = text.indexOf("\n", colon);
  const id = Number.parseInt(text.slice(colon + 1, end < 0 ? undefined : end).trim(), 10);
  return Number.isSafeInteger(id) ? id : undefined;
}

/** A refused upload step as its reply tells it: the site's words (on one line, without the code) and its fault code. */
interface UploadRefusal {
  /** The site's words, whitespace folded, cut to 300 characters (marked by `…`); "" when it gave none. */
  readonly message: string;
  /** The fault code the reply ends with (`(error_code N)`), when it has one. */
  readonly errorCode: number | undefined;
}

/** The site's words in a reply, after its first character and the newline or colon that follows: whitespace folded. */
export function wordsOf(text: string): string {
  return text.slice(2).replace(/\s+/g, " ").trim();
}

/** The refusal in a reply that starts with `0` (then a newline or colon, then the site's words); `undefined` for any other reply. */
function refusalOf(text: string): UploadRefusal | undefined {
  if (text[0] !== "0") return undefined;
  const words = wordsOf(text);
  const coded = /^(.*?)\s*\(error_code (\d+)\)$/.exec(words);
  return { message: cutText(coded ? coded[1]! : words, 300), errorCode: coded ? Number(coded[2]) : undefined };
}

/** The refusal's words as `: <words>` for a message; "" without any. */
function reasonOf(text: string): string {
  const refusal = refusalOf(text);
  return refusal?.message ? `: ${refusal.message}${refusal.errorCode === undefined ? "" : ` (error_code ${refusal.errorCode})`}` : "";
}

/** The fault codes that refuse the credentials, with their error class (as the transport raises them for a call). */
const AUTH_FAULTS: Readonly<Record<number, new (message: string, options: FaultDetails) => SgAuthError>> = {
  102: SgAuthError,
  106: SgTwoFactorRequiredError,
  108: SgSsoSiteError,
  110: SgIdentitySiteError,
};

/**
 * An upload step's answer: its status, its text as it came (a success's link info must stay as it is), and the
 * secrets of the step (`transferSecrets` of the credentials it was sent with), which every error quoting the
 * text is scrubbed of.
 */
export interface StepAnswer {
  /** The HTTP status. */
  readonly status: number;
  /** The reply's text, unscrubbed: only errors quote it, scrubbed of {@link StepAnswer.secrets}. */
  readonly text: string;
  /** The secrets of the credentials the answered request was sent with, and the site URL's Basic auth. */
  readonly secrets: readonly string[];
}

/**
 * What the `refused` of an upload step's `client.http()` (see the core's `ClientHttpRequest.refused`) says of
 * `response`: a 2xx reply that refuses the credentials (`0…(error_code 102)`, or 106, 108, 110) as the `SgAuthError` a
 * call would get, so that the client asks the auth strategy for fresh credentials and sends the step once more, as it
 * does for a call; else `undefined`. Nothing was stored: the site refused the step before looking at it. `what` names
 * the upload, `target` the step; the site's words are scrubbed of `secrets` (those of the credentials the step was sent
 * with) before they go into the error, which the strategy sees and may keep as the cause of its own. The error lists
 * the answer it read as its attempt, `[{ attempt: 1, status }]`, as an `SgTransferError` does: the client copies a
 * refusal's attempts onto the error of a re-login cut by the deadline or an abort, which then says the step went out
 * and was refused (an empty list would say nothing was sent).
 */
export function credentialsRefused(what: string, target: string, response: HttpResponse, secrets: readonly string[]): SgAuthError | undefined {
  if (response.status >= 300) return undefined;
  const refusal = refusalOf(scrubText(new TextDecoder().decode(response.body), secrets));
  const ErrorClass = refusal?.errorCode === undefined ? undefined : AUTH_FAULTS[refusal.errorCode];
  if (!refusal || !ErrorClass) return undefined;
  return new ErrorClass(`${PREFIX}: the site refused the credentials of ${what}: ${refusal.message || "no reason given"}`, {
    errorCode: refusal.errorCode,
    serverMessage: refusal.message,
    secrets,
    method: target,
    attempts: [{ attempt: 1, status: response.status }],
    hint: "Nothing was stored. Check the credentials: script name and application key, login and password, or whether the session has expired.",
  });
}

/** Whether the site's words say the entity type or the record the upload names does not exist (its not-found faults). */
const NOT_FOUND = [/^No entity of type \S+ exists with id \d+$/, /^Entity type "[^"]+" is not a valid entity type$/, /^\S+ \d+ is retired$/];

/**
 * The `SgTransferError` (`SG_UPLOAD_FAILED`) of an upload step the site refused otherwise: `status` and the
 * `reply`, the fault's `errorCode` and `serverMessage` when the reply carries them, and a hint for what its code
 * says — the record missing, bad input (a field that takes no file), a permission refused — or, for an HTTP status,
 * what that says. `message` is the error's first words; the step's `target`, the status and the site's words follow.
 * Every part taken from the reply is taken from it scrubbed of the answer's `secrets`.
 *
 * `landed`, given for a step that attaches or shares a file, is what may be on the site once it went out, as its
 * deadline's error says it (`it may have been attached: check before uploading it again`): such a step answered with
 * a 5xx (a gateway's 502 after the site took it) or with a 2xx that is not an upload reply (a page, not `0…`) may have
 * been applied, so the error has `maybeSent: true` and that as its hint, as a write's errors do. A 4xx or a `0…`
 * refusal did not land.
 *
 * `refused`, given for a step that is not an upload of a field's file (a share), is the hint of a refusal that is
 * neither a missing record nor a permission (a 103, or a `0…` without a code), in place of the upload's.
 *
 * `uploaded`, given for a share after its own upload landed, is that upload: the error carries it, says `maybeSent:
 * true` whatever the answer, and its hint ends with {@link shareFrom}.
 */
export function uploadRefused(message: string, target: string, { status, text: raw, secrets }: StepAnswer, landed?: string, refused?: string, uploaded?: UploadedThumbnail): SgTransferError {
  const text = scrubText(raw, secrets);
  const refusal = refusalOf(text);
  const words = refusal?.message ?? "";
  const instead = `The site answered HTTP ${status} instead of an upload reply; `;
  const maybeSent = landed !== undefined && (status >= 500 || (status < 300 && !refusal));
  const hint = maybeSent
    ? `${instead}${landed}.`
    : status === 413
      ? "The file is larger than the site accepts in one request."
      : status >= 300
        ? `${instead}check the site URL, and try again later if the site is busy.`
        : refusal?.errorCode === 103 && NOT_FOUND.some((re) => re.test(words))
          ? "Check the entity type and id: the site has no such live record."
          : refusal?.errorCode === 104
            ? "The permission role of the credentials may not make this change on the site."
            : refused ??
              (refusal?.errorCode === 103
                ? "The site refused the upload as bad input (its words above): check the field (files go to url fields, images to the thumbnail fields) and the file."
                : "The site's words above say why; check the entity, the field and the file type.");
  return new SgTransferError(`${message} (${target} answered ${status}${reasonOf(text)})`, {
    status,
    reply: text,
    secrets,
    code: "SG_UPLOAD_FAILED",
    hint: hint + shareFrom(uploaded),
    maybeSent,
    uploaded,
    ...(refusal?.errorCode === undefined ? {} : { errorCode: refusal.errorCode }),
    ...(refusal?.message ? { serverMessage: refusal.message } : {}),
  });
}

/**
 * The end of the hint of a share that failed after `shareThumbnail` uploaded its `thumbnailPath` (`uploaded`): share
 * the thumbnail from the entity it went to, since the same call again would upload another Attachment; "" without one.
 */
export function shareFrom(uploaded: UploadedThumbnail | undefined): string {
  const e = uploaded?.entity;
  return e ? ` Share it with the other entities from sourceEntity: { type: "${e.type}", id: ${e.id} }: thumbnailPath would upload another Attachment.` : "";
}

/**
 * `error`, which ended a share after `shareThumbnail` uploaded its `thumbnailPath` (`uploaded`), as a copy of its class
 * that says so: `uploaded`, `maybeSent: true` (part of the call landed, whatever became of the share), and a hint ending
 * with {@link shareFrom}, after where the upload went when the message does not say it (a network error's). A timeout,
 * an abort, a network error: a helper that retries unless `maybeSent` would otherwise upload the image again. `error`
 * as it is without an upload, or when it is not one of this library's errors.
 */
export function withUpload(error: unknown, uploaded: UploadedThumbnail | undefined): unknown {
  if (!uploaded || !(error instanceof SgError)) return error;
  const at = `${uploaded.entity.type} ${uploaded.entity.id} (Attachment ${uploaded.attachmentId})`;
  const where = error.reason.includes(at) ? "" : ` The thumbnail was attached to ${at}.`;
  return Object.assign(copyError(error, { hint: `${error.hint ?? ""}${where}${shareFrom(uploaded)}`.trimStart() }), { maybeSent: true, uploaded });
}
