import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sgRunner, scriptEnvOf, type SgResult } from "./test-support/run-sg.js";

// A permission fault (104) says what was refused, not whom: the hint names who the command ran as (from the
// credentials, never a secret) and where a site admin grants it. Driven through the real `sg`; the emulator's fault
// injection stands in for a site whose permissions refuse the read.

const runner = sgRunner();
const sg = runner.run;
let site: EmulatorHandle;
let dir: string;
let file: string;

beforeAll(async () => {
  site = await startEmulator({});
  dir = mkdtempSync(join(tmpdir(), "sg-permission-hint-"));
  file = join(dir, "a.txt");
  writeFileSync(file, "hello\n");
});

afterAll(async () => {
  await site?.close();
  runner.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

// Faults are queued: a test that leaves one unused must not hand it to the next.
afterEach(() => site.reset());

const PERSON_ROLE = "the Permission Role on their HumanUser (Admin → People)";

/** `sg find Shot` refused by the site's permissions, as `env` and `args` run it: exit 3, and the hint line. */
async function refused(env: Record<string, string>, args: readonly string[] = []): Promise<{ run: SgResult; hint: string }> {
  site.injectFault({ method: "read", errorCode: 104, message: "Permission denied: read Shot" });
  const run = await sg(["find", "Shot", ...args], env);
  expect(run.code, run.stderr).toBe(3);
  const lines = run.stderr.split("\n");
  expect(lines[0]).toBe("sg: Permission denied: read Shot");
  expect(lines[1]).toMatch(/^hint: /);
  return { run, hint: lines[1]!.slice("hint: ".length) };
}

describe("the hint of a permission fault (104) names who the command ran as", () => {
  it("a script: its name and where it came from, and its API script record's permission group; never the key", async () => {
    const env = scriptEnvOf(site);
    const { run, hint } = await refused(env);
    expect(hint).toBe(`sg ran as the script '${env["SG_SCRIPT_NAME"]}' (from SG_SCRIPT_NAME): a site admin grants the permission on the permission group of its API script record (Admin → Scripts); or use a script or login that has it.`);
    expect(run.stderr + run.stdout).not.toContain(env["SG_SCRIPT_KEY"]);
  });

  it("a script with --sudo-as: the call had the permissions of the person acted as, granted on their role", async () => {
    const env = scriptEnvOf(site);
    const { hint } = await refused(env, ["--sudo-as", "coord"]);
    expect(hint).toBe(
      `sg ran as the script '${env["SG_SCRIPT_NAME"]}' (from SG_SCRIPT_NAME) acting as 'coord' (from --sudo-as), so the call had the permissions of 'coord': ` +
        `a site admin grants them on the permission role of 'coord', ${PERSON_ROLE}; or act as someone who has them, or leave out --sudo-as to use those of the script '${env["SG_SCRIPT_NAME"]}'.`,
    );
  });

  it("a person's login: the login and its permission role; never the passphrase", async () => {
    const { run, hint } = await refused({ SG_SITE: site.url }, ["--login", "coord", "--password", "coord-pass-1"]);
    expect(hint).toBe(`sg ran as the login 'coord' (from --login): a site admin grants the permission on that person's permission role, ${PERSON_ROLE}; or log in as someone who has it.`);
    expect(run.stderr + run.stdout).not.toContain("coord-pass-1");
  });

  it("a session: the login of the session saved by sg login, or where a session token came from; never the token", async () => {
    const login = await sg(["login", "--site", site.url, "--login", "coord", "--password", "coord-pass-1"]);
    expect(login.code, login.stderr).toBe(0);
    try {
      const saved = await refused({ SG_SITE: site.url });
      expect(saved.hint).toBe(`sg ran as 'coord' (the session saved by sg login): a site admin grants the permission on that person's permission role, ${PERSON_ROLE}; or log in as someone who has it.`);
    } finally {
      await sg(["logout", "--site", site.url]);
    }
    const answer = await fetch(`${site.url}/api3/json`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ method_name: "get_session_token", params: [{ user_login: "coord", user_password: "coord-pass-1" }] }),
    });
    const token = ((await answer.json()) as { results: { session_id: string } }).results.session_id;
    const given = await refused({ SG_SITE: site.url, SG_SESSION_TOKEN: token });
    expect(given.hint).toBe(`sg ran as the person of the session token (from SG_SESSION_TOKEN; sg whoami names them): a site admin grants the permission on that person's permission role, ${PERSON_ROLE}; or log in as someone who has it.`);
    expect(given.run.stderr + given.run.stdout).not.toContain(token);
  });

  it("an upload or thumbnail the site refused with a 104 in its reply gets the same hint, from the code the reply carries", async () => {
    // The site answers an upload step in text, `0` then its words and the fault code, as the emulator's refusals read.
    const env = scriptEnvOf(site);
    site.injectFault({ method: "/upload/upload_file", status: 200, body: "0\nPermission denied: create Attachment (error_code 104)" });
    const upload = await sg(["upload", "Shot", "1", file], env);
    expect(upload.code, upload.stderr).toBe(3);
    const [first, hint] = upload.stderr.split("\n");
    expect(first).toMatch(/^sg: .*Permission denied: create Attachment \(error_code 104\)\)$/);
    expect(hint).toBe(`hint: sg ran as the script '${env["SG_SCRIPT_NAME"]}' (from SG_SCRIPT_NAME): a site admin grants the permission on the permission group of its API script record (Admin → Scripts); or use a script or login that has it.`);
    site.injectFault({ method: "/upload/publish_thumbnail", status: 200, body: "0\nPermission denied: update Shot (error_code 104)" });
    const thumbnail = await sg(["upload", "Shot", "1", file, "--field", "image", "--login", "coord", "--password", "coord-pass-1"], { SG_SITE: site.url });
    expect(thumbnail.code, thumbnail.stderr).toBe(3);
    expect(thumbnail.stderr.split("\n")[1]).toBe(`hint: sg ran as the login 'coord' (from --login): a site admin grants the permission on that person's permission role, ${PERSON_ROLE}; or log in as someone who has it.`);
    expect(thumbnail.stderr).not.toContain("coord-pass-1");
  });

  it("an upload refused for a sudo the one logged in may not do keeps the sudo advice, not the permission hint", async () => {
    // A real refusal of the emulator: 'coord' is not an admin, so the upload's sudo_as_login is refused with a 104.
    const run = await sg(["upload", "Shot", "1", file, "--login", "coord", "--password", "coord-pass-1", "--sudo-as", "artist"], { SG_SITE: site.url });
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/permission to 'sudo'.*\(error_code 104\)/);
    expect(run.stderr.split("\n")[1]).toMatch(/^hint: Ask a site admin for a permission role that allows 'sudo'/);
    expect(run.stderr).not.toMatch(/sg ran as/);
  });

  it("leaves a validation fault (103) without a hint: the site's words explain it", async () => {
    site.injectFault({ method: "read", errorCode: 103, message: "Shot.sg_foo doesn't exist" });
    const run = await sg(["find", "Shot"], scriptEnvOf(site));
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toBe("sg: Shot.sg_foo doesn't exist\n");
  });
});
