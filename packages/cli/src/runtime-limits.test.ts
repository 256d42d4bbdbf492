/**
 * Node's fetch ends a request after 300 s without data (undici's own `headersTimeout`, `bodyTimeout`), whatever
 * `--timeout-ms` says. Waiting 300 s in a test is out of the question, so these runs make that limit 300 ms instead,
 * as a module preloaded with `--import` may: it sets undici's global dispatcher, which Node's fetch uses. A site
 * answers `info` at once and every other call after 1500 ms (past that limit, far within `sg`'s).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackSite, type LoopbackSite } from "./test-support/loopback-site.js";
import { sgRunner } from "./test-support/run-sg.js";

const runner = sgRunner();
const dir = mkdtempSync(join(tmpdir(), "sg-runtime-limits-"));
const preload = join(dir, "short-limits.mjs");
const undici = pathToFileURL(createRequire(import.meta.url).resolve("undici")).href;
writeFileSync(preload, `import { Agent, setGlobalDispatcher } from ${JSON.stringify(undici)};\nsetGlobalDispatcher(new Agent({ headersTimeout: 300, bodyTimeout: 300 }));\n`);
const script = { SG_SCRIPT_NAME: "bot", SG_SCRIPT_KEY: "k".repeat(40), NODE_OPTIONS: `--import=${pathToFileURL(preload).href}` };
let site: LoopbackSite;

beforeAll(async () => {
  site = await startLoopbackSite((body, res) => {
    const method = (JSON.parse(body || "{}") as { method_name?: string }).method_name;
    const answer = (results: unknown): void => void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results }));
    if (method === "info") answer({ version: [8, 50, 0] });
    else setTimeout(() => answer({ type: "Shot", id: 7, code: "rv1" }), 1500);
  });
});

afterAll(async () => {
  await site.close();
  runner.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe("the runtime's own time limits", () => {
  it("do not end a call when --timeout-ms is longer than Node's: sg's own dispatcher has none", async () => {
    const r = await runner.run(["create", "Shot", '{"code":"rv1"}', "--timeout-ms", "450000"], { ...script, SG_SITE: site.url });
    expect(r.stderr).not.toContain("UND_ERR");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ type: "Shot", id: 7 });
  });

  it("when set from outside sg and they end a write, the hint does not tell to raise --timeout-ms", async () => {
    const r = await runner.run(["create", "Shot", '{"code":"rv1"}'], { ...script, SG_SITE: site.url });
    expect(r.code, r.stderr).toBe(6);
    expect(r.stderr).toMatch(/^sg: 'create' got no data within the runtime's own time limit \(UND_ERR_HEADERS_TIMEOUT\)\n/);
    expect(r.stderr).toMatch(
      /\nhint: No answer came: the write may have been applied on the site, so check before trying again\. Node's own HTTP client stopped waiting after \d+ ms without data \(UND_ERR_HEADERS_TIMEOUT\), a limit of its own that --timeout-ms and --transfer-timeout-ms do not change: /,
    );
    expect(r.stderr).not.toMatch(/sets how long a call may take|new Agent/);
  });

  it("when set from outside sg and they end a read, the hint says the same, without the write's warning", async () => {
    const r = await runner.run(["find", "Shot", "--limit", "1"], { ...script, SG_SITE: site.url });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toMatch(/\nhint: No answer came\. Node's own HTTP client stopped waiting after \d+ ms without data \(UND_ERR_HEADERS_TIMEOUT\)/);
    expect(r.stderr).not.toMatch(/sets how long a call may take|narrower request|may have been applied/);
  });
});
