import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner, type SgResult, scriptEnvOf } from "./test-support/run-sg.js";

// `sg upload` and `sg download` end with the statuses of the README's table, as every other command does: a refused
// key or session 3, the record the command names missing 4, the site's bad-input fault 103 2. Through the real `sg`
// against the emulator, whose upload endpoints answer refusals as `0\n<words> (error_code N)` with HTTP 200.

const runner = sgRunner();
const sg = runner.run;
let site: EmulatorHandle;
let env: Record<string, string> = {};
let dir: string;
let file: string;

beforeAll(async () => {
  site = await startEmulator({});
  env = scriptEnvOf(site);
  dir = mkdtempSync(join(tmpdir(), "sg-transfer-exit-"));
  file = join(dir, "a.txt");
  writeFileSync(file, "hello\n");
});

afterAll(async () => {
  await site?.close();
  runner.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function expectStatus(r: SgResult, code: number): void {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(code);
  expect(r.stderr).toMatch(/^sg: /);
}

/** A runner whose config folder holds a session of `coord` saved by `sg login`, expired on the emulator's clock. */
async function expiredSavedSession(): Promise<ReturnType<typeof sgRunner>> {
  const saved = sgRunner();
  const login = await saved.run(["login", "--login", "coord", "--password", "coord-pass-1"], { SG_SITE: site.url });
  expect(login.code, login.stderr).toBe(0);
  site.advanceClock(2000);
  return saved;
}

describe("sg upload", () => {
  it("3: a refused script key, with the advice of any refused key (nothing stored)", async () => {
    const r = await sg(["upload", "Shot", "1", file], { ...env, SG_SCRIPT_KEY: "0".repeat(64) });
    expectStatus(r, 3);
    expect(r.stderr).not.toContain("Check that the entity exists");
  });

  it("3: an expired saved session, with the advice to run sg login", async () => {
    const saved = await expiredSavedSession();
    try {
      const r = await saved.run(["upload", "Shot", "1", file], { SG_SITE: site.url });
      expectStatus(r, 3);
      expect(r.stderr).toContain("sg login");
    } finally {
      saved.cleanup();
    }
  });

  it("4: the record the command names does not exist", async () => {
    const r = await sg(["upload", "Shot", "99999", file], env);
    expectStatus(r, 4);
    expect(r.stderr).toContain("No entity of type Shot exists with id 99999");
  });

  it("4: the record the command names is retired", async () => {
    const created = await sg(["create", "Shot", JSON.stringify({ code: "retired_upload", project: { type: "Project", id: 1 } })], env);
    const id = String((JSON.parse(created.stdout) as { id: number }).id);
    expect((await sg(["delete", "Shot", id], env)).code).toBe(0);
    const r = await sg(["upload", "Shot", id, file], env);
    expectStatus(r, 4);
    expect(r.stderr).toContain(`Shot ${id} is retired`);
  });

  it("2: the site's bad-input fault 103 (a field that takes no file)", async () => {
    expectStatus(await sg(["upload", "Shot", "1", file, "--field", "code"], env), 2);
  });

  it("6: a gateway forwarded the upload to the site, then answered its own HTML page with HTTP 200", async () => {
    // The upload may have landed (here it did): a script must check the site before sending it again.
    const gateway = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !["host", "content-length", "connection"].includes(k))) as Record<string, string>;
        const body = req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks);
        void fetch(new URL(req.url ?? "/", site.url), { method: req.method ?? "GET", headers, ...(body ? { body } : {}) }).then(async (up) => {
          const answer = Buffer.from(await up.arrayBuffer());
          if ((req.url ?? "").startsWith("/upload/upload_file")) res.writeHead(200, { "content-type": "text/html" }).end("<html><body>Welcome to the portal</body></html>");
          else res.writeHead(up.status, { "content-type": up.headers.get("content-type") ?? "application/json" }).end(answer);
        });
      });
    });
    await new Promise<void>((done) => gateway.listen(0, "127.0.0.1", done));
    try {
      const before = site.requests().length;
      const r = await sg(["upload", "Shot", "1", file], scriptEnvOf(site, `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`));
      expectStatus(r, 6);
      expect(site.requests().slice(before).some((x) => x.path.startsWith("/upload/upload_file") && x.status === 200)).toBe(true);
    } finally {
      gateway.closeAllConnections();
      await new Promise((done) => gateway.close(done));
    }
  });
});

describe("sg download", () => {
  it("3: an expired saved session, with the advice to run sg login (not a bare 403)", async () => {
    const up = await sg(["upload", "Shot", "1", file, "--format", "jsonl"], env);
    expect(up.code, up.stderr).toBe(0);
    const id = String((JSON.parse(up.stdout) as { attachment_id: number }).attachment_id);
    const saved = await expiredSavedSession();
    try {
      const r = await saved.run(["download", id, "--out", join(dir, "out.txt")], { SG_SITE: site.url });
      expectStatus(r, 3);
      expect(r.stderr).toContain("sg login");
    } finally {
      saved.cleanup();
    }
  });
});
