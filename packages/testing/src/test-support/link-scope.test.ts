import { mkdirSync, mkdtempSync, readlinkSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { linkScope } from "./link-scope.js";

describe("linkScope (the generator test's node_modules/@sg)", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("links live packages by their real path and passes over a link to a deleted package", () => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), "sg-link-scope-")));
    mkdirSync(join(dir, "packages/core"), { recursive: true });
    mkdirSync(join(dir, "packages/testing"), { recursive: true });
    const from = join(dir, "node_modules/@sg");
    const to = join(dir, "copy/@sg");
    mkdirSync(from, { recursive: true });
    mkdirSync(to, { recursive: true });
    symlinkSync("../../packages/core", join(from, "core"));
    symlinkSync("../../packages/testing", join(from, "testing"));
    // What `npm install` leaves behind when a generated package is deleted afterwards.
    symlinkSync("../../packages/auth-gone", join(from, "auth-gone"));

    expect(linkScope(from, to, ["testing"])).toEqual(["core"]);
    expect(readlinkSync(join(to, "core"))).toBe(join(dir, "packages/core"));
  });
});
