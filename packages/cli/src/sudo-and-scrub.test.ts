import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner, scriptEnvOf } from "./test-support/run-sg.js";

const runner = sgRunner();
const sg = runner.run;

let site: EmulatorHandle;
let project = 0;

beforeAll(async () => {
  site = await startEmulator({ fixtures: "demo" });
  const key = site.card.scripts[0]?.key ?? "";
  const found = await sg(["find", "Project", "--limit", "1", "--fields", "id", "--format", "json"], { SG_SITE: site.url, SG_SCRIPT_NAME: site.card.scripts[0]?.name ?? "", SG_SCRIPT_KEY: key });
  project = (JSON.parse(found.stdout) as { id: number }[])[0]?.id ?? 0;
});

afterAll(async () => {
  await site?.close();
  runner.cleanup();
});

const as = (login: string, password: string): Record<string, string> => ({ SG_SITE: site.url, SG_LOGIN: login, SG_PASSWORD: password });

describe("--sudo-as with a person's credentials (sudo_as_login goes with any credentials)", () => {
  it("an admin's login acts as another person: what it creates is theirs", async () => {
    const code = `cli-sudo-${Date.now()}`;
    const made = await sg(["create", "Shot", JSON.stringify({ code, project: { type: "Project", id: project } }), "--sudo-as", "coord"], as("admin", "admin-pass-1"));
    expect(made.code, made.stderr).toBe(0);
    const found = await sg(["find", "Shot", JSON.stringify([["code", "is", code]]), "--fields", "created_by", "--format", "json"], as("admin", "admin-pass-1"));
    const [shot] = JSON.parse(found.stdout) as { created_by: { type: string; id: number; name?: string } }[];
    expect(shot?.created_by).toMatchObject({ type: "HumanUser", name: "Cora Coordinator" });
    const doctor = await sg(["doctor", "--sudo-as", "coord"], as("admin", "admin-pass-1"));
    expect(doctor.code, doctor.stdout).toBe(0);
    expect(doctor.stdout).toContain("sudo as 'coord'");
  });

  it("a person whose role may not sudo, or a target that may not be impersonated, is told so in flags", async () => {
    const forbidden = await sg(["find", "Shot", "--sudo-as", "artist"], as("coord", "coord-pass-1"));
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toMatch(/permission to 'sudo'/);
    const doctor = await sg(["doctor", "--sudo-as", "artist", "--format", "json"], as("coord", "coord-pass-1"));
    expect(JSON.parse(doctor.stdout).checks.find((c: { name: string }) => c.name === "login")).toMatchObject({ ok: false, problem: "sudo-forbidden" });
    const target = await sg(["find", "Shot", "--sudo-as", "private"], as("admin", "admin-pass-1"));
    expect(target.code).toBe(3);
    // The library's diagnosis: the setting that allows it, never "log in as that person".
    expect(target.stderr).toContain("hint: An admin can turn on 'Can impersonate this user' for 'private' in the web UI (not through the API), or use another login.");
  });
});

describe("a role that may not sudo (a permission fault, not an authentication one)", () => {
  // The library's diagnosis in flags: logging in as that person is no way out (they may be inactive, or on SSO).
  const ROLE_FIX = "Only a permission role that allows 'sudo' (Admin → Permissions; the Admin role does) may act as another user: ask an admin for one, or drop --sudo-as.";

  it("the failing command's hint and doctor's fix both say to get a role that allows sudo, not to pick another user", async () => {
    const whoami = await sg(["whoami", "--sudo-as", "artist"], as("coord", "coord-pass-1"));
    expect(whoami.code).toBe(3);
    expect(whoami.stderr).toBe(`sg: The user does not have permission to 'sudo': 'coord' may not act as 'artist'\nhint: ${ROLE_FIX}\n`);
    const doctor = await sg(["doctor", "--sudo-as", "artist", "--format", "json"], as("coord", "coord-pass-1"));
    const login = JSON.parse(doctor.stdout).checks.find((c: { name: string }) => c.name === "login");
    expect(login).toMatchObject({ ok: false, problem: "sudo-forbidden", fix: ROLE_FIX });
    expect(login.why).toContain("does not allow 'sudo'");
    // The target is named as the flag or variable that gave it, not by the wire's sudo_as_login.
    expect(login.why).toMatch(/^--sudo-as 'artist' was refused/);
    const fromEnv = await sg(["doctor", "--format", "json"], { ...as("coord", "coord-pass-1"), SG_SUDO_AS: "artist" });
    expect(JSON.parse(fromEnv.stdout).checks.find((c: { name: string }) => c.name === "login").why).toMatch(/^SG_SUDO_AS 'artist' was refused/);
  });
});

