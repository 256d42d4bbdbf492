// Sums the vitest JSON reports of every workspace project and prints the plain "N passed, N failed" line CI reads,
// after a note for each failure that is not a failed test (reports.mjs says what counts). Arguments:
//   --failed-check NAME   a check .ci/run made outside vitest failed (one failure each)
//   --failed-task P:T     nx task P:T failed (from `npm test`'s output; counted unless a failed test explains it)
//   --test-exit N         `npm test`'s exit status: not 0 is at least one failure
//   --root DIR            the workspace to read (default: this repository)
// Exits 1 when anything failed or nothing passed.
import { summarize } from "./reports.mjs";

const args = process.argv.slice(2);
const values = (flag) => args.flatMap((arg, i) => (args[i - 1] === flag ? [arg] : []));
const root = values("--root").at(-1) ?? new URL("../..", import.meta.url).pathname;
const testExit = Number(values("--test-exit").at(-1) ?? 0);

const { passed, failed, skipped, notes } = summarize(root, {
  failedChecks: values("--failed-check"),
  failedTasks: values("--failed-task"),
  testExit: Number.isInteger(testExit) ? testExit : 1,
});
for (const note of notes) console.log(note);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
