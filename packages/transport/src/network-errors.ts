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

/** Our code for fetch's refusal of a port the Fetch standard blocks (1, 25, 6000, ...): an error without a code. */
const BAD_PORT = "ERR_BAD_PORT";

/** Failures that were never sent and will not change on a retry: TLS refusals and blocked ports. */
function isFatal(code: string): boolean {
  return code === BAD_PORT || TLS_CODE.test(code);
}

/**
 * Classify a network failure for the retry policy. Unknown failures count as "maybe sent" (the safe side for
 * writes), and so does a never-sent code raised by a `read` or `write` on an open connection: a route lost
 * after the request went out (`read EHOSTUNREACH`) says nothing about whether the site got it.
 */
export function classifyNetworkError(error: unknown): AttemptOutcome {
  // The first string `code` along the cause chain (e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`) and the system call
  // that failed with it; else `bad port` when fetch refused the URL's port before connecting.
  let code = "ERR_NETWORK";
  let syscall: unknown;
  let current = error as { code?: unknown; syscall?: unknown; cause?: unknown } | null;
  for (let i = 0; i < 6 && current !== null && typeof current === "object"; i += 1, current = current.cause as typeof current) {
    if (typeof current.code === "string" && current.code !== "") {
      ({ code, syscall } = current as { code: string; syscall?: unknown });
      break;
    }
    if (current instanceof Error && current.message === "bad port") code = BAD_PORT;
  }
  // `read`, `write` or `writev`: the connection was open
  if (NOT_SENT.has(code) && !/read|write/.test(syscall as string)) return { type: "not-sent", code };
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
