import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackSite } from "./test-support/loopback-site.js";
import type { LoopbackSite } from "./test-support/loopback-site.js";
import { sgRunner } from "./test-support/run-sg.js";

// A site that accepts connections and answers `info` but never answers any other call (a backend that hangs behind
// a gateway): --timeout-ms and SG_TIMEOUT_MS end each call, and the hint says what to change.
// The limit is each call's, `info`'s too, in a fresh process: on a busy machine `info` (answered at once) took over
// 300 ms and ended there. 5000 ms leaves `info` far more than it can take: only the call that hangs runs out.
const LIMIT = "5000";
const runner = sgRunner();
const sg = runner.run;
let loopback: LoopbackSite;
let site = "";
const script = { SG_SCRIPT_NAME: "s", SG_SCRIPT_KEY: "k".repeat(40) };

beforeAll(async () => {
  loopback = await startLoopbackSite((body, res) => {
    const method = (JSON.parse(body || "{}") as { method_name?: string }).method_name;
    if (method === "info") res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ version: [8, 50, 0], user_authentication_method: "default" }));
    // Any other call: never answered.
  });
  site = loopback.url;
});

afterAll(async () => {
  await loopback.close();
  runner.cleanup();
});

describe("--timeout-ms and SG_TIMEOUT_MS", () => {
  it("end a read the site never answers with status 5, telling to narrow it and how to wait longer", async () => {
    const r = await sg(["find", "Shot", "--timeout-ms", LIMIT], { ...script, SG_SITE: site });
    expect(r.code, r.stderr).toBe(5);
    // The deadline left for the call itself (the time spent getting credentials is taken from it), never over the limit.
    const left = /^sg: 'read' did not complete within its deadline of (\d+) ms\n/.exec(r.stderr);
    expect(left, r.stderr).not.toBeNull();
    expect(Number(left![1])).toBeGreaterThan(0);
    expect(Number(left![1])).toBeLessThanOrEqual(Number(LIMIT));
    expect(r.stderr).toMatch(/\nhint: The site did not answer in time\. A large read may need a narrower request \(filters, --fields, --limit\)\. --timeout-ms N \(or SG_TIMEOUT_MS\) sets how long a call may take \(\d+ ms this time\)\.\n/);
  });

  it("end a write with status 6 from the environment, without telling to narrow a read", async () => {
    const r = await sg(["create", "Shot", '{"code": "SH1"}'], { ...script, SG_SITE: site, SG_TIMEOUT_MS: LIMIT });
    expect(r.code, r.stderr).toBe(6);
    expect(r.stderr).toMatch(/'create' did not complete within its deadline of \d+ ms/);
    expect(r.stderr).not.toContain("narrower request");
  });

  it("bound sg doctor's checks too, whose advice does not tell to narrow a request", async () => {
    const r = await sg(["doctor", "--format", "json", "--timeout-ms", LIMIT], { ...script, SG_SITE: site });
    expect(r.code, r.stderr).toBe(7);
    const login = (JSON.parse(r.stdout) as { checks: { name: string; problem?: string; why?: string; fix?: string }[] }).checks.find((c) => c.name === "login");
    expect(login?.why ?? login?.fix).toBeDefined();
    expect(login?.problem).toBe("unreachable");
    // The flag's limit, not doctor's own default (20000 ms).
    expect(Number(/within its deadline of (\d+) ms/.exec(r.stdout)?.[1])).toBeLessThanOrEqual(Number(LIMIT));
    expect(r.stdout).not.toContain("narrower request");
  });

  it("are validated as the other numbers are, naming the flag or the variable", async () => {
    const flag = await sg(["find", "Shot", "--timeout-ms", "0"], { ...script, SG_SITE: site });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe("sg: --timeout-ms must be at least 1, got '0'\n");
    const env = await sg(["find", "Shot"], { ...script, SG_SITE: site, SG_TIMEOUT_MS: "5s" });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("sg: SG_TIMEOUT_MS must be a whole number in digits, got '5s'\n");
  });
});
