/**
 * Parse a `Retry-After` header: delay-seconds (`"120"`) or an HTTP-date in any of its three forms (IMF-fixdate,
 * RFC 850, asctime — the last has no zone and is GMT; a date in another zone than GMT or UTC is none). Returns milliseconds from `now` (never negative), or
 * `undefined` when absent or neither: `Date.parse` alone reads junk such as `"-5"` or `"1/2"` as a past date,
 * which would turn the backoff into an instant retry.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  const text = value?.trim() ?? "";
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Every HTTP-date starts with the day's name and ends with hh:mm:ss and "GMT" (asctime: the year, and no zone). A
  // date in another zone (`+0100`, `PST`) is no HTTP-date: read as GMT, it was hours off. A second "GMT" is harmless
  // to Date.parse.
  const at = Date.parse(`${text} GMT`);
  if (/^[a-z].*:\d\d:\d\d( \d{4}| GMT| UTC)?$/i.test(text) && at >= 0) return Math.max(0, at - now);
  return undefined;
}
