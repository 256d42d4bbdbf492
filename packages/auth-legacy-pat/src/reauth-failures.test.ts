import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "@sg/testing";
import { SgAuthError, SgHttpError, createClient, silentLogger } from "@sg/core";
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
  // The client's logger: aborts `cut` when the strategy starts a login while `armed` (the callers then wait for it).
  let armed = false;
  let cut = new AbortController();
  const logger = { ...silentLogger, info: (message: string) => void (armed && /logging in/.test(message) && cut.abort()) };

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
    armed = false;
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
});
