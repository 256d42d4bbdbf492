import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "@sg/testing";
import { SgAbortError, SgTwoFactorRequiredError, createClient } from "@sg/core";
import type { Client } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { LegacyErrorCode, legacyLoginAuth } from "./index.js";
import type { LegacyLoginOptions, TwoFactorPrompt } from "./index.js";
import { READ_SHOTS, count, passwordOf } from "./test-support/demo-site.js";
import type { Emulator } from "./test-support/demo-site.js";
import { recordingProxy } from "./test-support/recording-proxy.js";
import type { RecordingProxy } from "./test-support/recording-proxy.js";

// A deadline far above what a loopback call needs and below the test timeout, so that a call joining a dead prompt fails instead of hanging the run.
const BOUND = { deadlineMs: 4_000 };

/** A twoFactor() whose first prompt never settles; later prompts answer `answer()`. Resolves `shown` at each prompt. */
function stuckPrompt(answer: () => string): { twoFactor: NonNullable<LegacyLoginOptions["twoFactor"]>; prompts: TwoFactorPrompt[]; shown: () => Promise<void> } {
  const prompts: TwoFactorPrompt[] = [];
  let onShown = (): void => {};
  return {
    prompts,
    shown: () => new Promise<void>((resolve) => (onShown = resolve)),
    twoFactor: (prompt) => {
      prompts.push(prompt);
      onShown();
      return prompts.length === 1 ? new Promise<string>(() => {}) : answer();
    },
  };
}

