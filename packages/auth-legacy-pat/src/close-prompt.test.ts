import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "@sg/testing";
import { SgAbortError, createClient } from "@sg/core";
import type { Client } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { legacyLoginAuth } from "./index.js";
import type { LegacyLoginOptions, TwoFactorPrompt } from "./index.js";
import { READ_SHOTS, count, passwordOf } from "./test-support/demo-site.js";
import type { Emulator } from "./test-support/demo-site.js";

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
  const clients: Client[] = [];
  const client = (auth: ReturnType<typeof legacyLoginAuth>): Client => {
    const c = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    emulator = await startEmulator({ authMode: "default", fixtures: "demo" });
  });
  beforeEach(() => emulator.reset());
  afterAll(async () => {
    for (const c of clients) await c.close();
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
