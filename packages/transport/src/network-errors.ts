import { SgNetworkError } from "@sg/core";
import type { AttemptOutcome } from "./retry-policy.js";

/** Codes meaning the request never left the machine (safe to retry even for writes). */
const NOT_SENT: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "EAI_FAIL",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

const TLS_CODE = /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH|INVALID_CA)/;

/** The underlying error of something fetch/ofetch threw, without ofetch's `FetchError` wrapper (it carries the request body). */
export function unwrapFetchError(error: unknown): unknown {
  let current = error;
  for (let i = 0; i < 3; i += 1) {
    if (current instanceof Error && current.name === "FetchError" && current.cause !== undefined) current = current.cause;
    else break;
  }
  if (current instanceof Error && current.name === "FetchError") {
    // A FetchError without a cause: keep only its (scrubbed later) message, never the object.
    const plain = new Error(current.message.replace(/\?[^"\s]*/g, ""));
    plain.name = "FetchError";
    return plain;
  }
  return current;
}

/** The first string `code` along an error's cause chain (e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`). */
export function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let i = 0; i < 6 && current !== null && typeof current === "object"; i += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Our code for fetch's refusal of a port the Fetch standard blocks (1, 25, 6000, ...): an error without a code. */
const BAD_PORT = "ERR_BAD_PORT";

/** Whether fetch refused the URL's port before connecting (its cause says `bad port`). */
function isBadPort(error: unknown): boolean {
  let current: unknown = error;
  for (let i = 0; i < 6 && current instanceof Error; i += 1) {
    if (current.message === "bad port") return true;
    current = current.cause;
  }
  return false;
}

/** Failures that were never sent and will not change on a retry: TLS refusals and blocked ports. */
function isFatal(code: string): boolean {
  return code === BAD_PORT || TLS_CODE.test(code);
}

/** Classify a network failure for the retry policy. Unknown failures count as "maybe sent" (the safe side for writes). */
export function classifyNetworkError(error: unknown): AttemptOutcome {
  const code = errorCode(error) ?? (isBadPort(error) ? BAD_PORT : "ERR_NETWORK");
  if (NOT_SENT.has(code)) return { type: "not-sent", code };
  if (isFatal(code)) return { type: "fatal", code };
  return { type: "maybe-sent", code };
}

function describe(code: string): string {
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
    case "EAI_FAIL":
      return "host name not found (DNS)";
    case "ECONNRESET":
      return "connection reset by the site";
    case "UND_ERR_SOCKET":
      return "the site closed the connection";
    case "EPIPE":
      return "broken pipe";
    case "UND_ERR_CONNECT_TIMEOUT":
      return "connecting timed out";
    case BAD_PORT:
      return "port refused by fetch";
    default:
      return TLS_CODE.test(code) ? "TLS failure (certificate not accepted)" : "network failure";
  }
}

/** Build the {@link SgNetworkError} for a failed attempt. */
export function networkError(
  error: unknown,
  outcome: AttemptOutcome,
  context: { readonly method: string; readonly kind: "read" | "write"; readonly secrets: readonly string[] },
): SgNetworkError {
  const code = outcome.type === "status" ? "ERR_NETWORK" : outcome.code;
  const maybeSent = outcome.type !== "not-sent" && !isFatal(code);
  let hint: string;
  if (code === BAD_PORT) {
    hint = "Nothing was sent: fetch refuses this port (the Fetch standard blocks ports of other protocols, such as 1, 25 or 6000). Check the port in the site URL.";
  } else if (TLS_CODE.test(code)) {
    hint =
      "The site's TLS certificate was not accepted. For a private CA, start Node with NODE_EXTRA_CA_CERTS=<ca.pem>, or pass dispatcher: new Agent({ connect: { ca } }) from undici.";
  } else if (!maybeSent) {
    hint = "The request was not sent. Check the site URL, DNS, the network and any proxy settings.";
  } else if (context.kind === "write") {
    hint = "The connection dropped after the request was sent: the write may have been applied on the site. Check (e.g. find the entity) before trying again.";
  } else {
    hint = "The connection dropped after the request was sent; the site or a proxy may be overloaded.";
  }
  return new SgNetworkError(`Network error calling '${context.method}': ${describe(code)} (${code})`, {
    maybeSent,
    syscallCode: code,
    method: context.method,
    secrets: context.secrets,
    cause: unwrapFetchError(error),
    hint,
  });
}
