/**
 * The auth libraries tell apart refusals that read the same at the site (a script key given as a password, an
 * inactive or private `--sudo-as` target, a script role without sudo, the Identity rule that scripts may not activate
 * people). A failed command and `sg doctor` give that diagnosis in flags and variables, not a generic fix that cannot
 * help (grant a permission, `sg login` as an inactive person). Driven through the real `sg` on emulators.
 */
import { SgAuthError, SgFault } from "@sg/core";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { explainAuthFailure } from "./doctor.js";
import { scriptEnvOf, sgRunner, type SgResult } from "./test-support/run-sg.js";

const runner = sgRunner();
const sg = runner.run;
let site: EmulatorHandle;
let identity: EmulatorHandle;
let sso: EmulatorHandle;

beforeAll(async () => {
  [site, identity, sso] = await Promise.all([startEmulator({}), startEmulator({ authMode: "identity" }), startEmulator({ authMode: "sso" })]);
});

afterAll(async () => {
  await Promise.all([site?.close(), identity?.close(), sso?.close()]);
  runner.cleanup();
});

afterEach(() => {
  site.reset();
  identity.reset();
  sso.reset();
});

/** The hint line of a failed run (exit 3), and the whole output. */
function hintOf(run: SgResult): string {
  expect(run.code, run.stderr).toBe(3);
  const line = run.stderr.split("\n").find((l) => l.startsWith("hint: "));
  expect(line, run.stderr).toBeDefined();
  return line!.slice("hint: ".length);
}

/** The failed `login` check of `sg doctor --format json`. */
async function doctorLogin(env: Record<string, string>, args: readonly string[] = []): Promise<{ problem?: string; why?: string; fix?: string }> {
  const run = await sg(["doctor", "--format", "json", ...args], env);
  const login = (JSON.parse(run.stdout) as { checks: { name: string; ok?: boolean; problem?: string; why?: string; fix?: string }[] }).checks.find((c) => c.name === "login");
  expect(login?.ok, run.stdout).toBe(false);
  return login!;
}

describe("a script activating a HumanUser on an Autodesk Identity site", () => {
  const activate = ["update", "HumanUser", "7", '{"sg_status_list":"act"}'];

  it("says an admin's --login and --password with a valid PAT can, not to grant the script a permission", async () => {
    const env = scriptEnvOf(identity);
    const run = await sg(activate, env);
    const hint = hintOf(run);
    expect(hint).toContain("--login and --password");
    expect(hint).toContain("Personal Access Token");
    expect(hint).not.toMatch(/grants the permission|permission group/);
    expect(run.stderr + run.stdout).not.toContain(env["SG_SCRIPT_KEY"]);
  });

  it("with --sudo-as: says to drop it, not to grant the acted-as person's role", async () => {
    const hint = hintOf(await sg([...activate, "--sudo-as", "admin"], scriptEnvOf(identity)));
    expect(hint).toContain("--login and --password");
    expect(hint).toContain("without --sudo-as");
    expect(hint).not.toMatch(/permission role of 'admin'|grants them/);
  });
});

describe("a person activating a HumanUser through --sudo-as on an Autodesk Identity site", () => {
  const activate = ["update", "HumanUser", "7", '{"sg_status_list":"act"}'];
  const adminEnv = (): Record<string, string> => ({ SG_SITE: identity.url, SG_LOGIN: "admin", SG_PASSWORD: "admin-pass-1" });

  it("a legacy login acting as anyone: leave out --sudo-as and use an admin's own login with a PAT, not grant a permission", async () => {
    for (const target of ["admin", "coord"]) {
      const run = await sg([...activate, "--sudo-as", target], adminEnv());
      const hint = hintOf(run);
      expect(hint, target).toContain("--login and --password of an admin");
      expect(hint, target).toContain("Personal Access Token");
      expect(hint, target).toContain("without --sudo-as");
      expect(hint, target).not.toMatch(/permission role of|grants them|act as someone who has them|stay on the script/);
      expect(run.stderr).not.toContain("admin-pass-1");
    }
  });

  it("sg doctor's explanation for a session acting through --sudo-as (the same fault): the same fix", () => {
    const fault = new SgFault("Permission denied", {
      errorCode: 104,
      serverMessage: "On Autodesk Identity sites requests using sudo_as_login may not activate HumanUsers (set sg_status_list to 'act' or create an active HumanUser)",
    });
    const auth = { kind: "session", sessionToken: { value: "t", source: "SG_SESSION_TOKEN" }, sudoAs: { value: "coord", source: "--sudo-as" } } as const;
    const explained = explainAuthFailure(fault, auth, "identity");
    expect(explained.problem).toBe("script-cannot-activate-user");
    expect(explained.fix).toContain("--login and --password of an admin");
    expect(explained.fix).toContain("without --sudo-as");
    expect(explained.why).not.toContain("a script may not");
    expect(explained.fix).not.toContain("stay on the script");
  });
});

