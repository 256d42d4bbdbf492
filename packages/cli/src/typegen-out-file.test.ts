import { execFile, spawn } from "node:child_process";
import { chmodSync, chownSync, closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, openSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";
import { BIN } from "./test-support/run-sg.js";

// `sg typegen --out FILE` where the write fails: the old FILE stays whole, and the error is one line with a hint.
const { sg, env, site } = emulatorSuite({ fixtures: "demo" });
const dir = mkdtempSync(join(tmpdir(), "sg-typegen-out-"));
const schema = join(dir, "schema.json");
const OLD = "// the types generated last time\n".repeat(64);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  const r = await sg(["schema", "--all", "--format", "json"], env());
  expect(r.code, r.stderr).toBe(0);
  writeFileSync(schema, r.stdout);
});

/** Whether this machine lets a user namespace mount a tmpfs (the full-disk case needs it). */
const canMountTmpfs = await promisify(execFile)("unshare", ["-Urm", "sh", "-c", `mount -t tmpfs -o size=16k tmpfs "${tmpdir()}"`]).then(
  () => true,
  () => false,
);

describe("sg typegen --out on a disk that fills up midway", () => {
  it.skipIf(!canMountTmpfs)("leaves the old file whole, no temporary file, and says to free space (status 1)", async () => {
    const out = mkdtempSync(join(dir, "full-"));
    // A 16 KB tmpfs of its own holding the old file, then filled: the new types (far larger) cannot fit.
    const script = [
      `mount -t tmpfs -o size=16k tmpfs "$0"`,
      `printf '%s' "$1" > "$0/sg-schema.ts"`,
      `{ head -c 65536 /dev/zero > "$0/fill" 2>/dev/null; true; }`,
      `"$2" "$3" typegen --schema-file "$4" --out "$0/sg-schema.ts"; echo "exit=$?" >&2`,
      `echo "left:$(ls -A "$0" | tr '\\n' ' ')" >&2`,
      `cat "$0/sg-schema.ts"`,
    ].join(" && ");
    const r = await promisify(execFile)("unshare", ["-Urm", "sh", "-c", script, out, OLD, process.execPath, BIN, schema], { env: { PATH: process.env["PATH"] ?? "", HOME: out, SG_CONFIG_DIR: out } });
    expect(r.stdout, r.stderr).toBe(OLD);
    expect(/exit=(\d+)/.exec(r.stderr)?.[1], r.stderr).toBe("1");
    expect((/left:(.*)/.exec(r.stderr)?.[1] ?? "").trim().split(/\s+/).sort()).toEqual(["fill", "sg-schema.ts"]);
    expect(r.stderr).toContain(`sg: cannot write ${out}/sg-schema.ts: no space left on the disk (or your disk quota is used up) (the file is left as it was)\nhint: Free some space, or give --out a path on another disk.\n`);
  });
});

