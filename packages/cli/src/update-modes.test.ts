/** `sg update --mode`: Python's multi_entity_update_modes, so a list field can gain or lose links without being replaced. */
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scriptEnvOf, sgRunner } from "./test-support/run-sg.js";

const runner = sgRunner();
let site: EmulatorHandle;
let env: Record<string, string> = {};

beforeAll(async () => {
  site = await startEmulator();
  env = scriptEnvOf(site);
});

afterAll(async () => {
  await site?.close();
  runner.cleanup();
});

/** Creates an Asset with `sg create` and gives its id. */
async function asset(code: string): Promise<number> {
  const r = await runner.run(["create", "Asset", JSON.stringify({ code, project: { type: "Project", id: 1 } })], env);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { id: number }).id;
}

/** The ids in Shot 1's `assets`, read with `sg find`. */
async function assetsOfShot(): Promise<number[]> {
  const r = await runner.run(["find", "Shot", '[["id", "is", 1]]', "--fields", "assets"], env);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { assets: { id: number }[] }[])[0]?.assets.map((a) => a.id) ?? [];
}

describe("sg update --mode", () => {
  it("adds to and removes from a multi-entity list instead of replacing it", async () => {
    const [a, b, c] = [await asset("modes_a"), await asset("modes_b"), await asset("modes_c")];
    const link = (id: number): { type: string; id: number } => ({ type: "Asset", id });
    expect((await runner.run(["update", "Shot", "1", JSON.stringify({ assets: [link(a), link(b)] })], env)).code).toBe(0);
    const added = await runner.run(["update", "Shot", "1", JSON.stringify({ assets: [link(c)] }), "--mode", "assets=add"], env);
    expect(added.code, added.stderr).toBe(0);
    expect(await assetsOfShot()).toEqual([a, b, c]);
    const removed = await runner.run(["update", "Shot", "1", JSON.stringify({ assets: [link(a)] }), "--mode=assets=remove"], env);
    expect(removed.code, removed.stderr).toBe(0);
    expect(await assetsOfShot()).toEqual([b, c]);
  });

  it("refuses a mode that is not add, remove or set, or a field not in the data, before anything is sent (exit 2)", async () => {
    const before = site.requests().filter((r) => r.method_name === "update").length;
    const data = JSON.stringify({ assets: [{ type: "Asset", id: 1 }] });
    const unknownMode = await runner.run(["update", "Shot", "1", data, "--mode", "assets=append"], env);
    expect(unknownMode.code).toBe(2);
    expect(unknownMode.stderr.split("\n")[0]).toBe("sg: --mode assets=append: the mode must be add, remove or set");
    const notInData = await runner.run(["update", "Shot", "1", data, "--mode", "shots=add"], env);
    expect(notInData.code).toBe(2);
    expect(notInData.stderr).toContain("shots");
    const shape = await runner.run(["update", "Shot", "1", data, "--mode", "assets"], env);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toBe("sg: --mode expects field=add|remove|set items separated by commas, got 'assets'\nhint: Example: --mode assets=add,shots=remove\n");
    expect(site.requests().filter((r) => r.method_name === "update")).toHaveLength(before);
  });
});
