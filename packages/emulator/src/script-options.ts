import { withArticle } from './articles.js';
import { shown } from './options-check.js';
import type { SiteCardScript } from './types.js';

/** The name of the emulator's own script, which every site has (see `DEMO_SCRIPT_KEY`). */
export const OWN_SCRIPT_NAME = 'emulator_script';

/** A script key: 1 to 256 printable ASCII characters, no space (a site's keys are letters, digits and symbols). */
const KEY_RE = /^[\x21-\x7e]{1,256}$/;

/**
 * How a refused value that may hold a key is described: by its type (and a string by its length), never its text,
 * so that `"pipeline:KEY"` given where a list or an object belongs does not put the key in a log.
 */
function describedSafely(value: unknown): string {
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return withArticle(typeof value);
}

/**
 * The `scripts` start option checked and copied: a list of `{ name, key }` with a non-empty name (not
 * {@link OWN_SCRIPT_NAME}, none twice) and a key of {@link KEY_RE}. Undefined gives `[]`.
 *
 * @throws Error naming the item and what is wrong; a value that may hold a key (the list, an item, a key) is
 *   described by its type and length, never shown.
 */
export function checkScripts(value: unknown): SiteCardScript[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`scripts must be a list of { name, key }, got ${describedSafely(value)}`);
  const seen = new Set<string>([OWN_SCRIPT_NAME]);
  return value.map((item: unknown, i) => {
    const at = `scripts[${i}]`;
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw new Error(`${at} must be an object { name, key }, got ${describedSafely(item)}`);
    const extra = Object.keys(item).find((k) => k !== 'name' && k !== 'key');
    if (extra !== undefined) throw new Error(`${at} has an unknown key ${JSON.stringify(extra)}: a script is { name, key }`);
    const { name, key } = item as { name?: unknown; key?: unknown };
    if (typeof name !== 'string' || name.trim() === '') throw new Error(`${at}.name must be a non-empty string, got ${shown(name)}`);
    if (name === OWN_SCRIPT_NAME) throw new Error(`${at}.name "${OWN_SCRIPT_NAME}" is the emulator's own script, which every site has: give another name`);
    if (seen.has(name)) throw new Error(`${at}.name ${JSON.stringify(name)} is given twice: each script needs a name of its own`);
    seen.add(name);
    if (typeof key !== 'string' || !KEY_RE.test(key)) {
      throw new Error(`${at}.key must be a string of 1 to 256 printable characters without spaces, got ${describedSafely(key)}`);
    }
    return { name, key };
  });
}
