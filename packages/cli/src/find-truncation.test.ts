import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner, scriptEnvOf } from "./test-support/run-sg.js";

const runner = sgRunner();
const sg = runner.run;

let site: EmulatorHandle;
let env: Record<string, string> = {};

beforeAll(async () => {
  site = await startEmulator({ rows: 300, pageSize: 50 });
  env = scriptEnvOf(site);
});

afterAll(async () => {
  await site?.close();
  runner.cleanup();
});

const NOTE = "sg: note: only the first 100 records were written, more match; add --all for every record, or --limit N\n";

describe("sg find without --all or --limit", () => {
  it("says on stderr, piped too, that the default of 100 cut the rows; stdout keeps only the rows", async () => {
    const json = await sg(["find", "Shot", "--fields", "code"], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toHaveLength(100);
    expect(json.stderr).toBe(NOTE);
    const csv = await sg(["find", "Shot", "--fields", "code", "--format", "csv"], env);
    expect(csv.stdout.trimEnd().split("\r\n")).toHaveLength(101);
    expect(csv.stdout).not.toContain("note");
    expect(csv.stderr).toBe(NOTE);
  });

  it("says nothing when nothing was cut (exactly 100 match) or the limit was asked for", async () => {
    const exact = await sg(["find", "Shot", '[["id", "less_than", 101]]', "--format", "jsonl"], env);
    expect(exact.stdout.trim().split("\n")).toHaveLength(100);
    expect(exact.stderr).toBe("");
    for (const args of [["--limit", "100"], ["--limit", "10"], ["--page", "2"]]) {
      const r = await sg(["find", "Shot", ...args], env);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stderr, args.join(" ")).toBe("");
    }
  });
});

describe("--concurrency", () => {
  it("is refused without --all (exit 2, nothing sent), since one page has nothing to run in parallel", async () => {
    const before = site.requests().length;
    for (const args of [["--concurrency", "8"], ["--concurrency", "8", "--limit", "500"], ["--concurrency", "2", "--page", "2"]]) {
      const r = await sg(["find", "Shot", ...args], env);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe("sg: --concurrency only applies with --all (the pages fetched in parallel)\nhint: Add --all to read every page, or leave out --concurrency.\n");
    }
    expect(site.requests().length).toBe(before);
    const count = await sg(["count", "Shot"], env);
    const all = await sg(["find", "Shot", "--all", "--concurrency", "8", "--format", "jsonl"], env);
    expect(all.code).toBe(0);
    expect(all.stdout.trim().split("\n")).toHaveLength((JSON.parse(count.stdout) as { count: number }).count);
    expect(all.stderr).toBe("");
  });

  it("is documented as --all only in sg help find", async () => {
    const help = await sg(["help", "find"]);
    expect(help.stdout).toMatch(/\n {2}--concurrency <N> +with --all only: pages fetched in parallel \(default 4\)\n/);
  });
});

