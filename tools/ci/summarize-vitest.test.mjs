// The summary line CI reads must never say "0 failed" for a run that failed. The reports here are written by real
// vitest runs of planted projects (a passing one, an unhandled rejection, an afterAll that throws, no test files, a
// failing test); the summary is the real script, run as .ci/run runs it, over a scratch workspace.
import { execFile, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = new URL("../..", import.meta.url).pathname;
const script = new URL("./summarize-vitest.mjs", import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), "sg-summary-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const TEST_SCRIPT = "vitest run --reporter=json --outputFile.json=test-results/vitest.json";
/** Planted projects: their test files. */
const PLANTED = {
  pass: { "a.test.mjs": 'import { it } from "vitest";\nit("one", () => {});\nit("two", () => {});\n' },
  unhandled: { "a.test.mjs": 'import { it } from "vitest";\nit("passes, but leaves a rejection", () => { Promise.reject(new Error("nobody waits")); });\n' },
  afterall: { "a.test.mjs": 'import { afterAll, it } from "vitest";\nit("passes", () => {});\nafterAll(() => { throw new Error("cleanup broke"); });\n' },
  empty: {},
  failing: { "a.test.mjs": 'import { expect, it } from "vitest";\nit("passes", () => {});\nit("fails", () => { expect(1).toBe(2); });\n' },
};

// Each planted project is run once by vitest, in its own folder, and its report kept.
const runs = join(scratch, "runs");
beforeAll(async () => {
  mkdirSync(runs);
  symlinkSync(join(repoRoot, "node_modules"), join(runs, "node_modules"));
  writeFileSync(join(runs, "package.json"), '{ "type": "module" }\n');
  await Promise.all(
    Object.entries(PLANTED).map(async ([kind, files]) => {
      const dir = join(runs, kind);
      mkdirSync(dir);
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      const vitest = join(repoRoot, "node_modules", ".bin", "vitest");
      await promisify(execFile)(vitest, TEST_SCRIPT.split(" ").slice(1), { cwd: dir }).catch((e) => e);
    }),
  );
});

let workspaces = 0;
/**
 * A scratch workspace holding planted projects: `{ folder: kind }` copies that kind's test files and report under
 * packages/<folder>, named @t/<folder>; `{ folder: { files, report, scripts } }` plants exactly that.
 */
function workspace(projects) {
  const root = join(scratch, `ws-${workspaces++}`);
  for (const [folder, spec] of Object.entries(projects)) {
    const [group, name] = folder.includes("/") ? folder.split("/") : ["packages", folder];
    const dir = join(root, group, name);
    mkdirSync(join(dir, "test-results"), { recursive: true });
    const plant = typeof spec === "string" ? { files: PLANTED[spec], report: readFileSync(join(runs, spec, "test-results", "vitest.json"), "utf8"), scripts: { test: TEST_SCRIPT } } : spec;
    if (plant.scripts !== null) writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `@t/${name}`, scripts: plant.scripts ?? {} }));
    for (const [file, text] of Object.entries(plant.files ?? {})) writeFileSync(join(dir, file), text);
    if (plant.report !== undefined) writeFileSync(join(dir, "test-results", "vitest.json"), plant.report);
  }
  return root;
}

/** What the summary prints and its exit status, for the workspace at `root`. */
function summary(root, ...args) {
  const r = spawnSync(process.execPath, [script, "--root", root, ...args], { encoding: "utf8" });
  const lines = r.stdout.trim().split("\n");
  return { status: r.status, line: lines.at(-1), notes: lines.slice(0, -1).join("\n"), stderr: r.stderr };
}

