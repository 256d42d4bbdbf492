/** Turning record values into text for table and CSV cells. */

import { forTerminal } from "../terminal-text.js";

/**
 * An entity type name as the site spells one: an upper-case letter, then letters, digits and underscores (`Shot`,
 * `PublishedFile`, `CustomEntity01`, and a multi-entity field's connection type, `Asset_sg_linked_shots_Connection`).
 * The `type` of the site's other dicts with an `id` never is one: an `EventLogEntry`'s `meta` says `attribute_change`,
 * `entity_retirement`, `new_entity` (snake_case, starting lower-case).
 */
const ENTITY_TYPE = /^[A-Z]\w*$/;

/** Whether `value` is an entity link: a numeric `id` and an entity type name as its `type`. */
function isRef(value: unknown): value is { type: string; id: number; name?: unknown } {
  if (typeof value !== "object" || value === null) return false;
  const { type, id } = value as { type?: unknown; id?: unknown };
  return typeof type === "string" && ENTITY_TYPE.test(type) && typeof id === "number";
}

/**
 * A value as the text of one cell. `style` `table` is for people: one line, safe for a terminal (line breaks become
 * ` ⏎ `, control and bidirectional characters visible marks). `csv` is for spreadsheets and scripts: line breaks and
 * control characters are kept as they are, so the text may span lines; pass it to `csvField`, which quotes it (as the
 * CSV writer does).
 */
export function cellText(value: unknown, style: "table" | "csv"): string {
  const text = rawText(value, style);
  return style === "table" ? forTerminal(text) : text;
}

/**
 * One item of a list in a CSV cell (tags, multi-entity links), joined with `;`: an item holding `;` or `"` is
 * quoted the CSV way (`"a;b"`, inner `"` doubled), so a tag named `a;b` never reads as the two tags `a` and `b`.
 */
function listItem(text: string): string {
  return /[;"]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function rawText(value: unknown, style: "table" | "csv"): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString().replace(/\.000Z$/, "Z");
  if (isRef(value)) {
    const ref = `${value.type}:${value.id}`;
    return style === "table" && typeof value.name === "string" && value.name ? `${value.name} (${ref})` : ref;
  }
  if (Array.isArray(value)) return style === "table" ? value.map((v) => rawText(v, style)).join(", ") : value.map((v) => listItem(rawText(v, style))).join(";");
  const url = (value as { url?: unknown; name?: unknown }).url;
  if (style === "table" && typeof url === "string") return url;
  return JSON.stringify(value);
}

/**
 * JSON.stringify that writes dates as ISO strings without milliseconds (the site's own form), and the line and
 * paragraph separators and NEL (U+2028, U+2029, U+0085) as `\u` escapes: JSON allows them raw inside strings, but
 * Python's `str.splitlines()` and other line readers end a line there, which would cut a `jsonl` record in two.
 */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    function replacer(this: Record<string, unknown>, key: string, v: unknown) {
      const original = this[key];
      return original instanceof Date ? original.toISOString().replace(/\.000Z$/, "Z") : v;
    },
    indent,
  ).replace(/[\u2028\u2029\u0085]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
