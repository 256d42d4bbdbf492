// A request to http() written as a class instance: its refused() (a method, on the prototype) and a getter are read
// as those of a plain object are, so a download refused with stale credentials is re-sent with fresh ones rather than
// coming back as the answer. Over a node:http site on 127.0.0.1.
import { describe, expect, it } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import type { Credentials } from "./credentials.js";
import { SgAuthError } from "./errors.js";
import { fetchTransport, loopbackSites } from "./test-support/loopback-site.js";
import type { HttpResponse } from "./transport-strategy.js";

const site = loopbackSites();

const stale: Credentials = Object.freeze({ kind: "session", sessionToken: "stale-token-1234" });
const fresh: Credentials = Object.freeze({ kind: "session", sessionToken: "fresh-token-1234" });

/** A download, as an app's own class: its target a getter, its refused() a method. */
class Download {
  readonly method = "GET";
  constructor(private readonly id: number) {}
  get target(): string {
    return `/file_serve/attachment/${this.id}`;
  }
  refused(_response: HttpResponse, credentials: Credentials): SgAuthError | undefined {
    return credentials === stale ? new SgAuthError("download refused") : undefined;
  }
}

describe("http() with a request that is a class instance", () => {
  it("reads its prototype's refused() and getters: the refusal is refreshed and the download re-sent once", async () => {
    const s = await site();
    let refreshes = 0;
    const auth: AuthStrategy = { name: "stale first", credentials: async () => stale, onRejected: async () => (refreshes++, fresh) };
    const sg = createClient({ site: s.url, transport: fetchTransport(), auth });
    const download = sg.http(new Download(7));
    // Ends the wait for the site if the exchange fails before reaching it (a target lost on the way).
    const first = await Promise.race([s.arrived(1), download.then(() => undefined)]);
    expect(first?.method).toBe("GET /file_serve/attachment/7");
    first!.answer("stale");
    const again = await s.arrived(2);
    expect(again.method).toBe("GET /file_serve/attachment/7");
    again.answer("file bytes");
    const response = await download;
    expect(new TextDecoder().decode(response.body)).toBe('{"results":"file bytes"}');
    expect(refreshes).toBe(1);
  });
});