describe("the library's diagnosis of a refused login, in flag words, for a command and for sg doctor", () => {
  it("a script name that looks like a person's login: says --login", async () => {
    const env = { ...scriptEnvOf(site), SG_SCRIPT_NAME: "jane@studio.com" };
    expect(hintOf(await sg(["find", "Project", "--limit", "1"], env))).toContain("looks like a person's login: a person logs in with --login and --password");
    expect((await doctorLogin(env)).fix).toContain("looks like a person's login: a person logs in with --login and --password");
  });

  it("a script key given as SG_PASSWORD: says --script-name and --script-key", async () => {
    const script = site.card.scripts[0]!;
    const env = { SG_SITE: site.url, SG_LOGIN: script.name, SG_PASSWORD: script.key };
    const run = await sg(["find", "Project", "--limit", "1"], env);
    expect(hintOf(run)).toContain("If SG_PASSWORD is a script's application key: a script needs no `sg login`, pass --script-name and --script-key to each command");
    expect(run.stderr).not.toContain(script.key);
    expect((await doctorLogin(env)).fix).toContain("If SG_PASSWORD is a script's application key: a script needs no `sg login`, pass --script-name and --script-key to each command");
  });

  it("a script key given to `sg login` as --password: a script needs no `sg login`, its flags go to each command", async () => {
    const script = site.card.scripts[0]!;
    const run = await sg(["login", "--site", site.url, "--login", "admin", "--password", script.key]);
    expect(run.code, run.stderr).not.toBe(0);
    const hint = run.stderr.split("\n").find((l) => l.startsWith("hint: ")) ?? "";
    expect(hint).toContain("a script needs no `sg login`, pass --script-name and --script-key to each command");
    expect(run.stderr).not.toContain(script.key);
  });

  it("a script key typed at the passphrase prompt: says 'the passphrase you typed', not --password", () => {
    const refused = new SgAuthError("@sg/auth-legacy-pat: the site refused the login 'admin'", {
      errorCode: 100,
      hint: "Check the login and password. If the password is a script's application key, use scriptAuth from @sg/auth-script.",
    });
    const fix = explainAuthFailure(refused, { kind: "user", login: { value: "admin", source: "--login" } }, "default", undefined, true).fix;
    expect(fix).toContain("If the passphrase you typed is a script's application key");
    expect(fix).not.toContain("If --password is");
  });

  it("a script key given as SG_SESSION_TOKEN: says --script-name and --script-key, and to unset SG_SESSION_TOKEN before sg login (which refuses to run while it is set)", async () => {
    const env = { SG_SITE: site.url, SG_SESSION_TOKEN: site.card.scripts[0]!.key };
    const hint = hintOf(await sg(["find", "Project", "--limit", "1"], env));
    expect(hint).toContain("A script name and key go to --script-name and --script-key");
    expect(hint).toMatch(/^Unset SG_SESSION_TOKEN, then run `sg login`/);
    expect(hint).not.toContain("then unset");
    // The order matters: with the variable still set, `sg login` is refused.
    expect((await sg(["login", "--login", "admin", "--password", "x"], env)).stderr).toContain("conflicting credentials");
    expect((await doctorLogin(env)).fix).toContain("A script name and key go to --script-name and --script-key");
  });

  it("--sudo-as an inactive user: set them Active, never log in as them", async () => {
    const env = scriptEnvOf(site);
    const hint = hintOf(await sg(["find", "Project", "--limit", "1", "--sudo-as", "inactive"], env));
    expect(hint).toContain("Set 'inactive' to Active under Admin → People");
    expect(hint).not.toContain("sg login");
    expect(hint).toContain("an admin's legacy login with a valid PAT (--login and --password)");
    const doctor = await doctorLogin(env, ["--sudo-as", "inactive"]);
    expect(doctor.problem).toBe("sudo-refused");
    expect(doctor.fix).toContain("Set 'inactive' to Active under Admin → People");
    expect(doctor.fix).not.toContain("sg login");
  });

  it("--sudo-as a user who does not allow impersonation: the 'Can impersonate this user' setting", async () => {
    const env = scriptEnvOf(site);
    const hint = hintOf(await sg(["find", "Project", "--limit", "1", "--sudo-as", "private"], env));
    expect(hint).toContain("'Can impersonate this user'");
    expect(hint).not.toContain("sg login");
    expect((await doctorLogin(env, ["--sudo-as", "private"])).fix).toContain("'Can impersonate this user'");
  });

  it("a script whose role lacks sudo: give the script a role allowing it (API Admin User), never log in as that person", async () => {
    const env = scriptEnvOf(site);
    const fault = { method: "read", errorCode: 104, message: `The user does not have permission to 'sudo': '${env["SG_SCRIPT_NAME"]}' may not act as 'coord'` };
    site.injectFault(fault);
    const hint = hintOf(await sg(["find", "Project", "--limit", "1", "--sudo-as", "coord"], env));
    expect(hint).toContain("Give the script a permission role that allows 'sudo'");
    expect(hint).toContain("API Admin User");
    expect(hint).not.toContain("sg login");
    site.injectFault({ ...fault, method: "schema_entity_read" });
    const doctor = await doctorLogin(env, ["--sudo-as", "coord"]);
    expect(doctor.problem).toBe("sudo-forbidden");
    expect(doctor.fix).toContain("API Admin User");
    expect(doctor.fix).not.toContain("sg login");
  });
});

