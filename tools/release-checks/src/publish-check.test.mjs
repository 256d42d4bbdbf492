import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { publishProblems } from "./publish-check.mjs";
import { repoRoot } from "./workspace.mjs";

describe("the pre-publish check", () => {
  const scratch = mkdtempSync(join(tmpdir(), "sg-publish-check-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const pkg = (folder, manifest) => {
    mkdirSync(join(scratch, "packages", folder), { recursive: true });
    writeFileSync(join(scratch, "packages", folder, "package.json"), JSON.stringify(manifest));
  };

  it("names each public package that lacks repository.url or the right directory, and passes the ready and private ones", () => {
    const url = "git+https://git.example.invalid/sg.git";
    pkg("ready", { name: "@sg/ready", repository: { type: "git", url, directory: "packages/ready" } });
    pkg("none", { name: "@sg/none" });
    pkg("string-form", { name: "@sg/string-form", repository: url });
    pkg("no-url", { name: "@sg/no-url", repository: { type: "git", directory: "packages/no-url" } });
    pkg("wrong-dir", { name: "@sg/wrong-dir", repository: { type: "git", url, directory: "packages/other" } });
    pkg("internal", { name: "@sg-internal/x", private: true });
    expect(publishProblems(scratch).sort()).toEqual([
      expect.stringMatching(/^@sg\/no-url \(packages\/no-url\/package.json\): "repository.url" is missing/),
      expect.stringMatching(/^@sg\/none \(packages\/none\/package.json\): has no "repository"; expected .*"directory": "packages\/none"/),
      expect.stringMatching(/^@sg\/string-form \(packages\/string-form\/package.json\): has no "repository"/),
      expect.stringMatching(/^@sg\/wrong-dir \(packages\/wrong-dir\/package.json\): "repository.directory" is "packages\/other"; expected "packages\/wrong-dir"$/),
    ]);
  });

  it("is the root `publish-check` script and stops (exit 1) naming the packages", () => {
    const r = spawnSync("npm", ["run", "--silent", "publish-check"], { cwd: repoRoot, encoding: "utf8" });
    const problems = publishProblems(repoRoot);
    expect(r.status).toBe(problems.length > 0 ? 1 : 0);
    for (const p of problems) expect(r.stderr).toContain(p);
  }, 60_000);
});
