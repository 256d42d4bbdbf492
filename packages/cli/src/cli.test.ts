import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, existsSync, readdirSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { scriptAuth } from "@sg/auth-script";
import { createClient } from "@sg/core";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { entityApi } from "@sg/entities";
import { jsonRpcTransport } from "@sg/transport";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, sgRunner, type SgResult, scriptEnvOf } from "./test-support/run-sg.js";

const here = dirname(fileURLToPath(import.meta.url));
const TSC = resolve(here, "../../../node_modules/.bin/tsc");

type Result = SgResult;

const runner = sgRunner();
const configDir = runner.configDir;
const sg = runner.run;

let site: EmulatorHandle;
let identity: EmulatorHandle;
let sso: EmulatorHandle;
let key = "";
let scriptEnv: Record<string, string> = {};

beforeAll(async () => {
  [site, identity, sso] = await Promise.all([
    startEmulator({ rows: 300, pageSize: 50 }),
    startEmulator({ authMode: "identity" }),
    startEmulator({ authMode: "sso" }),
  ]);
  key = site.card.scripts[0]?.key ?? "";
  scriptEnv = { SG_SITE: site.url, SG_SCRIPT_NAME: site.card.scripts[0]?.name ?? "", SG_SCRIPT_KEY: key };
});

afterAll(async () => {
  await Promise.all([site?.close(), identity?.close(), sso?.close()]);
  runner.cleanup();
});

/** Every secret of the site cards: none may ever appear in any output. */
function secrets(): string[] {
  const out: string[] = [];
  for (const h of [site, identity, sso]) {
    for (const s of h.card.scripts) out.push(s.key);
    for (const u of h.card.users) if (u.password) out.push(u.password);
  }
  return out;
}

function expectNoSecrets(r: Result, extra: readonly string[] = []): void {
  for (const s of [...secrets(), ...extra]) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
}

