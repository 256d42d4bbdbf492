// A call or exchange whose signal has aborted already starts no login: the strategy's credentials() (a legacy login
// that sends get_session_token, a prompt for a 2FA code) is never asked, and nothing reaches the site. Over a
// node:http site on 127.0.0.1; the strategy logs in through the client as legacyLoginAuth does.
import { describe, expect, it } from "vitest";
import type { AuthContext, AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import type { Credentials } from "./credentials.js";
import { SgAbortError } from "./errors.js";
import { fetchTransport, loopbackSites } from "./test-support/loopback-site.js";

const site = loopbackSites();

/** A strategy that logs in (a `read` the site holds stands for the login request) each time it is asked. */
function loggingIn(): { strategy: AuthStrategy; logins: () => number } {
  let logins = 0;
  const strategy: AuthStrategy = {
    name: "login",
    credentials: async (ctx: AuthContext): Promise<Credentials> => {
      logins += 1;
      await ctx.call("read", { type: "HumanUser" }, undefined);
      return { kind: "session", sessionToken: "tok-1" };
    },
  };
  return { strategy, logins: () => logins };
}

describe("a signal aborted before the call", () => {
  it("call(): rejects with the abort of that signal before any login is started", async () => {
    const s = await site();
    const { strategy, logins } = loggingIn();
    const sg = createClient({ site: s.url, transport: fetchTransport(), auth: strategy });
    const error = await sg.call("read", { type: "Shot" }, { signal: AbortSignal.abort(new Error("cancelled")) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgAbortError);
    expect((error as SgAbortError).cause).toMatchObject({ message: "cancelled" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logins()).toBe(0);
    expect(s.received).toEqual([]);
  });

  it("http(): rejects with the abort of that signal before any login is started", async () => {
    const s = await site();
    const { strategy, logins } = loggingIn();
    const sg = createClient({ site: s.url, transport: fetchTransport(), auth: strategy });
    const error = await sg.http({ method: "GET", target: "/file/1", signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgAbortError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logins()).toBe(0);
    expect(s.received).toEqual([]);
  });
});
