/**
 * Loading Node's file modules for a function given a file path, so that a browser bundle stays free of them: see
 * `node-builtins.ts` and the `imports` map of package.json.
 *
 * @packageDocumentation
 */
import { loadBuiltins } from "#node-builtins";
import type { NodeBuiltins } from "./node-builtins.js";
import { fail, type Path } from "./validate.js";

/**
 * Node's file modules, for the file path `given` at `path`. Outside Node (the package's `#node-builtins` import
 * resolved to its stand-in, as in a browser bundle) this throws an `SgValidationError` naming `path` and saying
 * what to pass instead (`expected`, then `hint`), before anything is sent.
 */
export async function nodeBuiltins(path: Path, given: string, expected: string, hint?: string): Promise<NodeBuiltins> {
  return loadBuiltins ? loadBuiltins() : fail(path, `${expected} (file paths need Node)`, given, hint);
}