describe("a session token refused", () => {
  it("on an SSO site: `sg login --browser`, never a plain `sg login`, and unset SG_SESSION_TOKEN after it", async () => {
    const request = (await (await fetch(`${sso.url}/internal_api/app_session_request`, { method: "POST", headers: { Origin: sso.url }, body: new URLSearchParams({ appName: "t", machineId: "m" }) })).json()) as { sessionRequestId: string };
    sso.approve(request.sessionRequestId, "admin");
    const { sessionToken } = (await (await fetch(`${sso.url}/internal_api/app_session_request/${request.sessionRequestId}`, { method: "PUT", headers: { Origin: sso.url } })).json()) as { sessionToken: string };
    sso.advanceClock(4000);
    const env = { SG_SITE: sso.url, SG_SESSION_TOKEN: sessionToken };
    const hint = hintOf(await sg(["find", "Project", "--limit", "1"], env));
    expect(hint).toContain("`sg login --browser`");
    expect(hint).not.toMatch(/sg login(?! --browser)/);
    expect(hint).toMatch(/^Unset SG_SESSION_TOKEN, then run `sg login --browser`/);
    const doctor = await doctorLogin(env);
    expect(doctor.fix).toContain("`sg login --browser`");
    expect(doctor.fix).not.toMatch(/sg login(?! --browser)/);
  });

  it("given with --session-token: drop --session-token after `sg login`", async () => {
    const hint = hintOf(await sg(["find", "Project", "--limit", "1", "--session-token", "marker-stale-session-token-1"], { SG_SITE: site.url }));
    expect(hint).toContain("drop --session-token");
    expect(hint).not.toContain("marker-stale-session-token-1");
  });
});
