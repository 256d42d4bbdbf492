import { afterAnswer } from "./network-errors.js";
import type { RawResponse } from "./rpc-response.js";

/** An empty body: a streamed one, or one past its limit. */
export const EMPTY: Uint8Array = new Uint8Array(0);

/** A fetch-compatible function (`globalThis.fetch`, undici's `fetch`, an instrumented wrapper, …). */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** One HTTP exchange as the transport sends it. */
export interface ExchangeRequest {
  /** Absolute URL (never with credentials in it). */
  readonly url: string;
  /** HTTP method. */
  readonly method: "GET" | "POST" | "PUT";
  /** Request headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** Request body. */
  readonly body?: Uint8Array | Blob | FormData | URLSearchParams | undefined;
  /** Aborts the exchange (attempt timeout, deadline, caller). */
  readonly signal: AbortSignal;
  /** Hand a 2xx body over unread as {@link RawResponse.stream} (other statuses are still read as bytes). */
  readonly stream?: boolean;
  /** The most decoded bytes of a body read whole (see {@link readAnswer}); `Infinity` for no limit. */
  readonly maxBytes: number;
}

/** One api3 RPC exchange: a JSON text body POSTed, the answer read whole as bytes. */
export interface RpcExchangeRequest {
  /** `<site>/api3/json`. */
  readonly url: string;
  /** Request headers. */
  readonly headers: Readonly<Record<string, string>>;
  /** The envelope as JSON text (fetch encodes it as UTF-8, once). */
  readonly body: string;
  /** Aborts the exchange (attempt timeout, deadline, caller). */
  readonly signal: AbortSignal;
  /** The most decoded bytes of the answer read (see {@link createRpcExchanger}). */
  readonly maxBytes: number;
}

/** Sends one exchange and reads the whole body. Throws only when no response arrived. */
export type Exchanger = (request: ExchangeRequest) => Promise<RawResponse>;

/** Sends one RPC exchange and reads the whole body. Throws only when no response arrived. */
export type RpcExchanger = (request: RpcExchangeRequest) => Promise<RawResponse>;

/**
 * The exchanger of api3 RPC calls, over the custom `fetch` (default `globalThis.fetch`) and `dispatcher`:
 * a JSON string in, bytes out (decoded as UTF-8 by `decodeRpcResponse`), redirects left unfollowed (`redirect: "manual"`, so a body carrying
 * credentials is never re-sent elsewhere), never throwing for a status (the caller maps statuses).
 *
 * An answer longer than the request's `maxBytes` is not read past the limit: its connection is dropped and it comes back
 * `tooLarge`. A `content-length` without a content encoding is the body's own: past the limit the body is not read at
 * all. Otherwise the decoded bytes are counted as they come (a small compressed body may inflate far past it).
 *
 * RPC calls are the per-call hot path and go to fetch directly: the bench measured ofetch's per-request
 * option merging and `Headers` copy as a visible share of the per-call overhead, for nothing this shape of
 * request needs. Plain exchanges (forms, blobs, binary answers) use ofetch; see `http-fetcher.ts`.
 */
export function createRpcExchanger(fetchFn: FetchFunction | undefined, dispatcher: object | undefined): RpcExchanger {
  const doFetch: FetchFunction = fetchFn ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
  return async (request) => {
    const init: Record<string, unknown> = { method: "POST", headers: request.headers, body: request.body, signal: request.signal, redirect: "manual" };
    if (dispatcher) init["dispatcher"] = dispatcher;
    return readAnswer(await doFetch(request.url, init as RequestInit), request.maxBytes);
  };
}

/**
 * The answer's head and its body, read up to `maxBytes` (`tooLarge` past it; see {@link createRpcExchanger}), for RPC
 * answers and `http()`'s bodies read whole alike. A body that breaks once the site has answered: the request went out, whatever the
 * failure says (see afterAnswer).
 *
 * Read chunk by chunk and copied once into a body of its own: measured side by side against a loopback server, this
 * takes ~3% less per call than fetch's `arrayBuffer()` (content-length or not), and ~7% less than joining the chunks
 * through a `Blob`.
 */
export async function readAnswer(response: Response, maxBytes: number): Promise<RawResponse> {
  const headers = response.headers;
  const raw: { -readonly [K in keyof RawResponse]: RawResponse[K] } = { status: response.status, statusText: response.statusText, headers, body: EMPTY };
  const length = headers.get("content-encoding") ? NaN : Number(headers.get("content-length") ?? NaN);
  try {
    const stream = response.body;
    // A custom fetch's body may be a Node Readable (node-fetch v3), not a web stream: read it through arrayBuffer().
    const reader = stream?.getReader?.();
    const chunks: Uint8Array[] = [];
    let size = length > maxBytes ? length : 0;
    if (stream && !reader && !size) size = (chunks[0] = new Uint8Array(await response.arrayBuffer())).byteLength;
    while (reader && size <= maxBytes) {
      const chunk = await reader.read();
      if (chunk.done) break;
      size += chunk.value.byteLength;
      chunks.push(chunk.value);
    }
    if (size > maxBytes) {
      // drops the connection: the rest is never read
      reader ? reader.cancel().catch(() => {}) : (stream as { destroy?(): void } | null)?.destroy?.();
      raw.tooLarge = maxBytes;
      return raw;
    }
    const body = (raw.body = new Uint8Array(size));
    size = 0;
    for (const chunk of chunks) body.set(chunk, size), (size += chunk.byteLength);
    return raw;
  } catch (error) {
    throw afterAnswer(error);
  }
}
