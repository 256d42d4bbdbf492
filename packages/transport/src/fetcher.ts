import { createFetch } from "ofetch";
import type { FetchOptions } from "ofetch";
import type { RawResponse } from "./rpc-response.js";

const EMPTY = new Uint8Array(0);

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
  /** Request body. Strings are sent as UTF-8 bytes so ofetch never re-encodes them. */
  readonly body?: Uint8Array | Blob | FormData | URLSearchParams | undefined;
  /** Aborts the exchange (attempt timeout, deadline, caller). */
  readonly signal: AbortSignal;
  /** Read the body as UTF-8 text (`RawResponse.text`, decoded once by fetch) instead of bytes. */
  readonly asText?: boolean;
}

/** Sends one exchange and reads the whole body. Throws only when no response arrived. */
export type Exchanger = (request: ExchangeRequest) => Promise<RawResponse>;

/**
 * Build the exchanger on ofetch with its own retry turned off (the policy is ours), response errors ignored
 * (statuses are mapped by the caller), redirects not followed (`redirect: "manual"`, so a body carrying
 * credentials is never re-sent elsewhere), and the custom `fetch` / `dispatcher` used for every request.
 */
export function createExchanger(fetchFn: FetchFunction | undefined, dispatcher: object | undefined): Exchanger {
  const $fetch = createFetch({ fetch: (fetchFn ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init))) as typeof globalThis.fetch });
  return async (request: ExchangeRequest): Promise<RawResponse> => {
    // One small literal per exchange (ofetch copies it and the headers once more by itself).
    const init: Record<string, unknown> = {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      redirect: "manual",
      retry: false,
      ignoreResponseError: true,
      responseType: request.asText ? "text" : "arrayBuffer",
    };
    if (dispatcher) init["dispatcher"] = dispatcher;
    const response = await $fetch.raw(request.url, init as FetchOptions<"arrayBuffer" | "text">);
    const data: unknown = response._data;
    const head = { status: response.status, statusText: response.statusText, headers: response.headers };
    if (request.asText) return { ...head, body: EMPTY, text: typeof data === "string" ? data : "" };
    return { ...head, body: data instanceof ArrayBuffer ? new Uint8Array(data) : EMPTY };
  };
}
