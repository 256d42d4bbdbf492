import { describe, expect, it } from "vitest";
import { rejectionOf } from "@sg/testing";
import { SgAbortError } from "@sg/core";
import { sessionAuth } from "./index.js";
import type { RefreshRequest } from "./index.js";
import { IDLE, READ_SHOTS, demoSite, loginFor } from "./test-support/session-site.js";

// A deadline far above what a loopback call needs and below the test timeout, so that a call joining a dead refresh fails instead of hanging the run.
const BOUND = { deadlineMs: 4_000 };

describe("sessionAuth and close()", () => {
  const demo = demoSite();
  const { client } = demo;

  it("drops a refresh left running by close(): it is told to stop, and the next refusal refreshes again", async () => {
    const requests: RefreshRequest[] = [];
    let onAsked = (): void => {};
    const asked = new Promise<void>((resolve) => (onAsked = resolve));
    const stored: string[] = [];
    const sg = client(
      sessionAuth({
        sessionToken: await loginFor(demo.emulator),
        refresh: (request) => {
          requests.push(request);
          onAsked();
          return requests.length === 1 ? new Promise<string>(() => {}) : loginFor(demo.emulator);
        },
        onToken: (token) => void stored.push(token),
      }),
    );
    demo.emulator.advanceClock(IDLE + 1);
    const first = sg.call("read", READ_SHOTS, BOUND);
    await asked;
    await sg.close();
    expect(await rejectionOf(first)).toBeInstanceOf(SgAbortError);
    // After close(): a refused call gets a new refresh, and credentials() answers.
    await sg.call("read", READ_SHOTS, BOUND);
    expect((await sg.credentials()).kind).toBe("session");
    expect(requests).toHaveLength(2);
    expect(requests[0]?.signal.aborted).toBe(true);
    expect(requests[1]?.signal.aborted).toBe(false);
    expect(stored).toHaveLength(1);
  });

  it("takes no token from a refresh that answers after every waiting client was closed", async () => {
    let answer = (_token: string): void => {};
    let onAsked = (): void => {};
    const asked = new Promise<void>((resolve) => (onAsked = resolve));
    const stored: string[] = [];
    const first = await loginFor(demo.emulator);
    const sg = client(
      sessionAuth({
        sessionToken: first,
        refresh: () => {
          onAsked();
          return new Promise<string>((resolve) => (answer = resolve));
        },
        onToken: (token) => void stored.push(token),
      }),
    );
    demo.emulator.advanceClock(IDLE + 1);
    const call = sg.call("read", READ_SHOTS, BOUND);
    await asked;
    await sg.close();
    await rejectionOf(call);
    answer(await loginFor(demo.emulator));
    const credentials = await sg.credentials();
    expect(credentials.kind === "session" && credentials.sessionToken).toBe(first);
    expect(stored).toEqual([]);
  });
  it("starts no cool-down for a refresh that fails after every waiting client was closed: the next client refreshes again", async () => {
    let fail = (_error: Error): void => {};
    let onAsked = (): void => {};
    const asked = new Promise<void>((resolve) => (onAsked = resolve));
    let calls = 0;
    const auth = sessionAuth({
      sessionToken: await loginFor(demo.emulator),
      refresh: () => {
        calls += 1;
        onAsked();
        return calls === 1 ? new Promise<string>((_resolve, reject) => (fail = reject)) : loginFor(demo.emulator);
      },
    });
    const closed = client(auth);
    demo.emulator.advanceClock(IDLE + 1);
    const call = closed.call("read", READ_SHOTS, BOUND);
    await asked;
    await closed.close();
    expect(await rejectionOf(call)).toBeInstanceOf(SgAbortError);
    fail(new Error("login server down"));
    // Let the failure settle (every microtask it queues runs before the next macrotask).
    await new Promise((resolve) => setImmediate(resolve));
    await expect(client(auth).call("read", READ_SHOTS, BOUND)).resolves.toMatchObject({ entities: expect.any(Array) });
    expect(calls).toBe(2);
  });
});