describe("legacyLoginAuth and close()", () => {
  let emulator: Emulator;
  // In front of the emulator, to see each get_session_token arrive (and count those whose client went away).
  let proxy: RecordingProxy;
  const clients: Client[] = [];
  const client = (auth: ReturnType<typeof legacyLoginAuth>, site = emulator.url): Client => {
    const c = createClient({ site, transport: jsonRpcTransport(), auth });
    clients.push(c);
    return c;
  };
  const logins = (): number => proxy.methods.filter((method) => method === "get_session_token").length;
  /**
   * Two clients of `auth` through the proxy, with the site answering after 300 ms: the first starts the login and the
   * second joins it (after the first `nth - 1` get_session_token requests have arrived); the first is closed while
   * the `nth` is in flight, and its call must end with SgAbortError. Gives the open client and its call.
   */
  const closeInFlight = async (auth: ReturnType<typeof legacyLoginAuth>, nth = 1): Promise<{ open: Client; staying: Promise<unknown> }> => {
    emulator.setLatency(300);
    const closed = client(auth, proxy.url);
    const open = client(auth, proxy.url);
    let arrived = proxy.arrival("get_session_token");
    const gone = closed.call("read", READ_SHOTS, BOUND);
    for (let seen = 1; seen < nth; seen += 1) {
      await arrived;
      arrived = proxy.arrival("get_session_token");
    }
    const staying = open.call("read", READ_SHOTS, BOUND);
    await arrived;
    await closed.close();
    expect(await rejectionOf(gone)).toBeInstanceOf(SgAbortError);
    return { open, staying };
  };

  beforeAll(async () => {
    emulator = await startEmulator({ authMode: "default", fixtures: "demo" });
    proxy = await recordingProxy(emulator.url);
  });
  beforeEach(async () => {
    // A login cut off by close() in the test before is still answered by the site: let it be, before the reset.
    await proxy.settled();
    emulator.reset();
    emulator.setLatency(0);
    proxy.methods.length = 0;
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await proxy.close();
    await emulator.close();
  });

  it("drops a 2FA prompt left open by close(): it is told to go away, and the next call asks again", async () => {
    const prompt = stuckPrompt(() => emulator.issueTwoFactorCode("artist"));
    const sg = client(legacyLoginAuth({ login: "artist", password: passwordOf(emulator, "artist"), twoFactor: prompt.twoFactor }));
    const shown = prompt.shown();
    const first = sg.call("read", READ_SHOTS, BOUND);
    await shown;
    await sg.close();
    expect(await rejectionOf(first)).toBeInstanceOf(SgAbortError);
    // After close(): a new login, with a new prompt, for the calls and for credentials().
    await sg.call("read", READ_SHOTS, BOUND);
    expect(prompt.prompts).toHaveLength(2);
    expect(prompt.prompts[0]?.signal.aborted).toBe(true);
    expect(prompt.prompts[1]?.signal.aborted).toBe(false);
    expect((await sg.credentials()).kind).toBe("session");
  });

  it("keeps the prompt open while another client waiting for the same login is open", async () => {
    let answer = (_code: string): void => {};
    const prompts: TwoFactorPrompt[] = [];
    let onShown = (): void => {};
    const shown = new Promise<void>((resolve) => (onShown = resolve));
    const auth = legacyLoginAuth({
      login: "artist",
      password: passwordOf(emulator, "artist"),
      twoFactor: (prompt) => {
        prompts.push(prompt);
        onShown();
        return new Promise<string>((resolve) => (answer = resolve));
      },
    });
    const closed = client(auth);
    const open = client(auth);
    const gone = closed.call("read", READ_SHOTS, BOUND);
    await shown;
    const staying = open.call("read", READ_SHOTS, BOUND);
    await closed.close();
    expect(await rejectionOf(gone)).toBeInstanceOf(SgAbortError);
    expect(prompts[0]?.signal.aborted).toBe(false);
    answer(emulator.issueTwoFactorCode("artist"));
    await staying;
    expect(prompts).toHaveLength(1);
  });

  it("sends the login again through another waiting client when the client it went through is closed while it is in flight", async () => {
    const { open, staying } = await closeInFlight(legacyLoginAuth({ login: "coord", password: passwordOf(emulator, "coord") }));
    expect(await staying).toMatchObject({ entities: expect.any(Array) });
    // The login cut off with the closed client, and the one sent again through the open one; no more.
    expect(logins()).toBe(2);
    const credentials = await open.credentials();
    expect(credentials.kind === "session" && proxy.issued.includes(credentials.sessionToken)).toBe(true);
    expect(logins()).toBe(2);
  });

  it("asks for a fresh code when the login cut off by close() carried one, since the site may have spent it", async () => {
    const prompts: TwoFactorPrompt[] = [];
    const auth = legacyLoginAuth({
      login: "artist",
      password: passwordOf(emulator, "artist"),
      twoFactor: (prompt) => {
        prompts.push(prompt);
        return emulator.issueTwoFactorCode("artist");
      },
    });
    // The first get_session_token goes without a code (106); the second, with the first code, is cut off.
    const { staying } = await closeInFlight(auth, 2);
    expect(await staying).toMatchObject({ entities: expect.any(Array) });
    // The cut-off one was answered by the site (which spent its code); the third went with a second code.
    expect(logins()).toBe(3);
    expect(prompts).toHaveLength(2);
    expect(prompts.every((prompt) => !prompt.signal.aborted)).toBe(true);
  });

  it("does not send an authToken again after the login that carried it was cut off by close(): a code is one-time", async () => {
    const { staying } = await closeInFlight(legacyLoginAuth({ login: "artist", password: passwordOf(emulator, "artist"), authToken: emulator.issueTwoFactorCode("artist") }));
    // Without twoFactor there is no fresh code to send: the open client learns so from the site, not from the close.
    const error = await rejectionOf(staying);
    expect(error).toBeInstanceOf(SgTwoFactorRequiredError);
    expect((error as SgTwoFactorRequiredError).code).toBe(LegacyErrorCode.TWO_FACTOR_REQUIRED);
    expect(logins()).toBe(2);
  });

  it("takes a code with the spaces an authenticator app shows, and sends it without them", async () => {
    const sg = client(
      legacyLoginAuth({
        login: "artist",
        password: passwordOf(emulator, "artist"),
        twoFactor: () => {
          const code = emulator.issueTwoFactorCode("artist");
          return ` ${code.slice(0, 3)} ${code.slice(3)}\n`;
        },
      }),
    );
    await sg.call("read", READ_SHOTS);
    expect(count(emulator, "get_session_token")).toBe(2);
  });
});
