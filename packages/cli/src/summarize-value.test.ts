import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_USAGE } from "./exit-codes.js";
import { sgRunner, scriptEnvOf } from "./test-support/run-sg.js";

const runner = sgRunner();
const sg = runner.run;

let site: EmulatorHandle;
let env: Record<string, string> = {};

beforeAll(async () => {
  // Three shots in progress and one final: the share of ip is 75, the share of fin (the site's default) 25.
  site = await startEmulator({ fixtures: "empty" });
  env = scriptEnvOf(site);
  const project = await sg(["create", "Project", '{"name": "Percentages"}'], env);
  expect(project.code, project.stderr).toBe(0);
  const id = (JSON.parse(project.stdout) as { id: number }).id;
  for (const [code, status, cut] of [["a", "ip", 1], ["b", "ip", 1], ["c", "ip", 2], ["d", "fin", 3]]) {
    const created = await sg(["create", "Shot", JSON.stringify({ code, sg_status_list: status, sg_cut_in: cut, project: { type: "Project", id } })], env);
    expect(created.code, created.stderr).toBe(0);
  }
});

afterAll(async () => {
  await site?.close();
  runner.cleanup();
});

describe("sg summarize with a summary's value (JSON form)", () => {
  it("passes the value on: the share of ip, and of sg_cut_in equal to 1", async () => {
    const summaries = '[{"field": "sg_status_list", "type": "status_percentage", "value": "ip"}, {"field": "sg_cut_in", "type": "percentage", "value": 1}]';
    const out = await sg(["summarize", "Shot", summaries], env);
    expect(out.code, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ sg_status_list: 75, sg_cut_in: 50 });
  });

  it("refuses an unknown key in a summary as a usage error naming its path, before sending", async () => {
    const summarizeCalls = (): number => site.requests().filter((r) => r.method_name === "summarize").length;
    const before = summarizeCalls();
    const out = await sg(["summarize", "Shot", '[{"field": "sg_status_list", "type": "status_percentage", "values": ["ip"]}]'], env);
    expect(out.code).toBe(EXIT_USAGE);
    expect(out.stderr).toContain("summaryFields[0].values: expected one of field, type, value");
    expect(summarizeCalls()).toBe(before);
  });
});
