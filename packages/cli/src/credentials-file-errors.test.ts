import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CredentialsStore } from "./credentials-store.js";
import { BIN } from "./test-support/run-sg.js";

// The credentials file where it cannot be written as planned: a temp name taken, a full disk.
let site: EmulatorHandle;
const dirs: string[] = [];
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "sg-cred-err-"));
  dirs.push(dir);
  return dir;
};

beforeAll(async () => {
  site = await startEmulator({ fixtures: "demo" });
});

afterAll(async () => {
  await site?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const SESSION = { sessionToken: "tok-123456789", method: "password", login: "me", savedAt: "2026-01-01T00:00:00Z" } as const;

/** Whether this machine lets a user namespace mount a tmpfs (the full-disk cases need it). */
const canMountTmpfs = await promisify(execFile)("unshare", ["-Urm", "sh", "-c", `mount -t tmpfs -o size=8k tmpfs "${tmpdir()}"`]).then(
  () => true,
  () => false,
);

/**
 * Run `sg args` with its config folder on a full 8 KB tmpfs of its own (a user and mount namespace), then list that
 * folder: it is gone for anyone outside once the namespace ends.
 */
async function sgOnFullDisk(args: readonly string[]): Promise<{ code: string; stderr: string; left: string[] }> {
  const dir = freshDir();
  const script = `mount -t tmpfs -o size=8k tmpfs "$0" && { head -c 8192 /dev/zero > "$0/fill" 2>/dev/null; true; }; "$@"; echo "exit=$?" >&2; echo "left:$(ls -A "$0" | tr '\\n' ' ')" >&2`;
  const r = await promisify(execFile)("unshare", ["-Urm", "sh", "-c", script, dir, process.execPath, BIN, ...args], {
    env: { PATH: process.env["PATH"] ?? "", HOME: dir, SG_CONFIG_DIR: dir },
  });
  const stderr = r.stderr;
  const code = /exit=(\d+)/.exec(stderr)?.[1] ?? "";
  const left = (/left:(.*)/.exec(stderr)?.[1] ?? "").trim().split(/\s+/).filter((n) => n && n !== "fill");
  return { code, stderr, left };
}

describe("the temp file of a save", () => {
  it("is not taken from the pid alone: another host of the shared home with the same pid may be writing it", async () => {
    const dir = freshDir();
    const store = new CredentialsStore(dir);
    // What another host's sg with the same pid could hold at that name (here a folder, so that reusing it fails).
    mkdirSync(join(dir, `credentials.json.${process.pid}.tmp`));
    await store.set("https://a.example", SESSION);
    expect((await store.get("https://a.example")).session?.login).toBe("me");
  });

  it.skipIf(!canMountTmpfs)("is removed when the disk is full, and so is the lock", async () => {
    const r = await sgOnFullDisk(["login", "--site", site.url, "--login", "coord", "--password", "coord-pass-1"]);
    expect(r.code, r.stderr).not.toBe("0");
    expect(r.left, r.stderr).toEqual([]);
  });
});

/** Run the built `sg` (as `nobody` when `asNobody`) with its config folder at `configDir`. */
async function sgIn(configDir: string, args: readonly string[], asNobody = false): Promise<{ code: number; stdout: string; stderr: string }> {
  const command = asNobody ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath] : [process.execPath];
  const env = { PATH: process.env["PATH"] ?? "", HOME: configDir, SG_CONFIG_DIR: configDir };
  return promisify(execFile)(command[0] ?? "", [...command.slice(1), BIN, ...args], { env }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

const problemOf = (stdout: string): unknown => (JSON.parse(stdout) as { checks: { ok: boolean; problem?: string }[] }).checks.find((c) => c.ok === false)?.problem;

describe("a credentials file that cannot be read or written", () => {
  it("a folder in its place: names the file and says to remove the folder (status 3; doctor names the problem)", async () => {
    const dir = freshDir();
    const path = join(dir, "credentials.json");
    mkdirSync(path);
    const r = await sgIn(dir, ["whoami", "--site", site.url]);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`sg: cannot read the credentials file ${path}: it is a folder`);
    expect(r.stderr).toContain("hint: Remove that folder");
    const doctor = await sgIn(dir, ["doctor", "--site", site.url, "--format", "json"]);
    expect(doctor.code).toBe(7);
    expect(problemOf(doctor.stdout)).toBe("credentials-file-unreadable");
    expect(doctor.stdout).not.toContain("--debug");
  });

  // A doctor reports every check: the file it cannot read is one failed check, and the site's own checks still run.
  it("sg doctor with a folder in its place goes on with the checks that do not need it, and fails (status 7)", async () => {
    const dir = freshDir();
    const path = join(dir, "credentials.json");
    mkdirSync(path);
    const r = await sgIn(dir, ["doctor", "--site", site.url, "--format", "json"]);
    expect(r.code, r.stderr).toBe(7);
    const checks = (JSON.parse(r.stdout) as { checks: { name: string; ok?: boolean; detail: string; problem?: string; fix?: string }[] }).checks;
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ["site", true],
      ["credentials file", false],
      ["proxy", true],
      ["info", true],
      ["credentials", false],
    ]);
    const file = checks[1];
    expect(file?.problem).toBe("credentials-file-unreadable");
    expect(file?.detail).toBe(`cannot read the credentials file ${path}: it is a folder`);
    expect(file?.fix).toContain("Remove that folder");
    expect(checks[4]?.detail).toContain("the saved sessions could not be read");
    const table = await sgIn(dir, ["doctor", "--site", site.url]);
    expect(table.code).toBe(7);
    expect(table.stdout).toMatch(/FAIL {2}credentials file {2}cannot read the credentials file .*: it is a folder/);
    expect(table.stdout).toMatch(/ok {4}info/);
    expect(table.stdout).toContain("2 checks failed.");
  });

  it("sg doctor with a file it may not read (mode 000): names it and why, never its token, and goes on", async () => {
    // Root reads any file: as root, sg runs as `nobody` (the folder lets it in, the file does not).
    const asRoot = process.getuid?.() === 0;
    const dir = freshDir();
    chmodSync(dir, 0o755);
    const path = join(dir, "credentials.json");
    writeFileSync(path, JSON.stringify({ version: 1, sites: { [site.url]: { ...SESSION, sessionToken: "tok-PlantedSecret-4e1d" } } }), { mode: 0o600 });
    chmodSync(path, 0o000);
    const r = await sgIn(dir, ["doctor", "--site", site.url, "--format", "json"], asRoot);
    expect(r.code, r.stderr).toBe(7);
    const checks = (JSON.parse(r.stdout) as { checks: { name: string; ok?: boolean; detail: string; problem?: string }[] }).checks;
    expect(checks.find((c) => c.name === "credentials file")?.detail).toBe(`cannot read the credentials file ${path}: permission denied`);
    expect(checks.find((c) => c.name === "info")?.ok).toBe(true);
    expect(r.stdout + r.stderr).not.toContain("PlantedSecret");
  });

  it.skipIf(!canMountTmpfs)("a full disk: the login says it worked but the session was not saved, and to free space", async () => {
    const r = await sgOnFullDisk(["login", "--site", site.url, "--login", "coord", "--password", "coord-pass-1"]);
    expect(r.code, r.stderr).toBe("3");
    expect(r.stderr).toMatch(/sg: logged in to \S+ as coord, but the session could not be saved to \S+credentials\.json \(cannot write .*no space left/);
    expect(r.stderr).toContain("hint: Free some space");
  });

  it.skipIf(process.getuid?.() !== 0)("a folder the user may not write (run as nobody): says to set SG_CONFIG_DIR (status 3)", async () => {
    // Root reads and writes anything: the case is run as `nobody`, in a folder of root's that nobody can only read.
    const dir = freshDir();
    chmodSync(dir, 0o755);
    const r = await sgIn(join(dir, "sg"), ["logout", "--site", site.url], true);
    expect(r.code, r.stderr).toBe(0);
    const login = await sgIn(join(dir, "sg"), ["login", "--site", site.url, "--login", "coord", "--password", "coord-pass-1"], true);
    expect(login.code, login.stderr).toBe(3);
    expect(login.stderr).toContain(`but the session could not be saved to ${join(dir, "sg", "credentials.json")} (cannot write the credentials file`);
    expect(login.stderr).toContain("permission denied");
    expect(login.stderr).toContain("set SG_CONFIG_DIR to a writable folder");
  });
});

const failedChecks = (stdout: string): { problem?: string; detail?: string; fix?: string }[] => (JSON.parse(stdout) as { checks: { ok: boolean; problem?: string; detail?: string; fix?: string }[] }).checks.filter((c) => c.ok === false);

describe("what sg doctor says of a credentials file it reads past", () => {
  it("a corrupt file readable by others: two problems, each with its own fix (not chmod for the JSON)", async () => {
    const dir = freshDir();
    writeFileSync(join(dir, "credentials.json"), "{ not json", { mode: 0o644 });
    chmodSync(join(dir, "credentials.json"), 0o644);
    const r = await sgIn(dir, ["doctor", "--site", site.url, "--format", "json"]);
    const checks = failedChecks(r.stdout).filter((c) => c.problem !== "no-credentials");
    expect(checks.map((c) => c.problem)).toEqual(["unsafe-credentials-file", "corrupt-credentials-file"]);
    expect(checks[0]?.fix).toContain("chmod 600");
    expect(checks[1]?.fix).toContain("Run sg login to rewrite it");
    expect(checks[1]?.fix).not.toContain("chmod");
  });

  it("a file of an unknown layout: its own problem, not an unsafe file", async () => {
    const dir = freshDir();
    writeFileSync(join(dir, "credentials.json"), JSON.stringify({ sites: [] }), { mode: 0o600 });
    const r = await sgIn(dir, ["doctor", "--site", site.url, "--format", "json"]);
    const checks = failedChecks(r.stdout).filter((c) => c.problem !== "no-credentials");
    expect(checks.map((c) => c.problem)).toEqual(["unknown-credentials-layout"]);
    expect(checks[0]?.detail).toContain("has an unknown layout (version is missing (it must be 1))");
    expect(checks[0]?.fix).toContain("Run sg login to rewrite it");
  });
});

describe("a credentials file of another version of sg", () => {
  const other = { sessionToken: "tok-other-123456", login: "ed", method: "browser", savedAt: "2026-01-01T00:00:00Z" };

  it("written by a newer sg (version 2): sg login and logout refuse to rewrite it, and leave it as it was", async () => {
    const dir = freshDir();
    const path = join(dir, "credentials.json");
    const text = JSON.stringify({ version: 2, sites: { "https://other.example": other }, profiles: { default: "https://other.example" } });
    writeFileSync(path, text, { mode: 0o600 });
    const sessions = (): number => site.requests().filter((r) => r.method_name === "get_session_token").length;
    const before = sessions();
    const login = await sgIn(dir, ["login", "--site", site.url, "--login", "coord", "--password", "coord-pass-1"]);
    expect(login.code, login.stderr).toBe(3);
    expect(login.stderr).toContain(`${path} was written by a newer sg (version 2)`);
    expect(login.stderr).toContain("hint: ");
    // Said before logging in: the site issued no session that this sg could not save.
    expect(login.stderr).not.toContain("logged in to");
    expect(sessions()).toBe(before);
    const logout = await sgIn(dir, ["logout", "--site", "https://other.example"]);
    expect(logout.code, logout.stderr).toBe(3);
    expect(readFileSync(path, "utf8")).toBe(text);
    const doctor = await sgIn(dir, ["doctor", "--site", site.url, "--format", "json"]);
    expect(failedChecks(doctor.stdout).map((c) => c.problem)).toContain("newer-credentials-file");
  });

  it("version 1 with keys this sg does not know: a login keeps them", async () => {
    const dir = freshDir();
    const path = join(dir, "credentials.json");
    writeFileSync(path, JSON.stringify({ version: 1, sites: { "https://other.example": { ...other, region: "eu" } }, defaultSite: "https://other.example" }), { mode: 0o600 });
    const login = await sgIn(dir, ["login", "--site", site.url, "--login", "coord", "--password", "coord-pass-1"]);
    expect(login.code, login.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(path, "utf8")) as { defaultSite?: string; sites: Record<string, { region?: string }> };
    expect(saved.defaultSite).toBe("https://other.example");
    expect(saved.sites["https://other.example"]?.region).toBe("eu");
    expect(Object.keys(saved.sites)).toHaveLength(2);
  });
});

describe("where sg login saves", () => {
  it("with a relative XDG_CONFIG_HOME: in ~/.config/sg, never under the current folder", async () => {
    const home = freshDir();
    const cwd = freshDir();
    const env = { PATH: process.env["PATH"] ?? "", HOME: home, XDG_CONFIG_HOME: "conf" };
    const args = [BIN, "login", "--site", site.url, "--login", "coord", "--password", "coord-pass-1"];
    const r = await promisify(execFile)(process.execPath, args, { env, cwd });
    expect(r.stderr).toContain(join(home, ".config", "sg", "credentials.json"));
    expect(existsSync(join(home, ".config", "sg", "credentials.json"))).toBe(true);
    expect(existsSync(join(cwd, "conf"))).toBe(false);
  });
});

describe("a config folder that cannot be made: the folder in the way is named, not the one to make", () => {
  /** Run `sg args` with `SG_CONFIG_DIR=dir/sg` where `dir` is a tmpfs of its own, read-only. */
  async function sgOnReadOnly(dir: string, args: readonly string[]): Promise<string> {
    const script = `mount -t tmpfs -o size=8k tmpfs "$0" && mount -o remount,ro "$0" && { "$@"; echo "exit=$?" >&2; }`;
    const r = await promisify(execFile)("unshare", ["-Urm", "sh", "-c", script, dir, process.execPath, BIN, ...args], {
      env: { PATH: process.env["PATH"] ?? "", HOME: dir, SG_CONFIG_DIR: join(dir, "sg") },
    });
    return r.stderr;
  }
  const login = ["login", "--site", "", "--login", "coord", "--password", "coord-pass-1"];
  const loginArgs = (): string[] => login.map((a) => a || site.url);

  it("a folder it may not write (as nobody when run as root): names that folder, not one that does not exist", async () => {
    const dir = freshDir();
    const asRoot = process.getuid?.() === 0;
    chmodSync(dir, asRoot ? 0o755 : 0o555);
    const config = join(dir, "home", "sg");
    const r = await sgIn(config, loginArgs(), asRoot);
    chmodSync(dir, 0o755);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`cannot create its folder ${config}: permission denied in ${dir})`);
    expect(r.stderr).toContain(`hint: Create ${config} as a user who may write ${dir}`);
    expect(r.stderr).not.toContain(`chmod 700 ${config}`);
  });

  it.skipIf(!canMountTmpfs)("a read-only file system: says so (Node's recursive mkdir says ENOENT)", async () => {
    const dir = freshDir();
    const stderr = await sgOnReadOnly(dir, loginArgs());
    expect(stderr).toContain("exit=3");
    expect(stderr).toContain(`cannot create its folder ${join(dir, "sg")}: the file system is read-only in ${dir})`);
  });

  it("SG_CONFIG_DIR a symbolic link to a missing folder: says so", async () => {
    const dir = freshDir();
    const link = join(dir, "link");
    symlinkSync(join(dir, "missing"), link);
    const r = await sgIn(link, loginArgs());
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`cannot create its folder ${link}: ${link} is a symbolic link to a missing folder (${join(dir, "missing")})`);
    expect(r.stderr).toContain(`hint: Create ${join(dir, "missing")}, or point the link at an existing folder`);
  });

  it("SG_CONFIG_DIR a relative symbolic link to a missing folder: its target is named from the link's folder", async () => {
    const dir = freshDir();
    mkdirSync(join(dir, "a"));
    const link = join(dir, "a", "link");
    symlinkSync("../missing/deeper", link);
    const r = await sgIn(link, loginArgs());
    expect(r.code, r.stderr).toBe(3);
    const target = join(dir, "missing", "deeper");
    expect(r.stderr).toContain(`cannot create its folder ${link}: ${link} is a symbolic link to a missing folder (${target})`);
    expect(r.stderr).toContain(`hint: Create ${target}, or point the link at an existing folder`);
  });
});
