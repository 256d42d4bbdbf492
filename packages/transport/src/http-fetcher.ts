import { loadCreateFetch } from "#ofetch";
import type { $Fetch, FetchOptions } from "ofetch";
import { EMPTY, readAnswer } from "./fetcher.js";
import type { Exchanger, FetchFunction } from "./fetcher.js";
import { unwrapFetchError } from "./network-errors.js";

/**
 * Whether `body` is a file (a `Blob`, or a multipart form, which holds one): sent with fetch's `redirect: "error"`.
 * With any other mode Node's fetch (undici) keeps a copy of the body for a redirect it might follow — it clones the
 * request, teeing the body, and the branch it keeps is read along with the one sent — so a 1 GB upload held 1 GB of
 * memory until its answer came (measured: `bench/upload-memory-bench.mjs` of `@sg/entities`). Only GETs follow
 * redirects here (by hand), so such a body gives nothing up; fetch rejects a redirect answered to it (see
 * `redirectRefused` in `http-exchange.ts`). A runtime that refuses that mode (Cloudflare's workerd: "Invalid redirect
 * value, must be one of follow or manual", as it builds the request) gets `"manual"`, and `http-exchange.ts` makes
 * any redirect answered to a file body the same refusal.
 */
export function holdsFile(body: unknown): boolean {
  return (typeof Blob !== "undefined" && body instanceof Blob) || (typeof FormData !== "undefined" && body instanceof FormData);
}

/**
 * The exchanger of plain HTTP exchanges (uploads, downloads, login endpoints), built on ofetch over the
 * custom `fetch` (default `globalThis.fetch`) and `dispatcher`: ofetch's own retry off (the policy is ours),
 * response errors ignored (statuses are mapped by the caller), redirects not followed
 * (`redirect: "manual"`, or `"error"` for a file body: see {@link holdsFile}; `http-exchange.ts` follows GET
 * redirects by hand, dropping credentials off-site),
 * the whole answer read as bytes, counted up to the exchange's `maxBytes` as RPC answers are (`readAnswer`) — or,
 * when the exchange asks for a stream, a 2xx body handed over unread (a redirect's or an error's body is still read as
 * bytes: small, and the caller needs it whole).
 */
export function createHttpExchanger(fetchFn: FetchFunction | undefined, dispatcher: object | undefined): Exchanger {
  // On Node, ofetch is loaded on the first exchange, not with the transport (see ofetch-lazy.ts).
  let $fetch: Promise<$Fetch> | undefined;
  // set once fetch refused `redirect: "error"`: file bodies go with "manual" from then on
  let manual = false;
  return async (request) => {
    // One small literal per exchange (ofetch copies it and the headers once more by itself).
    const init: Record<string, unknown> = {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      redirect: holdsFile(request.body) && !manual ? "error" : "manual",
      retry: false,
      ignoreResponseError: true,
      // the body is read below: whole, or handed over unread when a stream is asked for
      responseType: "stream",
    };
    if (dispatcher) init["dispatcher"] = dispatcher;
    $fetch ??= loadCreateFetch().then((createFetch) => createFetch({ fetch: (fetchFn ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init))) as typeof globalThis.fetch }));
    const ofetch = await $fetch;
    const send = () => ofetch.raw(request.url, init as FetchOptions<"stream">);
    const response = await send().catch((error: unknown) => {
      // Only workerd's refusal of the mode, as it builds the request ("Invalid redirect value, …"): nothing was sent. A
      // redirect refused after sending may also name "redirect" (Deno: "Encountered redirect while redirect mode is set
      // to 'error'"); sending the file again then would send it twice.
      if (init["redirect"] !== "error" || !/invalid redirect/i.test((unwrapFetchError(error) as Error | null)?.message ?? "")) throw error;
      manual = true;
      init["redirect"] = "manual";
      return send();
    });
    if (request.stream && response.ok && response.body) return { status: response.status, statusText: response.statusText, headers: response.headers, body: EMPTY, stream: response.body };
    // read whole inside the attempt (a reset midway is retried as any other), counted up to maxBytes
    return readAnswer(response, request.maxBytes);
  };
}
