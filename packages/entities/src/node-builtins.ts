/**
 * The Node modules that file paths need (reading an upload from disk, writing a download to `filePath`, reading a
 * local file link). The package's `#node-builtins` import maps to this module only under the `node` condition, so
 * a bundle for a browser or another runtime never has to resolve a `node:*` specifier: it gets
 * `node-builtins-unavailable.ts` instead. The modules themselves are imported only when a file path is used.
 *
 * @packageDocumentation
 */

/** Node's file-system, network (a named pipe's writer), path, OS and stream modules, as the functions given a file path use them. */
export interface NodeBuiltins {
  readonly fs: typeof import("node:fs");
  readonly fsPromises: typeof import("node:fs/promises");
  readonly net: typeof import("node:net");
  readonly os: typeof import("node:os");
  readonly path: typeof import("node:path");
  readonly streamPromises: typeof import("node:stream/promises");
}

/** Import the modules (undefined where the runtime is not Node: see `node-builtins-unavailable.ts`). */
export const loadBuiltins: (() => Promise<NodeBuiltins>) | undefined = async () => {
  const [fs, fsPromises, net, os, path, streamPromises] = await Promise.all([import("node:fs"), import("node:fs/promises"), import("node:net"), import("node:os"), import("node:path"), import("node:stream/promises")]);
  return { fs, fsPromises, net, os, path, streamPromises };
};
