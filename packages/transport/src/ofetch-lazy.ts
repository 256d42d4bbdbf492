/**
 * How the transport gets ofetch's `createFetch` under the `node` condition (the package's `#ofetch` import): loaded on
 * the first upload, download or other plain exchange, not with the transport, so a process that only makes calls (a
 * CLI's `find`, a service's reads) never loads ofetch, whose Node entry also loads node-fetch-native (about 30 ms of a cold start). A bundler building for another platform gets `ofetch-eager.ts` instead, with no dynamic import to split.
 *
 * @packageDocumentation
 */
import type { createFetch } from "ofetch";

/** ofetch's `createFetch`, loaded once and on first use. */
export const loadCreateFetch = (): Promise<typeof createFetch> => import("ofetch").then((m) => m.createFetch);
