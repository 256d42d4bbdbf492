import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCapturingLogger, findSecrets, rejectionOf } from "@sg/testing";
import { SgAbortError, SgValidationError, createClient } from "@sg/core";
import type { Logger } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { SessionErrorCode, SgBrowserLoginError, browserLogin } from "./index.js";
import type { BrowserLoginOptions } from "./index.js";

import { requestIdOf } from "./test-support/session-site.js";
import type { Emulator } from "./test-support/session-site.js";

describe("browserLogin against the emulator", () => {
  let emulator: Emulator;
  const base = (): BrowserLoginOptions => ({ site: emulator.url, appName: "auth-session tests", pollIntervalMs: 20, timeoutMs: 10_000, machineId: "test-machine" });

  beforeAll(async () => {
    emulator = await startEmulator({ authMode: "sso", fixtures: "demo" });
  });
  beforeEach(() => emulator.reset());
  afterAll(async () => {
    await emulator.close();
  });

  it("returns a working sessionAuth once a person approves (an SSO site: no password at all)", async () => {
    const seen: string[] = [];
    const logger = createCapturingLogger();
    const result = await browserLogin({
      ...base(),
      logger,
      open: (url) => {
        seen.push(url);
        emulator.approve(requestIdOf(url), "coord");
      },
    });
    expect(seen).toHaveLength(1);
    expect(result.userLogin).toBe("coord");
    expect(result.sessionToken).toMatch(/\S{8,}/);
    expect(inspect(result)).not.toContain(result.sessionToken);
    expect(JSON.stringify(result)).not.toContain(result.sessionToken);
    expect(inspect(result.auth)).not.toContain(result.sessionToken);
    expect(logger.text().join("\n")).not.toContain(result.sessionToken);
    const sg = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: result.auth });
    const read = await sg.call<{ entities: unknown[] }>("read", {
      type: "Shot",
      filters: { logical_operator: "and", conditions: [] },
      return_fields: ["code"],
      return_only: "active",
      paging: { entities_per_page: 1, current_page: 1 },
    });
    expect(read.entities).toHaveLength(1);
    await sg.close();
    const polls = emulator.requests().filter((r) => r.httpMethod === "PUT" && r.path.startsWith("/internal_api/app_session_request/"));
    expect(polls.length).toBeGreaterThanOrEqual(1);
  });

  it("keeps polling while the request is pending, and shows the URL through onUrl", async () => {
    let url = "";
    const result = await browserLogin({
      ...base(),
      onUrl: (u) => {
        url = u;
        setTimeout(() => emulator.approve(requestIdOf(u), "admin"), 100);
      },
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(result.userLogin).toBe("admin");
  });

  it("says the request was denied or expired when the person denies it", async () => {
    const error = await rejectionOf(browserLogin({ ...base(), open: (url) => emulator.deny(requestIdOf(url)) }));
    expect(error).toBeInstanceOf(SgBrowserLoginError);
    const e = error as SgBrowserLoginError;
    expect(e.code).toBe(SessionErrorCode.BROWSER_LOGIN_REJECTED);
    expect(e.status).toBe(404);
    expect(e.message).toContain("denied in the browser, or it expired");
    expect(e.hint).toContain("Approve");
  });

  it("says the same when the request expires (5 minutes)", async () => {
    const error = await rejectionOf(browserLogin({ ...base(), open: () => emulator.advanceClock(301) }));
    expect((error as SgBrowserLoginError).code).toBe(SessionErrorCode.BROWSER_LOGIN_REJECTED);
  });

  it("says the feature is not enabled on a 403", async () => {
    emulator.injectFault({ method: "/internal_api/app_session_request", status: 403, body: '{"message":"Forbidden"}' });
    let opened = false;
    const error = await rejectionOf(browserLogin({ ...base(), open: () => void (opened = true) }));
    expect(error).toBeInstanceOf(SgBrowserLoginError);
    expect((error as SgBrowserLoginError).code).toBe(SessionErrorCode.BROWSER_LOGIN_NOT_ENABLED);
    expect((error as Error).message).toContain("not enabled");
    expect((error as SgBrowserLoginError).hint).toContain("_session_id");
    expect(opened).toBe(false);
  });

  it("says the feature is not enabled when /api/v1 says so, without asking for a request", async () => {
    emulator.injectFault({ method: "/api/v1", status: 200, body: JSON.stringify({ authentication_app_session_launcher_enabled: false }) });
    const error = await rejectionOf(browserLogin({ ...base(), open: () => undefined }));
    expect((error as SgBrowserLoginError).code).toBe(SessionErrorCode.BROWSER_LOGIN_NOT_ENABLED);
    expect(emulator.requests().filter((r) => r.path === "/internal_api/app_session_request")).toHaveLength(0);
  });

  it("gives up after timeoutMs with its own code", async () => {
    const error = await rejectionOf(browserLogin({ ...base(), timeoutMs: 300, open: () => undefined }));
    expect(error).toBeInstanceOf(SgBrowserLoginError);
    expect((error as SgBrowserLoginError).code).toBe(SessionErrorCode.BROWSER_LOGIN_TIMEOUT);
    expect((error as SgBrowserLoginError).hint).toContain("timeoutMs");
    expect((error as SgBrowserLoginError).reason).toContain("nobody approved the login request within 0.3 s"); // not rounded to "0 s"
  });

  it("stops at once when the signal aborts", async () => {
    const controller = new AbortController();
    const error = await rejectionOf(browserLogin({ ...base(), signal: controller.signal, open: () => controller.abort() }));
    expect(error).toBeInstanceOf(SgAbortError);
  });

  it("goes on when open() fails (the URL is still shown)", async () => {
    const shown: string[] = [];
    const result = await browserLogin({
      ...base(),
      onUrl: (u) => {
        shown.push(u);
        emulator.approve(requestIdOf(u), "coord");
      },
      open: () => {
        throw new Error("no browser here");
      },
    });
    expect(shown).toHaveLength(1);
    expect(result.userLogin).toBe("coord");
  });

  it("never logs the request id (polling with it hands out the session): the URL shows <id>, also when open() fails", async () => {
    const logger = createCapturingLogger();
    let id = "";
    const result = await browserLogin({
      ...base(),
      logger,
      onUrl: (url) => {
        id = requestIdOf(url);
        emulator.approve(id, "coord");
      },
      open: (url) => {
        // As a failed command line would say it.
        throw new Error(`spawn xdg-open ${url} ENOENT`);
      },
    });
    expect(result.userLogin).toBe("coord");
    expect(id).toMatch(/\S{8,}/);
    const lines = logger.text();
    expect(lines.join("\n")).not.toContain(id);
    expect(lines.join("\n")).not.toContain(encodeURIComponent(id));
    expect(lines.some((line) => line.includes(`${new URL(emulator.url).origin}/app_session_request/<id>`))).toBe(true);
    expect(lines.some((line) => line.includes("open() failed") && line.includes("spawn xdg-open"))).toBe(true);
  });

  it("logs in when every logger method throws or rejects", async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown): void => void unhandled.push(reason);
    process.on("unhandledRejection", record);
    try {
      const broken = (): never => {
        throw new Error("logger broke");
      };
      const rejecting = async (): Promise<void> => Promise.reject(new Error("collector down"));
      for (const write of [broken, rejecting]) {
        const logger: Logger = { debug: write, info: write, warn: write, error: write };
        const result = await browserLogin({ ...base(), logger, onUrl: (url) => emulator.approve(requestIdOf(url), "coord") });
        expect(result.userLogin).toBe("coord");
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", record);
    }
  });

  it("takes a logger that is a function with the level methods attached", async () => {
    const lines: string[] = [];
    const logger: Logger = Object.assign(() => undefined, {
      debug: (message: string) => void lines.push(message),
      info: (message: string) => void lines.push(message),
      warn: (message: string) => void lines.push(message),
      error: (message: string) => void lines.push(message),
    });
    const result = await browserLogin({ ...base(), logger, onUrl: (url) => emulator.approve(requestIdOf(url), "coord") });
    expect(result.userLogin).toBe("coord");
    expect(lines).toContain("@sg/auth-session: login approved");
  });

  it("validates its options", async () => {
    await expect(browserLogin({ site: "http://sg.example.com", appName: "x" })).rejects.toThrow(/https:\/\//);
    await expect(browserLogin({ site: emulator.url, appName: "" })).rejects.toThrow(SgValidationError);
    await expect(browserLogin({ ...base(), pollIntervalMs: -1 })).rejects.toThrow(/pollIntervalMs/);
    await expect(browserLogin({ ...base(), oops: 1 } as unknown as BrowserLoginOptions)).rejects.toThrow(/oops: expected no such option/);
  });

  it("never echoes the value of a misplaced option, whatever its name", async () => {
    const planted = "planted-session-value-5e8d1c";
    for (const key of ["sessionToken", "session", "password", "pat"]) {
      const error = await rejectionOf(browserLogin({ ...base(), [key]: planted } as unknown as BrowserLoginOptions));
      expect(error).toBeInstanceOf(SgValidationError);
      expect((error as Error).message).toContain(`browserLogin.${key}: expected no such option`);
      expect(findSecrets(error, [planted])).toEqual([]);
    }
    expect(emulator.requests()).toHaveLength(0);
  });

  it("never echoes a misplaced option given as a number either (a 2FA code typed as 864209)", async () => {
    for (const key of ["authToken", "code"]) {
      const error = await rejectionOf(browserLogin({ ...base(), [key]: 864209 } as unknown as BrowserLoginOptions));
      expect(error).toBeInstanceOf(SgValidationError);
      expect((error as Error).message).toContain(`browserLogin.${key}: expected no such option`);
      expect(findSecrets(error, ["864209"])).toEqual([]);
    }
    expect(emulator.requests()).toHaveLength(0);
  });

  it.each([
    ["signal", {}, /browserLogin\.signal: expected an AbortSignal/],
    ["machineId", 42, /browserLogin\.machineId: expected a non-empty string/],
    ["machineId", " ", /browserLogin\.machineId: expected a non-empty string/],
    ["logger", { info: () => undefined }, /browserLogin\.logger: expected a Logger/],
    ["timeoutMs", Number.MAX_SAFE_INTEGER, /browserLogin\.timeoutMs: expected a number of milliseconds from 1 to 2147483647/],
    ["pollIntervalMs", 2 ** 31, /browserLogin\.pollIntervalMs: expected a number of milliseconds from 10 to 2147483647/],
  ])("refuses a bad %s before sending anything", async (key, value, pattern) => {
    const error = await rejectionOf(browserLogin({ ...base(), timeoutMs: 300, onUrl: () => undefined, [key]: value } as unknown as BrowserLoginOptions));
    expect(error).toBeInstanceOf(SgValidationError);
    expect((error as Error).message).toMatch(pattern);
    expect(emulator.requests()).toHaveLength(0);
  });
});
