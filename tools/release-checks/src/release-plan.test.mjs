import assembleReleasePlan from "@changesets/assemble-release-plan";
import { read } from "@changesets/config";
import { getPackages } from "@manypkg/get-packages";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./workspace.mjs";

// The release plan changesets would make for a set of changesets, computed with changesets' own planner
// over this repository's real packages and config.
async function plan(releases) {
  const packages = await getPackages(repoRoot);
  const config = await read(repoRoot, packages);
  const changesets = [{ id: "test-change", summary: "test", releases }];
  const result = (assembleReleasePlan.default ?? assembleReleasePlan)(changesets, packages, config, undefined);
  return Object.fromEntries(result.releases.filter((r) => r.type !== "none").map((r) => [r.name, `${r.type} ${r.newVersion}`]));
}

describe("independent releases with changesets", () => {
  it("a patch to one auth package bumps only that package", async () => {
    expect(await plan([{ name: "@sg/auth-script", type: "patch" }])).toEqual({ "@sg/auth-script": "patch 0.1.1" });
  });

  it("a core minor does not force a bump, let alone a major, on the plugins that peer-depend on it", async () => {
    const p = await plan([{ name: "@sg/core", type: "minor" }]);
    expect(p["@sg/core"]).toBe("minor 0.2.0");
    // "Does not force a bump": no release at all (CONTRIBUTING: a core minor bumps no plugin). Asserting only
    // "not major" let a patch or minor bump of every plugin through.
    for (const plugin of ["@sg/transport", "@sg/auth-script", "@sg/auth-legacy-pat", "@sg/auth-session", "@sg/entities"]) {
      expect(p[plugin], plugin).toBeUndefined();
    }
  });

  it("private workspace packages are never released", async () => {
    const p = await plan([{ name: "@sg/core", type: "patch" }]);
    expect(Object.keys(p).filter((n) => n.startsWith("@sg-internal/"))).toEqual([]);
  });
});
