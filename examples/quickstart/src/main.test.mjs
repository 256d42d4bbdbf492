import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startEmulator } from "@sg/emulator";

const main = fileURLToPath(new URL("./main.mjs", import.meta.url));

describe("npm run demo (the quickstart)", () => {
  it("walks through every step, exits 0 and prints no secret", async () => {
    const run = spawnSync(process.execPath, [main], { encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const text = run.stdout;
    for (const heading of ["1. Script auth", "2. Retry on 502", "3. Legacy login", "4. Session token", "5. A legacy login with no PAT"]) expect(text).toContain(heading);
    expect(text).toMatch(/attempt 1 of 'read' failed \(HTTP 502[^)]*\); retried after 750 ms/);
    expect(text).toMatch(/findOne succeeded on attempt 2/);
    expect(text).toMatch(/the site asked for a 2FA code/);
    expect(text).toMatch(/refused with SG_[A-Z_]+:/);
    expect(text).toMatch(/Personal Access Token/);
    expect(text.trimEnd().endsWith("All steps passed.")).toBe(true);

    // The demo site's credentials are fixed, so they can be looked for in everything the demo printed (2FA codes are
    // issued per login and never printed either: the demo shows no code).
    const emulator = await startEmulator({ fixtures: "demo", authMode: "identity" });
    const secrets = [...emulator.card.scripts.map((s) => s.key), ...emulator.card.users.flatMap((u) => [u.password]).filter((s) => s && s.length >= 4)];
    await emulator.close();
    expect(secrets.length).toBeGreaterThan(2);
    for (const secret of secrets) expect(text).not.toContain(secret);
  }, 90_000);
});
