import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";
import { BIN } from "./test-support/run-sg.js";

// sg where the environment is not what a desktop gives: an empty HOME, a deleted current folder, blank CI secrets.
const { site, env } = emulatorSuite({ fixtures: "demo" });
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
/** A fresh folder every user may write (the runs as another user work in it). */
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "sg-locked-"));
  chmodSync(dir, 0o777);
  dirs.push(dir);
  return dir;
};
const asRoot = process.getuid?.() === 0;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run `sh -c script` with exactly `vars` (and PATH), in `cwd`; `$SG` runs the built sg; as `uid` when given (root only). */
function sh(script: string, vars: Record<string, string>, cwd: string, uid?: number): Promise<Run> {
  const as = uid === undefined ? [] : ["setpriv", `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups"];
  const command = [...as, "/bin/sh", "-c", script];
  return new Promise((resolve) => {
    execFile(command[0] ?? "", command.slice(1), { cwd, env: { PATH: process.env["PATH"] ?? "", SG: `"${process.execPath}" "${BIN}"`, ...vars } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code) : 0, stdout, stderr }),
    );
  });
}

const login = (): Record<string, string> => ({ SG_SITE: site().url, SG_LOGIN: "coord", SG_PASSWORD: "coord-pass-1" });

describe("a HOME that is empty or relative", () => {
  it.skipIf(!asRoot)("is not used: the session goes to the account's home folder, never under the current folder", async () => {
    for (const home of ["", "rel"]) {
      const cwd = freshDir();
      // nobody's home (/nonexistent) cannot be made: the login fails, naming that folder, and nothing is left here.
      const r = await sh("eval $SG login", { ...login(), HOME: home }, cwd, 65534);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain("/nonexistent/.config/sg");
      expect(readdirSync(cwd)).toEqual([]);
    }
  });

  it.skipIf(!asRoot)("with no home folder at all: status 3, saying to set SG_CONFIG_DIR or HOME; env credentials still work", async () => {
    const cwd = freshDir();
    // A user with no passwd entry, as in a container run with --user 54321.
    const r = await sh("eval $SG login", { ...login(), HOME: "" }, cwd, 54321);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain("sg: no folder for the credentials file: HOME is empty, and the account has no absolute home folder");
    expect(r.stderr).toContain("hint: Set SG_CONFIG_DIR (or HOME) to an absolute path.");
    expect(readdirSync(cwd)).toEqual([]);
    const find = await sh("eval $SG find Shot --limit 1", { ...env(), HOME: "" }, cwd, 54321);
    expect(find.code, find.stderr).toBe(0);
    expect(find.stdout).toContain('"type": "Shot"');
  });
});

describe("HOME unset", () => {
  it.skipIf(!asRoot)("with no passwd entry either: status 3 saying HOME is not set, no Node error", async () => {
    const cwd = freshDir();
    const r = await sh("eval $SG logout", { SG_SITE: site().url }, cwd, 54321);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toBe("sg: no folder for the credentials file: HOME is not set, and the account has no absolute home folder\nhint: Set SG_CONFIG_DIR (or HOME) to an absolute path.\n");
  });
});

describe("SG_CONFIG_DIR", () => {
  it("is trimmed, as the other SG_* variables are", async () => {
    const cwd = freshDir();
    const dir = join(cwd, "conf");
    const r = await sh("eval $SG login", { ...login(), HOME: cwd, SG_CONFIG_DIR: ` ${dir} ` }, cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, "credentials.json"))).toBe(true);
    expect(readdirSync(cwd)).toEqual(["conf"]);
  });

  it("is refused when relative (status 3): the session tokens would follow the current folder", async () => {
    const cwd = freshDir();
    const r = await sh("eval $SG login", { ...login(), HOME: cwd, SG_CONFIG_DIR: "conf" }, cwd);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain("sg: SG_CONFIG_DIR must be an absolute path, got 'conf'");
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("relative with a ~ (quoted, so not expanded by the shell): the hint is about SG_CONFIG_DIR and ~, not HOME", async () => {
    const cwd = freshDir();
    const r = await sh("export SG_CONFIG_DIR='~/x'; eval $SG logout", { SG_SITE: site().url, HOME: cwd }, cwd);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toBe("sg: SG_CONFIG_DIR must be an absolute path, got '~/x'\nhint: Set SG_CONFIG_DIR to an absolute path (sg does not expand ~ in it: write the full path).\n");
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe("a current folder that was deleted", () => {
  const gone = (command: string): string => `mkdir d && cd d && rmdir ../d && ${command}`;

  it("does not stop commands that resolve no relative path (--help, find)", async () => {
    const cwd = freshDir();
    const help = await sh(gone("eval $SG --help"), { HOME: cwd, SG_CONFIG_DIR: cwd }, cwd);
    expect(help.code, help.stderr).toBe(0);
    const find = await sh(gone("eval $SG find Shot --limit 1"), { ...env(), HOME: cwd, SG_CONFIG_DIR: cwd }, cwd);
    expect(find.code, find.stderr).toBe(0);
    expect(find.stdout).toContain('"type": "Shot"');
  });

  it("is one line naming the path when a relative path must be resolved", async () => {
    const cwd = freshDir();
    const r = await sh(gone("eval $SG typegen --schema-file schema.json"), { HOME: cwd, SG_CONFIG_DIR: cwd }, cwd);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe("sg: cannot find schema.json: the current folder was deleted\nhint: Run sg from a folder that exists, or give an absolute path.\n");
  });
});

describe("a credentials variable set but empty (a CI secret not defined for the job)", () => {
  it("SG_SCRIPT_KEY: said to be empty, not missing", async () => {
    const cwd = freshDir();
    const r = await sh("eval $SG find Shot", { ...env(), SG_SCRIPT_KEY: "", HOME: cwd, SG_CONFIG_DIR: cwd }, cwd);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("sg: SG_SCRIPT_KEY is set but empty (a CI secret not defined for this job?)");
    expect(r.stderr).not.toContain("without a script key");
  });

  it("every credentials variable of the job empty: 'no credentials' names them, never a value", async () => {
    const cwd = freshDir();
    const script = await sh("eval $SG find Shot", { SG_SITE: site().url, SG_SCRIPT_NAME: "", SG_SCRIPT_KEY: "", HOME: cwd, SG_CONFIG_DIR: cwd }, cwd);
    expect(script.code, script.stderr).toBe(3);
    expect(script.stderr).toMatch(/^sg: no credentials for \S+: SG_SCRIPT_NAME and SG_SCRIPT_KEY are set but empty \(CI secrets not defined for this job\?\)\nhint: /);
    const token = await sh("eval $SG find Shot", { SG_SITE: site().url, SG_SESSION_TOKEN: "", HOME: cwd, SG_CONFIG_DIR: cwd }, cwd);
    expect(token.code, token.stderr).toBe(3);
    expect(token.stderr).toMatch(/^sg: no credentials for \S+: SG_SESSION_TOKEN is set but empty \(a CI secret not defined for this job\?\)\nhint: /);
  });

  it("SG_PASSWORD: said to be empty, not missing", async () => {
    const cwd = freshDir();
    const r = await sh("eval $SG find Shot", { ...login(), SG_PASSWORD: "", HOME: cwd, SG_CONFIG_DIR: cwd }, cwd);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("sg: SG_PASSWORD is set but empty (a CI secret not defined for this job?)");
    expect(r.stderr).not.toContain("without a passphrase");
  });
});
