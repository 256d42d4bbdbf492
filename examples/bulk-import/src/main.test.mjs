import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scriptAuth } from "@sg/auth-script";
import { createClient } from "@sg/core";
import { DEMO_SCRIPT_KEY, startEmulator } from "@sg/emulator";
import { entityApi } from "@sg/entities";
import { jsonRpcTransport } from "@sg/transport";
import { importShots, parseCsv } from "./import.mjs";
import { runRecipe } from "./recipe.mjs";

const main = fileURLToPath(new URL("./main.mjs", import.meta.url));
const importer = fileURLToPath(new URL("./import.mjs", import.meta.url));
/** @type {string} */
let dir;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sg-bulk-import-test-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** @param {string} url a client of the test's own, without retries */
const client = (url) => entityApi(createClient({ site: url, transport: jsonRpcTransport({ retry: false }), auth: scriptAuth({ scriptName: "emulator_script", scriptKey: DEMO_SCRIPT_KEY }) }));

describe("the bulk-import recipe", () => {
  it("npm start: imports 500 rows through two failed chunks and exits 0", () => {
    const run = spawnSync(process.execPath, [main], { encoding: "utf8", timeout: 30_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("chunk 2 reconciled: 100 of 100 had landed, 0 sent again");
    expect(run.stdout).toContain("chunk 4 reconciled: 0 of 100 had landed, 100 sent again");
    expect(run.stdout).toContain("500 Shots for 500 rows, no code twice, none missing");
    expect(run.stdout).toContain("500 rows skipped, 0 created");
    expect(run.stdout.trimEnd().endsWith("All steps passed.")).toBe(true);
  }, 40_000);

  it("with a chunk applied and then cut off, and one refused by a gateway, exactly 500 Shots exist afterwards, one per code", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const before = (await client(site.url).find("Shot", [], ["code"])).length;
      const { codes, project } = await runRecipe(site, { dir, out: () => {} });
      const shots = await client(site.url).find("Shot", [["project", "is", project], ["code", "starts_with", "BI_"]], ["code"]);
      expect(shots.length).toBe(500);
      expect(new Set(shots.map((s) => s["code"])).size).toBe(500);
      expect(shots.map((s) => s["code"]).sort()).toEqual([...codes].sort());
      expect((await client(site.url).find("Shot", [], ["code"])).length).toBe(before + 500);
      // Six batches reached the site: the five chunks, and chunk 4 once more (the 502 one); chunk 2 was not re-sent.
      const batches = site.requests().filter((r) => r.method_name === "batch");
      expect(batches.map((r) => r.injected ?? null)).toEqual([null, "drop-after", null, "html-502", null, null]);
    } finally {
      await site.close();
    }
  }, 20_000);

  it("a re-send that is cut off too is reconciled again; a failure that did not land is thrown as it is", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const sg = client(site.url);
      const project = { type: /** @type {const} */ ("Project"), id: 1 };
      const rows = parseCsv("code,description\nRC_01,a\nRC_02,b\nRC_03,c\n");
      site.injectFault({ method: "batch", status: 504 }); // the first send: refused, nothing applied
      site.injectFault({ method: "batch", status: 504, when: "after" }); // the re-send of the 3 missing: applied, then 504
      const report = await importShots({ sg, project, rows, chunkSize: 3, settleMs: 0 });
      expect(report.reconciled.map((r) => [r.landed, r.resent])).toEqual([[0, 3], [3, 0]]);
      expect((await sg.find("Shot", [["code", "starts_with", "RC_"]], ["code"])).length).toBe(3);

      site.injectFault({ method: "batch", errorCode: 103, message: "bad input" }); // a fault: nothing applied, not maybeSent
      await expect(importShots({ sg, project, rows: parseCsv("code\nRC_04\n") })).rejects.toMatchObject({ code: "SG_FAULT" });
      expect((await sg.find("Shot", [["code", "is", "RC_04"]], ["code"])).length).toBe(0);
      await expect(importShots({ sg, project, rows: parseCsv("code\nX\nX\n") })).rejects.toThrow(/code 'X' is on more than one row/);
    } finally {
      await site.close();
    }
  }, 20_000);

  it("running the import again after it stopped part way creates only the missing rows", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const sg = client(site.url);
      const project = { type: /** @type {const} */ ("Project"), id: 1 };
      const rows = parseCsv(`code\n${Array.from({ length: 6 }, (_, i) => `RR_0${i + 1}`).join("\n")}\n`);
      // A first run imported the first two rows; a second one skipped them (no batch sent for chunk 1) and stopped at
      // chunk 2 on a fault (nothing of it applied).
      await importShots({ sg, project, rows: rows.slice(0, 2), chunkSize: 2 });
      site.injectFault({ method: "batch", errorCode: 103, message: "bad input" });
      await expect(importShots({ sg, project, rows, chunkSize: 2 })).rejects.toMatchObject({ code: "SG_FAULT" });
      const report = await importShots({ sg, project, rows, chunkSize: 2 });
      expect([report.skipped, report.created]).toEqual([2, 4]);
      const shots = await sg.find("Shot", [["code", "starts_with", "RR_"]], ["code"]);
      expect(shots.map((s) => s["code"]).sort()).toEqual(rows.map((r) => r.code));
    } finally {
      await site.close();
    }
  }, 20_000);
  it("takes a lock file for the whole import: a second import at once fails naming it, and no row is created twice", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const sg = client(site.url);
      const project = { type: /** @type {const} */ ("Project"), id: 1 };
      const rows = Array.from({ length: 20 }, (_, i) => ({ code: `LK_${i}` }));
      const lockFile = join(dir, "project-1.lock");
      const runs = await Promise.allSettled([importShots({ sg, project, rows, chunkSize: 5, lockFile }), importShots({ sg, project, rows, chunkSize: 5, lockFile })]);
      expect(runs.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
      const refused = /** @type {PromiseRejectedResult} */ (runs.find((r) => r.status === "rejected"));
      expect(String(refused.reason)).toContain(`the lock file ${lockFile} exists`);
      expect((await sg.find("Shot", [["code", "starts_with", "LK_"]], ["code"])).length).toBe(20);
      expect(existsSync(lockFile)).toBe(false);
      writeFileSync(lockFile, "12345\n"); // left behind by a crash: refused until removed
      const reads = site.requests().length;
      await expect(importShots({ sg, project, rows, lockFile })).rejects.toThrow(/remove the file and run the import again/);
      expect(site.requests().length).toBe(reads);
      expect(existsSync(lockFile)).toBe(true);
    } finally {
      await site.close();
    }
  }, 20_000);

  it("a lock that cannot be written (a full disk) is removed before the error is thrown", () => {
    const lock = join(dir, "project-1.lock");
    const script = `import { existsSync } from "node:fs"; import { takeLock } from ${JSON.stringify(importer)};
      try { takeLock(${JSON.stringify(lock)}); } catch (e) { console.log(e.code); } console.log(String(existsSync(${JSON.stringify(lock)})));`;
    // A file size limit of 0 makes the pid's write fail with EFBIG, as a full disk would with ENOSPC (stdout is a pipe).
    const run = spawnSync("sh", ["-c", `ulimit -f 0; exec "${process.execPath}" --input-type=module -e '${script}'`], { encoding: "utf8" });
    expect(run.stdout.split("\n"), run.stderr).toEqual(["EFBIG", "false", ""]);
  });

  it("waits settleMs before checking, and reports (does not delete) a first send that landed after the check", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const sg = client(site.url);
      const project = { type: /** @type {const} */ ("Project"), id: 1 };
      /** @type {number[]} */
      const failedAt = [];
      /** @type {number[]} */
      const findAt = [];
      let hide = false;
      // A slow site, made exact: the batch is applied and answered 504, and the check right after it does not see
      // the rows yet (as when the site is still committing them).
      const slow = /** @type {typeof sg} */ ({
        ...sg,
        batch: (/** @type {Parameters<typeof sg.batch>} */ ...a) => sg.batch(...a).catch((e) => ((hide = true), failedAt.push(Date.now()), Promise.reject(e))),
        find: async (/** @type {Parameters<typeof sg.find>} */ ...a) => {
          findAt.push(Date.now());
          if (hide) return ((hide = false), []);
          return sg.find(...a);
        },
      });
      site.injectFault({ method: "batch", status: 504, when: "after" });
      /** @type {string[]} */
      const lines = [];
      const rows = [{ code: "SL_1" }, { code: "SL_2" }];
      const report = await importShots({ sg: slow, project, rows, settleMs: 200, log: (l) => lines.push(l) });
      expect(/** @type {number} */ (findAt[1]) - /** @type {number} */ (failedAt[0])).toBeGreaterThanOrEqual(190);
      const shots = await sg.find("Shot", [["code", "starts_with", "SL_"]], ["code"], { order: [{ field_name: "id", direction: "asc" }] });
      expect(shots.length).toBe(4); // duplicated, and left there
      expect(report.duplicates).toEqual(["SL_1", "SL_2"].map((code) => ({ code, ids: shots.filter((s) => s["code"] === code).map((s) => s.id) })));
      expect(lines.at(-1)).toMatch(/code 'SL_2' is on 2 Shots \(ids \d+, \d+\)/);
    } finally {
      await site.close();
    }
  }, 20_000);

  it("refuses a bad chunkSize or maxReconcileRounds, a quoted cell and codes equal but for case; skips a code on the site in another case", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const sg = client(site.url);
      const project = { type: /** @type {const} */ ("Project"), id: 1 };
      const rows = [{ code: "CS_010" }];
      await expect(importShots({ sg, project, rows, chunkSize: 0 })).rejects.toThrow("bulk-import: chunkSize: expected an integer ≥ 1, got 0");
      await expect(importShots({ sg, project, rows, chunkSize: NaN })).rejects.toThrow("bulk-import: chunkSize: expected an integer ≥ 1, got NaN");
      await expect(importShots({ sg, project, rows, maxReconcileRounds: -1 })).rejects.toThrow("bulk-import: maxReconcileRounds: expected an integer ≥ 0, got -1");
      expect(site.requests().length).toBe(0);
      expect(() => parseCsv('code,description\nA_010,plain\n\n"A_020",quoted\n')).toThrow(/CSV line 4: a quoted cell/);
      expect(() => parseCsv("code,description\n,no code\n")).toThrow(/CSV line 2: the 'code' cell is empty/);
      await expect(importShots({ sg, project, rows: parseCsv("code\nC_010\nc_010\n") })).rejects.toThrow(/code 'c_010' is on more than one row/);
      await importShots({ sg, project, rows: [{ code: "CS_010" }] });
      expect(await importShots({ sg, project, rows: [{ code: "cs_010" }] })).toMatchObject({ created: 0, skipped: 1 });
    } finally {
      await site.close();
    }
  }, 20_000);

  it("main.mjs --chunk-size abc fails with the option named", () => {
    const run = spawnSync(process.execPath, [main, "--chunk-size", "abc"], { encoding: "utf8", timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("bulk-import: chunkSize: expected an integer ≥ 1, got NaN");
  }, 40_000);
});
