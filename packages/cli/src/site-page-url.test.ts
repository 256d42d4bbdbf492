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
      expect(run.stderr).toContain(`If it is a page's URL, pass ${site().url}.`);
      const doctor = await sg(["doctor", "--format", "json"], paged);
      const info = (JSON.parse(doctor.stdout) as { checks: { name: string; fix?: string }[] }).checks.find((c) => c.name === "info");
      expect(info?.fix).toContain(`If that is a page's URL, pass the site's root, ${site().url}.`);
    }
  });

  it("a site at a base path that answers 404 is not told flatly that its URL is a page's", async () => {
    const based = { ...env(), SG_SITE: `${site().url}/shotgrid/` };
    const run = await sg(["find", "Shot", "--limit", "1"], based);
    expect(run.code, run.stderr).not.toBe(0);
    expect(run.stderr).not.toMatch(/A page's URL\? Pass|A page's URL is not the site's/);
    expect(run.stderr).toMatch(/If it is a page's URL, pass/);
    const doctor = await sg(["doctor", "--format", "json"], based);
    const info = (JSON.parse(doctor.stdout) as { checks: { name: string; fix?: string }[] }).checks.find((c) => c.name === "info");
    expect(info?.fix).not.toMatch(/A page's URL is not the site's/);
    expect(info?.fix).toMatch(/If that is a page's URL, pass/);
  });
});

describe("a site given without a scheme", () => {
  it("the refusal's hint names https:// (http:// for a loopback host) and the input as given, path and port kept", async () => {
    for (const [given, url] of [
      ["mystudio.example.com/shotgrid", "https://mystudio.example.com/shotgrid"],
      ["mystudio.example.com:8443", "https://mystudio.example.com:8443"],
      ["10.0.0.5:8080", "https://10.0.0.5:8080"],
      ["localhost:3000", "http://localhost:3000"],
      ["mystudio.example.com/api3/json", "https://mystudio.example.com"],
    ] as const) {
      const run = await sg(["find", "Shot", "--limit", "1"], { ...env(), SG_SITE: given });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr, given).toContain(`hint: Pass ${url}.`);
    }
    const file = await sg(["find", "Shot", "--limit", "1"], { ...env(), SG_SITE: "file.txt" });
    expect(file.stderr).not.toContain("https://file.txt");
  });
});