describe("usage errors exit 2", () => {
  it("prints the usage on stderr with no arguments and exits 2 (an empty $cmd in a script is a mistake)", async () => {
    const r = await sg([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Usage: sg <command>");
  });

  it("rejects unknown commands, unknown flags, flags of other commands and missing arguments", async () => {
    for (const args of [["frobnicate"], ["help", "frobnicate"], ["find", "Shot", "--bogus"], ["count", "Shot", "--all"], ["find"], ["update", "Shot", "1"], ["update", "Shot", "1", "{\"description\": \"x\"}", "--fields", "code"]]) {
      const r = await sg(args, scriptEnv);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^sg: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("SG_DEBUG=1 shows the stack of an error in the command line itself, as --debug does", async () => {
    for (const env of [{ SG_DEBUG: "1" }, {}] as Record<string, string>[]) {
      const r = await sg(["find", "Shot", "--bogus"], { ...scriptEnv, ...env });
      expect(r.code).toBe(2);
      expect(/\n\s+at /.test(r.stderr), JSON.stringify(env)).toBe("SG_DEBUG" in env);
    }
  });

  it("takes a record id in decimal digits only, so a typo never writes to another record", async () => {
    // Number() reads 0x10 as 16, 1e1 as 10 and 0b11 as 3; 2^53 + 1 has no exact double and becomes 2^53.
    for (const id of ["0x10", "1e1", "0b11", "9007199254740993", "12abc"]) {
      const r = await sg(["update", "Shot", id, '{"description": "marker-wrong-record"}'], scriptEnv);
      expect(r.code, id).toBe(2);
      expect(r.stderr, id).toBe(`sg: '${id}' is not a record id (a whole number ≥ 1 in digits)\n`);
      const d = await sg(["delete", "Shot", id], scriptEnv);
      expect(d.code, id).toBe(2);
    }
    const touched = await sg(["count", "Shot", '[["description", "is", "marker-wrong-record"]]', "--format", "jsonl"], scriptEnv);
    expect(JSON.parse(touched.stdout)).toEqual({ entity_type: "Shot", count: 0 });
    const retired = await sg(["find", "Shot", '[["id", "in", [3, 10, 16]]]', "--retired", "--format", "jsonl"], scriptEnv);
    expect(retired.stdout).toBe("");
  });

  it("says in one line how to pass a value that starts with '-', without echoing a secret one", async () => {
    const order = await sg(["find", "Shot", "--order", "-created_at,code"], scriptEnv);
    expect(order.code).toBe(2);
    expect(order.stderr).toBe("sg: the value of --order starts with '-', so it reads as another option\nhint: Join it with '=': --order=-created_at,code\n");
    const short = await sg(["typegen", "-o", "-types.ts"], scriptEnv);
    expect(short.code).toBe(2);
    expect(short.stderr).toBe("sg: the value of -o starts with '-', so it reads as another option\nhint: Join it with '=': --out=-types.ts\n");
    const secret = await sg(["find", "Shot", "--login", "admin", "--password", "-marker-dash-pw-0003"], { SG_SITE: site.url });
    expect(secret.code).toBe(2);
    expect(secret.stderr).toBe("sg: the value of --password starts with '-', so it reads as another option\nhint: Join the value to --password with '=' instead of a space.\n");
    expectNoSecrets(secret, ["marker-dash-pw-0003"]);
  });

  it("lists what was given when credentials conflict, without their values", async () => {
    const r = await sg(["find", "Shot", "--login", "admin", "--password", "marker-secret-pw-0001"], scriptEnv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("conflicting credentials");
    expect(r.stderr).toContain("SG_SCRIPT_NAME");
    expect(r.stderr).toContain("--login");
    expectNoSecrets(r, ["marker-secret-pw-0001"]);
  });

  it("names the flag or variable of a bad value", async () => {
    const bad = await sg(["find", "Shot", "--all", "--concurrency", "zero"], scriptEnv);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--concurrency");
    for (const limit of ["1e1", "0x10", "12abc", " "]) {
      const odd = await sg(["find", "Shot", "--limit", limit], scriptEnv);
      expect(odd.code, limit).toBe(2);
      expect(odd.stderr).toBe(`sg: --limit must be a whole number in digits, got '${limit}'\n`);
    }
    const zero = await sg(["find", "Shot", "--limit", "0"], scriptEnv);
    expect(zero.stderr).toBe("sg: --limit must be at least 1, got '0'\n");
    const noSite = await sg(["find", "Shot"], { SG_SCRIPT_NAME: "x", SG_SCRIPT_KEY: "y" });
    expect(noSite.code).toBe(2);
    expect(noSite.stderr).toContain("SG_SITE");
    const badSite = await sg(["find", "Shot"], { ...scriptEnv, SG_SITE: "ftp://nope" });
    expect(badSite.code).toBe(2);
    expect(badSite.stderr).toContain("SG_SITE");
    const json = await sg(["find", "Shot", "[[code"], scriptEnv);
    expect(json.code).toBe(2);
    expect(json.stderr).toContain("filters is not valid JSON");
    for (const flag of ["--fields", "--order"]) {
      const empty = await sg(["find", "Shot", flag, " , "], scriptEnv);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(new RegExp(`^sg: ${flag} `));
    }
    const shortKey = await sg(["find", "Shot"], { ...scriptEnv, SG_SCRIPT_KEY: "marker-short" });
    expect(shortKey.code).toBe(2);
    expect(shortKey.stderr).toMatch(/^sg: SG_SCRIPT_KEY must be an application key of at least 16 characters/);
    expectNoSecrets(shortKey, ["marker-short"]);
    const shortFlag = await sg(["find", "Shot", "--script-key", "marker-short"], scriptEnv);
    expect(shortFlag.stderr).toMatch(/^sg: --script-key must be /);
    const half = await sg(["find", "Shot", "--script-name", "only-a-name"], { SG_SITE: site.url });
    expect(half.code).toBe(2);
    expect(half.stderr).toContain("without a script key");
  });
});

describe("sg emulator", () => {
  it("says on stderr how to get a one-time 2FA code, with its real URL; stdout is the card alone", async () => {
    const child = spawn(process.execPath, [BIN, "emulator", "--port", "0"], { env: { PATH: process.env["PATH"] ?? "" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      const end = Date.now() + 15_000;
      while (!/2FA code/.test(stderr) || !stdout.endsWith("\n")) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`no 2FA line; stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const card = JSON.parse(stdout) as { url: string; users: { login: string; twoFactor: boolean }[] };
      expect(stdout.split("\n")).toHaveLength(2);
      const line = stderr.split("\n").find((l) => l.includes("2FA code")) ?? "";
      expect(line).toBe(`[sg-emulator] one-time 2FA code for artist: curl -s -X POST ${card.url}/__emulator/2fa -H 'Content-Type: application/json' -d '{"login":"artist"}'`);
      // The command works as printed: the endpoint it names issues a code.
      const issued = await fetch(`${card.url}/__emulator/2fa`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"login":"artist"}' });
      expect(((await issued.json()) as { code: string }).code).toMatch(/^\d{6}$/);
    } finally {
      child.kill("SIGINT");
      expect(await closed).toBe(0);
    }
  });
});

describe("plain http to a remote site", () => {
  it("is refused naming the flag or variable and --allow-http, without the URL's Basic auth password", async () => {
    const viaFlag = await sg(["find", "Shot", "--site", "http://bob:marker-basic-pw-0002@sg.example.com"], { SG_SCRIPT_NAME: "x", SG_SCRIPT_KEY: "y".repeat(64) });
    const viaEnv = await sg(["count", "Shot"], { SG_SITE: "http://bob:marker-basic-pw-0002@sg.example.com", SG_SCRIPT_NAME: "x", SG_SCRIPT_KEY: "y".repeat(64) });
    for (const [r, source] of [[viaFlag, "--site"], [viaEnv, "SG_SITE"]] as const) {
      expect(r.code).toBe(2);
      expect(r.stderr.split("\n")[0]).toBe(`sg: ${source} must be an https:// URL (plain http sends credentials in clear text), got http://sg.example.com`);
      expect(r.stderr).toContain("--allow-http");
      // The library's option name means nothing on a command line.
      expect(r.stderr).not.toContain("allowInsecureHttp");
      expectNoSecrets(r, ["marker-basic-pw-0002", Buffer.from("bob:marker-basic-pw-0002").toString("base64")]);
    }
  });
});

describe("a site URL ending in /api3/json", () => {
  it("over http to loopback keeps the core's hint to drop the endpoint, not the advice to use https", async () => {
    const r = await sg(["count", "Shot", "--site", `${site.url}/sg/api3/json`], scriptEnv);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`sg: --site must be the site's root URL, got one ending in /api3/json\nhint: Pass ${site.url}/sg: the client adds /api3/json.\n`);
    const remote = await sg(["count", "Shot", "--site", "http://sg.example.com/api3/json", "--allow-http"], scriptEnv);
    expect(remote.stderr).toContain("hint: Pass http://sg.example.com: the client adds /api3/json.");
  });
});

describe("find and count in every format", () => {
  it("writes JSON when piped, and each --format", async () => {
    const piped = await sg(["find", "Shot", "--fields", "code,sg_status_list", "--limit", "3"], scriptEnv);
    expect(piped.code).toBe(0);
    const rows = JSON.parse(piped.stdout) as { type: string; id: number; code: string }[];
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ type: "Shot", id: 1 });

    const jsonl = await sg(["find", "Shot", "--fields", "code", "--limit", "3", "--format", "jsonl"], scriptEnv);
    expect(jsonl.stdout.trim().split("\n").map((l) => JSON.parse(l) as { id: number }).map((r) => r.id)).toEqual([1, 2, 3]);

    const csv = await sg(["find", "Shot", "--fields", "code,sg_sequence", "--limit", "2", "--format", "csv"], scriptEnv);
    const lines = csv.stdout.trim().split("\r\n");
    expect(lines[0]).toBe("type,id,code,sg_sequence");
    expect(lines[1]).toMatch(/^Shot,1,[^,]+,Sequence:\d+$/);

    const table = await sg(["find", "Shot", "--fields", "code", "--limit", "2", "--format", "table", "--order=-id"], scriptEnv);
    expect(table.stdout).toMatch(/^type\s+id\s+code\n-+\s+-+\s+-+\n/);
    expect(table.stdout).toContain("(2 records)");
    for (const r of [piped, jsonl, csv, table]) expect(r.stderr).toBe("");
  });

  it("--page N reads page N of --limit records, also when --limit is above the site's page size (50 here)", async () => {
    const ids = async (args: readonly string[]): Promise<number[]> => {
      const r = await sg(["find", "Shot", "--format", "jsonl", ...args], scriptEnv);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { id: number }).id);
    };
    const first = await ids(["--all", "--limit", "260"]);
    expect(first).toHaveLength(260);
    expect(await ids(["--page", "2"])).toEqual(first.slice(100, 200));
    expect(await ids(["--page", "3", "--limit", "70"])).toEqual(first.slice(140, 210));
    expect(await ids(["--page", "2", "--limit", "30"])).toEqual(first.slice(30, 60));
  });

  it("streams every page with --all and parallel paging, without a progress bar when stderr is not a terminal", async () => {
    const count = await sg(["count", "Shot"], scriptEnv);
    expect(count.code).toBe(0);
    const total = (JSON.parse(count.stdout) as { count: number }).count;
    expect(total).toBeGreaterThan(250);
    const all = await sg(["find", "Shot", "--all", "--concurrency", "4", "--fields", "code", "--format", "jsonl"], scriptEnv);
    expect(all.code).toBe(0);
    const ids = all.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { id: number }).id);
    expect(ids).toHaveLength(total);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(all.stderr).toBe("");
    const csv = await sg(["find", "Shot", "--all", "--fields", "code", "--format", "csv"], scriptEnv);
    expect(csv.stdout.trim().split("\r\n")).toHaveLength(total + 1);
    const json = await sg(["find", "Shot", "--all", "--fields", "code", "[[\"id\", \"less_than\", 120]]"], scriptEnv);
    expect(JSON.parse(json.stdout)).toHaveLength(119);
    const counted = await sg(["count", "Shot", "[[\"id\", \"less_than\", 120]]", "--format", "csv"], scriptEnv);
    expect(counted.stdout).toBe("entity_type,count\r\nShot,119\r\n");
  });
});

describe("JSON arguments from standard input (-) or a file (@path)", () => {
  it("reads filters from standard input and data from a file", async () => {
    const fromStdin = await sg(["find", "Shot", "-", "--format", "jsonl"], scriptEnv, undefined, '[["id", "in", [2, 3]]]');
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(fromStdin.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([2, 3]);
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-json-file-"));
    try {
      writeFileSync(join(dir, "shot.json"), '{"code": "FROM_FILE_0001", "project": {"type": "Project", "id": 1}}\n');
      const created = await sg(["create", "Shot", `@${join(dir, "shot.json")}`, "--fields", "code", "--format", "jsonl"], scriptEnv);
      expect(created.code, created.stderr).toBe(0);
      expect(JSON.parse(created.stdout)).toMatchObject({ type: "Shot", code: "FROM_FILE_0001" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names the file or standard input when it cannot be read or is not JSON, and exits 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-json-bad-"));
    try {
      const missing = await sg(["find", "Shot", `@${join(dir, "nope.json")}`], scriptEnv);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toBe(`sg: cannot read filters from ${join(dir, "nope.json")} (ENOENT)\nhint: @path reads a JSON argument from a file, - from standard input.\n`);
      writeFileSync(join(dir, "bad.json"), "[[code");
      const bad = await sg(["count", "Shot", `@${join(dir, "bad.json")}`], scriptEnv);
      expect(bad.code).toBe(2);
      expect(bad.stderr.startsWith(`sg: filters from ${join(dir, "bad.json")} is not valid JSON: `), bad.stderr).toBe(true);
      const empty = await sg(["update", "Shot", "1", "-"], scriptEnv, undefined, "");
      expect(empty.code).toBe(2);
      expect(empty.stderr.split("\n")[0]).toBe("sg: data from standard input is empty");
      writeFileSync(join(dir, "blank.json"), "\n");
      const blank = await sg(["create", "Shot", `@${join(dir, "blank.json")}`], scriptEnv);
      expect(blank.code).toBe(2);
      expect(blank.stderr.split("\n")[0]).toBe(`sg: data from ${join(dir, "blank.json")} is empty`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the size limit of a JSON argument read from - or @path", () => {
  const hint = "hint: Split the work over several runs; SG_MAX_JSON_ARG_BYTES can lower the limit, never raise it.\n";

  it("is one usage error for standard input and a file, naming the source and the limit, stopped while reading", async () => {
    const limit = { SG_MAX_JSON_ARG_BYTES: "1024" };
    // 1024 bytes exactly is accepted; 64 KiB through a pipe is refused after the first chunk over the limit.
    const filters = '[["id", "in", [2, 3]]]';
    const atLimit = await sg(["find", "Shot", "-", "--format", "jsonl"], { ...scriptEnv, ...limit }, undefined, filters.padEnd(1024, " "));
    expect(atLimit.code, atLimit.stderr).toBe(0);
    expect(atLimit.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([2, 3]);
    const body = "[" + " ".repeat(64 * 1024) + "]";
    const fromStdin = await sg(["batch", "-"], { ...scriptEnv, ...limit }, undefined, body);
    expect(fromStdin.code).toBe(2);
    expect(fromStdin.stderr).toBe(`sg: requests from standard input is over the 1024-byte limit of a JSON argument\n${hint}`);
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-json-limit-"));
    try {
      writeFileSync(join(dir, "big.json"), body);
      const fromFile = await sg(["batch", `@${join(dir, "big.json")}`], { ...scriptEnv, ...limit });
      expect(fromFile.code).toBe(2);
      expect(fromFile.stderr).toBe(`sg: requests from ${join(dir, "big.json")} is over the 1024-byte limit of a JSON argument\n${hint}`);
      // The default limit, 256 MiB, on a sparse file of 300 MiB: refused by its size. (No wall-clock check that
      // nothing was read: it failed on a loaded machine, and reading a sparse file is quick anyway.)
      truncateSync(join(dir, "big.json"), 300 * 1024 * 1024);
      const huge = await sg(["batch", `@${join(dir, "big.json")}`], scriptEnv);
      expect(huge.code).toBe(2);
      expect(huge.stderr).toBe(`sg: requests from ${join(dir, "big.json")} is over the 256 MiB limit of a JSON argument\n${hint}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("SG_MAX_JSON_ARG_BYTES must be a whole number of bytes up to 256 MiB", async () => {
    for (const value of ["lots", "0", "1e3", String(256 * 1024 * 1024 + 1)]) {
      const r = await sg(["batch", "-"], { ...scriptEnv, SG_MAX_JSON_ARG_BYTES: value }, undefined, "[]");
      expect(r.code, value).toBe(2);
      expect(r.stderr.split("\n")[0], value).toBe(`sg: SG_MAX_JSON_ARG_BYTES must be a whole number of bytes from 1 to 268435456, got '${value}'`);
    }
  });
});

/** The rows of a site as the libraries read them, independently of `sg`. */
async function siteRows(h: EmulatorHandle, type: string, filters: unknown, fields: string[], retiredOnly = false): Promise<Record<string, unknown>[]> {
  const script = h.card.scripts[0];
  const client = createClient({ site: h.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: script?.name ?? "", scriptKey: script?.key ?? "" }) });
  try {
    return (await entityApi(client, { dates: "string" }).find(type, filters as never, fields, retiredOnly ? { retiredOnly } : {})) as Record<string, unknown>[];
  } finally {
    await client.close();
  }
}

/** A demo site of a describe block's own, started before its tests (handed to `use` with its script env) and closed after them. */
function useDemoSite(use: (handle: EmulatorHandle, env: Record<string, string>) => void): void {
  let handle: EmulatorHandle | undefined;
  beforeAll(async () => {
    const h = await startEmulator({});
    handle = h;
    use(h, scriptEnvOf(h));
  });
  afterAll(async () => {
    await handle?.close();
  });
}

describe("sg batch", () => {
  let own: EmulatorHandle;
  let env: Record<string, string> = {};
  const project = { type: "Project", id: 1 };
  const batchCalls = (): number => own.requests().filter((r) => r.method_name === "batch").length;
  useDemoSite((h, e) => ((own = h), (env = e)));

  it("creates, updates and deletes in one go, one row per request in order", async () => {
    const requests = [
      { request_type: "create", entity_type: "Shot", data: { code: "BATCH_0001", project }, return_fields: ["code"] },
      { request_type: "update", entity_type: "Shot", entity_id: 2, data: { description: "batched" } },
      { request_type: "delete", entity_type: "Shot", entity_id: 3 },
    ];
    const r = await sg(["batch", JSON.stringify(requests)], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({ type: "Shot", code: "BATCH_0001" });
    expect(rows[1]).toMatchObject({ type: "Shot", id: 2, description: "batched" });
    expect(rows[2]).toEqual({ type: "Shot", id: 3, deleted: true });
    const createdId = rows[0]?.["id"];
    expect(await siteRows(own, "Shot", [["code", "is", "BATCH_0001"]], ["code"])).toEqual([{ type: "Shot", id: createdId, code: "BATCH_0001" }]);
    expect(await siteRows(own, "Shot", [["id", "is", 2]], ["description"])).toEqual([{ type: "Shot", id: 2, description: "batched" }]);
    expect(await siteRows(own, "Shot", [["id", "is", 3]], [], true)).toEqual([{ type: "Shot", id: 3 }]);
    expect(batchCalls()).toBe(1);

    // The same kind of batch as CSV: one header with the columns of every row, deletes included.
    const csv = await sg(["batch", JSON.stringify([requests[0] && { ...requests[0], data: { code: "BATCH_0002", project } }, { request_type: "delete", entity_type: "Shot", entity_id: 4 }]), "--format", "csv"], env);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split("\r\n");
    expect(lines[0]).toBe("type,id,code,project,deleted");
    expect(lines[1]).toMatch(/^Shot,\d+,BATCH_0002,Project:1,$/);
    expect(lines[2]).toBe("Shot,4,,,true");
  });

  it("refuses a bad request before sending anything: exit 2, one line naming its path", async () => {
    const before = own.requests().length;
    const requests = [
      { request_type: "create", entity_type: "Shot", data: { code: "BATCH_NEVER", project } },
      { request_type: "update", entity_type: "Shot", entity_id: "two", data: { description: "never" } },
    ];
    const r = await sg(["batch", JSON.stringify(requests)], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^sg: .*requests\[1\]\.entity_id: expected .*got string "two"\n$/);
    expect(own.requests().slice(before).filter((q) => q.method_name !== "info")).toEqual([]);
    expect(await siteRows(own, "Shot", [["code", "is", "BATCH_NEVER"]], [])).toEqual([]);
  });

  it("applies nothing when the site refuses a request partway, and never sends the batch twice", async () => {
    const calls = batchCalls();
    const requests = [
      { request_type: "create", entity_type: "Shot", data: { code: "BATCH_HALF", project } },
      { request_type: "update", entity_type: "Shot", entity_id: 1, data: { description: "half applied" } },
      { request_type: "update", entity_type: "Shot", entity_id: 999999, data: { description: "no such shot" } },
    ];
    const r = await sg(["batch", JSON.stringify(requests)], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^sg: .*999999/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(batchCalls()).toBe(calls + 1);
    expect(await siteRows(own, "Shot", [["code", "is", "BATCH_HALF"]], [])).toEqual([]);
    expect(await siteRows(own, "Shot", [["description", "is", "half applied"]], [])).toEqual([]);
  });

  it("surfaces a reply that cannot be matched to the requests with its hint, exit 6 (may have been applied), sent once", async () => {
    // A site in front of the emulator that answers every batch with one result, whatever it was asked.
    let batches = 0;
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        if (/"method_name"\s*:\s*"batch"/.test(body.toString())) {
          batches++;
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: [true] }));
          return;
        }
        void fetch(own.url + (req.url ?? "/"), { method: req.method ?? "GET", headers: { "content-type": req.headers["content-type"] ?? "application/json" }, ...(body.length ? { body } : {}) }).then(async (answer) => {
          res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" }).end(Buffer.from(await answer.arrayBuffer()));
        });
      });
    });
    await new Promise<void>((res) => proxy.listen(0, "127.0.0.1", res));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const requests = [
        { request_type: "update", entity_type: "Shot", entity_id: 1, data: { description: "mismatched" } },
        { request_type: "delete", entity_type: "Shot", entity_id: 5 },
      ];
      const r = await sg(["batch", JSON.stringify(requests)], { ...env, SG_SITE: url });
      expect(r.code).toBe(6);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^sg: .*'batch' did not return one result per request in order \(2: /);
      expect(r.stderr).toContain("\nhint: The write may have landed; check the site before retrying it.\n");
      expect(batches).toBe(1);
    } finally {
      await new Promise((res) => proxy.close(res));
    }
  });

  it("reads the requests from standard input (-) or a file (@path); an empty list sends nothing", async () => {
    const fromStdin = await sg(["batch", "-", "--format", "jsonl"], env, undefined, JSON.stringify([{ request_type: "update", entity_type: "Shot", entity_id: 6, data: { description: "from stdin" } }]));
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toMatchObject({ type: "Shot", id: 6, description: "from stdin" });
    expect(await siteRows(own, "Shot", [["id", "is", 6]], ["description"])).toEqual([{ type: "Shot", id: 6, description: "from stdin" }]);
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-batch-"));
    try {
      writeFileSync(join(dir, "requests.json"), JSON.stringify([{ request_type: "create", entity_type: "Shot", data: { code: "BATCH_FILE", project } }]));
      const fromFile = await sg(["batch", `@${join(dir, "requests.json")}`, "--format", "jsonl"], env);
      expect(fromFile.code, fromFile.stderr).toBe(0);
      const id = (JSON.parse(fromFile.stdout) as { id: number }).id;
      expect(await siteRows(own, "Shot", [["code", "is", "BATCH_FILE"]], [])).toEqual([{ type: "Shot", id }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const calls = batchCalls();
    const empty = await sg(["batch", "[]"], env);
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout)).toEqual([]);
    // As sg find with no rows: a csv header, of the columns every row of a batch has.
    const emptyCsv = await sg(["batch", "[]", "--format", "csv"], env);
    expect(emptyCsv.code, emptyCsv.stderr).toBe(0);
    expect(emptyCsv.stdout).toBe("type,id\r\n");
    expect((await sg(["batch", "[]", "--format", "jsonl"], env)).stdout).toBe("");
    expect(batchCalls()).toBe(calls);
  });

  it("has help, and a bad JSON argument is a usage error", async () => {
    const help = await sg(["help", "batch"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: sg batch <requests-json\|-\|@file>\n/);
    expect((await sg(["batch", "--help"])).stdout).toBe(help.stdout);
    expect((await sg([])).stderr).toMatch(/\n {2}batch <requests-json\|-\|@file> +/);
    const bad = await sg(["batch", "[{"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split("\n")[0]).toMatch(/^sg: requests is not valid JSON: /);
  });
});

describe("sg summarize", () => {
  let own: EmulatorHandle;
  let env: Record<string, string> = {};
  // The demo site: SQ010 holds shots in wtg, ip, fin; SQ020 in rdy, ip, hld.
  useDemoSite((h, e) => ((own = h), (env = e)));

  it("without grouping: the summaries as one record, from the short form or JSON, with filters", async () => {
    const short = await sg(["summarize", "Shot", "id:count, created_at:latest"], env);
    expect(short.code, short.stderr).toBe(0);
    const summaries = JSON.parse(short.stdout) as Record<string, unknown>;
    expect(Object.keys(summaries)).toEqual(["id", "created_at"]);
    expect(summaries["id"]).toBe(6);
    expect(summaries["created_at"]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const json = await sg(["summarize", "Shot", '[{"field": "id", "type": "count"}]', '[["sg_status_list", "is", "ip"]]'], env);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ id: 2 });
    const any = await sg(["summarize", "Shot", "id:count", '[["sg_status_list", "is", "ip"], ["sg_status_list", "is", "fin"]]', "--filter-operator", "any", "--format", "csv"], env);
    expect(any.code, any.stderr).toBe(0);
    expect(any.stdout).toBe("id\r\n3\r\n");
  });

  it("with grouping: the totals, then every group depth first with its path, in json and csv", async () => {
    const grouping = '[{"field": "sg_sequence", "type": "exact"}, {"field": "sg_status_list", "type": "exact", "direction": "desc"}]';
    const json = await sg(["summarize", "Shot", "id:count", "--grouping", grouping], env);
    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout) as { level: number; group: string[]; group_value: unknown; id: number }[];
    expect(rows[0]).toEqual({ level: 0, group: [], group_value: null, id: 6 });
    expect(rows.map((r) => r.group.join("/"))).toEqual(["", "SQ010", "SQ010/wtg", "SQ010/ip", "SQ010/fin", "SQ020", "SQ020/rdy", "SQ020/ip", "SQ020/hld"]);
    expect(rows.map((r) => r.level)).toEqual([0, 1, 2, 2, 2, 1, 2, 2, 2]);
    expect(rows[1]).toEqual({ level: 1, group: ["SQ010"], group_value: { type: "Sequence", id: 1, name: "SQ010" }, id: 3 });
    expect(rows[2]).toEqual({ level: 2, group: ["SQ010", "wtg"], group_value: "wtg", id: 1 });
    // The short form of --grouping is field:type[:direction].
    const csv = await sg(["summarize", "Shot", "id:count", '[["sg_status_list", "is_not", "hld"]]', "--grouping", "sg_sequence:exact,sg_status_list:exact:desc", "--format", "csv"], env);
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split("\r\n")).toEqual(["level,group,group_value,id", "0,,,5", "1,SQ010,Sequence:1,3", "2,SQ010;wtg,wtg,1", "2,SQ010;ip,ip,1", "2,SQ010;fin,fin,1", "1,SQ020,Sequence:2,2", "2,SQ020;rdy,rdy,1", "2,SQ020;ip,ip,1", ""]);
  });

  it("refuses bad summaries or grouping before sending, exit 2", async () => {
    const before = own.requests().length;
    const cases: [string[], RegExp][] = [
      [["Shot", '[{"field": "id"'], /^sg: summaries is not valid JSON: /],
      [["Shot", "id"], /^sg: summaries: 'id' is not field:type/],
      [["Shot", "id:count:asc"], /^sg: summaries: 'id:count:asc' is not field:type/],
      [["Shot", "id:frob"], /^sg: .*summaryFields\[0\]\.type: expected .*got string "frob"/],
      [["Shot", "[]"], /^sg: .*summaryFields: expected a non-empty array/],
      [["Shot", "id:count", "--grouping", "[{"], /^sg: grouping is not valid JSON: /],
      [["Shot", "id:count", "--grouping", "sg_status_list:exact:sideways"], /^sg: .*grouping\[0\]\.direction: expected /],
    ];
    for (const [args, message] of cases) {
      const r = await sg(["summarize", ...args], env);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr, args.join(" ")).toMatch(message);
    }
    expect(own.requests().slice(before).filter((q) => q.method_name === "summarize")).toEqual([]);
  });

  it("has help", async () => {
    const help = await sg(["help", "summarize"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: sg summarize <Entity> <summaries> \[filters-json\]\n/);
    expect(help.stdout).toMatch(/\n {2}--grouping <[^>]+> +/);
    expect(help.stdout).toMatch(/\n {2}--filter-operator <all\|any> +/);
    expect((await sg(["summarize", "--help"])).stdout).toBe(help.stdout);
  });
});

describe("writes, schema, files, whoami", () => {
  it("creates, updates, deletes and revives", async () => {
    const created = await sg(["create", "Shot", '{"code": "CLI_0001", "project": {"type": "Project", "id": 1}}', "--fields", "code"], scriptEnv);
    expect(created.code).toBe(0);
    const record = JSON.parse(created.stdout) as { id: number; code: string };
    expect(record.code).toBe("CLI_0001");
    const updated = await sg(["update", "Shot", String(record.id), '{"description": "from the cli"}', "--format", "jsonl"], scriptEnv);
    expect(JSON.parse(updated.stdout)).toMatchObject({ id: record.id, description: "from the cli" });
    const deleted = await sg(["delete", "Shot", String(record.id)], scriptEnv);
    expect(JSON.parse(deleted.stdout)).toEqual({ type: "Shot", id: record.id, deleted: true });
    const revived = await sg(["revive", "Shot", String(record.id), "--format", "table"], scriptEnv);
    expect(revived.stdout).toMatch(/revived\s+true/);
  });

  it("shows control characters of a value as visible symbols in a table, never sends them to the terminal", async () => {
    // A tab or carriage return breaks the columns; ESC sequences recolour, retitle or clear a person's terminal.
    const nasty = "a\tb\rc\u001b[31mred\u001b]0;title\u0007end\u009b";
    const shot = await sg(["create", "Shot", JSON.stringify({ code: "CTRL\u001b[2J_0001", description: nasty, project: { type: "Project", id: 1 } })], scriptEnv);
    expect(shot.code, shot.stderr).toBe(0);
    const id = (JSON.parse(shot.stdout) as { id: number }).id;
    const table = await sg(["find", "Shot", `[["id", "in", [1, ${id}]]]`, "--fields", "code,description", "--format", "table"], scriptEnv);
    const single = await sg(["update", "Shot", String(id), JSON.stringify({ description: nasty }), "--format", "table"], scriptEnv);
    for (const r of [table, single]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
      expect(r.stdout).toContain("a␉b␍c␛[31mred␛]0;title␇end�");
    }
    // Each symbol is one column wide, so the rows stay aligned under their header.
    const lines = table.stdout.split("\n");
    const descriptionAt = lines[0]?.indexOf("description") ?? -1;
    expect(lines.find((l) => l.includes("CTRL"))?.indexOf("a␉b")).toBe(descriptionAt);
    expect(lines.find((l) => l.startsWith("Shot  1 "))?.indexOf("Shot 1 of")).toBe(descriptionAt);
    // Machine formats keep the value exactly.
    const json = await sg(["find", "Shot", `[["id", "is", ${id}]]`, "--fields", "description", "--format", "jsonl"], scriptEnv);
    expect((JSON.parse(json.stdout) as { description: string }).description).toBe(nasty);
  });

  it("reads the schema: entity types, an entity's fields, one field", async () => {
    const types = await sg(["schema", "--format", "jsonl"], scriptEnv);
    expect(types.stdout).toContain('{"entity_type":"Shot","name":"Shot"}');
    const fields = await sg(["schema", "Shot", "--format", "csv"], scriptEnv);
    expect(fields.stdout).toMatch(/\r\nsg_status_list,Status,status_list,true,false,/);
    const one = await sg(["schema", "Shot", "sg_status_list"], scriptEnv);
    expect((JSON.parse(one.stdout) as { data_type: { value: string } }).data_type.value).toBe("status_list");
  });

  it("an upload of a missing or empty file names its whole path, however long", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-path-"));
    const folder = join(dir, "rv-publish", "files", "sequences", "SQ010", "sh020", "publish", "v002");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "sh020_v002_empty.mov"), "");
    for (const file of [join(folder, "sh020_v002.mov"), join(folder, "sh020_v002_empty.mov")]) {
      const r = await sg(["upload", "Version", "1", file], scriptEnv);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`'${file}'`);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("uploads a file and downloads it again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-files-"));
    const file = join(dir, "notes.txt");
    writeFileSync(file, "hello from sg upload\n");
    const up = await sg(["upload", "Shot", "1", file, "--display-name", "notes"], scriptEnv);
    expect(up.code).toBe(0);
    const id = (JSON.parse(up.stdout) as { attachment_id: number }).attachment_id;
    expect(id).toBeGreaterThan(0);
    const out = join(dir, "back.txt");
    const down = await sg(["download", String(id), "--out", out], scriptEnv);
    expect(down.code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe("hello from sg upload\n");
    const piped = await sg(["download", String(id)], scriptEnv);
    expect(piped.stdout).toBe("hello from sg upload\n");
    // --out in a folder that is not there: refused before the download is asked for, the folder named, with what to
    // do, and nothing is left behind.
    const missing = await sg(["download", String(id), "--out", join(dir, "nope", "back.txt")], scriptEnv);
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toContain("--out: expected a file path in an existing folder");
    expect(missing.stderr).toContain(`hint: Create the folder ${join(dir, "nope")} first`);
    expect(readdirSync(dir).sort()).toEqual(["back.txt", "notes.txt"]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("a download to stdout refused by the site gives the entity API's error and hint, as with --out", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-refused-"));
    const file = join(dir, "scan.txt");
    writeFileSync(file, "being scanned\n");
    const up = await sg(["upload", "Shot", "1", file], scriptEnv);
    const id = (JSON.parse(up.stdout) as { attachment_id: number }).attachment_id;
    for (const out of [[], ["--out", join(dir, "back.txt")]]) {
      site.injectFault({ method: `/file_serve/attachment/${id}`, status: 409, times: 1 });
      const r = await sg(["download", String(id), ...out], scriptEnv);
      // 409: still being scanned, worth trying later (exit-status.test.ts).
      expect(r.code).toBe(5);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`failed to download ${site.url}/file_serve/attachment/${id} (HTTP 409)`);
      expect(r.stderr).toContain("hint: The file is still being scanned for malware; try again later.");
      expectNoSecrets(r);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("says who the credentials are", async () => {
    const r = await sg(["whoami"], scriptEnv);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ site: site.url, user: { type: "ApiUser" } });
  });
});

describe("API errors exit with their kind's status, one line and a hint", () => {
  it("explains a refused key without a stack or a secret", async () => {
    const r = await sg(["find", "Shot"], { ...scriptEnv, SG_SCRIPT_KEY: "marker-wrong-key-1234567890" });
    expect(r.code).toBe(3);
    expect(r.stderr.split("\n")[0]).toMatch(/^sg: .*refused/);
    expect(r.stderr).toMatch(/\nhint: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expectNoSecrets(r, ["marker-wrong-key-1234567890"]);
  });

  it("says what to do in flags and commands, not in the libraries' option names", async () => {
    const key = await sg(["find", "Shot"], { ...scriptEnv, SG_SCRIPT_KEY: "marker-wrong-key-1234567890" });
    expect(key.stderr).toContain("\nhint: Check --script-name and --script-key (or SG_SCRIPT_NAME/SG_SCRIPT_KEY) against Admin → Scripts");
    const session = await sg(["find", "Shot"], { SG_SITE: site.url, SG_SESSION_TOKEN: "marker-expired-session-token-1" });
    expect(session.code).toBe(3);
    expect(session.stderr).toContain("\nhint: Unset SG_SESSION_TOKEN, then run `sg login` (or `sg login --browser`) to save a new session (a token given wins over the saved session)");
    const sudo = await sg(["find", "Shot", "--sudo-as", "nobody_by_that_login"], scriptEnv);
    expect(sudo.stderr).toContain("\nhint: --sudo-as is the person's login as shown under Admin → People");
    for (const r of [key, session, sudo]) {
      expect(r.stderr.split("\n").filter((line) => line.startsWith("hint: "))).toHaveLength(1);
      expect(r.stderr).not.toMatch(/browserLogin\(|sessionAuth|scriptKey is|sudoAsLogin is/);
    }
    expectNoSecrets(session, ["marker-expired-session-token-1"]);
  });

  it("logs every HTTP attempt and the stack with --debug, secrets redacted", async () => {
    site.injectFault({ method: "read", status: 502, times: 1 });
    const r = await sg(["find", "NoSuchEntity", "--debug"], scriptEnv);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/\[debug\] @sg\/transport: read attempt 1: HTTP 502/);
    expect(r.stderr).toMatch(/\[debug\] @sg\/transport: read attempt 2: HTTP 200/);
    expect(r.stderr).toMatch(/^sg: Entity type "NoSuchEntity"/m);
    expect(r.stderr).toMatch(/\n\s+at /);
    expectNoSecrets(r);
  });
});

describe("signals", () => {
  it("SIGINT aborts the call in flight and exits 130 with one line, not after the site answers", async () => {
    const slow = await startEmulator({ fixtures: "empty" });
    try {
      // The site holds the answer of the next read for a long time; Ctrl-C must not wait for it.
      slow.injectFault({ method: "read", delayMs: 20_000, times: 1 });
      const env = scriptEnvOf(slow);
      const child = spawn(process.execPath, [BIN, "find", "Project", "--debug"], {
        env: { PATH: process.env["PATH"] ?? "", HOME: configDir, SG_CONFIG_DIR: configDir, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      let sent = false;
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        // `info` answered: sg is running and the read is about to be (or is) in flight.
        if (!sent && /info attempt 1: HTTP 200/.test(stderr)) {
          sent = true;
          child.kill("SIGINT");
        }
      });
      const code = await new Promise<number | null>((res) => child.on("close", res));
      // The emulator logs a request when it answers it, 20 s after it arrived: none logged means sg exited
      // before the site answered. (Exit code and message alone also held for an sg that waited the 20 s out.)
      const answeredReads = slow.requests().filter((r) => r.method_name === "read");
      expect(answeredReads).toEqual([]);
      expect(sent).toBe(true);
      expect(code, stderr).toBe(130);
      expect(stderr).toMatch(/^sg: interrupted/m);
      expect(stdout).toBe("");
      expectNoSecrets({ code, stdout, stderr }, [env["SG_SCRIPT_KEY"] ?? ""]);
    } finally {
      await slow.close();
    }
  });
});

describe("signals while a JSON argument is read from standard input", () => {
  it("SIGINT ends `sg batch -` with 130 while standard input is still open, and sends nothing", async () => {
    const batchesBefore = site.requests().filter((r) => r.method_name === "batch").length;
    const child = spawn(process.execPath, [BIN, "batch", "-", "--format", "jsonl"], {
      env: { PATH: process.env["PATH"] ?? "", HOME: configDir, SG_CONFIG_DIR: configDir, ...scriptEnv },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((res) => child.on("close", res));
    // 1 MiB is far more than a pipe buffers: once it is all written, sg is reading its standard input (so its
    // signal handlers are installed). The input is never ended, as when a generator upstream hangs.
    await new Promise<void>((res, rej) => child.stdin.write(`[${" ".repeat(1 << 20)}`, (error) => (error ? rej(error) : res())));
    child.kill("SIGINT");
    // sg leaves at once on a second signal; only the first is sent, and a hung sg is killed after 10 s.
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    const code = await closed;
    clearTimeout(killer);
    child.stdin.destroy();
    expect(code, stderr).toBe(130);
    expect(stderr).toBe("sg: interrupted (SIGINT)\n");
    expect(stdout).toBe("");
    expect(site.requests().filter((r) => r.method_name === "batch")).toHaveLength(batchesBefore);
  });
});

describe("sg doctor explains every auth failure", () => {
  const user = (h: EmulatorHandle, login: string): string => h.card.users.find((u) => u.login === login)?.password ?? "";
  const doctor = async (env: Record<string, string>, args: string[] = []): Promise<{ r: Result; problem: string | undefined; ok: boolean }> => {
    const r = await sg(["doctor", "--format", "json", ...args], env);
    expectNoSecrets(r);
    const report = JSON.parse(r.stdout) as { ok: boolean; checks: { ok?: boolean; problem?: string }[] };
    return { r, ok: report.ok, problem: report.checks.find((c) => c.ok === false)?.problem };
  };
  const idEnv = (): Record<string, string> => ({ SG_SITE: identity.url });

  it("passes with good credentials and prints one screen", async () => {
    const r = await sg(["doctor"], { ...idEnv(), SG_SCRIPT_NAME: identity.card.scripts[0]?.name ?? "", SG_SCRIPT_KEY: identity.card.scripts[0]?.key ?? "" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Autodesk Identity");
    expect(r.stdout).toContain("ShotGrid 8.");
    expect(r.stdout).toContain("All checks passed.");
  });

  it("wrong script key", async () => {
    const d = await doctor({ ...idEnv(), SG_SCRIPT_NAME: identity.card.scripts[0]?.name ?? "", SG_SCRIPT_KEY: "0".repeat(64) });
    expect(d.r.code).toBe(7);
    expect(d.problem).toBe("script-rejected");
  });

  it("no PAT bound on an Identity site", async () => {
    const d = await doctor({ ...idEnv(), SG_LOGIN: "nopat", SG_PASSWORD: user(identity, "nopat") });
    expect(d.r.code).toBe(7);
    expect(d.problem).toBe("pat-missing-or-revoked");
    expect(d.r.stdout).toContain("Personal Access Token");
  });

  it("a wrong passphrase on an Identity site: the refusal names no PAT, so the fix checks the login and passphrase first", async () => {
    const d = await doctor({ ...idEnv(), SG_LOGIN: "nopat", SG_PASSWORD: "marker-wrong-passphrase" });
    expect(d.r.code).toBe(7);
    expect(d.problem).toBe("pat-missing-or-revoked");
    expect(d.r.stdout).toMatch(/Check --login and --password \(or SG_LOGIN\/SG_PASSWORD\) and that the account is active; if they are right, no valid PAT is bound/);
    expect(d.r.stdout).not.toContain("marker-wrong-passphrase");
    // where the site says no PAT is bound, the PAT steps come first
    const bound = await doctor({ ...idEnv(), SG_LOGIN: "nopat", SG_PASSWORD: user(identity, "nopat") });
    expect(bound.r.stdout).not.toContain("Check --login and --password");
  });

  it("no passphrase set on an Identity site", async () => {
    const d = await doctor({ ...idEnv(), SG_LOGIN: "nopass", SG_PASSWORD: "marker-not-a-passphrase" });
    expect(d.r.code).toBe(7);
    expect(d.problem).toBe("no-passphrase");
    expect(d.r.stdout).not.toContain("marker-not-a-passphrase");
  });

  it("two-factor code needed", async () => {
    const d = await doctor({ ...idEnv(), SG_LOGIN: "artist", SG_PASSWORD: user(identity, "artist") });
    expect(d.r.code).toBe(7);
    expect(d.problem).toBe("2fa-required");
    const withCode = await doctor({ ...idEnv(), SG_LOGIN: "artist", SG_PASSWORD: user(identity, "artist") }, ["--2fa-code", identity.issueTwoFactorCode("artist")]);
    expect(withCode.ok).toBe(true);
  });

  it("a locked account: says to stop retrying, not to check the password or bind a PAT", async () => {
    identity.injectFault({ method: "get_session_token", errorCode: 102, message: "Can't authenticate user 'coord'. This account has been locked after too many failed login attempts." });
    const d = await doctor({ ...idEnv(), SG_LOGIN: "coord", SG_PASSWORD: user(identity, "coord") });
    expect(d.r.code).toBe(7);
    expect(d.problem).toBe("account-locked");
    expect(d.r.stdout).toContain("Stop retrying");
  });

  it("sudo refused", async () => {
    const d = await doctor({ ...idEnv(), SG_SCRIPT_NAME: identity.card.scripts[0]?.name ?? "", SG_SCRIPT_KEY: identity.card.scripts[0]?.key ?? "" }, ["--sudo-as", "private"]);
    expect(d.r.code).toBe(7);
    expect(d.problem).toBe("sudo-refused");
  });

  it("SSO site", async () => {
    const d = await doctor({ SG_SITE: sso.url, SG_LOGIN: "admin", SG_PASSWORD: user(sso, "admin") });
    expect(d.r.code).toBe(7);
    expect(d.problem).toBe("sso-site");
    expect(d.r.stdout).toContain("sg login --browser");
  });

  it("no credentials at all", async () => {
    const d = await doctor(idEnv());
    expect(d.r.code).toBe(7);
    expect(d.problem).toBe("no-credentials");
  });

  it("revoked PAT: still accepted within the hour after its exchange, refused after it; expired session", async () => {
    const env = { ...idEnv(), SG_CONFIG_DIR: mkdtempSync(join(tmpdir(), "sg-cli-revoke-")) };
    const login = await sg(["login", "--login", "coord", "--password", user(identity, "coord")], env);
    expect(login.code).toBe(0);
    identity.setPat("coord", "revoked");
    const within = await doctor({ ...env, SG_LOGIN: "coord", SG_PASSWORD: user(identity, "coord") });
    expect(within.ok).toBe(true);
    identity.advanceClock(3601);
    const after = await doctor({ ...env, SG_LOGIN: "coord", SG_PASSWORD: user(identity, "coord") });
    expect(after.r.code).toBe(7);
    expect(after.problem).toBe("pat-revoked");
    const expired = await doctor(env);
    expect(expired.r.code).toBe(7);
    expect(expired.problem).toBe("session-expired");
    expect(expired.r.stdout).toContain("sg login");
    identity.setPat("coord", "valid");
  });
});

describe("login and logout", () => {
  it("explains a refused login in sg's flags, not the library's option names (no 2FA code, no terminal)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-login-hint-"));
    try {
      const artist = identity.card.users.find((u) => u.login === "artist");
      const r = await sg(["login", "--login", "artist", "--password", artist?.password ?? ""], { SG_SITE: identity.url, SG_CONFIG_DIR: join(dir, "cfg") });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain("--2fa-code");
      expect(r.stderr).not.toContain("twoFactor");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("saves the session of a legacy login (with a 2FA code) in a 0600 file, uses it, and forgets it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-login-"));
    const env = { SG_SITE: identity.url, SG_CONFIG_DIR: join(dir, "cfg") };
    const artist = identity.card.users.find((u) => u.login === "artist");
    // Typed as an authenticator app shows it ("123 456"): the spaces are removed.
    const code = identity.issueTwoFactorCode("artist");
    const r = await sg(["login", "--login", "artist", "--password", artist?.password ?? "", "--2fa-code", `${code.slice(0, 3)} ${code.slice(3)}`], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("as artist");
    const file = join(dir, "cfg", "credentials.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, "utf8")) as { sites: Record<string, { sessionToken: string; login: string }> };
    const token = saved.sites[identity.url]?.sessionToken ?? "";
    expect(token.length).toBeGreaterThan(8);
    expect(saved.sites[identity.url]?.login).toBe("artist");
    expectNoSecrets(r, [token]);
    const who = await sg(["whoami"], env);
    expect(who.code).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({ login: "artist" });
    expectNoSecrets(who, [token]);
    const out = await sg(["logout"], env);
    expect(out.code).toBe(0);
    expect(existsSync(file)).toBe(true);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ version: 1, sites: {} });
    const after = await sg(["whoami"], env);
    expect(after.code).toBe(3);
    expect(after.stderr).toContain("sg login");
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses to prompt for a passphrase without a terminal", async () => {
    const r = await sg(["find", "Shot"], { SG_SITE: identity.url, SG_LOGIN: "coord" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("SG_PASSWORD");
  });

  it("says what to do when a browser login times out or is not offered, in flags rather than library names", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-browser-fail-"));
    const closed = await startEmulator({ fixtures: "empty", appSessionLauncher: false });
    try {
      // Any limit the global --timeout-ms takes, however short (from 1 ms on), is taken here too.
      const late = await sg(["login", "--browser", "--no-open", "--timeout-ms", "100"], { SG_SITE: sso.url, SG_CONFIG_DIR: dir });
      expect(late.code, late.stderr).toBe(1);
      expect(late.stderr).toMatch(/^sg: .*nobody approved/m);
      expect(late.stderr).toContain("\nhint: Open the URL shown above, log in to the site in that browser and click Approve, then run `sg login --browser` again; --timeout-ms N waits N ms (default 180000).\n");
      const off = await sg(["login", "--browser", "--no-open"], { SG_SITE: closed.url, SG_CONFIG_DIR: dir });
      expect(off.code).toBe(3);
      expect(off.stderr).toMatch(/^sg: .*does not offer login by browser approval/m);
      expect(off.stderr).toContain("\nhint: Ask a site admin to enable it, or pass --session-token (the _session_id cookie of a browser tab logged in to the site), --script-name + --script-key, or run `sg login` with a login and passphrase (sites without SSO).\n");
      for (const r of [late, off]) {
        const hints = r.stderr.split("\n").filter((line) => line.startsWith("hint: "));
        expect(hints).toHaveLength(1);
        expect(hints[0]).not.toMatch(/timeoutMs|sessionAuth|@sg\/auth-/);
      }
    } finally {
      await closed.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("logs in by browser approval", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-browser-"));
    let approved = false;
    const r = await sg(["login", "--browser", "--no-open"], { SG_SITE: sso.url, SG_CONFIG_DIR: dir }, (stderr) => {
      const url = /https?:\/\/\S+/.exec(stderr.split("Approve this login in your browser:")[1] ?? "")?.[0];
      if (url && !approved) {
        approved = true;
        sso.approve(decodeURIComponent(new URL(url).pathname.split("/").pop() ?? ""), "coord");
      }
    });
    expect(r.code).toBe(0);
    expect(statSync(join(dir, "credentials.json")).mode & 0o777).toBe(0o600);
    const who = await sg(["whoami"], { SG_SITE: sso.url, SG_CONFIG_DIR: dir });
    expect(JSON.parse(who.stdout)).toMatchObject({ login: "coord" });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("sg typegen", () => {
  it("writes byte-identical types that compile and type a find", async () => {
    const dir = join(here, "..", ".typegen-test");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    try {
      const first = await sg(["typegen", "--out", join(dir, "sg-schema.ts")], scriptEnv);
      expect(first.code).toBe(0);
      const a = readFileSync(join(dir, "sg-schema.ts"));
      const second = await sg(["typegen", "--out", join(dir, "sg-schema.ts")], scriptEnv);
      expect(second.code).toBe(0);
      expect(readFileSync(join(dir, "sg-schema.ts")).equals(a)).toBe(true);
      writeFileSync(
        join(dir, "use.ts"),
        [
          'import type { Client } from "@sg/core";',
          'import { entityApi } from "@sg/entities";',
          'import { sgFieldTypes, type SgSchema } from "./sg-schema.js";',
          "declare const client: Client;",
          "const api = entityApi<SgSchema>(client, { fieldTypes: sgFieldTypes });",
          "export async function main(): Promise<void> {",
          '  const shots = await api.find("Shot", [["sg_status_list", "is", "ip"]], ["code", "sg_status_list", "sg_sequence"]);',
          "  const first = shots[0];",
          "  if (!first) return;",
          "  const code: string | null = first.code;",
          '  const status: "cbb" | "fin" | "hld" | "ip" | "omt" | "rdy" | "wtg" | null = first.sg_status_list;',
          '  const sequence: { type: "Sequence"; id: number } | null = first.sg_sequence;',
          "  // @ts-expect-error a status the site does not have",
          '  const wrong: typeof first.sg_status_list = "nope";',
          "  // @ts-expect-error a field that was not requested",
          "  void first.description;",
          "  void code, status, sequence, wrong;",
          "}",
          "",
        ].join("\n"),
      );
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true, types: ["node"] }, include: ["*.ts"] }),
      );
      const tsc = await new Promise<Result>((res) => {
        const child = spawn(TSC, ["-p", join(dir, "tsconfig.json")], { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (code) => res({ code, stdout, stderr }));
      });
      expect(tsc.stdout + tsc.stderr).toBe("");
      expect(tsc.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("generates from a saved schema_read file offline", async () => {
    const r = await sg(["typegen", "--schema-file", resolve(here, "../../emulator/data/schema_read.json")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("export type SgSchema = {");
    expect(r.stdout).toContain('readonly sg_status_list: { readonly type: "status_list"; readonly value: "cbb" | "fin" | "hld" | "ip" | "omt" | "rdy" | "wtg" | null };');
  });
});

describe("sg emulator", () => {
  it("takes exactly the flags of sg-emulator: help exits 0, a bad flag exits 2 with the usage", async () => {
    const help = await sg(["emulator", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: sg emulator .*--no-app-session-launcher/);
    const bad = await sg(["emulator", "--rows", "many"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--rows expects an integer/);
    expect(bad.stderr).toMatch(/usage: sg emulator/);
  });

  it("sg help emulator and sg --help emulator show the emulator's own flags, as sg emulator --help does", async () => {
    const own = await sg(["emulator", "--help"]);
    for (const args of [["help", "emulator"], ["--help", "emulator"], ["emulator", "-h"]]) {
      const r = await sg(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout, args.join(" ")).toBe(own.stdout);
    }
    expect(own.stdout).toContain("--rows N");
    // Options of the other commands are not flags of the emulator (it refuses them).
    expect(own.stdout).not.toContain("--format");
    expect((await sg(["emulator", "--format", "json"])).code).toBe(2);
  });

  it("passes the emulator's newer flags through (--no-app-session-launcher)", async () => {
    const child = spawn(process.execPath, [BIN, "emulator", "--fixtures", "empty", "--no-app-session-launcher"], { stdio: ["ignore", "pipe", "pipe"] });
    const line = await new Promise<string>((res) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) res(out.split("\n")[0] ?? "");
      });
    });
    const { url } = JSON.parse(line) as { url: string };
    const v1 = (await (await fetch(`${url}/api/v1`)).json()) as Record<string, unknown>;
    expect(JSON.stringify(v1)).toMatch(/"authentication_app_session_launcher_enabled":false/);
    await new Promise<void>((res) => {
      child.on("close", () => res());
      child.kill("SIGTERM");
    });
  });

  it("prints the site card on one line and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [BIN, "emulator", "--fixtures", "empty", "--auth-mode", "sso"], { stdio: ["ignore", "pipe", "pipe"] });
    const line = await new Promise<string>((res) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) res(out.split("\n")[0] ?? "");
      });
    });
    const card = JSON.parse(line) as { url: string; authMode: string };
    expect(card.authMode).toBe("sso");
    const info = await sg(["doctor", "--format", "json"], { SG_SITE: card.url });
    expect(info.stdout).toContain("SSO");
    const code = await new Promise<number | null>((res) => {
      child.on("close", res);
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
  });

  it("refuses --data FILE readably (exit 1) while another emulator serves FILE, naming the file, its holder and what to do", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-cli-emulator-data-"));
    const file = join(dir, "site.json");
    const holder = await startEmulator({ dataFile: file });
    try {
      const r = await sg(["emulator", "--data", file]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`sg: Data file ${file} is in use by another sg-emulator (pid ${process.pid}, started `);
      expect(r.stderr).toContain("Stop the other emulator, or give this one another data file (--data / dataFile)");
    } finally {
      await holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
