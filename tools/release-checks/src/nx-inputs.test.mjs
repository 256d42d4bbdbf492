import { execFileSync } from "node:child_process";
import { join, matchesGlob } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./workspace.mjs";

// The gates read every package's files (boundaries.mjs reads test files too), so nx must re-run this project's
// tests whenever any of them changes, or a violation hides behind a cached pass.
const project = JSON.parse(
  execFileSync(join(repoRoot, "node_modules", ".bin", "nx"), ["show", "project", "@sg-internal/release-checks", "--json"], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, NX_DAEMON: "false", NX_NO_CLOUD: "true", NX_TUI: "false" },
  }),
);
const inputs = project.targets.test.inputs;
const globs = inputs.filter((i) => typeof i === "string" && i.startsWith("{workspaceRoot}/")).map((i) => i.slice("{workspaceRoot}/".length));
const covered = (file) => globs.some((g) => matchesGlob(file, g)) && !inputs.some((i) => typeof i === "string" && i.startsWith("!{workspaceRoot}/") && matchesGlob(file, i.slice("!{workspaceRoot}/".length)));

describe("the release-checks test target's nx inputs", () => {
  it.each(["packages/core/src/client.test.ts", "packages/entities/src/deep/thing.spec.ts", "packages/cli/src/__tests__/x.ts", "packages/core/src/index.ts", "packages/transport/package.json"])(
    "cover %s",
    (file) => {
      expect(covered(file)).toBe(true);
    },
  );
});
