import { existsSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner } from "./test-support/run-sg.js";

// Several `sg login` / `sg logout` run at once (shell scripts, tmux panes, hosts sharing an NFS home) read, change
// and write the same credentials file: each must keep the others' changes.
const runner = sgRunner();
const sg = runner.run;
const sites: EmulatorHandle[] = [];

beforeAll(async () => {
  for (let i = 0; i < 4; i++) sites.push(await startEmulator({ fixtures: "demo" }));
});

afterAll(async () => {
  await Promise.all(sites.map((s) => s.close()));
  runner.cleanup();
});

const login = (url: string): ReturnType<typeof sg> => sg(["login", "--site", url, "--login", "coord", "--password", "coord-pass-1"]);
const savedSites = (): string[] => Object.keys((JSON.parse(readFileSync(join(runner.configDir, "credentials.json"), "utf8")) as { sites: object }).sites).sort();
const href = (s: EmulatorHandle): string => new URL(s.url).href.replace(/\/$/, "");

describe("the credentials file, written by several sg at once", () => {
  it("keeps every site of concurrent logins", async () => {
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(sites.map((s) => login(s.url)));
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      expect(savedSites()).toEqual(sites.map(href).sort());
      await Promise.all(sites.map((s) => sg(["logout", "--site", s.url])));
    }
  });

  it("does not bring back a session forgotten by a logout that raced logins of other sites", async () => {
    const [first, ...others] = sites as [EmulatorHandle, ...EmulatorHandle[]];
    for (let round = 0; round < 2; round++) {
      expect((await login(first.url)).code).toBe(0);
      const results = await Promise.all([sg(["logout", "--site", first.url]), ...others.map((s) => login(s.url))]);
      for (const r of results) expect(r.code, r.stderr).toBe(0);
      expect(savedSites()).toEqual(others.map(href).sort());
    }
  });

  it("takes over a lock left by an sg that died (older than 10 s)", async () => {
    const lock = join(runner.configDir, "credentials.json.lock");
    writeFileSync(lock, "1@elsewhere\n");
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const r = await login(sites[0]?.url ?? "");
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
  });
});
