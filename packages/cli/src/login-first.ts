/**
 * The login before the first call, when a person may be asked for a two-factor code: `--timeout-ms` (and `sg doctor`'s
 * 20 s) is how long the site has to answer, not how long a person has to find their phone.
 *
 * @packageDocumentation
 */
import type { Client, ClientHttpRequest, CallOptions } from "@sg/core";

/**
 * `client`, whose calls (and authenticated HTTP exchanges) first wait for `client.credentials()` — the login, with
 * its prompt — and only then start, so that a call's deadline covers the call and not the typing. The login's own
 * requests still go with the client's defaults (its deadline and per-attempt limit), so a site that never answers
 * the login is bounded as before; only the time between them, while the prompt waits, is not counted. One login
 * is shared by every call; a failed one is tried again by the next call. Every other member is the client's.
 *
 * @param client - the client whose auth strategy may prompt.
 */
export function loginFirst(client: Client): Client {
  let login: Promise<unknown> | undefined;
  const loggedIn = (): Promise<unknown> => {
    login ??= client.credentials().catch((error: unknown) => {
      login = undefined;
      throw error;
    });
    return login;
  };
  return Object.create(client, {
    call: {
      enumerable: true,
      value: async <T>(method: string, payload?: unknown, options?: CallOptions): Promise<T> => {
        // `info` needs no credentials: it is sent as the client sends it.
        if (method !== "info") await loggedIn();
        return client.call<T>(method, payload, options);
      },
    },
    http: {
      enumerable: true,
      value: async (request: ClientHttpRequest) => {
        if (request.authenticated !== false && request.credentials === undefined) await loggedIn();
        return client.http(request);
      },
    },
  }) as Client;
}
