import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sgRunner, type SgResult, scriptEnvOf } from "./test-support/run-sg.js";

// One exit status per kind of failure (README "Errors, exit status"), each driven through the real `sg` against
// the emulator, its fault injection standing in for a failing network or site.

const runner = sgRunner();
const sg = runner.run;
let site: EmulatorHandle;
let env: Record<string, string> = {};

beforeAll(async () => {
  site = await startEmulator({});
  env = scriptEnvOf(site);
});

afterAll(async () => {
  await site?.close();
  runner.cleanup();
});

// Faults are queued: a test that leaves one unused must not hand it to the next.
afterEach(() => site.reset());

function expectStatus(r: SgResult, code: number): void {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(code);
  expect(r.stderr).toMatch(/^sg: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

/** The description of Shot 1 as the site holds it. */
async function description(): Promise<unknown> {
  const r = await sg(["find", "Shot", '[["id", "is", 1]]', "--fields", "description", "--format", "json"], env);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { description?: unknown }[])[0]?.description;
}

describe("exit status by kind of failure", () => {
  it("2: usage or bad input, whoever caught it (sg, @sg/entities before sending, or the site's validation fault)", async () => {
    expectStatus(await sg(["find", "Shot", "--bogus"], env), 2);
    expectStatus(await sg(["find", "Shot", '[["code", "bogus", 1]]'], env), 2);
    const before = site.requests().length;
    // The site's own answer to a field it does not have: fault 103, bad input like the two above.
    const r = await sg(["find", "Shot", '[["no_such_field", "is", 1]]'], env);
    expectStatus(r, 2);
    expect(r.stderr).toContain("no_such_field");
    expect(site.requests().length).toBeGreaterThan(before);
  });

  it("3: authentication, credentials or permission", async () => {
    const wrongKey = await sg(["find", "Shot"], { ...env, SG_SCRIPT_KEY: "0".repeat(64) });
    expectStatus(wrongKey, 3);
    const none = await sg(["find", "Shot"], { SG_SITE: site.url });
    expectStatus(none, 3);
    expect(none.stderr).toContain("no credentials");
    site.injectFault({ method: "read", errorCode: 104, message: "Permission denied: read Shot" });
    expectStatus(await sg(["find", "Shot"], env), 3);
  });

  it("4: the entity type or record id the command names does not exist", async () => {
    expectStatus(await sg(["find", "NoSuchType"], env), 4);
    expectStatus(await sg(["update", "Shot", "999999", '{"description": "x"}'], env), 4);
    expectStatus(await sg(["delete", "Shot", "999999"], env), 4);
    // A missing record only linked from the data is bad input, not the record the command names.
    expectStatus(await sg(["update", "Shot", "1", '{"sg_sequence": {"type": "Sequence", "id": 999999}}'], env), 2);
  });

  it("4: the record the command names is retired, for update as for upload; in a batch it stays bad input (2)", async () => {
    const created = await sg(["create", "Shot", JSON.stringify({ code: "retired_update", project: { type: "Project", id: 1 } })], env);
    const id = (JSON.parse(created.stdout) as { id: number }).id;
    expect((await sg(["delete", "Shot", String(id)], env)).code).toBe(0);
    const r = await sg(["update", "Shot", String(id), '{"description": "x"}'], env);
    expectStatus(r, 4);
    expect(r.stderr).toContain(`Shot with id ${id} is retired`);
    const batch = JSON.stringify([{ request_type: "update", entity_type: "Shot", entity_id: id, data: { description: "x" } }]);
    expectStatus(await sg(["batch", batch], env), 2);
  });

  it("5: network failure or site unavailable with nothing applied: a refused connection, a 503, a dropped read", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expectStatus(await sg(["find", "Shot"], { ...env, SG_SITE: `http://127.0.0.1:${port}` }), 5);

    site.injectFault({ method: "read", status: 503, times: 3 });
    expectStatus(await sg(["find", "Shot"], env), 5);

    // A read that may have reached the site changed nothing: safe to retry, whatever `maybeSent` says.
    site.injectFault({ method: "read", dropConnection: true, when: "after", times: 3 });
    expectStatus(await sg(["find", "Shot"], env), 5);

    // A write the site refused with 429 (too many requests) was not processed.
    site.injectFault({ method: "update", status: 429, retryAfter: 0, times: 10 });
    expectStatus(await sg(["update", "Shot", "1", '{"description": "behind a 429"}'], env), 5);
    expect(await description()).not.toBe("behind a 429");
    // Nor one answered 408: the request did not arrive whole. (The 429s left in the queue would answer it instead.)
    site.reset();
    site.injectFault({ method: "update", status: 408, times: 10 });
    expectStatus(await sg(["update", "Shot", "1", '{"description": "behind a 408"}'], env), 5);
    expect(await description()).not.toBe("behind a 408");
  });

  it("6: an upload answered 503 gets the may-have-been-applied hint, not the library's own", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-exit-upload-"));
    try {
      writeFileSync(join(dir, "up.txt"), "hello");
      site.injectFault({ method: "/upload/upload_file", status: 503, times: 5 });
      const r = await sg(["upload", "Shot", "1", join(dir, "up.txt")], env);
      expectStatus(r, 6);
      expect(r.stderr).toContain("hint: the upload may have been applied all the same (HTTP 503");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const status of [502, 504]) {
    it(`6: a write answered ${status} by a gateway (not sent again) may have reached the site`, async () => {
      // The emulator's fault does not process the write, but a real gateway's ${status} cannot tell: sg must not say "safe to retry".
      site.injectFault({ method: "update", status, times: 10 });
      const updates = (): number => site.requests().filter((q) => q.method_name === "update").length;
      const before = updates();
      const r = await sg(["update", "Shot", "1", `{"description": "behind a ${status}"}`], env);
      expectStatus(r, 6);
      expect(updates() - before).toBe(1);
      expect(r.stderr).toContain("hint: the update may have been applied all the same");
      // A read answered the same is still 5: nothing was changed.
      site.reset();
      site.injectFault({ method: "read", status, times: 10 });
      expectStatus(await sg(["find", "Shot"], env), 5);
    });
  }

  it("6: `sg batch` answered 502 by a gateway is a write that may have been applied, never 5 (safe to retry)", async () => {
    site.injectFault({ method: "batch", status: 502, times: 10 });
    const batches = (): number => site.requests().filter((q) => q.method_name === "batch").length;
    const before = batches();
    const r = await sg(["batch", '[{"request_type": "create", "entity_type": "Shot", "data": {"code": "SH_BATCH_502"}}]'], env);
    expectStatus(r, 6);
    expect(batches() - before).toBe(1);
    expect(r.stderr).toContain("hint: the batch may have been applied all the same (HTTP 502");
  });

  // HTTP 413 (Payload Too Large): a gateway's body limit refused the request before the site processed it, as a batch
  // of 2,000 Versions can hit. Nothing was applied and the same command fails again: 2 (fix the command), never 1 nor
  // 6, with the hint to send less per request.
  const TOO_LARGE_HINT = "hint: The site or a proxy in front of it refused the request as too large (HTTP 413): nothing was applied. Send smaller requests: fewer requests per batch, fewer or shorter values, or a smaller upload.";

  it("2: `sg batch` answered 413 (a body too large) was not applied: sent once, with the hint to send smaller batches", async () => {
    site.injectFault({ method: "batch", status: 413, body: "<html><body><h1>413 Request Entity Too Large</h1></body></html>", times: 5 });
    const dir = mkdtempSync(join(tmpdir(), "sg-exit-413-"));
    try {
      const file = join(dir, "requests.json");
      writeFileSync(file, JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ request_type: "create", entity_type: "Version", data: { code: `too_large_${i}`, project: { type: "Project", id: 1 } } }))));
      const batches = (): number => site.requests().filter((q) => q.method_name === "batch").length;
      const before = batches();
      const r = await sg(["batch", `@${file}`], env);
      expectStatus(r, 2);
      expect(r.stderr).toMatch(/^sg: HTTP 413 .*'batch'/);
      expect(r.stderr).toContain(`\n${TOO_LARGE_HINT}\n`);
      expect(r.stderr).not.toMatch(/may have been applied/);
      expect(batches() - before).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("2: an update or a find answered 413, with the same hint; the record is unchanged", async () => {
    site.injectFault({ method: "update", status: 413, times: 5 });
    const r = await sg(["update", "Shot", "1", '{"description": "behind a 413"}'], env);
    expectStatus(r, 2);
    expect(r.stderr).toContain(`\n${TOO_LARGE_HINT}\n`);
    site.reset();
    expect(await description()).not.toBe("behind a 413");
    site.injectFault({ method: "read", status: 413, times: 5 });
    const read = await sg(["find", "Shot"], env);
    expectStatus(read, 2);
    expect(read.stderr).toContain(`\n${TOO_LARGE_HINT}\n`);
  });

  it("5: a download refused with 409 (still being scanned) is worth trying later; 410 (quarantined) stays 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-exit-download-"));
    try {
      const file = join(dir, "scanned.txt");
      writeFileSync(file, "scan me\n");
      const up = await sg(["upload", "Shot", "1", file, "--format", "jsonl"], env);
      expect(up.code, up.stderr).toBe(0);
      const id = (JSON.parse(up.stdout) as { attachment_id: number }).attachment_id;
      site.injectFault({ method: `/file_serve/attachment/${id}`, status: 409, times: 5 });
      const scanning = await sg(["download", String(id), "--out", join(dir, "out-409")], env);
      expectStatus(scanning, 5);
      expect(scanning.stderr).toContain("still being scanned");
      site.reset();
      site.injectFault({ method: `/file_serve/attachment/${id}`, status: 410, times: 5 });
      const quarantined = await sg(["download", String(id), "--out", join(dir, "out-410")], env);
      expectStatus(quarantined, 1);
      expect(quarantined.stderr).toContain("quarantined");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("6: a write that may have been applied: the connection dropped after the site processed it", async () => {
    site.injectFault({ method: "update", dropConnection: true, when: "after" });
    const r = await sg(["update", "Shot", "1", '{"description": "landed unseen"}'], env);
    expectStatus(r, 6);
    expect(r.stderr).toMatch(/check/i);
    expect(await description()).toBe("landed unseen");
  });

  it("6: a create that landed but whose image could not be read back (a read answered 503): the write is applied, not 5 from the cause", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-exit-partial-"));
    try {
      const png = join(dir, "thumb.png");
      // A 1×1 PNG.
      writeFileSync(png, Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64"));
      const before = site.requests().length;
      // The create and the upload succeed; only the read-back of the image (a read, safe to retry on its own) fails.
      site.injectFault({ method: "read", status: 503, times: 10 });
      const r = await sg(["create", "Shot", JSON.stringify({ code: "SH_PARTIAL_503", project: { type: "Project", id: 1 }, image: png })], env);
      expectStatus(r, 6);
      expect(r.stderr).toContain("was created, but reading back its image failed");
      // The create went once and landed (answered by the site, not by a fault); the read-back got the 503s.
      const sent = site.requests().slice(before);
      expect(sent.filter((q) => q.method_name === "create").map((q) => [q.status, Boolean(q.injected)])).toEqual([[200, false]]);
      expect(sent.some((q) => q.method_name === "read" && q.status === 503 && Boolean(q.injected))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("7: sg doctor found a problem; 0 when every check passed", async () => {
    const failed = await sg(["doctor"], { ...env, SG_SCRIPT_KEY: "0".repeat(64) });
    expect(failed.code, failed.stdout).toBe(7);
    expect(failed.stdout).toContain("FAIL");
    expect((await sg(["doctor"], env)).code).toBe(0);
  });

  it("1: any other failure, such as a page that is not the API where the site should answer", async () => {
    site.injectFault({ method: "read", html: true });
    expectStatus(await sg(["find", "Shot"], env), 1);
  });
});
