/**
 * Parse a `Retry-After` header: delay-seconds (`"120"`) or an HTTP-date in any of its three forms (IMF-fixdate,
 * RFC 850, asctime — the last has no zone and is GMT; a date in another zone than GMT or UTC is none). Returns
 * milliseconds (never negative), or `undefined` when absent or neither: `Date.parse` alone reads junk such as `"-5"`
 * or `"1/2"` as a past date, which would turn the backoff into an instant retry. An HTTP-date is the site's clock: it
 * is read from the answer's `date` header when that is an HTTP-date (so a site whose clock is off from the client's
 * gets the wait it asked for), else from `now` (the client's clock).
 */
export function parseRetryAfter(value: string | null | undefined, now: number, date?: string | null): number | undefined {
  const text = value?.trim() ?? "";
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = httpDate(text);
  return at === undefined ? undefined : Math.max(0, at - (httpDate(date?.trim() ?? "") ?? now));
}

/** `text` as an HTTP-date, in milliseconds since the epoch, or `undefined` when it is none. */
function httpDate(text: string): number | undefined {
  // Every HTTP-date starts with the day's name and ends with hh:mm:ss and "GMT" (asctime: the year, and no zone). A
  // date in another zone (`+0100`, `PST`) is no HTTP-date: read as GMT, it was hours off. A second "GMT" is harmless
  // to Date.parse.
  const at = Date.parse(`${text} GMT`);
  return /^[a-z].*:\d\d:\d\d( \d{4}| GMT| UTC)?$/i.test(text) && at >= 0 ? at : undefined;
}
