import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_SCRIPT_KEY, startEmulator } from "@sg/emulator";
import { loadState, readState, runDaemon } from "./daemon.mjs";
import { SHOT_EVENTS, outboxIds, runRecipe, scriptClient } from "./recipe.mjs";

const recipe = fileURLToPath(new URL("./recipe.mjs", import.meta.url));

const main = fileURLToPath(new URL("./main.mjs", import.meta.url));
const daemon = fileURLToPath(new URL("./daemon.mjs", import.meta.url));
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

/**
 * Run `body` against a fresh demo emulator, with a script client, the path of a state file in the test's folder and a
 * log to collect lines in; the emulator is closed afterwards, whatever happens.
 * @param {(t: { site: Awaited<ReturnType<typeof startEmulator>>, sg: ReturnType<typeof scriptClient>, stateFile: string, log: string[] }) => Promise<void>} body
 */
async function withSite(body) {
  const site = await startEmulator({ fixtures: "demo" });
  try {
    await body({ site, sg: scriptClient(site.url, /** @type {{ name: string, key: string }} */ (site.card.scripts[0]), () => {}), stateFile: join(dir, "state.json"), log: [] });
  } finally {
    await site.close();
  }
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
    await withSite(async ({ site, sg, stateFile, log }) => {
      /** @type {number[]} */
      const seen = [];
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
    });
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

/**
 * `sg`, except that its `find` leaves the EventLogEntry rows `hidden` out of its first `reads` reads (all of them by
 * default), and tells `onFind` the filters of each read. A real site allocates an event's id when its transaction
 * starts and shows the row when it commits, so a read can see ids 10 and 12 while 11 is still committing. The emulator
 * applies each write at once, in id order, so it cannot show that; this wrapper fakes it at the one boundary the
 * daemon reads through (the rows themselves are the site's).
 * @param {import("@sg/entities").EntityApi} sg
 * @param {{ hidden: number[], reads?: number, onFind?: (filters: unknown) => void }} options
 * @returns {import("@sg/entities").EntityApi}
 */
function hiding(sg, { hidden, reads = Infinity, onFind = () => {} }) {
  let left = reads;
  /** @param {Parameters<typeof sg.find>} args */
  const find = async (...args) => {
    onFind(args[1]);
    const rows = await sg.find(...args);
    return left-- > 0 ? rows.filter((r) => !hidden.includes(r.id)) : rows;
  };
  return /** @type {import("@sg/entities").EntityApi} */ ({ ...sg, find }); // the API object is frozen: a copy, not a Proxy
}

describe("the backlog: events that become visible after later ones", () => {
  /** @type {Awaited<ReturnType<typeof startEmulator>>} */
  let site;
  beforeEach(async () => {
    site = await startEmulator({ fixtures: "demo" });
  });
  afterEach(() => site.close());

  /**
   * A client for the site, a state file starting after the newest event, and the ids of `count` new Shot events.
   * @param {number} count
   */
  async function setup(count) {
    const sg = scriptClient(site.url, /** @type {{ name: string, key: string }} */ (site.card.scripts[0]), () => {});
    const stateFile = join(dir, "state.json");
    const startAfterId = (await sg.findOne("EventLogEntry", [], ["id"], { order: [{ field_name: "id", direction: "desc" }] }))?.id ?? 0;
    for (let i = 1; i <= count; i++) await sg.create("Shot", { code: `bl_${i}0`, project: { type: "Project", id: 1 } });
    const ids = await shotEventIds(site.url, startAfterId);
    expect(ids.length).toBe(count);
    /** @type {number[]} */
    const seen = [];
    /** @type {string[]} */
    const log = [];
    let clock = 1_000_000_000_000;
    const options = {
      stateFile,
      startAfterId,
      handle: (/** @type {{ id: number }} */ e) => void seen.push(e.id),
      pollIntervalMs: 1,
      log: (/** @type {string} */ l) => void log.push(l),
      now: () => clock,
    };
    return { sg, ids, seen, log, options, stateFile, advance: (/** @type {number} */ ms) => (clock += ms), time: () => clock };
  }

  it("an event hidden from the first read is processed once, when it appears, after the later ones", async () => {
    const { sg, ids, seen, log, options, stateFile } = await setup(3);
    const [a, b, c] = /** @type {[number, number, number]} */ (ids);
    await runDaemon({ ...options, sg: hiding(sg, { hidden: [b], reads: 1 }), maxRounds: 3 });
    expect(seen).toEqual([a, c, b]);
    expect(log).toContain(`event ${b} appeared after later ones: processing it now`);
    expect(loadState(stateFile)).toEqual({ site: site.url, lastId: c, backlog: {} });
  });

  it("an id that never appears is given up after backlogTimeoutMs, with a log line; a restart keeps waiting for it until then", async () => {
    const { sg, ids, seen, log, options, stateFile, advance, time } = await setup(3);
    const [a, b, c] = /** @type {[number, number, number]} */ (ids);
    const never = hiding(sg, { hidden: [b] });
    await runDaemon({ ...options, sg: never, backlogTimeoutMs: 60_000, maxRounds: 1 });
    expect(seen).toEqual([a, c]);
    expect(loadState(stateFile)).toEqual({ site: site.url, lastId: c, backlog: { [b]: time() + 60_000 } });
    /** @type {unknown[]} */
    const filters = [];
    advance(59_999); // a restart just before the expiry: still asked for, still kept
    await runDaemon({ ...options, sg: hiding(sg, { hidden: [b], onFind: (f) => filters.push(f) }), backlogTimeoutMs: 60_000, maxRounds: 1 });
    expect(filters).toContainEqual([["id", "in", [b]]]);
    expect(loadState(stateFile)?.backlog).toEqual({ [b]: time() + 1 });
    expect(log.some((l) => l.startsWith("gave up"))).toBe(false);
    advance(1);
    await runDaemon({ ...options, sg: never, backlogTimeoutMs: 60_000, maxRounds: 1 });
    expect(log).toContain(`gave up on event(s) ${b}: still missing 60000 ms after later ones appeared (deleted, or never committed)`);
    expect(loadState(stateFile)).toEqual({ site: site.url, lastId: c, backlog: {} });
    expect(seen).toEqual([a, c]);
  });

  it("a restart with a saved backlog reads those ids again (500 a read) and processes the ones that appeared", async () => {
    const { sg, ids, seen, options, stateFile, time } = await setup(3);
    const [a, b, c] = /** @type {[number, number, number]} */ (ids);
    // Saved by a run that saw c but not a and b, plus 1,198 ids that never appear (the demo site has no events above c).
    const backlog = Object.fromEntries([a, b, ...Array.from({ length: 1198 }, (_, i) => c + 1 + i)].map((id) => [id, time() + 1000]));
    writeFileSync(stateFile, JSON.stringify({ lastId: c + 5000, backlog }));
    /** @type {unknown[]} */
    const filters = [];
    // A site whose ids jumped: its newest event is c + 5000 (faked, as the emulator's ids do not jump).
    const jumped = /** @type {typeof sg} */ ({ ...hiding(sg, { hidden: [], onFind: (f) => filters.push(f) }), findOne: async () => ({ type: "EventLogEntry", id: c + 5000 }) });
    await runDaemon({ ...options, sg: jumped, maxRounds: 1 });
    expect(seen).toEqual([a, b]);
    const inReads = filters.map((f) => /** @type {[[string, string, number[]]]} */ (f)[0]).filter(([, op]) => op === "in");
    expect(inReads.map(([, , list]) => list.length)).toEqual([500, 500, 200]);
    expect(Object.keys(loadState(stateFile)?.backlog ?? {}).length).toBe(1198);
  });

  it("a stop while backlog events are handled keeps the found ones that were not handled yet, even past their expiry", async () => {
    const { sg, ids, seen, log, options, stateFile, time } = await setup(3);
    const [a, b, c] = /** @type {[number, number, number]} */ (ids);
    writeFileSync(stateFile, JSON.stringify({ lastId: c, backlog: { [a]: time(), [b]: time() } })); // both expire now
    const stop = new AbortController();
    const result = await runDaemon({ ...options, sg, signal: stop.signal, handle: (e) => (seen.push(e.id), stop.abort()) });
    expect(result.stopped).toBe("aborted");
    expect(seen).toEqual([a]);
    expect(loadState(stateFile)).toEqual({ site: site.url, lastId: c, backlog: { [b]: time() } });
    await runDaemon({ ...options, sg, maxRounds: 1 });
    expect(seen).toEqual([a, b]);
    expect(log.some((l) => l.startsWith("gave up"))).toBe(false);
  });

  it("a deleted event leaves a gap for good: it is waited for, then given up", async () => {
    const { sg, ids, seen, log, options, stateFile, advance } = await setup(3);
    const [a, b, c] = /** @type {[number, number, number]} */ (ids);
    expect(await sg.delete("EventLogEntry", b)).toBe(true); // the emulator lets a script delete (retire) an event row
    await runDaemon({ ...options, sg, maxRounds: 2 });
    expect(seen).toEqual([a, c]);
    expect(Object.keys(loadState(stateFile)?.backlog ?? {})).toEqual([String(b)]);
    advance(5 * 60_000); // the default backlogTimeoutMs
    await runDaemon({ ...options, sg, maxRounds: 1 });
    expect(log).toContain(`gave up on event(s) ${b}: still missing 300000 ms after later ones appeared (deleted, or never committed)`);
    expect(loadState(stateFile)).toEqual({ site: site.url, lastId: c, backlog: {} });
  });

  it("past maxBacklog, the ids of a gap that do not fit are given up at once, with a log line", async () => {
    const { sg, ids, seen, log, options, stateFile } = await setup(4);
    const [a, b1, b2, c] = /** @type {[number, number, number, number]} */ (ids);
    await runDaemon({ ...options, sg: hiding(sg, { hidden: [b1, b2] }), maxBacklog: 1, maxRounds: 1 });
    expect(seen).toEqual([a, c]);
    expect(log).toContain(`gave up on event(s) ${b2}: the backlog is full (1 ids)`);
    expect(Object.keys(loadState(stateFile)?.backlog ?? {})).toEqual([String(b1)]);
  });

  it("a state file from before the backlog ({ lastId }) still loads, and gets the site written in", async () => {
    const { sg, ids, seen, options, stateFile } = await setup(2);
    writeFileSync(stateFile, `${JSON.stringify({ lastId: options.startAfterId })}\n`);
    expect(loadState(stateFile)).toEqual({ lastId: options.startAfterId, backlog: {} });
    await runDaemon({ ...options, sg, maxRounds: 1 });
    expect(seen).toEqual(ids);
    expect(loadState(stateFile)).toEqual({ site: site.url, lastId: ids[1], backlog: {} });
  });
});

describe("one daemon per state file, of one site", () => {
  it("a second daemon on the same state file fails naming the lock; a lock whose pid is gone is taken over", async () => {
    await withSite(async ({ sg, stateFile, log }) => {
      /** @type {number[]} */
      const seen = [];
      const options = { sg, stateFile, startAfterId: 0, handle: (/** @type {{ id: number }} */ e) => void seen.push(e.id), pollIntervalMs: 10, pageSize: 3, log: (/** @type {string} */ l) => void log.push(l) };
      const runs = await Promise.allSettled([runDaemon({ ...options, maxRounds: 3 }), runDaemon({ ...options, maxRounds: 3 })]);
      expect(runs.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
      const refused = /** @type {PromiseRejectedResult} */ (runs.find((r) => r.status === "rejected"));
      expect(String(refused.reason)).toContain(`the lock file ${stateFile}.lock exists: another daemon (pid ${process.pid}) may be running on this state file`);
      expect(new Set(seen).size).toBe(seen.length); // no event handled twice
      expect(existsSync(`${stateFile}.lock`)).toBe(false);
      const gone = spawnSync(process.execPath, ["-e", ""]).pid; // a process that has exited
      writeFileSync(`${stateFile}.lock`, `${gone}\n`);
      await runDaemon({ ...options, maxRounds: 1 });
      expect(log).toContain(`removing the lock ${stateFile}.lock of process ${gone}, which is no longer running`);
      expect(existsSync(`${stateFile}.lock`)).toBe(false);
    });
  }, 20_000);

  it("a lock naming this process's pid with another start time, or none (a restarted PID 1), is taken over", async () => {
    await withSite(async ({ sg, stateFile, log }) => {
      for (const left of [`${process.pid}\n`, `${process.pid} 1234567\n`]) {
        writeFileSync(`${stateFile}.lock`, left);
        const run = await runDaemon({ sg, stateFile, startAfterId: 0, handle: () => {}, pollIntervalMs: 1, maxRounds: 1, log: (l) => void log.push(l) });
        expect(run.stopped).toBe("rounds");
        expect(existsSync(`${stateFile}.lock`)).toBe(false);
      }
      expect(log.filter((l) => l.startsWith(`removing the lock ${stateFile}.lock of process ${process.pid}, which is no longer running`)).length).toBe(2);
    });
  }, 20_000);

  it("a lock that cannot be written (a full disk) is removed before the error is thrown", () => {
    const lock = join(dir, "state.json.lock");
    const script = `import { existsSync } from "node:fs"; import { takeLock } from ${JSON.stringify(daemon)};
      try { takeLock(${JSON.stringify(lock)}, () => {}); } catch (e) { console.log(e.code); } console.log(String(existsSync(${JSON.stringify(lock)})));`;
    // A file size limit of 0 makes the pid's write fail with EFBIG, as a full disk would with ENOSPC (stdout is a pipe).
    const run = spawnSync("sh", ["-c", `ulimit -f 0; exec "${process.execPath}" --input-type=module -e '${script}'`], { encoding: "utf8" });
    expect(run.stdout.split("\n"), run.stderr).toEqual(["EFBIG", "false", ""]);
  });

  it("refuses a state file of another site, and one ahead of the site's newest event, handling nothing", async () => {
    await withSite(async ({ site, sg, stateFile }) => {
      /** @type {number[]} */
      const seen = [];
      const options = { sg, stateFile, handle: (/** @type {{ id: number }} */ e) => void seen.push(e.id), pollIntervalMs: 10, maxRounds: 1 };
      writeFileSync(stateFile, JSON.stringify({ site: "https://other.example.com", lastId: 1, backlog: {} }));
      await expect(runDaemon(options)).rejects.toThrow(`event-daemon: ${stateFile} is the state of https://other.example.com, not of ${site.url}`);
      const newest = (await sg.findOne("EventLogEntry", [], ["id"], { order: [{ field_name: "id", direction: "desc" }] }))?.id ?? 0;
      writeFileSync(stateFile, JSON.stringify({ lastId: newest + 40, backlog: {} })); // a restored site, or a file copied from elsewhere
      await sg.create("Shot", { code: "ahead_010", project: { type: "Project", id: 1 } });
      await expect(runDaemon(options)).rejects.toThrow(`event-daemon: ${stateFile} says event ${newest + 40} was processed, but the newest event on ${site.url} is ${newest + 1}: the site was restored or the file is of another site; delete the file`);
      expect(seen).toEqual([]);
      expect(existsSync(`${stateFile}.lock`)).toBe(false);
    });
  }, 20_000);

  it("the README's --state-dir command works run twice, into a folder that does not exist yet", () => {
    const stateDir = join(dir, "ev", "state");
    for (let i = 0; i < 2; i++) {
      const run = spawnSync(process.execPath, [main, "--state-dir", stateDir], { encoding: "utf8", timeout: 30_000 });
      expect([run.status, run.stderr]).toEqual([0, ""]);
      expect(run.stdout.trimEnd().endsWith("All steps passed.")).toBe(true);
    }
    expect(outboxIds(join(stateDir, "processed.jsonl")).length).toBe(12);
  }, 40_000);

  it("after SIGTERM, a daemon whose site never answers exits promptly: its client is closed", async () => {
    /** @type {() => void} */
    let asked = () => {};
    const reached = new Promise((resolve) => (asked = () => resolve(undefined)));
    const server = createServer(() => asked()); // never answers
    await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
    const url = `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (server.address()).port}`;
    const code = `import { follow } from ${JSON.stringify(recipe)};
      const stop = new AbortController();
      process.once("SIGTERM", () => stop.abort());
      await follow({ site: ${JSON.stringify(url)}, script: { name: "s", key: ${JSON.stringify(DEMO_SCRIPT_KEY)} }, stateFile: ${JSON.stringify(join(dir, "state.json"))}, handle: () => {}, signal: stop.signal, out: () => {} });
      console.log("stopped");`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    try {
      await reached;
      child.kill("SIGTERM");
      const exit = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve("still running 8 s after SIGTERM"), 8000);
        child.on("exit", (status) => (clearTimeout(timer), resolve(status)));
      });
      expect(exit).toBe(0);
      expect(stdout).toContain("stopped");
    } finally {
      child.kill("SIGKILL");
      server.closeAllConnections();
      server.close();
    }
  }, 20_000);
});
