/** Turning record values into text for table and CSV cells. */

function isRef(value: unknown): value is { type: string; id: number; name?: unknown } {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string" && typeof (value as { id?: unknown }).id === "number";
}

/** A value as one line of text. `style` `table` is for people, `csv` for spreadsheets and scripts. */
export function cellText(value: unknown, style: "table" | "csv"): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return style === "table" ? value.replace(/\s*\n\s*/g, " ⏎ ") : value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString().replace(/\.000Z$/, "Z");
  if (isRef(value)) {
    const ref = `${value.type}:${value.id}`;
    return style === "table" && typeof value.name === "string" && value.name ? `${value.name} (${ref})` : ref;
  }
  if (Array.isArray(value)) return value.map((v) => cellText(v, style)).join(style === "table" ? ", " : ";");
  const url = (value as { url?: unknown; name?: unknown }).url;
  if (style === "table" && typeof url === "string") return url;
  return JSON.stringify(value);
}

/** JSON.stringify that writes dates as ISO strings without milliseconds (the site's own form). */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    function replacer(this: Record<string, unknown>, key: string, v: unknown) {
      const original = this[key];
      return original instanceof Date ? original.toISOString().replace(/\.000Z$/, "Z") : v;
    },
    indent,
  );
}
