/**
 * The abort error the clock throws says when the signal's reason was a time limit, also when that reason comes
 * from another realm (an iframe's or a `node:vm` context's signal), where `instanceof Error` is false.
 */
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { SgAbortError } from "./errors.js";
import { systemClock } from "./clock.js";

const sleepWith = (reason: unknown): Promise<unknown> => {
  const controller = new AbortController();
  const slept = systemClock.sleep(60_000, controller.signal).catch((e: unknown) => e);
  controller.abort(reason);
  return slept;
};

describe("a sleep ended by its signal", () => {
  it("says the signal timed out for a TimeoutError from another realm", async () => {
    const reason = runInNewContext(`Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" })`) as unknown;
    expect(reason instanceof Error).toBe(false);
    const error = await sleepWith(reason);
    expect(error).toBeInstanceOf(SgAbortError);
    expect((error as Error).message).toContain("its signal timed out");
  });

  it("says the signal timed out for AbortSignal.timeout()", async () => {
    const error = await systemClock.sleep(60_000, AbortSignal.timeout(1)).catch((e: unknown) => e);
    expect((error as Error).message).toContain("its signal timed out");
  });

  it("says only that it was aborted for any other reason", async () => {
    const error = await sleepWith(runInNewContext(`new Error("stop")`));
    expect((error as Error).message).not.toContain("timed out");
    expect((error as Error).message).toContain("the call was aborted");
  });
});
