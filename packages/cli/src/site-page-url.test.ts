/**
 * A site URL copied from a browser page (`<site>/page/1234`, `/detail/Shot/12`) is taken as a base path, so the API
 * answers 404: the command's hint and `sg doctor`'s fix name the site's root to pass. Driven through the built `sg`.
 */
import { describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";

const { sg, env, site } = emulatorSuite();

describe("a site URL with a page's path", () => {
  it("a command's hint and sg doctor's fix say to pass the site's root", async () => {
    for (const path of ["/page/1234", "/detail/Shot/12"]) {
      const paged = { ...env(), SG_SITE: `${site().url}${path}` };
      const run = await sg(["find", "Shot", "--limit", "1"], paged);
      expect(run.code, run.stderr).not.toBe(0);
      expect(run.stderr).toContain(`Pass ${site().url}.`);
      const doctor = await sg(["doctor", "--format", "json"], paged);
      const info = (JSON.parse(doctor.stdout) as { checks: { name: string; fix?: string }[] }).checks.find((c) => c.name === "info");
      expect(info?.fix).toContain(`pass ${site().url}.`);
    }
  });
});
