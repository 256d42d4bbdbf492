import { describe, expect, it } from "vitest";
import { SessionErrorCode, browserLogin } from "./index.js";
import type { BrowserLoginOptions } from "./index.js";
import { demoSite, requestIdOf } from "./test-support/session-site.js";

// An approval given before timeoutMs runs out, after the last poll that fits in it, must still log in: the request
// is polled once more when the time runs out rather than given up unpolled.
describe("browserLogin when timeoutMs runs out between two polls or during one", () => {
  const site = demoSite();
  const base = (): BrowserLoginOptions => ({ site: site.emulator.url, appName: "auth-session tests", machineId: "m" });
  const polls = (): number => site.emulator.requests().filter((r) => r.httpMethod === "PUT" && r.path.startsWith("/internal_api/app_session_request/")).length;

  it("logs in when approved at once with a poll interval longer than timeoutMs", async () => {
    const result = await browserLogin({ ...base(), pollIntervalMs: 5_000, timeoutMs: 1_000, onUrl: (url) => site.emulator.approve(requestIdOf(url), "coord") });
    expect(result.userLogin).toBe("coord");
    expect(polls()).toBe(1);
  });

  it("logs in when approved after a poll, with less than an interval left", async () => {
    let id = "";
    // The real fetch; the person approves once the first poll has found the request still pending.
    const approvingFetch: typeof fetch = async (input, init) => {
      const answer = await fetch(input, init);
      if (init?.method === "PUT" && polls() === 1) site.emulator.approve(id, "coord");
      return answer;
    };
    const result = await browserLogin({ ...base(), pollIntervalMs: 1_500, timeoutMs: 2_500, fetch: approvingFetch, onUrl: (url) => (id = requestIdOf(url)) });
    expect(result.userLogin).toBe("coord");
    expect(polls()).toBe(2);
  });

  /**
   * A fetch whose first poll reaches the site at once but whose answer ("still pending") comes back only once the
   * login's own timer has fired: held for longer than timeoutMs, so Node runs that earlier-due timer first. `approve`
   * runs as soon as the site has answered that poll, before the time runs out.
   */
  const slowFirstPoll = (timeoutMs: number, approve: () => void): typeof fetch => async (input, init) => {
    const answer = await fetch(input, init);
    if (init?.method !== "PUT" || polls() !== 1) return answer;
    const text = await answer.text();
    approve();
    await new Promise((resolve) => setTimeout(resolve, timeoutMs + 100));
    return new Response(text, { status: answer.status, headers: answer.headers });
  };

  it("logs in when approved while the poll under way as the time ran out was answered pending", async () => {
    let id = "";
    const timeoutMs = 400;
    const fetch = slowFirstPoll(timeoutMs, () => site.emulator.approve(id, "coord"));
    const result = await browserLogin({ ...base(), pollIntervalMs: 10, timeoutMs, fetch, onUrl: (url) => (id = requestIdOf(url)) });
    expect(result.userLogin).toBe("coord");
    expect(polls()).toBe(2);
  });

  it("gives up after one poll started once the time ran out, when nobody approves", async () => {
    const timeoutMs = 400;
    const login = browserLogin({ ...base(), pollIntervalMs: 10, timeoutMs, fetch: slowFirstPoll(timeoutMs, () => undefined), onUrl: () => undefined });
    await expect(login).rejects.toMatchObject({ code: SessionErrorCode.BROWSER_LOGIN_TIMEOUT });
    expect(polls()).toBe(2);
  });
});
