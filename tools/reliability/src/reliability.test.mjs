// The reliability scenarios (src/scenarios.mjs) with their deterministic figures asserted. Every faulted
// create/batch counts its rows by unique code afterwards: duplicates must be 0 and rows exactly as expected.
import { describe, expect, it } from "vitest";
import { SgAbortError } from "@sg/core";
import { SCENARIOS } from "./scenarios.mjs";
import { harness, settle } from "./harness.mjs";

const groups = [...new Set(SCENARIOS.map((s) => s.group))];

for (const group of groups) {
  describe(group, () => {
    for (const s of SCENARIOS.filter((x) => x.group === group)) {
      // A scenario that shows a known bug elsewhere fails until it is fixed (see `knownBug` in scenarios.mjs).
      (s.knownBug ? it.fails : it)(`${s.id}: ${s.title}${s.knownBug ? ` — KNOWN BUG: ${s.knownBug}` : ""}`, async () => {
        const figures = await s.run(s.id);
        const picked = Object.fromEntries(Object.keys(s.expect).map((k) => [k, figures[k]]));
        expect(picked, JSON.stringify(figures)).toEqual(s.expect);
        if (figures.rows !== undefined) {
          expect(figures.dups, "duplicated writes").toBe(0);
        }
        // Client and emulator agree on how many requests were made, except where some went elsewhere (a refused
        // connection, a trickling server).
        if (!s.id.startsWith("refused") && !s.id.startsWith("trickle") && figures.fetches !== undefined && figures.http !== undefined) {
          expect(figures.http).toBe(figures.fetches);
        }
      });
    }
  });
}

describe("zero duplicated writes, across every faulted write scenario", () => {
  // A guard on the scenario list (not on behaviour): the per-scenario tests above assert the rows and duplicates.
  it("the scenario list keeps faulted creates and batches for every fault kind", () => {
    const writes = SCENARIOS.filter((s) => s.expect.rows !== undefined).map((s) => s.id);
    expect(writes.length).toBeGreaterThanOrEqual(20);
    for (const kind of ["502", "504", "503", "429", "html", "drop-create-before", "drop-create-after", "drop-batch-before", "drop-batch-after", "refused", "slow-create", "slow-batch", "trickle-create", "latency-create"]) {
      expect(writes.some((id) => id.includes(kind)), kind).toBe(true);
    }
  });
});

describe("abort", () => {
  // One AbortSignal shared by many concurrent calls must not make Node warn about a listener leak: core and
  // the transport attach one listener per signal (core's onAbort) however many calls share it.
  it("sharing one AbortSignal across 20 concurrent calls emits no MaxListenersExceededWarning", async () => {
    const h = await harness();
    const warnings = [];
    const onWarning = (w) => warnings.push(w.name);
    process.on("warning", onWarning);
    try {
      await h.client.info();
      const controller = new AbortController();
      const results = await Promise.all(Array.from({ length: 20 }, () => settle(() => h.sg.find("Project", [], ["name"], { signal: controller.signal }))));
      expect(results.every((r) => r.ok)).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
      await h.close();
    }
  });

  it("an already-aborted signal rejects before anything is sent", async () => {
    const h = await harness();
    try {
      const r = await settle(() => h.sg.find("Project", [], ["name"], { signal: AbortSignal.abort() }));
      expect(r.ok).toBe(false);
      expect(r.error).toBeInstanceOf(SgAbortError);
      expect(h.fetches("read")).toBe(0);
    } finally {
      await h.close();
    }
  });
});
