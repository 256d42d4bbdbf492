import { describe, expect, it } from "vitest";
import { createProgress } from "./progress.js";

describe("progress line when the wall clock is set back", () => {
  it("keeps redrawing with the rows counted since", () => {
    const lines: string[] = [];
    const stream = { isTTY: true, write: (s: string | Uint8Array) => (lines.push(String(s)), true) };
    const real = Date.now;
    let shift = 0;
    Date.now = () => real() + shift;
    try {
      const p = createProgress({ stream, force: true, intervalMs: 0 });
      p.add(1000);
      shift = -3_600_000; // NTP steps the clock back one hour
      p.add(1000);
      p.add(1000);
      p.done();
    } finally {
      Date.now = real;
    }
    expect(lines.filter((l) => l !== "\r\x1b[2K").map((l) => l.replace(/ {2}.*/s, ""))).toEqual(["\r\x1b[2K1,000 rows", "\r\x1b[2K2,000 rows", "\r\x1b[2K3,000 rows"]);
  });
});
