import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "@sg/testing";
import { SgAbortError, SgAuthError, SgHttpError, SgTimeoutError, createClient, silentLogger } from "@sg/core";
import type { Client, SgError } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { legacyLoginAuth } from "./index.js";
import { READ_SHOTS, count, passwordOf } from "./test-support/demo-site.js";
import type { Emulator } from "./test-support/demo-site.js";

// What a caller is told when core's one re-login after an expired session fails or is cut short, through the real
// strategy, transport and site: a write that may have landed must say so, and no caller's error may be another's.

const IDLE = 60;
type Failed = SgError & { readonly maybeSent?: boolean | undefined };

describe("a re-login after a refusal that fails or is cut short", () => {
  let emulator: Emulator;
  let project: number;
  const clients: Client[] = [];
  // The client's logger: runs `onLogin` when the strategy starts a login (the callers then wait for it).
  let onLogin: (() => void) | undefined;
  let cut = new AbortController();
  const logger = { ...silentLogger, info: (message: string) => void (/logging in/.test(message) && onLogin?.()) };

  const shot = (code: string) => ({
    type: "Shot",
    fields: [
      { field_name: "code", value: code },
      { field_name: "project", value: { type: "Project", id: project } },
    ],
    return_fields: ["id"],
  });
  const rows = async (code: string): Promise<number> => {
    const sg = client();
    const found = (await sg.call("read", { ...READ_SHOTS, filters: { logical_operator: "and", conditions: [{ path: "code", relation: "is", values: [code] }] } })) as { entities: unknown[] };
    return found.entities.length;
  };
  /** A client of coord; `onRetry` runs before each retry of the transport's. */
  const client = (onRetry?: () => void): Client => {
    const sg = createClient({
      site: emulator.url,
      transport: jsonRpcTransport({ retry: { baseDelayMs: 20, retryWrites: true, ...(onRetry ? { onRetry } : {}) } }),
      auth: legacyLoginAuth({ login: "coord", password: passwordOf(emulator, "coord") }),
      logger,
    });
    clients.push(sg);
    return sg;
  };
  /** A client logged in whose session expires between a create's first attempt (applied, answered 502) and its retry. */
  const expiringDuringRetry = async (): Promise<{ sg: Client; expired: Promise<void> }> => {
    let expire!: () => void;
    const expired = new Promise<void>((resolve) => (expire = resolve));
    let once = true;
    const sg = client(() => {
      if (!once) return;
      once = false;
      emulator.advanceClock(IDLE + 1);
      expire();
    });
    await sg.call("read", READ_SHOTS);
    emulator.injectFault({ method: "create", status: 502, when: "after" });
    return { sg, expired };
  };

  beforeAll(async () => {
    emulator = await startEmulator({ authMode: "default", fixtures: "demo", sessionIdleSeconds: IDLE });
    const projects = (await client().call("read", { ...READ_SHOTS, type: "Project", return_fields: ["id"] })) as { entities: { id: number }[] };
    project = projects.entities[0]!.id;
  });
  beforeEach(() => {
    onLogin = undefined;
    cut = new AbortController();
    emulator.reset();
  });
  afterAll(async () => {
    for (const sg of clients) await sg.close();
    await emulator.close();
  });

  it("a landed write gets its own refusal with the failed login as cause; the others get the login's error, unchanged", async () => {
    const { sg, expired } = await expiringDuringRetry();
    // The shared re-login fails for good (a read: three attempts).
    emulator.injectFault({ method: "get_session_token", status: 502, times: 3 });
    const landed = rejectionOf(sg.call("create", shot("reauth-landed")));
    await expired;
    // Sent with the expired session while the create waits out its backoff: refused, nothing applied.
    const [write, read, refused] = (await Promise.all([landed, rejectionOf(sg.call("read", READ_SHOTS)), rejectionOf(sg.call("create", shot("reauth-refused")))])) as Failed[];
    // One login, then the re-login's three attempts.
    expect(count(emulator, "get_session_token")).toBe(4);

    expect(write).toBeInstanceOf(SgAuthError);
    expect(write).toMatchObject({ method: "create", maybeSent: true, hint: expect.stringMatching(/may have been applied/) });
    expect(write!.attempts.map((a) => a.status)).toEqual([502, 200]);
    expect(write!.cause).toBeInstanceOf(SgHttpError);
    expect(write!.cause).toMatchObject({ method: "get_session_token", status: 502 });

    // The login's own error, as it came: not told that a write may have been applied.
    expect(read).toBe(write!.cause);
    expect(refused).toBe(read);
    expect(read!.maybeSent).toBeUndefined();
    expect(read!.hint).toMatch(/transient, try again/);

    expect(await rows("reauth-landed")).toBe(1);
    expect(await rows("reauth-refused")).toBe(0);
  });

  it("a landed write cut by its deadline while waiting for the re-login says it may have been applied", async () => {
    const { sg } = await expiringDuringRetry();
    // The re-login outlasts the deadline (ended with the emulator's close).
    emulator.injectFault({ method: "get_session_token", delayMs: 60_000 });
    const error = (await rejectionOf(sg.call("create", shot("reauth-deadline"), { deadlineMs: 1500 }))) as Failed;
    expect(error).toBeInstanceOf(SgAuthError);
    expect(error).toMatchObject({ method: "create", maybeSent: true, hint: expect.stringMatching(/may have been applied/) });
    expect(error.attempts.map((a) => a.status)).toEqual([502, 200]);
    expect(error.cause).toBeInstanceOf(SgTimeoutError);
    expect(error.cause).toMatchObject({ scope: "deadline" });
    expect(await rows("reauth-deadline")).toBe(1);
  });

  it("a landed write aborted while waiting for the re-login says it may have been applied", async () => {
    const { sg } = await expiringDuringRetry();
    onLogin = () => cut.abort();
    const error = (await rejectionOf(sg.call("create", shot("reauth-abort"), { signal: cut.signal }))) as Failed;
    expect(error).toBeInstanceOf(SgAuthError);
    expect(error).toMatchObject({ method: "create", maybeSent: true, hint: expect.stringMatching(/may have been applied/) });
    expect(error.attempts.map((a) => a.status)).toEqual([502, 200]);
    expect(error.cause).toBeInstanceOf(SgAbortError);
    expect(await rows("reauth-abort")).toBe(1);
  });

  it("a read cut by its deadline while waiting for the re-login carries its attempts and method", async () => {
    const sg = client();
    await sg.call("read", READ_SHOTS);
    emulator.advanceClock(IDLE + 1);
    emulator.injectFault({ method: "read", status: 502, times: 2 });
    emulator.injectFault({ method: "get_session_token", delayMs: 60_000 });
    const error = (await rejectionOf(sg.call("read", READ_SHOTS, { deadlineMs: 1500 }))) as Failed;
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect(error).toMatchObject({ method: "read", maybeSent: false, scope: "deadline" });
    expect(error.attempts.map((a) => a.status)).toEqual([502, 502, 200]);
  });

  it("a create refused (not applied) and then aborted while waiting for the re-login says it was not applied", async () => {
    const sg = client();
    await sg.call("read", READ_SHOTS);
    emulator.advanceClock(IDLE + 1);
    onLogin = () => cut.abort();
    const error = (await rejectionOf(sg.call("create", shot("reauth-refused-abort"), { signal: cut.signal }))) as Failed;
    expect(error).toBeInstanceOf(SgAbortError);
    expect(error).toMatchObject({ method: "create", maybeSent: false });
    expect(error.attempts.map((a) => a.status)).toEqual([200]);
    expect(await rows("reauth-refused-abort")).toBe(0);
  });

  it("a read ended by close() while waiting for the re-login carries its attempts", async () => {
    const sg = client();
    await sg.call("read", READ_SHOTS);
    emulator.advanceClock(IDLE + 1);
    onLogin = () => void sg.close();
    const error = (await rejectionOf(sg.call("read", READ_SHOTS))) as Failed;
    expect(error).toBeInstanceOf(SgAbortError);
    expect(error).toMatchObject({ method: "read", maybeSent: false });
    expect(error.attempts.map((a) => a.status)).toEqual([200]);
  });
});
