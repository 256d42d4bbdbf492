import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LIBRARY_VERSION } from "./user-agent.js";

describe("version", () => {
  it("matches package.json (the build regenerates src/version.ts)", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(LIBRARY_VERSION).toBe(pkg.version);
  });
});
