// Reads the vitest JSON reports of every workspace project (packages/*, tools/*, examples/*) and counts what passed
// and what failed, each failure with a readable note. Anything that is not a clean, complete report counts as a
// failure, so a broken project never passes silently: a missing or unreadable report, a report that ran no tests or
// says the run failed, a test file that failed outside its tests (a hook, an import), and a folder that holds test
// files but no `test` script (nx would never run them).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

export const GROUPS = ["packages", "tools", "examples"];
/** A test file, by its name (a project's own tests; node_modules, dist and reports are not looked into). */
const TEST_NAME = /\.(?:test|spec)\.[cm]?[jt]sx?$/;
const NOT_SOURCE = new Set(["node_modules", "dist", "test-results", ".nx"]);

/** Test files under `dir`, relative to it. */
export function testFilesIn(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!NOT_SOURCE.has(e.name) && !e.name.startsWith(".")) walk(join(d, e.name));
      } else if (TEST_NAME.test(e.name)) out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out;
}

const firstLine = (s) => String(s ?? "").trim().split("\n")[0].slice(0, 200);

/** The failures one parsed vitest JSON report `r` of project `name` holds beyond its failed tests, as notes. */
function reportProblems(name, r) {
  const notes = [];
  if ((r.numTotalTests ?? 0) === 0) notes.push(`${name}: its report holds no test (no test files found, or none ran)`);
  for (const file of r.testResults ?? []) {
    const failedTests = (file.assertionResults ?? []).filter((t) => t.status === "failed").length;
    if (file.status === "failed" && failedTests === 0) {
      notes.push(`${name}: ${file.name ?? "a test file"} failed outside its tests (a hook, an import or the file itself)${file.message ? `: ${firstLine(file.message)}` : ""}`);
    }
  }
  if (r.success === false && notes.length === 0 && (r.numFailedTests ?? 0) === 0) notes.push(`${name}: its report says the run failed (success: false) with no failed test`);
  return notes;
}

/**
 * Counts of the workspace at `root`: `{ passed, failed, skipped, notes }`. `failedTasks` are nx tasks
 * (`project:target`) that failed: a failed task other than `test`, and a failed `test` task whose report shows no
 * failure (an unhandled error, which vitest's JSON report does not record), each count as one failure. `testExit`
 * is `npm test`'s exit status: when it is not 0 and nothing else failed, it counts as one failure.
 */
export function summarize(root, { failedChecks = [], failedTasks = [], testExit = 0 } = {}) {
  let passed = 0;
  let skipped = 0;
  const notes = failedChecks.map((c) => `failed check: ${c}`);
  const failedByProject = new Map();
  let failedTests = 0;
  for (const group of GROUPS) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const projectDir = join(dir, entry.name);
      const where = `${group}/${entry.name}`;
      const pkgFile = join(projectDir, "package.json");
      let pkg;
      try {
        pkg = existsSync(pkgFile) ? JSON.parse(readFileSync(pkgFile, "utf8")) : undefined;
      } catch (e) {
        notes.push(`${where}: package.json cannot be read (${e.message})`);
        continue;
      }
      const name = pkg?.name ?? where;
      if (!pkg?.scripts?.test) {
        const tests = testFilesIn(projectDir);
        if (tests.length) notes.push(`${name}: holds ${tests.length} test file(s) (${tests.slice(0, 3).join(", ")}${tests.length > 3 ? ", …" : ""}) but ${pkg ? 'has no "test" script' : "no package.json"}, so they never run`);
        continue;
      }
      const report = join(projectDir, "test-results", "vitest.json");
      if (!existsSync(report)) {
        notes.push(`no test report from: ${name}`);
        failedByProject.set(name, 1);
        continue;
      }
      let r;
      try {
        r = JSON.parse(readFileSync(report, "utf8"));
        if (r === null || typeof r !== "object") throw new Error("not a JSON object");
      } catch (e) {
        notes.push(`unreadable test report from: ${name} (${firstLine(e.message)})`);
        failedByProject.set(name, 1);
        continue;
      }
      passed += r.numPassedTests ?? 0;
      failedTests += r.numFailedTests ?? 0;
      skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
      const problems = reportProblems(name, r);
      notes.push(...problems);
      failedByProject.set(name, (r.numFailedTests ?? 0) + problems.length);
    }
  }
  for (const task of failedTasks) {
    const [project, target] = [task.slice(0, task.lastIndexOf(":")), task.slice(task.lastIndexOf(":") + 1)];
    if (target !== "test") notes.push(`nx task ${task} failed`);
    else if (failedByProject.get(project) === 0 || !failedByProject.has(project)) notes.push(`nx task ${task} failed, and no failed test in its report accounts for it (an unhandled error, or a crash after the report)`);
  }
  if (testExit !== 0 && failedTests + notes.length === 0) notes.push(`npm test exited ${testExit}, but no report or task names a failure`);
  return { passed, failed: failedTests + notes.length, skipped, notes };
}
