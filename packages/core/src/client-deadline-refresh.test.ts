import { describe, expect, it } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import type { Credentials } from "./credentials.js";
import { SgAuthError, SgTimeoutError, type AttemptRecord } from "./errors.js";
import type { RpcRequest, TransportStrategy } from "./transport-strategy.js";

const CREDS: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "bot-key-0123456789" });
const FRESH: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "bot-key-fresh-9876" });
/** What a transport reports of the send the site refused (one attempt, answered). */
const REFUSED_SEND: readonly AttemptRecord[] = [{ attempt: 1, status: 200, elapsedMs: 3 }];

/** Keep the CPU busy for `ms`: the deadline's timer cannot run meanwhile. */
const busy = (ms: number): void => {
  const t = performance.now();
  while (performance.now() - t < ms);
};

describe("call(): fresh credentials that arrive as the deadline ends", () => {
  // The refresh hands back a settled promise after the deadline has passed, before the deadline's timer gets to run:
  // the re-send is not made (no time is left), and what leaves says what the refused send did, as when the timer cuts
  // the wait. Before, it said attempts: [], as if nothing had been sent.
  function refusingOnce(): { transport: TransportStrategy; sent: RpcRequest[] } {
    const sent: RpcRequest[] = [];
    const transport: TransportStrategy = {
      name: "refuses the first credentials",
      async send(request) {
        sent.push(request);
        if (request.credentials === CREDS) throw new SgAuthError("session expired", { errorCode: 102, method: request.method, attempts: REFUSED_SEND });
        return "ok";
      },
    };
    return { transport, sent };
  }
  const lateRefresh: AuthStrategy = {
    name: "late-refresh",
    credentials: async () => CREDS,
    onRejected: () => {
      busy(60);
      return Promise.resolve(FRESH);
    },
  };

  for (const method of ["create", "read"]) {
    it(`'${method}': nothing more is sent, and the deadline error carries the refused send's attempts and method`, async () => {
      const { transport, sent } = refusingOnce();
      const sg = createClient({ site: "https://x.example.com", transport, auth: lateRefresh });
      const error = await sg.call(method, {}, { deadlineMs: 40 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgTimeoutError);
      expect(error).toMatchObject({ scope: "deadline", timeoutMs: 40, maybeSent: false, method });
      expect((error as SgTimeoutError).reason).toMatch(/still waiting for fresh credentials after a refusal$/);
      expect((error as SgTimeoutError).attempts).toEqual(REFUSED_SEND);
      expect(sent.map((r) => r.method)).toEqual([method]); // the refused one only
    });
  }

  it("credentials that arrive only after the deadline, before anything was sent: attempts [] and maybeSent false, as nothing was sent", async () => {
    const { transport, sent } = refusingOnce();
    const lateLogin: AuthStrategy = { name: "late-login", credentials: () => (busy(60), Promise.resolve(FRESH)) };
    const error = await createClient({ site: "https://x.example.com", transport, auth: lateLogin }).call("create", {}, { deadlineMs: 40 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect(error).toMatchObject({ scope: "deadline", maybeSent: false, method: "create", attempts: [] });
    expect((error as SgTimeoutError).reason).toMatch(/still waiting for credentials$/);
    expect((error as SgTimeoutError).hint).toMatch(/Getting credentials .* took too long/);
    expect(sent).toEqual([]);
  });
});
