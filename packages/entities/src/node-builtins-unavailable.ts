/**
 * What `#node-builtins` loads outside Node (a bundle for a browser, a worker, an edge runtime): no loader, and no
 * `node:*` import for the bundler to resolve. `nodeBuiltins()` turns the absence into a readable error for the
 * file path given. It only exports a value, so loading it never fails, even where a bundler evaluates it eagerly.
 *
 * @packageDocumentation
 */
import type { loadBuiltins as nodeLoader } from "./node-builtins.js";

/** No Node modules to load here. */
export const loadBuiltins: typeof nodeLoader = undefined;
