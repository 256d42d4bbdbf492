import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scriptEnvOf, sgRunner } from "./test-support/run-sg.js";

const runner = sgRunner();
const sg = runner.run;

// An emulator bound to every interface, as in a container (`sg-emulator --host 0.0.0.0`).
let site: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  site = await startEmulator({ host: "0.0.0.0" });
  dir = mkdtempSync(join(tmpdir(), "sg-cli-wildcard-"));
});

afterAll(async () => {
  await site?.close();
  rmSync(dir, { recursive: true, force: true });
  runner.cleanup();
});

describe("an emulator bound to 0.0.0.0", () => {
  it("gives a card URL sg takes as --site, and file links sg downloads, on whichever loopback name the site used", async () => {
    const file = join(dir, "notes.txt");
    writeFileSync(file, "from a container\n");
    const port = new URL(site.card.url).port;
    for (const url of [site.card.url, `http://localhost:${port}`]) {
      const env = scriptEnvOf(site, url);
      const up = await sg(["upload", "Shot", "1", file], env);
      expect(up.code, up.stderr).toBe(0);
      const id = (JSON.parse(up.stdout) as { attachment_id: number }).attachment_id;
      const out = join(dir, `back-${id}.txt`);
      const down = await sg(["download", String(id), "--out", out], env);
      expect(down.code, down.stderr).toBe(0);
      expect(readFileSync(out, "utf8")).toBe("from a container\n");
    }
  });
});
