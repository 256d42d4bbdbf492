import { describe, expect, it } from "vitest";
import { STOP_SIGNALS, signalStatus } from "./stop-signals.js";

// SIGBREAK cannot be sent on Linux; signals-and-output.test.ts emits it in the built sg through a preload.
describe("the signals that stop sg cleanly", () => {
  it("include Ctrl+Break on Windows (SIGBREAK) besides SIGINT, SIGTERM and SIGHUP", () => {
    expect([...STOP_SIGNALS].sort()).toEqual(["SIGBREAK", "SIGHUP", "SIGINT", "SIGTERM"]);
  });

  it("end with 128 + the signal's number: 130, 143, 129, and 149 for SIGBREAK on every platform", () => {
    expect(STOP_SIGNALS.map(signalStatus)).toEqual([130, 143, 129, 149]);
  });
});