describe("sg help find's --order example", () => {
  it("is written with '=', so it runs as shown (a value after a space that starts with '-' reads as an option)", async () => {
    const help = await sg(["help", "find"]);
    const example = /--order=\S+/.exec(help.stdout)?.[0];
    expect(example).toBe("--order=-created_at,code");
    const run = await sg(["find", "Shot", "--fields", "code", "--limit", "2", "--format", "jsonl", example ?? ""], env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(2);
  });
});

describe("sg find --all that fails part-way", () => {
  it("says on stderr how many records were written before the failing page, since stdout holds only part of them", async () => {
    // two pages of 50 answered, then the third refused with a 500 (not retried for a read)
    site.injectFault({ method: "read", delayMs: 1, times: 2 });
    site.injectFault({ method: "read", status: 500 });
    const r = await sg(["find", "Shot", "--all", "--concurrency", "1", "--format", "jsonl"], env);
    expect(r.code).toBe(5);
    expect(r.stdout.trim().split("\n")).toHaveLength(100);
    expect(r.stderr.split("\n")[0]).toBe("sg: note: the output is incomplete: 100 records were written before a page failed (below)");
    expect(r.stderr).toMatch(/500/);
  });

  it("with --format table says no records were written (a table is written only at the end), not that some were", async () => {
    site.injectFault({ method: "read", delayMs: 1, times: 2 });
    site.injectFault({ method: "read", status: 500 });
    const r = await sg(["find", "Shot", "--all", "--concurrency", "1", "--format", "table"], env);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toBe(
      "sg: note: no records were written: a table is written only at the end, and a page failed (below) after 100 records had been read; use --format jsonl or csv to keep the records read before a failure",
    );
  });

  it("adds no note when the first page fails (nothing was written)", async () => {
    site.injectFault({ method: "read", status: 500 });
    const r = await sg(["find", "Shot", "--all", "--concurrency", "1", "--format", "jsonl"], env);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toContain("incomplete");
  });
});

// `sg find --all --walk-by-id`: pages by id (iterate's walk option) instead of by offset.
const reads = (): number => site.requests().filter((r) => r.method_name === "read").length;

/** What a `read` sent: the part a walk by id sets. */
interface SentRead {
  readonly filters: { logical_operator: string; conditions: { path?: string; relation?: string; values?: unknown[] }[] };
  readonly sorts?: unknown;
  readonly paging: { entities_per_page: number; current_page: number };
}

/**
 * A reverse proxy on 127.0.0.1 in front of the emulator that keeps the payload of every `read` passed through (the
 * emulator's request log has the filter paths, not their values).
 */
async function recordingProxy(upstream: string): Promise<{ url: string; reads: SentRead[]; close: () => Promise<void> }> {
  const target = new URL(upstream);
  const sent: SentRead[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const rpc = (req.headers["content-type"] ?? "").startsWith("application/json") ? (JSON.parse(body.toString("utf8")) as { method_name?: string; params?: unknown[] }) : {};
      if (rpc.method_name === "read") sent.push(rpc.params?.[1] as SentRead);
      const forwarded = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forwarded.on("error", () => res.writeHead(502).end());
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reads: sent,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The id a read of a walk asks for rows above: the value of its `id greater_than` condition, its last. */
const afterOf = (read: SentRead): unknown => {
  const last = read.filters.conditions[read.filters.conditions.length - 1];
  return last?.path === "id" && last.relation === "greater_than" ? last.values?.[0] : "no id condition";
};

/** Run `sg` through a recording proxy: its result, and the reads it sent. */
async function sgRecorded(args: readonly string[]): Promise<{ r: Awaited<ReturnType<typeof sg>>; sent: SentRead[] }> {
  const proxy = await recordingProxy(site.url);
  try {
    const r = await sg(args, scriptEnvOf(site, proxy.url));
    return { r, sent: proxy.reads };
  } finally {
    await proxy.close();
  }
}

const ID_ASCENDING = [{ field_name: "id", direction: "asc" }];

describe("sg find --all --walk-by-id", () => {
  it("writes every matching row once, in id order, each read asking page 1 of the rows above the last id written", async () => {
    const count = (JSON.parse((await sg(["count", "Shot"], env)).stdout) as { count: number }).count;
    const before = reads();
    const { r, sent } = await sgRecorded(["find", "Shot", "--all", "--walk-by-id", "--fields", "code", "--format", "jsonl"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const ids = r.stdout.trim().split("\n").map((line) => (JSON.parse(line) as { id: number }).id);
    expect(ids).toHaveLength(count);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(count);
    // Full pages of 50, the short last one, then one that finds nothing above the last id (offset paging stops at the
    // page whose has_next_page is false, one request sooner).
    const pages = Math.floor(count / 50) + (count % 50 === 0 ? 0 : 1);
    expect(reads() - before).toBe(pages + 1);
    // What was sent, not only how often: each read starts after the last id of the page before it (0 for the first,
    // the last id written for the one that finds nothing), always page 1, by id ascending. Offset paging would send
    // pages 2, 3, … of the same filters.
    expect(sent).toHaveLength(pages + 1);
    expect(sent.map(afterOf)).toEqual([0, ...Array.from({ length: pages }, (_, i) => ids[Math.min(50 * (i + 1), count) - 1])]);
    for (const read of sent) {
      expect(read.paging).toEqual({ entities_per_page: 50, current_page: 1 });
      expect(read.sorts).toEqual(ID_ASCENDING);
      expect(read.filters.logical_operator).toBe("and");
    }
  });

  it("takes --limit and --order id, asking only for the rows left to the limit", async () => {
    const { r, sent } = await sgRecorded(["find", "Shot", "--all", "--walk-by-id", "--order", "id", "--limit", "120", "--format", "jsonl"]);
    expect(r.code).toBe(0);
    const ids = r.stdout.trim().split("\n").map((line) => (JSON.parse(line) as { id: number }).id);
    expect(ids).toHaveLength(120);
    expect(sent.map(afterOf)).toEqual([0, ids[49], ids[99]]);
    expect(sent.map((read) => read.paging)).toEqual([50, 50, 20].map((n) => ({ entities_per_page: n, current_page: 1 })));
    expect(sent.every((read) => JSON.stringify(read.sorts) === JSON.stringify(ID_ASCENDING))).toBe(true);
  });

  it.each([
    [["--walk-by-id"], "sg: --walk-by-id only applies with --all (it reads every page by id)\nhint: Add --all, or leave out --walk-by-id.\n"],
    [["--all", "--walk-by-id", "--concurrency", "2"], "sg: --walk-by-id and --concurrency cannot be combined\nhint: Each page is requested after the last id of the one before it, one at a time.\n"],
    [["--all", "--walk-by-id", "--order", "code"], "sg: --walk-by-id and --order cannot be combined (it reads by id ascending)\nhint: Leave out --order (or give --order id), and sort the rows once written.\n"],
    [["--all", "--walk-by-id", "--order=-id"], "sg: --walk-by-id and --order cannot be combined (it reads by id ascending)\nhint: Leave out --order (or give --order id), and sort the rows once written.\n"],
  ])("refuses %j (exit 2, nothing sent)", async (args, stderr) => {
    const before = site.requests().length;
    const r = await sg(["find", "Shot", ...args], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(stderr);
    expect(site.requests().length).toBe(before);
  });
});
