// A transport's own refusal class (an SgAuthError subclass whose constructor takes other arguments) on a write that may
// have landed, when the refresh fails: the call rejects with a copy of that refusal, of its class and with its fields
// and message, made without calling its constructor, the failed refresh as its cause. Over a node:http site on 127.0.0.1.
import { describe, expect, it } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import { SgAuthError } from "./errors.js";
import { fetchTransport, loopbackSites } from "./test-support/loopback-site.js";
import type { TransportStrategy } from "./transport-strategy.js";

const site = loopbackSites();

/** A refusal that names the token refused: its constructor checks its first argument. */
class TokenRefused extends SgAuthError {
  readonly tokenId: number;
  constructor(tokenId: number, options: { readonly hint?: string; readonly method?: string } = {}) {
    if (typeof tokenId !== "number") throw new TypeError("TokenRefused: tokenId must be a number");
    super(`token #${tokenId} was refused`, { ...options, code: "ACME_TOKEN_REFUSED" });
    this.tokenId = tokenId;
  }
}

/** One that builds its message from its first argument, whatever it is, and sets its own hint. */
class TokenRefusedLoose extends SgAuthError {
  readonly tokenId: unknown;
  constructor(tokenId: unknown) {
    super(`token #${String(tokenId)} was refused`, { code: "ACME_TOKEN_REFUSED", hint: "Ask IT for a new token." });
    this.tokenId = tokenId;
  }
}

/** The loopback transport, whose refusal of a create (fault 102) is thrown as `refusal()`, one that may have landed. */
function refusingAs(refusal: () => SgAuthError): TransportStrategy {
  const transport = fetchTransport();
  const send = transport.send.bind(transport);
  transport.send = async (request, context) => {
    try {
      return await send(request, context);
    } catch (error) {
      throw error instanceof SgAuthError ? Object.assign(refusal(), { maybeSent: true }) : error;
    }
  };
  return transport;
}

const failingRefresh: AuthStrategy = {
  name: "vault",
  credentials: async () => ({ kind: "session", sessionToken: "tok-stale" }),
  onRejected: async () => {
    throw new SgAuthError("vault: the vault is down");
  },
};

describe("a landed write's refusal of a class of its own, when the refresh fails", () => {
  it.each([
    ["TokenRefused", () => new TokenRefused(7, { method: "create", hint: "Check the site before trying again." }), "token #7 was refused\nHint: Check the site before trying again."],
    ["TokenRefusedLoose", () => Object.assign(new TokenRefusedLoose(7), { method: "create" }), "token #7 was refused\nHint: Ask IT for a new token."],
  ])("%s: the same class, message and fields, maybeSent, the failed refresh as cause", async (_name, refusal, message) => {
    const s = await site();
    const thrown = refusal();
    const sg = createClient({ site: s.url, transport: refusingAs(refusal), auth: failingRefresh });
    const create = sg.call("create", { type: "Shot", data: {} }, { retry: { retryWrites: true } }).catch((e: unknown) => e);
    (await s.arrived(1)).fault(102, "session expired");
    const error = (await create) as SgAuthError & { tokenId?: unknown; maybeSent?: unknown };
    expect(error).toBeInstanceOf(thrown.constructor);
    expect(error.message).toBe(message);
    expect(error).toMatchObject({ name: thrown.name, code: "ACME_TOKEN_REFUSED", tokenId: 7, method: "create", maybeSent: true, site: s.url });
    expect((error.cause as Error | undefined)?.message).toBe("vault: the vault is down");
  });
});
