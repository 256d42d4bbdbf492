import { describe, expect, it } from "vitest";
import { checkDefaultCallOptions } from "./client.js";

describe("checkDefaultCallOptions", () => {
  const at = ["options", "defaults"];

  it("takes what createClient's defaults take", () => {
    expect(() => checkDefaultCallOptions("@sg/test", undefined, at)).not.toThrow();
    const defaults = { signal: new AbortController().signal, timeoutMs: 5_000, deadlineMs: 10_000, retry: { maxAttempts: 2, retryWrites: false, retryStatuses: [503] }, kind: "write", sessionUuid: "u-1" };
    expect(() => checkDefaultCallOptions("@sg/test", defaults, at)).not.toThrow();
  });

  it.each<[unknown, (string | number)[], string]>([
    [{ timeoutMs: 0 }, ["timeoutMs"], "a positive number of milliseconds up to 2147483647 (Node fires a longer timer after 1 ms)"],
    [{ signal: {} }, ["signal"], "this runtime's AbortSignal"],
    [{ kind: "read" }, ["kind"], "'write' or nothing (set 'read' per call)"],
    [{ retry: { maxAttempts: 0 } }, ["retry", "maxAttempts"], "an integer ≥ 1"],
    [{ retry: { retryStatuses: [503, 200] } }, ["retry", "retryStatuses", 1], "an HTTP status from 400 to 599"],
    [{ retry: { retryStatus: [500] } }, ["retry", "retryStatus"], "no such option (known: maxAttempts, retryWrites, retryStatuses)"],
    [{ timeout: 5 }, ["timeout"], "no such option (known: signal, timeoutMs, deadlineMs, retry, kind, sessionUuid)"],
  ])("refuses %j under the caller's path and prefix", (defaults, rest, expected) => {
    expect(() => checkDefaultCallOptions("@sg/test", defaults, at)).toThrow(
      expect.objectContaining({ name: "SgValidationError", path: [...at, ...rest], expected, message: expect.stringMatching(/^@sg\/test: options\.defaults\./) }),
    );
  });

  it("refuses defaults that are not an object at the caller's path", () => {
    expect(() => checkDefaultCallOptions("@sg/test", 5, at)).toThrow(expect.objectContaining({ path: at, expected: "call options (an object)" }));
  });
});
