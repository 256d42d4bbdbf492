import { createFetch } from "ofetch";
import type { FetchOptions } from "ofetch";
import { EMPTY } from "./fetcher.js";
import type { Exchanger, FetchFunction } from "./fetcher.js";

/**
 * The exchanger of plain HTTP exchanges (uploads, downloads, login endpoints), built on ofetch over the
 * custom `fetch` (default `globalThis.fetch`) and `dispatcher`: ofetch's own retry off (the policy is ours),
 * response errors ignored (statuses are mapped by the caller), redirects not followed
 * (`redirect: "manual"`; `http-exchange.ts` follows GET redirects by hand, dropping credentials off-site),
 * the whole answer read as bytes.
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
      responseType: "arrayBuffer",
    };
    if (dispatcher) init["dispatcher"] = dispatcher;
    const response = await $fetch.raw(request.url, init as FetchOptions<"arrayBuffer">);
    const data: unknown = response._data;
    return { status: response.status, statusText: response.statusText, headers: response.headers, body: data instanceof ArrayBuffer ? new Uint8Array(data) : EMPTY };
  };
}
