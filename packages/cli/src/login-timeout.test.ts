import { legacyLoginAuth } from "@sg/auth-legacy-pat";
import { SgTimeoutError, createClient } from "@sg/core";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { jsonRpcTransport } from "@sg/transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explainAuthFailure } from "./doctor.js";
import { timedOutLoggingIn } from "./login-timeout.js";
import { networkAdvice } from "./network-advice.js";

// A call's deadline that runs out while the login waits for a two-factor code nobody types: the call was never
// sent, so neither the hint nor `sg doctor` may say the site did not answer. The error is the real one the core
// gives a client whose login (against the emulator, which asks this person for a code) waits on its prompt.
let site: EmulatorHandle;

beforeAll(async () => {
  site = await startEmulator({ authMode: "identity" });
});

afterAll(async () => {
  await site?.close();
});

async function loginThatWaits(): Promise<unknown> {
  const artist = site.card.users.find((u) => u.twoFactor && u.pat === "valid" && u.password)!;
  let prompted!: () => void;
  const atPrompt = new Promise<void>((resolve) => (prompted = resolve));
  const client = createClient({
    site: site.url,
    transport: jsonRpcTransport(),
    auth: legacyLoginAuth({
      login: artist.login,
      password: artist.password!,
      twoFactor: ({ signal }) => {
        prompted();
        return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
      },
    }),
  });
  // The login starts (for a call without a deadline: the login's requests have the defaults' limit, none here) and
  // is at its prompt before the call under test is made: that call's 300 ms can then only run out while it waits
  // for the login, however long the login's requests took on a busy machine.
  const first = client.call("read", { type: "Shot", return_fields: ["id"] }).catch(() => undefined);
  try {
    await atPrompt;
    return await client.call("read", { type: "Shot", return_fields: ["id"] }, { deadlineMs: 300 }).then(() => undefined, (error: unknown) => error);
  } finally {
    await client.close();
    await first;
  }
}

describe("a deadline that runs out while logging in", () => {
  it("is told apart from a site that did not answer", async () => {
    const error = await loginThatWaits();
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect(timedOutLoggingIn(error)).toBe(true);
    const network = { site: site.url, proxy: undefined };
    const hint = networkAdvice(error, network);
    expect(hint).toMatch(/^The time ran out while sg was still logging in, before the call was sent\. --timeout-ms N/);
    expect(hint).not.toMatch(/did not answer/);
    const doctor = explainAuthFailure(error, { kind: "none" }, "identity", network, true);
    expect(doctor.problem).toBe("login-timeout");
    expect(doctor.why).not.toMatch(/did not answer/);
    expect(doctor.fix).not.toMatch(/did not answer/);
  });
});
