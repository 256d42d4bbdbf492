// Sums the vitest JSON reports of every workspace package that has a test script and prints the plain
// "N passed, N failed" line CI reads. A package whose report is missing (it did not build, or its test run
// crashed) counts as one failure, so a broken package can never pass silently. Each `--failed-check NAME`
// argument (a check .ci/run made outside vitest) counts as one more failure, named in the output.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
const failedChecks = process.argv.slice(2).flatMap((arg, i, args) => (args[i - 1] === "--failed-check" ? [arg] : []));
failed += failedChecks.length;

for (const group of ["packages", "tools", "examples"]) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const pkgFile = join(dir, name, "package.json");
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
    if (!pkg.scripts?.test) continue;
    const report = join(dir, name, "test-results", "vitest.json");
    if (!existsSync(report)) {
      missing.push(pkg.name);
      failed += 1;
      continue;
    }
    const r = JSON.parse(readFileSync(report, "utf8"));
    passed += r.numPassedTests ?? 0;
    failed += r.numFailedTests ?? 0;
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    // A suite that failed to load reports no failed test but is a failure all the same.
    const brokenSuites = (r.testResults ?? []).filter((t) => t.status === "failed" && (t.assertionResults ?? []).length === 0).length;
    failed += brokenSuites;
  }
}

if (missing.length) console.log(`no test report from: ${missing.join(", ")}`);
if (failedChecks.length) console.log(`failed checks: ${failedChecks.join(", ")}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
