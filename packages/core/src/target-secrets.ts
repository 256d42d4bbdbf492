/**
 * What a message must not show of a request's `target` (a signed download or upload link): its query and fragment,
 * whole and each value as written and decoded, and a user name and password before its last `@`. Pass them as the
 * `secrets` of an error quoting an answer to that request (a proxy's or storage's page may quote the link whole,
 * whatever its parameters are named: CloudFront's `Policy`, Akamai's `hdnts`). Harmless values (`Expires=…`) go too.
 *
 * @param target - the request's URL, as a string or a `URL`; anything else has no secrets.
 * @returns the values to scrub, none empty.
 */
export function targetSecrets(target: unknown): string[] {
  const text = typeof target === "string" ? target : target instanceof URL ? target.href : "";
  const at = text.lastIndexOf("@");
  const tail = text.slice(text.search(/[?#]|$/) + 1);
  const out = [tail, text.slice(0, Math.max(at, 0)).replace(/^\s*(?:[a-z][\w+.-]*:)?[/\\]*/i, "")];
  for (const part of tail.split(/[&;#?]/)) {
    const value = part.slice(part.indexOf("=") + 1);
    out.push(value);
    try {
      out.push(decodeURIComponent(value));
    } catch {}
  }
  return out.filter((s) => s.length > 0);
}
