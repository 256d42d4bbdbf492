import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, matchesGlob } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./workspace.mjs";

// nx replays a test target from cache while its inputs are unchanged, so every file a target's result depends on
// must be an input, and so must CI (vitest behaves differently under it).
const scratch = mkdtempSync(join(tmpdir(), "sg-nx-inputs-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
execFileSync(join(repoRoot, "node_modules", ".bin", "nx"), ["graph", `--file=${join(scratch, "graph.json")}`], {
  cwd: repoRoot,
  stdio: "ignore",
  env: { ...process.env, NX_DAEMON: "false", NX_NO_CLOUD: "true", NX_TUI: "false" },
});
const projects = Object.entries(JSON.parse(readFileSync(join(scratch, "graph.json"), "utf8")).graph.nodes)
  .map(([name, node]) => ({ name, root: node.data.root, test: node.data.targets?.test }))
  .filter((p) => p.test);
const testScript = (p) => JSON.parse(readFileSync(join(repoRoot, p.root, "package.json"), "utf8")).scripts?.test ?? "";
const vitestCommands = (script) => script.split(/&&|;/).map((s) => s.trim()).filter((s) => /^vitest\b/.test(s));

describe("the release-checks test target's nx inputs", () => {
  // The gates read every package's files (boundaries.mjs reads test files and bin/ too; the snippet, pack and release-plan checks
  // read the READMEs, LICENSEs and changesets; the snippet and TSDoc example checks compile with tsconfig.base.json; the
  // TypeScript floor check reads the README's stated floor, the built packages and the emulator's schema through ^production;
  // the forgotten-export check reads each package's `exports` map and, through ^production, its built .d.ts),
  // or a violation hides behind a cached pass.
  const inputs = projects.find((p) => p.name === "@sg-internal/release-checks").test.inputs;
  const globs = (prefix) => inputs.filter((i) => typeof i === "string" && i.startsWith(prefix)).map((i) => i.slice(prefix.length));
  const covered = (file) => globs("{workspaceRoot}/").some((g) => matchesGlob(file, g)) && !globs("!{workspaceRoot}/").some((g) => matchesGlob(file, g));
  it.each(["packages/core/src/client.test.ts", "packages/entities/src/deep/thing.spec.ts", "packages/cli/src/__tests__/x.ts", "packages/core/src/index.ts", "packages/emulator/bin/sg-emulator.js", "packages/transport/package.json", "tsconfig.base.json", "README.md", "LICENSE", "packages/entities/README.md", "packages/core/LICENSE", ".changeset/config.json", ".changeset/some-change.md"])(
    "cover %s",
    (file) => {
      expect(covered(file)).toBe(true);
    },
  );
});

describe(".only never passes, with or without CI", () => {
  it("the workspace has test targets to check", () => {
    expect(projects.map((p) => p.name)).toEqual(expect.arrayContaining(["@sg/core", "@sg/cli", "@sg-internal/release-checks"]));
  });

  it.each(projects.map((p) => [p.name, p]))("%s: CI is an input of its test target and its test script runs vitest with --allowOnly=false", (_name, p) => {
    expect(p.test.inputs).toContainEqual({ env: "CI" });
    const commands = vitestCommands(testScript(p));
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect(command.split(/\s+/)).toContain("--allowOnly=false");
  });

  it("each distinct vitest command of the test scripts fails a suite with it.only when CI is not set", () => {
    const fixture = mkdtempSync(join(scratch, "only-"));
    symlinkSync(join(repoRoot, "node_modules"), join(fixture, "node_modules"));
    writeFileSync(join(fixture, "package.json"), '{ "type": "module" }\n');
    writeFileSync(join(fixture, "a.test.mjs"), 'import { it } from "vitest";\nit.only("focused", () => {});\nit("skipped", () => {});\n');
    const env = { ...process.env };
    delete env.CI;
    const commands = [...new Set(projects.flatMap((p) => vitestCommands(testScript(p))))];
    for (const command of commands) {
      let output = "";
      try {
        output = execFileSync(join(repoRoot, "node_modules", ".bin", "vitest"), command.split(/\s+/).slice(1), { cwd: fixture, env, encoding: "utf8", stdio: "pipe" });
      } catch (e) {
        output = `exit ${e.status}\n${e.stdout}${e.stderr}`;
      }
      expect(output, command).toMatch(/^exit [1-9][\s\S]*Unexpected \.only modifier/);
    }
    // Each command starts a vitest process: 2.2 s idle, 5 s seen on a loaded machine, past the default 5 s there.
  }, 60_000);
});
