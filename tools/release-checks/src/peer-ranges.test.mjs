import { describe, expect, it } from "vitest";
import { fixedPeerRange, peerRangeProblem } from "./peer-ranges.mjs";

describe("the @sg/core peer range rule", () => {
  it("accepts any floor from core's major up to core's version, with core's next major as the upper bound", () => {
    expect(peerRangeProblem(">=0.1.0 <1.0.0", "0.1.0")).toBeUndefined();
    expect(peerRangeProblem(">=0.1.0 <1.0.0", "0.3.2")).toBeUndefined();
    // a plugin that uses an export core 0.3.0 added raises its floor
    expect(peerRangeProblem(">=0.3.0 <1.0.0", "0.3.2")).toBeUndefined();
    expect(peerRangeProblem(">=0.3.2 <1.0.0", "0.3.2")).toBeUndefined();
    expect(peerRangeProblem(">=1.0.0 <2.0.0", "1.4.0")).toBeUndefined();
  });

  it("refuses an open range, a wrong upper bound, a floor above core or in another major, and other forms", () => {
    expect(peerRangeProblem(">=1.0.0", "1.0.0")).toMatch(/^">=1.0.0" is not of the form ">=<floor> <2.0.0" with a floor from 1.0.0 up to 1.0.0$/);
    expect(peerRangeProblem(">=0.1.0 <1.0.0", "1.0.0")).toMatch(/ends at 1.0.0, not at core's next major/);
    expect(peerRangeProblem(">=0.1.0 <2.0.0", "1.0.0")).toMatch(/starts in another major than core 1.0.0/);
    expect(peerRangeProblem(">=0.4.0 <1.0.0", "0.3.0")).toMatch(/starts above core's version 0.3.0/);
    expect(peerRangeProblem("^0.1.0", "0.1.0")).toMatch(/is not of the form/);
    expect(peerRangeProblem(">=0.1.0 <1.0.0 || >=2", "0.1.0")).toMatch(/is not of the form/);
  });

  it("fixes what changesets writes: keeps the floor in core's major, moves it to <major>.0.0 when core's major moved", () => {
    expect(fixedPeerRange(">=0.2.0 <1.0.0", "0.5.0")).toBe(">=0.2.0 <1.0.0");
    expect(fixedPeerRange(">=1.0.0", "1.0.0")).toBe(">=1.0.0 <2.0.0");
    expect(fixedPeerRange(">=0.2.0 <1.0.0", "1.0.0")).toBe(">=1.0.0 <2.0.0");
    expect(fixedPeerRange("^1.2.0", "2.1.0")).toBe(">=2.0.0 <3.0.0");
    expect(fixedPeerRange(">=1.3.0", "1.4.0")).toBe(">=1.3.0 <2.0.0");
    expect(() => fixedPeerRange("*", "1.0.0")).toThrow(/peer range "\*" names no version/);
  });
});
