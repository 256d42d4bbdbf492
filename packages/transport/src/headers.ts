/** A header value fetch sends as it is: one line of Latin-1 text (fetch refuses a line break or a character above U+00FF). */
export const HEADER_VALUE: RegExp = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Inputs of {@link rpcHeaders}. */
export interface RpcHeaderOptions {
  /** The full user-agent value. */
  readonly userAgent: string;
  /** Send `locale: auto` (localised display names in schema reads). */
  readonly localized: boolean;
  /** `Authorization` value from the site URL's `user:pass@`, if any. */
  readonly basicAuth?: string | undefined;
}

/**
 * Headers of an api3 RPC request (rpc-protocol.md §1.2). `connection: keep-alive` is not set by hand: fetch
 * forbids it and keeps connections alive by itself.
 */
export function rpcHeaders(options: RpcHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    "user-agent": options.userAgent,
    "content-type": "application/json; charset=utf-8",
    "accept-encoding": "gzip, deflate",
  };
  if (options.localized) headers["locale"] = "auto";
  if (options.basicAuth) headers["authorization"] = options.basicAuth;
  return headers;
}