describe("sg typegen --out a declaration file", () => {
  it("is refused before connecting (exit 2), saying to use .ts: the module holds a value, sgFieldTypes", async () => {
    for (const name of ["sg-schema.d.ts", "sg-schema.d.mts", "sg-schema.D.CTS"]) {
      const out = join(dir, name);
      const before = site().requests().length;
      const r = await sg(["typegen", "--out", out], env());
      expect(r.code, r.stderr).toBe(2);
      const fixed = out.replace(/\.d\.([mc]?ts)$/i, ".$1");
      expect(r.stderr).toBe(`sg: --out ${out} is a declaration file (.d.ts), which cannot hold the sgFieldTypes value sg typegen writes\nhint: Give --out a .ts file, e.g. --out ${fixed}.\n`);
      expect(site().requests().length).toBe(before);
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe("sg typegen --out that cannot be written", () => {
  it("a folder above it is a file: one line and a hint, no Node text", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    const r = await sg(["typegen", "--schema-file", schema, "--out", join(file, "sg-schema.ts")]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe(`sg: cannot write ${join(file, "sg-schema.ts")}: ${file} or a folder above it is a file\nhint: Remove or rename that file, or give --out another path.\n`);
  });

  it("a file and folder it may not write: the old file is left whole (as nobody when run as root)", async () => {
    const folder = mkdtempSync(join(dir, "ro-"));
    const target = join(folder, "sg-schema.ts");
    writeFileSync(target, OLD);
    chmodSync(target, 0o644);
    // Root writes anywhere: the run is then `nobody`'s, in root's folder; else the folder is made read-only.
    const asRoot = process.getuid?.() === 0;
    chmodSync(dir, 0o755);
    chmodSync(folder, asRoot ? 0o755 : 0o555);
    const command = asRoot ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", process.execPath] : [process.execPath];
    chmodSync(schema, 0o644);
    const r = await promisify(execFile)(command[0] ?? "", [...command.slice(1), BIN, "typegen", "--schema-file", schema, "--out", target], { env: { PATH: process.env["PATH"] ?? "", HOME: folder, SG_CONFIG_DIR: folder } }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    chmodSync(folder, 0o755);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`sg: cannot write ${target}: permission denied (the file is left as it was)\nhint: Make ${folder} (and the file, if it is write-protected) writable by you`);
    expect(readFileSync(target, "utf8")).toBe(OLD);
    expect(readdirSync(folder)).toEqual(["sg-schema.ts"]);
  });

  it("a file replaced keeps its permission bits", async () => {
    const target = join(mkdtempSync(join(dir, "mode-")), "sg-schema.ts");
    writeFileSync(target, OLD);
    chmodSync(target, 0o640);
    const r = await sg(["typegen", "--schema-file", schema, "--out", target]);
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(readFileSync(target, "utf8")).toContain("Generated by `sg typegen`");
  });
});

/** Run `sh -c script` with `args`, as nobody when root (whose writes nothing refuses); its status and output. */
async function shAsUser(script: string, args: readonly string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const asRoot = process.getuid?.() === 0;
  const command = asRoot ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sh"] : ["sh"];
  return promisify(execFile)(command[0] ?? "", [...command.slice(1), "-c", script, ...args], { env: { PATH: process.env["PATH"] ?? "", ...env } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

/** A folder of this test's own that nobody (the user of {@link shAsUser} when root) owns and may write. */
function userFolder(name: string): string {
  const folder = mkdtempSync(join(dir, name));
  chmodSync(dir, 0o755);
  chmodSync(schema, 0o644);
  if (process.getuid?.() === 0) chownSync(folder, 65534, 65534);
  return folder;
}

describe("sg typegen --out on what is not a plain file of one's own", () => {
  it("a dangling symbolic link: its target is written, the link kept", async () => {
    const folder = mkdtempSync(join(dir, "link-"));
    const link = join(folder, "sg-schema.ts");
    const targetDir = join(folder, "generated");
    mkdirSync(targetDir);
    // The target's folder exists, the target does not: the link dangles.
    symlinkSync("generated/types.ts", link);
    const r = await sg(["typegen", "--schema-file", schema, "--out", link]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe("generated/types.ts");
    expect(readFileSync(join(targetDir, "types.ts"), "utf8")).toContain("Generated by `sg typegen`");
  });

  it("--out /dev/stdout under `>> log`: written into the log, which stays the file later output goes to", async () => {
    const folder = mkdtempSync(join(dir, "stdout-"));
    const log = join(folder, "log.txt");
    writeFileSync(log, "");
    const inode = statSync(log).ino;
    const r = await promisify(execFile)("sh", ["-c", `{ "$0" "$1" typegen --schema-file "$2" --out /dev/stdout; echo "exit=$?"; } >> "$3"`, process.execPath, BIN, schema, log], { env: { PATH: process.env["PATH"] ?? "", HOME: folder, SG_CONFIG_DIR: folder } });
    expect(r.stderr).toMatch(/^wrote \d+ entity types to \/dev\/stdout\n$/);
    expect(statSync(log).ino).toBe(inode);
    const text = readFileSync(log, "utf8");
    expect(text).toContain("Generated by `sg typegen`");
    expect(text.endsWith("\nexit=0\n")).toBe(true);
    expect(readdirSync(folder)).toEqual(["log.txt"]);
  });

  // The file `>> log` opened for the run (O_APPEND), handed to the child as its stdout fd: what the shell wrote before
  // stays, the types follow it, and they equal what `-o -` prints.
  for (const out of ["/dev/stdout", "/proc/self/fd/1"]) {
    it.skipIf(!existsSync(out))(`--out ${out} onto an appended log that holds text already: the text stays, the types follow`, async () => {
      const expected = await sg(["typegen", "-o", "-"], env());
      expect(expected.code, expected.stderr).toBe(0);
      const folder = mkdtempSync(join(dir, "appended-"));
      const log = join(folder, "log.txt");
      writeFileSync(log, "before\n");
      const fd = openSync(log, "a");
      let stderr = "";
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, "typegen", "--out", out], { env: { PATH: process.env["PATH"] ?? "", HOME: folder, SG_CONFIG_DIR: folder, ...env() }, stdio: ["ignore", fd, "pipe"] });
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", resolve);
      }).finally(() => closeSync(fd));
      expect(code, stderr).toBe(0);
      expect(readFileSync(log, "utf8")).toBe(`before\n${expected.stdout}`);
      expect(readdirSync(folder)).toEqual(["log.txt"]);
    });
  }

  it("a write-protected file in a folder one may write: refused, left as it was (as nobody when run as root)", async () => {
    const folder = userFolder("protected-");
    const target = join(folder, "sg-schema.ts");
    writeFileSync(target, OLD);
    if (process.getuid?.() === 0) chownSync(target, 65534, 65534);
    chmodSync(target, 0o444);
    const r = await shAsUser(`"$0" "$1" typegen --schema-file "$2" --out "$3"`, [process.execPath, BIN, schema, target], { HOME: folder, SG_CONFIG_DIR: folder });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe(`sg: cannot write ${target}: permission denied (the file is left as it was)\nhint: Make ${folder} (and the file, if it is write-protected) writable by you, or give --out another path.\n`);
    expect(readFileSync(target, "utf8")).toBe(OLD);
    expect(statSync(target).mode & 0o777).toBe(0o444);
  });

  it("a file one may write in a folder one may not, cut short midway (EFBIG): says so, with words and a hint", async () => {
    // The folder is root's (or read-only), the file the user's: written in place, where the file size limit stops it.
    const asRoot = process.getuid?.() === 0;
    const folder = mkdtempSync(join(dir, "fbig-"));
    const target = join(folder, "sg-schema.ts");
    writeFileSync(target, OLD);
    if (asRoot) chownSync(target, 65534, 65534);
    chmodSync(dir, 0o755);
    chmodSync(schema, 0o644);
    chmodSync(folder, asRoot ? 0o755 : 0o555);
    // ulimit -f counts 512-byte blocks in sh: 8 KB, far less than the types of the demo site. Node ignores SIGXFSZ.
    const r = await shAsUser(`ulimit -f 16 && "$0" "$1" typegen --schema-file "$2" --out "$3"`, [process.execPath, BIN, schema, target], { HOME: folder, SG_CONFIG_DIR: folder });
    chmodSync(folder, 0o755);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toBe(`sg: cannot write ${target}: the file is larger than allowed (the file size limit, ulimit -f, or the file system's largest file) (the file may have been cut short)\nhint: Raise the file size limit (ulimit -f), or give --out a path on a file system that allows larger files.\n`);
    expect(readFileSync(target, "utf8")).not.toBe(OLD);
  });
});
