import { describe, expect, it } from "vitest";
import { CLIENT_PACKAGES, browserBundleProblems } from "./browser-bundle.mjs";
import { publicPackages } from "./workspace.mjs";

describe("browser bundles (esbuild --bundle --platform=browser, no externals, no configuration)", () => {
  it.each(CLIENT_PACKAGES)("%s bundles with every module it can reach resolved", async (name) => {
    expect(await browserBundleProblems(name)).toEqual([]);
  }, 30_000);

  it.each(CLIENT_PACKAGES)("%s bundles for the neutral platform too", async (name) => {
    expect(await browserBundleProblems(name, "neutral")).toEqual([]);
  }, 30_000);

  it("reports what does not resolve, with the file that imports it", async () => {
    const problems = await browserBundleProblems("@sg/emulator");
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join("\n")).toMatch(/Could not resolve "node:[\w/]+" \(.*packages\/emulator\/dist\/[\w/-]+\.js:\d+\)/);
  });

  it("covers every public package but the Node tools", () => {
    const nodeTools = ["@sg/cli", "@sg/emulator", "@sg/testing"];
    expect(publicPackages().map((p) => p.manifest.name).filter((n) => !nodeTools.includes(n)).sort()).toEqual([...CLIENT_PACKAGES].sort());
  });
});
