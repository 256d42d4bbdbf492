import { describe, expect, it } from "vitest";
import { SgValidationError } from "@sg/core";
import { DEFAULT_RETRY_BUDGET, DEFAULT_RETRY_POLICY } from "./index.js";
import { policyForCall, resolveOptions } from "./options.js";

// The options validation is table-driven; these pin its messages and defaults.

describe("resolveOptions", () => {
  it.each<[unknown, string]>([
    [{ timeoutMs: 0 }, "@sg/transport: timeoutMs: expected a positive number of milliseconds up to 2147483647 (Node fires a longer timer after 1 ms), got number 0"],
    [{ deadlineMs: Number.POSITIVE_INFINITY }, "@sg/transport: deadlineMs: expected a positive number of milliseconds up to 2147483647 (Node fires a longer timer after 1 ms), got number Infinity"],
    [{ transferTimeoutMs: "5" }, '@sg/transport: transferTimeoutMs: expected a positive number of milliseconds up to 2147483647 (Node fires a longer timer after 1 ms), got string "5"'],
    [{ transferDeadlineMs: -1 }, "@sg/transport: transferDeadlineMs: expected a positive number of milliseconds up to 2147483647 (Node fires a longer timer after 1 ms), got number -1"],
    [{ deadlineMs: 2 ** 32 }, "@sg/transport: deadlineMs: expected a positive number of milliseconds up to 2147483647 (Node fires a longer timer after 1 ms), got number 4294967296"],
    [{ localized: 1 }, "@sg/transport: localized: expected true or false, got number 1"],
    [{ maxRedirects: 1.5 }, "@sg/transport: maxRedirects: expected an integer ≥ 0, got number 1.5"],
    [{ maxResponseBytes: 0 }, "@sg/transport: maxResponseBytes: expected an integer ≥ 1, got number 0"],
    [{ maxResponseBytes: Number.POSITIVE_INFINITY }, "@sg/transport: maxResponseBytes: expected an integer ≥ 1, got number Infinity"],
    [{ fetch: {} }, "@sg/transport: fetch: expected a function, got an empty object"],
    [{ retry: { maxAttempts: 0 } }, "@sg/transport: retry.maxAttempts: expected an integer ≥ 1, got number 0"],
    [{ retry: { maxAtempts: 5 } }, "@sg/transport: retry.maxAtempts: expected one of the options maxAttempts, baseDelayMs, maxDelayMs, maxRetryAfterMs, retryWrites, onRetry, random, jitter, budget, got an unknown option 'maxAtempts'"],
    [{ retry: { budget: { capacty: 10 } } }, "@sg/transport: retry.budget.capacty: expected one of the options capacity, retryCost, timeoutRetryCost, successRefill, got an unknown option 'capacty'"],
    [{ retry: { baseDelayMs: -5 } }, "@sg/transport: retry.baseDelayMs: expected a number ≥ 0, got number -5"],
    [{ retry: { maxDelayMs: Number.NaN } }, "@sg/transport: retry.maxDelayMs: expected a number ≥ 0, got number NaN"],
    [{ retry: { maxRetryAfterMs: null } }, "@sg/transport: retry.maxRetryAfterMs: expected a number ≥ 0, got null"],
    [{ retry: { retryWrites: "no" } }, '@sg/transport: retry.retryWrites: expected true or false, got string "no"'],
    [{ retry: { onRetry: 1 } }, "@sg/transport: retry.onRetry: expected a function, got number 1"],
    [{ retry: { random: 0.5 } }, "@sg/transport: retry.random: expected a function, got number 0.5"],
    [{ retry: { jitter: "lots" } }, "@sg/transport: retry.jitter: expected 'none', 'full' or 'equal', got string \"lots\""],
    [{ retry: [] }, "@sg/transport: retry: expected retry options or false, got an array of 0"],
    [{ retry: { budget: 3 } }, "@sg/transport: retry.budget: expected budget options or false, got number 3"],
    [{ retry: { budget: { successRefill: -1 } } }, "@sg/transport: retry.budget.successRefill: expected a number ≥ 0, got number -1"],
    [{ dispatcher: null }, "@sg/transport: dispatcher: expected an undici Dispatcher (e.g. new Agent() or new ProxyAgent()), got null"],
    [{ userAgent: 5 }, "@sg/transport: userAgent: expected a one-line string of Latin-1 characters (a header value fetch accepts), got number 5"],
    // fetch refuses these in a header before sending: every call would fail as a "dropped connection"
    [{ userAgent: "tool \u2013 1.0" }, '@sg/transport: userAgent: expected a one-line string of Latin-1 characters (a header value fetch accepts), got string "tool \u2013 1.0"'],
    [{ userAgent: "tool\r\nx: y" }, '@sg/transport: userAgent: expected a one-line string of Latin-1 characters (a header value fetch accepts), got string "tool\\r\\nx: y"'],
    [
      { timeout: 5 },
      "@sg/transport: timeout: expected one of the options userAgent, localized, timeoutMs, deadlineMs, transferTimeoutMs, transferDeadlineMs, retry, fetch, dispatcher, maxRedirects, maxResponseBytes, got an unknown option 'timeout'\nHint: Time limits are in milliseconds: timeoutMs for each attempt, deadlineMs for the whole call.",
    ],
    [null, "@sg/transport: options: expected an options object (or nothing), got null"],
  ])("%j → %s", (input, message) => {
    let thrown: unknown;
    try {
      resolveOptions(input);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SgValidationError);
    expect((thrown as Error).message).toBe(message);
  });

  it.each([
    ["http_proxy", "Pass a proxy as dispatcher: new ProxyAgent(url), ProxyAgent from undici."],
    ["proxy", "Pass a proxy as dispatcher: new ProxyAgent(url), ProxyAgent from undici."],
    ["ca_certs", "Trust a CA with NODE_EXTRA_CA_CERTS=ca.pem, or pass dispatcher: new Agent({ connect: { ca } }) (with a proxy: new ProxyAgent({ uri, requestTls: { ca } })), from undici."],
    ["timeout_secs", "Time limits are in milliseconds: timeoutMs for each attempt, deadlineMs for the whole call."],
  ])("points Python's %s to where it goes here, without echoing its value", (name, hint) => {
    const secret = "http://user:pr0xy-pass@proxy.example.com:8080";
    let thrown: unknown;
    try {
      resolveOptions({ [name]: secret });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ path: [name], hint });
    expect(JSON.stringify(thrown) + String(thrown)).not.toContain("pr0xy-pass");
  });

  it("applies the defaults", () => {
    const o = resolveOptions(undefined);
    expect(o).toMatchObject({ localized: false, timeoutMs: 120_000, deadlineMs: 300_000, transferTimeoutMs: 600_000, transferDeadlineMs: 1_800_000, maxRedirects: 5 });
    expect(o.policy).toEqual(DEFAULT_RETRY_POLICY);
    expect(o.budget).toEqual(DEFAULT_RETRY_BUDGET);
    expect(o.random).toBe(Math.random);
    expect(o.fetch).toBeUndefined();
    expect(o.onRetry).toBeUndefined();
    expect(o.userAgentSuffix).toBeUndefined();
  });

  it("keeps given values, fills the rest of retry and budget from the defaults", () => {
    const random = (): number => 0.25;
    const o = resolveOptions({ userAgent: "tool 1", retry: { maxAttempts: 5, jitter: "full", random, budget: { capacity: 10 } }, maxRedirects: 0 });
    expect(o.userAgentSuffix).toBe("tool 1");
    expect(o.maxRedirects).toBe(0);
    expect(o.policy).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 5, jitter: "full" });
    expect(o.budget).toEqual({ ...DEFAULT_RETRY_BUDGET, capacity: 10 });
    expect(o.random).toBe(random);
    expect(resolveOptions({ retry: false }).policy.maxAttempts).toBe(1);
    expect(resolveOptions({ retry: { budget: false } }).budget).toBe(false);
  });

  it("per-call overrides are checked the same way", () => {
    expect(policyForCall(DEFAULT_RETRY_POLICY, { maxAttempts: 2, retryWrites: false }, "read")).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 2, retryWrites: false });
    expect(() => policyForCall(DEFAULT_RETRY_POLICY, { maxAttempts: 0 }, "read")).toThrow("@sg/transport: retry.maxAttempts: expected an integer ≥ 1, got number 0");
    expect(() => policyForCall(DEFAULT_RETRY_POLICY, "x", "read")).toThrow("@sg/transport: retry: expected retry override options or false, got string \"x\"");
    // A misspelt name would otherwise change nothing, silently.
    expect(() => policyForCall(DEFAULT_RETRY_POLICY, { retryStatus: [500] }, "read")).toThrow(
      "@sg/transport: retry.retryStatus: expected one of the options maxAttempts, retryWrites, retryStatuses, got an unknown option 'retryStatus'",
    );
  });

  it("per-call retryStatuses are copied: changing the caller's array later changes nothing", () => {
    const statuses = [500];
    const policy = policyForCall(DEFAULT_RETRY_POLICY, { retryStatuses: statuses }, "read");
    statuses.push(404);
    expect(policy.retryStatuses).toEqual([500]);
  });

  it("retryStatuses: integers from 400 to 599 are carried; anything else is refused naming its path", () => {
    expect(policyForCall(DEFAULT_RETRY_POLICY, { retryStatuses: [500, 400, 599] }, "read").retryStatuses).toEqual([500, 400, 599]);
    expect(policyForCall(DEFAULT_RETRY_POLICY, { maxAttempts: 2 }, "read").retryStatuses).toBeUndefined();
    const refused: [unknown, (string | number)[], string][] = [
      [[99], ["retry", "retryStatuses", 0], "retry.retryStatuses[0]: expected an HTTP status from 400 to 599, got number 99"],
      [["500"], ["retry", "retryStatuses", 0], 'retry.retryStatuses[0]: expected an HTTP status from 400 to 599, got string "500"'],
      ["500", ["retry", "retryStatuses"], 'retry.retryStatuses: expected an array of HTTP statuses from 400 to 599, got string "500"'],
      [[500, 600], ["retry", "retryStatuses", 1], "retry.retryStatuses[1]: expected an HTTP status from 400 to 599, got number 600"],
      [[500.5], ["retry", "retryStatuses", 0], "got number 500.5"],
      [[, 500], ["retry", "retryStatuses", 0], "got undefined"], // a hole is refused too
      [null, ["retry", "retryStatuses"], "got null"],
    ];
    for (const [retryStatuses, path, message] of refused) {
      let error: unknown;
      try {
        policyForCall(DEFAULT_RETRY_POLICY, { retryStatuses }, "read");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SgValidationError);
      expect((error as SgValidationError).path).toEqual(path);
      expect((error as SgValidationError).message).toContain(message);
    }
  });

  it("no per-call override hands back the transport's own policy: nothing is built for the call", () => {
    const base = { ...DEFAULT_RETRY_POLICY, retryStatuses: [500] };
    expect(policyForCall(base, undefined, "read")).toBe(base);
    expect(policyForCall(base, {}, "read").retryStatuses).toBe(base.retryStatuses);
  });
});
