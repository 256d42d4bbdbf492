import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";

// An expired saved session says how to save a new one in the way that can work: on an SSO site, or for a session
// saved by `sg login --browser`, only `sg login --browser` (a login and passphrase never work there).
const { sg, site, configDir } = emulatorSuite({ authMode: "sso" });

/** Save an expired (unknown) session for the site, as `sg login` (`method`) would have. */
function saveExpired(method: "password" | "browser"): void {
  const sites = { [site().url]: { sessionToken: "expired-session-0123456789abcdef", login: "coord", method, savedAt: "2026-01-01T00:00:00.000Z" } };
  writeFileSync(join(configDir, "credentials.json"), JSON.stringify({ version: 1, sites }), { mode: 0o600 });
}

const hintOf = (stderr: string): string => stderr.split("\n").find((l) => l.startsWith("hint: ")) ?? "";

describe("an expired saved session", () => {
  it("saved by sg login --browser hints sg login --browser only, in the command's hint and in sg doctor", async () => {
    saveExpired("browser");
    const r = await sg(["whoami"], { SG_SITE: site().url });
    expect(r.code, r.stderr).toBe(3);
    expect(hintOf(r.stderr)).toBe("hint: Run `sg login --browser` again to save a new session, or `sg logout` to forget it.");
    const doctor = await sg(["doctor", "--format", "json"], { SG_SITE: site().url });
    expect(doctor.stdout).toContain('"problem": "session-expired"');
    expect(doctor.stdout).toContain("Run `sg login --browser` again");
    expect(doctor.stdout).not.toContain("`sg login` (or");
  });

  it("on an SSO site hints sg login --browser even for a session saved with a password", async () => {
    saveExpired("password");
    const doctor = await sg(["doctor", "--format", "json"], { SG_SITE: site().url });
    expect(doctor.stdout).toContain("Run `sg login --browser` again");
    expect(doctor.stdout).not.toContain("`sg login` (or");
  });
});
