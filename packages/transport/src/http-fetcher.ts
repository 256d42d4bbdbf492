import { createFetch } from "ofetch";
import type { FetchOptions } from "ofetch";
import { EMPTY } from "./fetcher.js";
import type { Exchanger, FetchFunction } from "./fetcher.js";

/**
 * The exchanger of plain HTTP exchanges (uploads, downloads, login endpoints), built on ofetch over the
 * custom `fetch` (default `globalThis.fetch`) and `dispatcher`: ofetch's own retry off (the policy is ours),
 * response errors ignored (statuses are mapped by the caller), redirects not followed
 * (`redirect: "manual"`; `http-exchange.ts` follows GET redirects by hand, dropping credentials off-site),
 * the whole answer read as bytes — or, when the exchange asks for a stream, a 2xx body handed over unread
 * (a redirect's or an error's body is still read as bytes: small, and the caller needs it whole).
 */
export function createHttpExchanger(fetchFn: FetchFunction | undefined, dispatcher: object | undefined): Exchanger {
  const $fetch = createFetch({ fetch: (fetchFn ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init))) as typeof globalThis.fetch });
  return async (request) => {
    // One small literal per exchange (ofetch copies it and the headers once more by itself).
    const init: Record<string, unknown> = {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      redirect: "manual",
      retry: false,
      ignoreResponseError: true,
      // the body is read below: whole, or handed over unread when a stream is asked for
      responseType: "stream",
    };
    if (dispatcher) init["dispatcher"] = dispatcher;
    const response = await $fetch.raw(request.url, init as FetchOptions<"stream">);
    const head = { status: response.status, statusText: response.statusText, headers: response.headers };
    return request.stream && response.ok && response.body ? { ...head, body: EMPTY, stream: response.body } : { ...head, body: new Uint8Array(await response.arrayBuffer()) };
  };
}
