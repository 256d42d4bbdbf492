import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCapturingLogger, rejectionOf } from "@sg/testing";
import { SgAbortError } from "@sg/core";
import { startEmulator } from "@sg/emulator";
import { SessionErrorCode, SgBrowserLoginError, browserLogin } from "./index.js";
import type { BrowserLoginOptions } from "./index.js";
import { requestIdOf } from "./test-support/session-site.js";
import type { Emulator } from "./test-support/session-site.js";

/** An opener that never settles, as one waiting for the browser it started to exit. */
const neverSettles = (): Promise<void> => new Promise<void>(() => undefined);

// open() shows the page; it must not hold the login: polling starts at once, and timeoutMs and the signal end the
// call whatever open() does.
describe("browserLogin does not wait for open()", () => {
  let emulator: Emulator;
  const base = (): BrowserLoginOptions => ({ site: emulator.url, appName: "auth-session tests", pollIntervalMs: 10, timeoutMs: 10_000, machineId: "m" });

  beforeAll(async () => {
    emulator = await startEmulator({ authMode: "sso", fixtures: "demo" });
  });
  beforeEach(() => emulator.reset());
  afterAll(async () => {
    await emulator.close();
  });

  it("logs in when the person approves while open() is still pending", async () => {
    const result = await browserLogin({ ...base(), open: neverSettles, onUrl: (url) => emulator.approve(requestIdOf(url), "coord") });
    expect(result.userLogin).toBe("coord");
  });

  it("ends with SG_BROWSER_LOGIN_TIMEOUT after timeoutMs while open() is pending", async () => {
    const error = await rejectionOf(browserLogin({ ...base(), timeoutMs: 200, open: neverSettles, onUrl: () => undefined }));
    expect(error).toBeInstanceOf(SgBrowserLoginError);
    expect((error as SgBrowserLoginError).code).toBe(SessionErrorCode.BROWSER_LOGIN_TIMEOUT);
  });

  it("ends with SgAbortError when the signal aborts while open() is pending", async () => {
    const controller = new AbortController();
    const login = browserLogin({ ...base(), signal: controller.signal, open: neverSettles, onUrl: () => setTimeout(() => controller.abort(), 50) });
    expect(await rejectionOf(login)).toBeInstanceOf(SgAbortError);
  });

  it("reports an open() that fails while the login goes on, and not one that fails after it ended", async () => {
    const logger = createCapturingLogger();
    let failLate: (reason: Error) => void = () => undefined;
    const result = await browserLogin({
      ...base(),
      logger,
      onUrl: (url) => emulator.approve(requestIdOf(url), "coord"),
      open: () => new Promise<void>((_, reject) => (failLate = reject)),
    });
    expect(result.userLogin).toBe("coord");
    failLate(new Error("the browser closed"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logger.text().join("\n")).not.toContain("open() failed");

    const failing = createCapturingLogger();
    const again = await browserLogin({
      ...base(),
      logger: failing,
      onUrl: (url) => setTimeout(() => emulator.approve(requestIdOf(url), "coord"), 50),
      open: () => Promise.reject(new Error("no browser here")),
    });
    expect(again.userLogin).toBe("coord");
    expect(failing.text().some((line) => line.includes("open() failed") && line.includes("no browser here"))).toBe(true);
  });
});
