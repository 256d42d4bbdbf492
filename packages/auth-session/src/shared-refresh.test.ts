import { describe, expect, it } from "vitest";
import type { AuthContext, AuthStrategy, Credentials, SgAuthError } from "@sg/core";
import { sessionAuth } from "./index.js";
import { IDLE, READ_SHOTS, count, demoSite, loginFor } from "./test-support/session-site.js";
import type { Emulator } from "./test-support/session-site.js";

/** A sessionAuth() of a real session of `emulator`, whose refresh() logs in again once `until` settles. */
async function heldRefresh(emulator: Emulator, until: Promise<void>): Promise<{ auth: AuthStrategy; refreshes(): number }> {
  let refreshes = 0;
  const auth = sessionAuth({
    sessionToken: await loginFor(emulator),
    refresh: async () => {
      refreshes += 1;
      await until;
      return loginFor(emulator);
    },
  });
  return { auth, refreshes: () => refreshes };
}

/**
 * `auth` for one client, its refusals seen by `refused` before `auth` hears of them, and handed to `auth` only once
 * `later` settles (a refusal arriving late).
 */
function watched(auth: AuthStrategy, refused: () => void, later: Promise<unknown> = Promise.resolve()): AuthStrategy {
  return {
    ...auth,
    onRejected: async (error: SgAuthError, rejected: Credentials, ctx: AuthContext) => {
      refused();
      await later;
      return auth.onRejected?.(error, rejected, ctx);
    },
  };
}

// Clients sharing one sessionAuth() share its refresh (README): each client only shares its own refusals, so the
// strategy is what joins the second client's refusal to the refresh of the first.
describe("one sessionAuth shared by two clients of a site", () => {
  const demo = demoSite();
  const { client } = demo;

  it("refreshes once when both clients are refused while the refresh runs", async () => {
    let refusals = 0;
    let bothRefused = (): void => {};
    // The refresh still runs when the other client's refusal reaches the strategy.
    const { auth, refreshes } = await heldRefresh(demo.emulator, new Promise<void>((resolve) => (bothRefused = resolve)));
    const seen = (): void => {
      if (++refusals === 2) bothRefused();
    };
    const a = client(watched(auth, seen));
    const b = client(watched(auth, seen));
    await Promise.all([a.call("read", READ_SHOTS), b.call("read", READ_SHOTS)]);
    demo.emulator.advanceClock(IDLE + 1);
    const [ra, rb] = await Promise.all([a.call<{ entities: unknown[] }>("read", READ_SHOTS), b.call<{ entities: unknown[] }>("read", READ_SHOTS)]);
    expect(ra.entities.length).toBeGreaterThan(0);
    expect(rb.entities.length).toBeGreaterThan(0);
    expect(refusals).toBe(2);
    expect(refreshes()).toBe(1);
    // The two logins: the first session's and the one refresh.
    expect(count(demo.emulator, "get_session_token")).toBe(2);
  });

  it("refreshes once when one client's refusal of the old token arrives after the refresh finished", async () => {
    let onRefusedB = (): void => {};
    // The refresh ends after b's call went out with the old token.
    const { auth, refreshes } = await heldRefresh(demo.emulator, new Promise<void>((resolve) => (onRefusedB = resolve)));
    let onDoneA = (): void => {};
    const doneA = new Promise<void>((resolve) => (onDoneA = resolve));
    const a = client(auth);
    // b's refusal reaches the strategy only once a's call, refresh and re-send included, is done.
    const b = client(watched(auth, onRefusedB, doneA));
    await Promise.all([a.call("read", READ_SHOTS), b.call("read", READ_SHOTS)]);
    demo.emulator.advanceClock(IDLE + 1);
    // b's call goes out first, with the old token.
    const callB = b.call<{ entities: unknown[] }>("read", READ_SHOTS);
    const callA = a.call<{ entities: unknown[] }>("read", READ_SHOTS);
    void callA.finally(onDoneA).catch(() => {});
    const rb = await callB;
    expect((await callA).entities.length).toBeGreaterThan(0);
    expect(rb.entities.length).toBeGreaterThan(0);
    expect(refreshes()).toBe(1);
    expect(count(demo.emulator, "get_session_token")).toBe(2);
  });
});
