import { existsSync, readdirSync, realpathSync, symlinkSync } from "node:fs";
import { join } from "node:path";

/**
 * Link each package of the scope folder `from` (e.g. the repository's `node_modules/@sg`) into `to`, by its
 * real path, except the names in `skip`. A link whose package folder no longer exists (a package deleted
 * after the last `npm install`) is passed over rather than failing: nothing can import it anyway.
 * Returns the names linked.
 */
export function linkScope(from: string, to: string, skip: readonly string[] = []): string[] {
  const linked: string[] = [];
  for (const entry of readdirSync(from)) {
    const source = join(from, entry);
    if (skip.includes(entry) || !existsSync(source)) continue;
    symlinkSync(realpathSync(source), join(to, entry));
    linked.push(entry);
  }
  return linked;
}
