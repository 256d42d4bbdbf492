/**
 * How the transport gets ofetch's `createFetch` outside the `node` condition (the package's `#ofetch` import): a static
 * import, so a browser or edge bundle holds ofetch as plain code, without the wrappers a dynamic import costs there.
 * Node loads `ofetch-lazy.ts` instead.
 *
 * @packageDocumentation
 */
import { createFetch } from "ofetch";

/** ofetch's `createFetch`, already loaded. */
export const loadCreateFetch = (): Promise<typeof createFetch> => Promise.resolve(createFetch);
