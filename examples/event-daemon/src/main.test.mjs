import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_SCRIPT_KEY, startEmulator } from "@sg/emulator";
import { readState, runDaemon } from "./daemon.mjs";
import { SHOT_EVENTS, outboxIds, runRecipe, scriptClient } from "./recipe.mjs";

const main = fileURLToPath(new URL("./main.mjs", import.meta.url));
/** @type {string} */
let dir;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sg-event-daemon-test-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The ids of the Shot events on the site after `afterId`, read by a client of the test's own.
 * @param {string} url
 * @param {number} afterId
 */
async function shotEventIds(url, afterId) {
  const sg = scriptClient(url, { name: "emulator_script", key: DEMO_SCRIPT_KEY }, () => {});
  const rows = await sg.find("EventLogEntry", [["id", "greater_than", afterId], ["event_type", "in", SHOT_EVENTS]], ["id"], { order: [{ field_name: "id", direction: "asc" }] });
  return rows.map((r) => r.id);
}

describe("the event-daemon recipe", () => {
  it("npm start: walks through every step and exits 0", () => {
    const run = spawnSync(process.execPath, [main], { encoding: "utf8", timeout: 30_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/read attempt 1 failed \(HTTP 502\)/);
    expect(run.stdout).toMatch(/read attempt 2 failed \(HTTP 504\)/);
    expect(run.stdout).toContain("stopped (aborted) with 0 more processed; state at id 8");
    expect(run.stdout).toContain("12 events on the site, 12 processed, none twice, none missed");
    expect(run.stdout.trimEnd().endsWith("All steps passed.")).toBe(true);
  }, 40_000);

  it("processes every Shot event on the site exactly once across stops and restarts", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const { startId, stateFile, outbox } = await runRecipe(site, { stateDir: dir, out: () => {} });
      const onSite = await shotEventIds(site.url, startId);
      expect(onSite.length).toBe(12); // 8 Shots created, 4 updated
      expect(outboxIds(outbox)).toEqual(onSite);
      expect(readState(stateFile)).toBe(onSite.at(-1));
    } finally {
      await site.close();
    }
  }, 20_000);

  it("a read that fails past the transport's retries is polled again, and no event is skipped", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const sg = scriptClient(site.url, /** @type {{ name: string, key: string }} */ (site.card.scripts[0]), () => {});
      const stateFile = join(dir, "state.json");
      /** @type {number[]} */
      const seen = [];
      /** @type {string[]} */
      const log = [];
      const options = { sg, stateFile, eventTypes: SHOT_EVENTS, handle: (/** @type {{ id: number }} */ e) => void seen.push(e.id), pollIntervalMs: 10, pageSize: 2, log: (/** @type {string} */ l) => void log.push(l) };
      await runDaemon({ ...options, maxRounds: 1 }); // first start: after the newest event
      for (const code of ["rt_010", "rt_020", "rt_030"]) await sg.create("Shot", { code, project: { type: "Project", id: 1 } });
      site.injectFault({ method: "read", status: 502, times: 3 }); // all 3 attempts of the first read
      const result = await runDaemon({ ...options, maxRounds: 4 });
      expect(log.some((l) => /^read failed \(.*502/.test(l))).toBe(true);
      const onSite = await shotEventIds(site.url, 0);
      expect(onSite.length).toBe(3);
      expect(seen).toEqual(onSite);
      expect(result.lastId).toBe(onSite.at(-1));
    } finally {
      await site.close();
    }
  }, 20_000);

  it("SIGINT stops a following daemon: exit 0, and the state file holds the last event it processed", async () => {
    const child = spawn(process.execPath, [main, "--follow", "--state-dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    /** @param {RegExp} pattern */
    const waitFor = (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = stdout.match(pattern);
          if (m) resolve(m);
        };
        child.stdout.on("data", (d) => {
          stdout += d;
          check();
        });
        child.once("exit", () => reject(new Error(`exited before ${pattern}:\n${stdout}\n${stderr}`)));
        check();
      });
    const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const [, url] = /** @type {RegExpMatchArray} */ (await waitFor(/Following new Shot events on (\S+)/));
      const sg = scriptClient(/** @type {string} */ (url), { name: "emulator_script", key: DEMO_SCRIPT_KEY }, () => {});
      const shot = await sg.create("Shot", { code: "follow_010", project: { type: "Project", id: 1 } });
      const [, eventId] = /** @type {RegExpMatchArray} */ (await waitFor(new RegExp(`event (\\d+): Shotgun_Shot_New Shot ${shot.id}\\b`)));
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(stderr).toBe("");
      expect(stdout).toMatch(/stopped \(aborted\) after 1 more; state saved at id \d+/);
      expect(readState(join(dir, "event-daemon.state.json"))).toBe(Number(eventId));
      expect(readFileSync(join(dir, "processed.jsonl"), "utf8")).toContain(`"id":${eventId},`);
    } finally {
      child.kill("SIGKILL");
    }
  }, 30_000);
});
