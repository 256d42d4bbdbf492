/**
 * The login before the first call, and a login again after the site refused the session mid-command, when a person
 * may be asked for a two-factor code: `--timeout-ms` (and `sg doctor`'s 20 s) is how long the site has to answer, not
 * how long a person has to find their phone.
 *
 * @packageDocumentation
 */
import type { Client, ClientHttpRequest, CallOptions } from "@sg/core";
import { ReloginDue } from "./relogin-between-calls.js";

/**
 * `client`, whose calls (and authenticated HTTP exchanges) first wait for `client.credentials()` — the login, with
 * its prompt — and only then start, so that a call's deadline covers the call and not the typing. The login's own
 * requests still go with the client's defaults (its deadline and per-attempt limit), so a site that never answers
 * the login is bounded as before; only the time between them, while the prompt waits, is not counted. One login
 * is shared by every call; a failed one is tried again by the next call. Every other member is the client's.
 *
 * With a strategy wrapped in `reloginBetweenCalls`, a call the site refused for its credentials (an expired session)
 * ends at once with {@link ReloginDue}: the login again (maybe with a prompt) then runs here, outside the call's
 * deadline, shared by the calls refused together and waited for by the calls made meanwhile, and the call is sent
 * again once, with its whole deadline. A refusal of the call sent again is not followed by another login (as the core
 * re-sends once): it is thrown as the strategy explains it. A call so refused was not applied, so a write is sent
 * again as safely as a read.
 *
 * @param client - the client whose auth strategy may prompt.
 */
export function loginFirst(client: Client): Client {
  let login: Promise<unknown> | undefined;
  /** `work` as the login every new call waits for (the first one, or a login again in progress); a failed one is let go. */
  const shared = <T>(work: Promise<T>): Promise<T> => {
    const attempt = work.catch((error: unknown) => {
      if (login === attempt) login = undefined;
      throw error;
    });
    login = attempt;
    return attempt;
  };
  const loggedIn = (): Promise<unknown> => login ?? shared(client.credentials());
  /** `send`, and once more after the login again that a refusal of its credentials asks for. */
  const sendOnce = async <T>(send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof ReloginDue)) throw error;
      // Calls made while it runs wait for it too, before their own deadline starts.
      if (!(await shared(error.relogin()))) throw error.explained();
    }
    try {
      return await send();
    } catch (again) {
      throw again instanceof ReloginDue ? again.explained() : again;
    }
  };
  return Object.create(client, {
    call: {
      enumerable: true,
      value: async <T>(method: string, payload?: unknown, options?: CallOptions): Promise<T> => {
        // `info` needs no credentials: it is sent as the client sends it.
        if (method !== "info") await loggedIn();
        return sendOnce(() => client.call<T>(method, payload, options));
      },
    },
    http: {
      enumerable: true,
      value: async (request: ClientHttpRequest) => {
        if (request.authenticated !== false && request.credentials === undefined) await loggedIn();
        return sendOnce(() => client.http(request));
      },
    },
  }) as Client;
}
