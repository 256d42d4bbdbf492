import type { FetchFunction } from "../index.js";

/**
 * Node's fetch made to follow the rules the Fetch standard sets for a browser's, which no runtime here has:
 * - a redirect answered to `redirect: "manual"` comes back as an opaque redirect — `type` `"opaqueredirect"`,
 *   status 0, no headers, no body (the real answer is read and dropped);
 * - `cookie`, a forbidden request header, is dropped before sending, silently.
 * Everything else goes to 127.0.0.1 over real sockets as Node's fetch sends it. `sent` records each init as sent.
 */
export function browserFetch(sent: RequestInit[] = []): FetchFunction {
  return async (input, init) => {
    const headers = new Headers(init.headers);
    headers.delete("cookie");
    const asSent = { ...init, headers };
    sent.push(asSent);
    const response = await fetch(input, asSent);
    if (init.redirect !== "manual" || response.status < 300 || response.status > 399) return response;
    await response.arrayBuffer();
    // Response.error() is the one Response of status 0 a script can make; a browser types it "opaqueredirect"
    return Object.defineProperty(Response.error(), "type", { value: "opaqueredirect" });
  };
}

/**
 * `Request` as a browser's builds it: `cookie`, a forbidden request header, is dropped. For `vi.stubGlobal("Request",
 * BrowserRequest)`, so that code asking the runtime what it keeps gets a browser's answer.
 */
export class BrowserRequest extends Request {
  constructor(input: string | URL | Request, init?: RequestInit) {
    super(input, init);
    this.headers.delete("cookie");
  }
}
