/**
 * A proxy that refused the request before the site got anything: a login it wants (HTTP 407) or a site it
 * forbids (HTTP 403, also as the answer to a `CONNECT`). Both are permission failures, not network ones: a retry
 * gets the same answer, and a write refused there was never sent.
 *
 * @packageDocumentation
 */
import { SgNetworkError } from "@sg/core";

/** The transport's code for a proxy that asked for a login. */
const PROXY_AUTH = "ERR_PROXY_AUTH";
/** The transport's code for a proxy that would not open a tunnel (or forward) to the site. */
const PROXY_TUNNEL = "ERR_PROXY_TUNNEL";
/**
 * The status a refusing proxy answered with, as the transport states it in its reason ("the proxy refused the request
 * with HTTP 403"): the transport keeps that status only there (its `SgNetworkError` has no field for it).
 */
const PROXY_STATUS = /the proxy refused the request with HTTP (\d{3})\b/;

/** The proxy statuses that mean "not allowed through": a login wanted (407) or a site forbidden (403). */
const REFUSED_STATUSES: ReadonlySet<number> = new Set([403, 407]);

/**
 * The HTTP status with which a proxy refused the request (407 for the transport's `ERR_PROXY_AUTH`; the status it
 * states for `ERR_PROXY_TUNNEL`, 0 when it states none), or undefined for any other error.
 *
 * @param error - what a call threw.
 */
export function proxyRefusalStatus(error: unknown): number | undefined {
  if (!(error instanceof SgNetworkError)) return undefined;
  if (error.syscallCode === PROXY_AUTH) return 407;
  if (error.syscallCode !== PROXY_TUNNEL) return undefined;
  const stated = PROXY_STATUS.exec(error.reason)?.[1];
  return stated === undefined ? 0 : Number(stated);
}

/**
 * Whether a proxy refused the request as a permission failure (407 or 403): exit status 3, and nothing reached the
 * site. A proxy that could not reach the site (502, 503, 504) is a network failure and stays one.
 *
 * @param error - what a call threw.
 */
export function proxyRefused(error: unknown): boolean {
  const status = proxyRefusalStatus(error);
  return status !== undefined && REFUSED_STATUSES.has(status);
}