describe("the CI summary line", () => {
  it("counts a clean run as passed, and exits 0", () => {
    expect(summary(workspace({ pass: "pass" }))).toEqual({ status: 0, line: "2 passed, 0 failed", notes: "", stderr: "" });
  });

  it("counts a failed test once, even when nx also names its failed test task", () => {
    const s = summary(workspace({ pass: "pass", failing: "failing" }), "--test-exit", "1", "--failed-task", "@t/failing:test");
    expect(s).toMatchObject({ status: 1, line: "3 passed, 1 failed" });
  });

  it("counts a test file that failed in afterAll (its tests passed), naming the package and the file", () => {
    const s = summary(workspace({ pass: "pass", afterall: "afterall" }));
    expect(s).toMatchObject({ status: 1, line: "3 passed, 1 failed" });
    expect(s.notes).toMatch(/^@t\/afterall: \S*a\.test\.mjs failed outside its tests .*cleanup broke/);
  });

  it("counts a report that holds no test (vitest's 'No test files found')", () => {
    const s = summary(workspace({ pass: "pass", empty: "empty" }));
    expect(s).toMatchObject({ status: 1, line: "2 passed, 1 failed" });
    expect(s.notes).toMatch(/^@t\/empty: its report holds no test/);
  });

  it("counts a report that says success: false with nothing else failed", () => {
    const report = JSON.parse(readFileSync(join(runs, "pass", "test-results", "vitest.json"), "utf8"));
    const s = summary(workspace({ pass: "pass", odd: { report: JSON.stringify({ ...report, success: false }), scripts: { test: TEST_SCRIPT } } }));
    expect(s).toMatchObject({ status: 1, line: "4 passed, 1 failed" });
    expect(s.notes).toMatch(/^@t\/odd: its report says the run failed \(success: false\)/);
  });

  it("counts an unhandled rejection (its report says every test passed) through the failed test task or npm test's status", () => {
    const root = workspace({ pass: "pass", unhandled: "unhandled" });
    const byTask = summary(root, "--test-exit", "1", "--failed-task", "@t/unhandled:test");
    expect(byTask).toMatchObject({ status: 1, line: "3 passed, 1 failed" });
    expect(byTask.notes).toMatch(/^nx task @t\/unhandled:test failed, and no failed test in its report accounts for it/);
    const byStatus = summary(root, "--test-exit", "1");
    expect(byStatus).toMatchObject({ status: 1, line: "3 passed, 1 failed" });
    expect(byStatus.notes).toMatch(/^npm test exited 1, but no report or task names a failure/);
  });

  it("counts a failed typecheck task, though every report passed", () => {
    const s = summary(workspace({ pass: "pass" }), "--test-exit", "1", "--failed-task", "@t/pass:typecheck");
    expect(s).toMatchObject({ status: 1, line: "2 passed, 1 failed", notes: "nx task @t/pass:typecheck failed" });
  });

  it("counts each --failed-check", () => {
    const s = summary(workspace({ pass: "pass" }), "--failed-check", "stale src/version.ts");
    expect(s).toMatchObject({ status: 1, line: "2 passed, 1 failed", notes: "failed check: stale src/version.ts" });
  });

  it("counts a truncated or empty report as unreadable, still printing the line and no stack trace", () => {
    const full = readFileSync(join(runs, "pass", "test-results", "vitest.json"), "utf8");
    const root = workspace({ pass: "pass", cut: { report: full.slice(0, full.length / 2), scripts: { test: TEST_SCRIPT } }, blank: { report: "", scripts: { test: TEST_SCRIPT } } });
    const s = summary(root);
    expect(s).toMatchObject({ status: 1, line: "2 passed, 2 failed", stderr: "" });
    expect(s.notes).toMatch(/^unreadable test report from: @t\/blank \(/m);
    expect(s.notes).toMatch(/^unreadable test report from: @t\/cut \(/m);
  });

  it("counts a project that holds test files but no test script, or no package.json, so nx never runs them", () => {
    const root = workspace({
      pass: "pass",
      "tools/noscript": { files: { "x.test.mjs": "" }, scripts: { build: "tsc" } },
      "examples/nomanifest": { files: { "y.spec.ts": "" }, scripts: null },
      "tools/notests": { files: { "main.mjs": "" }, scripts: {} },
    });
    const s = summary(root);
    expect(s).toMatchObject({ status: 1, line: "2 passed, 2 failed" });
    expect(s.notes.split("\n").sort()).toEqual([
      "@t/noscript: holds 1 test file(s) (x.test.mjs) but has no \"test\" script, so they never run",
      "examples/nomanifest: holds 1 test file(s) (y.spec.ts) but no package.json, so they never run",
    ]);
  });

  it("counts a missing report", () => {
    const s = summary(workspace({ pass: "pass", gone: { scripts: { test: TEST_SCRIPT } } }));
    expect(s).toMatchObject({ status: 1, line: "2 passed, 1 failed", notes: "no test report from: @t/gone" });
  });
});
