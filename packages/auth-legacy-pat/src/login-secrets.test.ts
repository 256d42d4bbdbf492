import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SgAuthError, createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { legacyLoginAuth } from "./index.js";
import { READ_SHOTS, count, passwordOf } from "./test-support/demo-site.js";
import type { Emulator } from "./test-support/demo-site.js";

// How many values the strategy scrubs from the errors it builds, seen where a refused login is explained.
const scrubbed = vi.hoisted(() => [] as number[]);
vi.mock("./explain-login.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("./explain-login.js")>();
  return {
    ...real,
    explainLoginError: (...args: Parameters<typeof real.explainLoginError>) => {
      scrubbed.push(args[1].secrets.filter((secret) => secret !== "").length);
      return real.explainLoginError(...args);
    },
  };
});

describe("legacyLoginAuth over many logins", () => {
  let emulator: Emulator;
  const IDLE = 60;

  beforeAll(async () => {
    emulator = await startEmulator({ authMode: "default", fixtures: "demo", sessionIdleSeconds: IDLE });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("keeps one code and one session token to scrub, not one more per login, however often the session expires", async () => {
    let asked = 0;
    // A code is one-time: each login gets a fresh one from the site.
    const auth = legacyLoginAuth({ login: "artist", password: passwordOf(emulator, "artist"), twoFactor: async () => ((asked += 1), emulator.issueTwoFactorCode("artist")) });
    const sg = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth });
    const RELOGINS = 20;
    for (let i = 0; i <= RELOGINS; i += 1) {
      await sg.call("read", READ_SHOTS);
      emulator.advanceClock(IDLE + 1); // the session expires: the next call logs in again, with a new code
    }
    expect(asked).toBe(RELOGINS + 1);
    // A refused login: the error that explains it is built with the list of secrets kept so far.
    emulator.injectFault({ method: "get_session_token", errorCode: 102, message: "Can't authenticate user 'artist'" });
    const refused = await sg.call("read", READ_SHOTS).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SgAuthError);
    expect(count(emulator, "get_session_token")).toBeGreaterThan(2 * RELOGINS);
    // The password, the latest code and the latest session token: what the login in hand can leak.
    expect(scrubbed).toEqual([3]);
    await sg.close();
  });
});