describe("sg login saves the person's own session, never a sudo", () => {
  it("refuses --sudo-as as a usage error that says sudo is given per command", async () => {
    const login = await sg(["login", "--sudo-as", "coord"], as("admin", "admin-pass-1"));
    expect(login.code).toBe(2);
    expect(login.stderr).toMatch(/^sg: 'sg login' does not take --sudo-as\nhint: A sudo is given per command, never saved/);
    expect(login.stderr).toContain("pass --sudo-as <login> (or set SG_SUDO_AS) to each command");
    const help = await sg(["help", "login"]);
    expect(help.stdout).not.toMatch(/^ +--sudo-as </m);
    expect(help.stdout).toContain("--sudo-as is refused (pass it to each command instead)");
  });

  it("leaves SG_SUDO_AS out of the login with a note, even for a role that may not sudo, and later commands still use it", async () => {
    const own = sgRunner();
    try {
      const env = { SG_SITE: site.url, SG_SUDO_AS: "artist" };
      const login = await own.run(["login", "--login", "coord", "--password", "coord-pass-1"], env);
      expect(login.code, login.stderr).toBe(0);
      expect(login.stderr).toContain("sg: note: SG_SUDO_AS is not used by sg login: it saves your own session, never a sudo; later commands still ask to act as 'artist' while SG_SUDO_AS is set.");
      const saved = JSON.parse(readFileSync(join(own.configDir, "credentials.json"), "utf8")) as { sites: Record<string, { login: string }> };
      expect(Object.values(saved.sites)[0]?.login).toBe("coord");
      // The saved session is coord's: without SG_SUDO_AS it is used as it is; with it, the site refuses coord's sudo.
      const plain = await own.run(["whoami", "--format", "json"], { SG_SITE: site.url });
      expect(JSON.parse(plain.stdout)).toMatchObject({ login: "coord" });
      const sudo = await own.run(["whoami"], env);
      expect(sudo.code).toBe(3);
      expect(sudo.stderr).toContain("hint: Only a permission role that allows 'sudo' (Admin → Permissions; the Admin role does) may act as another user: ask an admin for one, or drop SG_SUDO_AS.");
    } finally {
      own.cleanup();
    }
  });
});

describe("sg whoami under sudo says who logged in and who the site acts as", () => {
  it("keeps the admin as user and login, and names the target as acting_as, whom writes are made as", async () => {
    const who = await sg(["whoami", "--sudo-as", "coord", "--format", "json"], as("admin", "admin-pass-1"));
    expect(who.code, who.stderr).toBe(0);
    const row = JSON.parse(who.stdout) as Record<string, unknown>;
    expect(row).toMatchObject({ user: { type: "HumanUser", name: "Ada Admin" }, login: "admin", acting_as: { type: "HumanUser", name: "Cora Coordinator" }, sudo_as: "coord" });
    // What the site records is the acting_as user: a record created the same way is theirs.
    const code = `cli-whoami-sudo-${Date.now()}`;
    const made = await sg(["create", "Shot", JSON.stringify({ code, project: { type: "Project", id: project } }), "--fields", "created_by", "--sudo-as", "coord", "--format", "json"], as("admin", "admin-pass-1"));
    expect((JSON.parse(made.stdout) as { created_by: { id: number } }).created_by.id).toBe((row["acting_as"] as { id: number }).id);
    const table = await sg(["whoami", "--sudo-as", "coord", "--format", "table"], as("admin", "admin-pass-1"));
    expect(table.stdout).toMatch(/^acting_as +Cora Coordinator \(HumanUser:\d+\)$/m);
    const script = await sg(["whoami", "--sudo-as", "coord", "--format", "json"], scriptEnvOf(site));
    expect(JSON.parse(script.stdout)).toMatchObject({ user: { type: "ApiUser" }, acting_as: { type: "HumanUser", name: "Cora Coordinator" }, sudo_as: "coord" });
    const plain = await sg(["whoami", "--format", "json"], as("admin", "admin-pass-1"));
    expect(JSON.parse(plain.stdout)).not.toHaveProperty("acting_as");
  });
});

describe("the README's examples against the demo fixtures", () => {
  it("the summarize example with a project filter finds the demo project's Shots", async () => {
    const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../README.md"), "utf8");
    const example = /^sg summarize Shot (\S+) '(\[.*\])'$/m.exec(readme);
    expect(example, "the README's sg summarize example with filters").not.toBeNull();
    const r = await sg(["summarize", "Shot", example?.[1] ?? "", example?.[2] ?? "", "--format", "json"], as("admin", "admin-pass-1"));
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { id: number }).id).toBeGreaterThan(0);
  });
});

describe("a weak password is not given away by what scrubbing blanks", () => {
  // Scrubbing the password's value out of sg's and the libraries' own sentences showed which word it was: the
  // password "wrong" made "the login or password is wrong" end in "is [REDACTED]".
  it.each([
    ["a word of the message", "wrong"],
    ["the login itself", "coord"],
  ])("a refused login whose password is %s keeps its message, hint and doctor report whole", async (_what, password) => {
    const find = await sg(["find", "Project"], as("coord", password));
    expect(find.code).toBe(3);
    expect(find.stderr).toContain("refused the login 'coord': the login or password is wrong");
    expect(find.stderr).not.toContain("[REDACTED]");
    const doctor = await sg(["doctor"], as("coord", password));
    expect(doctor.stdout).toContain("login 'coord'");
    expect(doctor.stdout).not.toContain("[REDACTED]");
  });

  it("--debug lines keep their words when the password is one of them", async () => {
    const r = await sg(["find", "Project", "--debug"], as("coord", "attempt"));
    expect(r.stderr).toMatch(/get_session_token attempt 1/);
    expect(r.stderr).not.toContain("[REDACTED]");
  });
});
