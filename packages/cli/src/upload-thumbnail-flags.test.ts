import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";

// `sg upload --field image` uploads a thumbnail, which keeps its file's own name: a --display-name would not be sent.
// The library refuses it as its option (`options.displayName`), after `sg` had asked the site for its info; `sg`
// refuses it itself, before anything is asked of the site, naming its own flag, as a usage error (exit 2).
const { sg, env, site } = emulatorSuite({ fixtures: "demo" });
const dir = mkdtempSync(join(tmpdir(), "sg-cli-upload-thumbnail-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A 1×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
const png = join(dir, "frame.png");
writeFileSync(png, PNG);

describe("sg upload --display-name into a thumbnail field", () => {
  it.each(["image", "thumb_image", "filmstrip_image", "filmstrip_thumb_image"])("--field %s: refused before any request, naming --display-name (exit 2)", async (field) => {
    const before = site().requests().length;
    const r = await sg(["upload", "Version", "1", png, "--field", field, "--display-name", "Hero frame"], env());
    expect(site().requests().slice(before).map((q) => q.method_name ?? q.path), "requests sent to the site").toEqual([]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^sg: --display-name cannot be given with --field ${field}: a thumbnail keeps its file's own name`));
    expect(r.stderr).toContain("hint: ");
    expect(r.stderr).not.toContain("options.displayName");
    expect(r.stdout).toBe("");
  });

  it("without --display-name the thumbnail is uploaded under its file's name; a file field still takes one", async () => {
    const thumb = await sg(["upload", "Shot", "1", png, "--field", "image"], env());
    expect(thumb.code, thumb.stderr).toBe(0);
    const file = await sg(["upload", "Shot", "1", png, "--display-name", "Hero frame"], env());
    expect(file.code, file.stderr).toBe(0);
    const ids = [thumb, file].map((r) => (JSON.parse(r.stdout) as { attachment_id: number }).attachment_id);
    const names = await sg(["find", "Attachment", "--fields", "id,display_name", "--format", "json"], env());
    expect(names.code, names.stderr).toBe(0);
    const rows = JSON.parse(names.stdout) as { id: number; display_name: string }[];
    expect(ids.map((id) => rows.find((row) => row.id === id)?.display_name)).toEqual(["frame.png", "Hero frame"]);
  });
});
