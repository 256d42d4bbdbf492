/**
 * `deadlineMs` bounds a whole upload or download — every RPC it needs, each HTTP step, a streamed body — and
 * its error says what reached the site. Against the emulator over real sockets: its fault injection holds one
 * step's answer back (`delayMs`) while the deadline runs out. Each test checks that the call gave up before the
 * held step was answered (the emulator logs a request once it has answered it), then waits for that answer to
 * see what landed.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgAbortError, SgTimeoutError, SgValidationError, createClient, type Client } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";
import { SgPartialWriteError, downloadAttachment, entityApi, getSessionToken, shareThumbnail, update, upload, uploadThumbnail, type EntityApi } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";

/** How long a held step waits before the emulator answers it, and the deadline that runs out meanwhile. */
const HELD_MS = 2500;
const DEADLINE_MS = 800;

// A 1×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

let site: TestSite;
let dir: string;
let png: string;
let project: { type: "Project"; id: number };
beforeAll(async () => {
  site = await startSite();
  project = site.emulator.card.projects[0] as { type: "Project"; id: number };
  dir = mkdtempSync(join(tmpdir(), "sg-deadline-"));
  png = join(dir, "thumb.png");
  writeFileSync(png, PNG);
});
afterAll(async () => {
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Requests the emulator has answered since number `from`, as [path or RPC method, status]. */
function answered(from: number): [string, number][] {
  return site.emulator
    .requests()
    .slice(from)
    .map((r) => [r.path.endsWith("/api3/json") ? (r.method_name ?? r.path) : r.path.replace(/\/upload\/storage\/[^/]+/, "<storage>"), r.status]);
}

/** Resolves once the emulator has answered a request for `step` (a path or RPC method) since number `from`. */
async function answeredLater(from: number, step: string): Promise<void> {
  for (const end = Date.now() + HELD_MS + 5000; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    if (answered(from).some(([what]) => what === step)) return;
  }
  throw new Error(`the emulator never answered ${step}`);
}

/** Resolves once `done()` holds, polling every 20 ms; throws `what` if it does not within `ms`. */
async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  for (const end = Date.now() + ms; !done(); await new Promise((r) => setTimeout(r, 20))) if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
}

/** The error `promise` rejects with, and whether the emulator had answered `held` (since `from`) by then. */
async function failure(promise: Promise<unknown>, from: number, held: string): Promise<{ error: unknown; heldAnswered: boolean }> {
  const error = await promise.then(
    () => new Error("expected a rejection"),
    (e: unknown) => e,
  );
  return { error, heldAnswered: answered(from).some(([what]) => what === held) };
}

/**
 * A client of the emulator whose `info` announces the cloud-storage upload route (the emulator implements it but
 * announces it off). With `holdPuts`, each storage PUT is held by the emulator as it goes out (its URL exists
 * only once link info has answered).
 */
function cloudClient(holdPuts = false): { client: Client; api: EntityApi } {
  const script = site.emulator.card.scripts[0] as { name: string; key: string };
  const announceCloud = async (input: string, init: RequestInit): Promise<Response> => {
    if (holdPuts && init.method === "PUT") site.emulator.injectFault({ method: new URL(input).pathname, delayMs: HELD_MS });
    const response = await fetch(input, init);
    if (typeof init.body !== "string" || !init.body.includes('"method_name":"info"')) return response;
    return Response.json({ ...((await response.json()) as object), s3_direct_uploads_enabled: true });
  };
  const client = createClient({ site: site.emulator.url, transport: jsonRpcTransport({ fetch: announceCloud }), auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) });
  return { client, api: entityApi(client) };
}

describe("an upload's deadlineMs bounds every step of it", () => {
  it("a held /upload/upload_file ends at the deadline, not when the site answers; the error says the file may have been attached, and it was", async () => {
    const shot = await site.api.create("Shot", { code: "deadline_direct", project });
    await site.client.info();
    site.emulator.injectFault({ method: "/upload/upload_file", delayMs: HELD_MS });
    const from = site.emulator.requests().length;
    const { error, heldAnswered } = await failure(upload(site.client, "Shot", shot.id, new File(["late"], "late.txt"), { deadlineMs: DEADLINE_MS }), from, "/upload/upload_file");
    expect(heldAnswered).toBe(false);
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect(error).toMatchObject({ scope: "deadline", timeoutMs: DEADLINE_MS, maybeSent: true });
    expect((error as SgTimeoutError).reason).toBe(`@sg/entities: the upload of late.txt to Shot ${shot.id} did not complete within its deadline of ${DEADLINE_MS} ms: it may have been attached: check before uploading it again`);
    expect((error as SgTimeoutError).cause).toBeInstanceOf(SgTimeoutError);
    await answeredLater(from, "/upload/upload_file");
    expect(await site.api.find("Attachment", [["display_name", "is", "late.txt"]], ["id"])).toHaveLength(1);
  });

  it("a deadline that passes while waiting for the site's info ends the upload before anything is posted: maybeSent false, nothing attached", async () => {
    const { client } = site.freshClient(); // no cached info
    const shot = await site.api.create("Shot", { code: "deadline_info", project });
    site.emulator.injectFault({ method: "info", delayMs: HELD_MS });
    const from = site.emulator.requests().length;
    const { error, heldAnswered } = await failure(uploadThumbnail(client, "Shot", shot.id, png, { deadlineMs: DEADLINE_MS }), from, "info");
    expect(heldAnswered).toBe(false);
    expect(error).toMatchObject({ name: "SgTimeoutError", scope: "deadline", timeoutMs: DEADLINE_MS, maybeSent: false });
    expect((error as SgTimeoutError).reason).toBe(`@sg/entities: the upload of thumb.png to Shot ${shot.id} did not complete within its deadline of ${DEADLINE_MS} ms: nothing was attached`);
    await answeredLater(from, "info");
    expect(answered(from).map(([what]) => what)).not.toContain("/upload/publish_thumbnail");
    expect(await site.api.findOne("Shot", [["id", "is", shot.id]], ["image"])).toMatchObject({ image: null });
  });

  it("cloud route: a storage PUT held past the deadline sent the bytes, but nothing is linked, and the error says so (maybeSent false)", async () => {
    const { client, api } = cloudClient(true);
    try {
      const version = await api.create("Version", { code: "deadline_cloud_put", project });
      await api.info();
      const from = site.emulator.requests().length;
      const { error, heldAnswered } = await failure(api.upload("Version", version.id, new File(["stored, never linked"], "put.mov"), { fieldName: "sg_uploaded_movie", deadlineMs: DEADLINE_MS }), from, "<storage>");
      expect(heldAnswered).toBe(false);
      expect(error).toMatchObject({ name: "SgTimeoutError", scope: "deadline", timeoutMs: DEADLINE_MS, maybeSent: false });
      expect((error as SgTimeoutError).reason).toBe(
        `@sg/entities: the upload of put.mov to Version ${version.id} did not complete within its deadline of ${DEADLINE_MS} ms: its bytes were sent to cloud storage, but it was not attached: upload it again`,
      );
      await answeredLater(from, "<storage>");
      expect(answered(from).map(([what]) => what)).not.toContain("/upload/api_link_file");
      expect(await api.findOne("Version", [["id", "is", version.id]], ["sg_uploaded_movie"])).toMatchObject({ sg_uploaded_movie: null });
    } finally {
      await client.close();
    }
  });

  it("cloud route: a held link step may have attached the file, and the error says so (maybeSent true)", async () => {
    const { client, api } = cloudClient();
    try {
      const version = await api.create("Version", { code: "deadline_cloud_link", project });
      await api.info();
      site.emulator.injectFault({ method: "/upload/api_link_file", delayMs: HELD_MS });
      const from = site.emulator.requests().length;
      const { error, heldAnswered } = await failure(api.upload("Version", version.id, new File(["linked late"], "link.mov"), { fieldName: "sg_uploaded_movie", deadlineMs: DEADLINE_MS }), from, "/upload/api_link_file");
      expect(heldAnswered).toBe(false);
      expect(error).toMatchObject({ name: "SgTimeoutError", scope: "deadline", maybeSent: true });
      expect((error as SgTimeoutError).reason).toContain(`: it may have been attached: check before uploading it again`);
      await answeredLater(from, "/upload/api_link_file");
      expect(await api.findOne("Version", [["id", "is", version.id]], ["sg_uploaded_movie"])).toMatchObject({ sg_uploaded_movie: { name: "link.mov" } });
    } finally {
      await client.close();
    }
  });
});

describe("the thumbnail steps", () => {
  it("shareThumbnail with a thumbnailPath: a held share step says the thumbnail was attached to the first entity and the share may have landed", async () => {
    const [a, b] = await Promise.all(["deadline_share_a", "deadline_share_b"].map((code) => site.api.create("Shot", { code, project })));
    await site.client.info();
    site.emulator.injectFault({ method: "/upload/share_thumbnail", delayMs: HELD_MS });
    const from = site.emulator.requests().length;
    const { error, heldAnswered } = await failure(shareThumbnail(site.client, [a!, b!], { thumbnailPath: png, deadlineMs: DEADLINE_MS }), from, "/upload/share_thumbnail");
    expect(heldAnswered).toBe(false);
    expect(error).toMatchObject({ name: "SgTimeoutError", scope: "deadline", timeoutMs: DEADLINE_MS, maybeSent: true });
    expect((error as SgTimeoutError).reason).toMatch(
      new RegExp(`^@sg/entities: sharing a thumbnail with 2 entities did not complete within its deadline of ${DEADLINE_MS} ms: the thumbnail was attached to Shot ${a!.id} \\(Attachment \\d+\\), sharing it may have landed: check before sharing again$`),
    );
    await answeredLater(from, "/upload/share_thumbnail");
    const images = await site.api.find("Shot", [["id", "in", [a!.id, b!.id]]], ["image"]);
    expect(images.every((shot) => typeof shot.image === "string")).toBe(true);
  });

  it("create with an image: a held thumbnail upload is an SgPartialWriteError carrying the created record, its cause the deadline", async () => {
    await site.client.info();
    site.emulator.injectFault({ method: "/upload/publish_thumbnail", delayMs: HELD_MS });
    const from = site.emulator.requests().length;
    const { error, heldAnswered } = await failure(site.api.create("Shot", { code: "deadline_create_image", project, image: png }, [], { deadlineMs: DEADLINE_MS }), from, "/upload/publish_thumbnail");
    expect(heldAnswered).toBe(false);
    expect(error).toBeInstanceOf(SgPartialWriteError);
    const record = (error as SgPartialWriteError).record;
    expect(record).toMatchObject({ type: "Shot", code: "deadline_create_image" });
    expect((error as SgPartialWriteError).cause).toMatchObject({ name: "SgTimeoutError", scope: "deadline", maybeSent: true });
    expect(((error as SgPartialWriteError).cause as SgTimeoutError).reason).toContain(`the upload of thumb.png to Shot ${String(record["id"])} did not complete within its deadline of ${DEADLINE_MS} ms`);
    await answeredLater(from, "/upload/publish_thumbnail");
  });
});

describe("refused before anything is sent", () => {
  it("a kind given to an upload or download: no one kind fits every step (a 'read' would let an upload land twice)", async () => {
    const shot = (await site.api.findOne("Shot", []))!;
    const from = site.emulator.requests().length;
    const attempts: [string, () => Promise<unknown>][] = [
      ["upload", () => upload(site.client, "Shot", shot.id, new File(["x"], "kind.txt"), { kind: "read" } as never)],
      ["uploadThumbnail", () => uploadThumbnail(site.client, "Shot", shot.id, png, { kind: "write" } as never)],
      ["shareThumbnail", () => shareThumbnail(site.client, [shot], { sourceEntity: shot, kind: "read" } as never)],
      ["downloadAttachment", () => downloadAttachment(site.client, 1, { kind: "read" } as never)],
    ];
    for (const [what, attempt] of attempts) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error, what).toBeInstanceOf(SgValidationError);
      expect(error, what).toMatchObject({ path: ["options", "kind"] });
      expect((error as SgValidationError).expected, what).toContain("each step of an upload or download has its own");
    }
    expect(answered(from)).toEqual([]);
  });

  it("an unknown option of an upload or download is refused with a list of what it takes, which leaves kind out", async () => {
    const shot = (await site.api.findOne("Shot", []))!;
    const attempts: [string, () => Promise<unknown>][] = [
      ["upload", () => upload(site.client, "Shot", shot.id, new File(["x"], "o.txt"), { fieldname: "sg_file" } as never)],
      ["shareThumbnail", () => shareThumbnail(site.client, [shot], { sourceEntity: shot, filmstrip: true } as never)],
      ["downloadAttachment", () => downloadAttachment(site.client, 1, { file_path: "/tmp/x" } as never)],
    ];
    for (const [what, attempt] of attempts) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error, what).toBeInstanceOf(SgValidationError);
      const expected = (error as SgValidationError).expected;
      expect(expected, what).toContain("deadlineMs");
      expect(expected.split(/, | /), what).not.toContain("kind");
    }
  });

  it("a bad deadlineMs, also for an update that only writes an image (it was a partial write of an update never sent)", async () => {
    const shot = (await site.api.findOne("Shot", []))!;
    const from = site.emulator.requests().length;
    for (const deadlineMs of [-1, 0, "300", 2 ** 31]) {
      for (const attempt of [() => update(site.client, "Shot", shot.id, { image: png }, { deadlineMs } as never), () => upload(site.client, "Shot", shot.id, new File(["x"], "d.txt"), { deadlineMs } as never)]) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error, String(deadlineMs)).toBeInstanceOf(SgValidationError);
        expect(error, String(deadlineMs)).toMatchObject({ path: ["options", "deadlineMs"] });
      }
    }
    expect(answered(from)).toEqual([]);
  });
});


describe("a download's deadlineMs bounds the caller's whole wait", () => {
  it("a held file ends at the deadline, for bytes and for a filePath, which is left as it was", async () => {
    const shot = (await site.api.findOne("Shot", []))!;
    const id = await site.api.upload("Shot", shot.id, new File(["the bytes"], "held.txt"));
    await site.api.getSessionToken();
    const target = join(dir, "held.txt");
    writeFileSync(target, "the previous version");
    const held = `/file_serve/attachment/${id}`;
    for (const filePath of [undefined, target]) {
      site.emulator.injectFault({ method: held, delayMs: HELD_MS });
      const from = site.emulator.requests().length;
      const { error, heldAnswered } = await failure(downloadAttachment(site.client, id, { deadlineMs: DEADLINE_MS, ...(filePath && { filePath }) }), from, held);
      expect(heldAnswered).toBe(false);
      expect(error).toMatchObject({ name: "SgTimeoutError", scope: "deadline", timeoutMs: DEADLINE_MS, maybeSent: false, step: "request" });
      expect((error as SgTimeoutError).reason).toBe(
        `@sg/entities: the download of ${site.emulator.url}${held} did not complete within its deadline of ${DEADLINE_MS} ms${filePath ? `: ${target} was left as it was` : ""}`,
      );
      await answeredLater(from, held);
    }
    expect(readdirSync(dir).filter((name) => name.startsWith("held.txt"))).toEqual(["held.txt"]);
    expect(readFileSync(target, "utf8")).toBe("the previous version");
  }, 4 * HELD_MS);

  it("covers the wait for the session token; that request is shared, so another caller still gets the token", async () => {
    const { client } = site.freshClient(); // no cached session token
    site.emulator.injectFault({ method: "get_session_token", delayMs: HELD_MS });
    const from = site.emulator.requests().length;
    const patient = getSessionToken(client);
    const { error, heldAnswered } = await failure(downloadAttachment(client, 987654, { deadlineMs: DEADLINE_MS }), from, "get_session_token");
    expect(heldAnswered).toBe(false);
    expect(error).toMatchObject({ name: "SgTimeoutError", scope: "deadline", timeoutMs: DEADLINE_MS, maybeSent: false });
    expect((error as SgTimeoutError).reason).toBe(`@sg/entities: the download of ${site.emulator.url}/file_serve/attachment/987654 did not complete within its deadline of ${DEADLINE_MS} ms`);
    const hasty = await failure(getSessionToken(client, { deadlineMs: 50 }), from, "get_session_token");
    expect(hasty.error).toMatchObject({ name: "SgTimeoutError", scope: "deadline", timeoutMs: 50, method: "get_session_token" });
    expect(typeof (await patient)).toBe("string");
    expect(answered(from).filter(([what]) => what === "get_session_token")).toEqual([["get_session_token", 200]]);
    expect(answered(from).map(([what]) => what)).not.toContain("/file_serve/attachment/987654");
  });

  it("covers the wait for the client's credentials (a person's login): its step is login, with no method", async () => {
    // an auth strategy whose login never ends (a prompt no one answers)
    const client = createClient({ site: site.emulator.url, transport: jsonRpcTransport(), auth: { name: "never", credentials: () => new Promise(() => {}) } });
    try {
      const error = await downloadAttachment(client, 987654, { deadlineMs: 300 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "SgTimeoutError", scope: "deadline", timeoutMs: 300, maybeSent: false, step: "login", method: undefined });
      expect((error as { cause?: { method?: unknown } }).cause?.method).toBeUndefined();
      expect((error as SgTimeoutError).reason).toBe(`@sg/entities: the download of ${site.emulator.url}/file_serve/attachment/987654 did not complete within its deadline of 300 ms`);
    } finally {
      await client.close();
    }
  });

  it("covers a streamed body to the last byte: data that keeps coming does not keep the download going", async () => {
    // A file served a little at a time (a slow link): each chunk comes well within timeoutMs, the whole never
    // within the deadline. Off the site's origin, so nothing but this GET is involved.
    let hungUp!: () => void;
    const hangUp = new Promise<void>((resolve) => (hungUp = resolve));
    const server: Server = createServer((req, res) => {
      res.writeHead(200, { "content-type": "video/quicktime" });
      const drip = setInterval(() => res.write(Buffer.alloc(1024, 7)), 20);
      req.socket.on("close", () => (clearInterval(drip), hungUp()));
      setTimeout(() => (clearInterval(drip), res.end()), 4 * HELD_MS).unref();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bucket/slow.mov`;
    const target = join(dir, "slow.mov");
    try {
      const error = await downloadAttachment(site.client, { url }, { filePath: target, deadlineMs: DEADLINE_MS, timeoutMs: 1000 }).then(
        () => new Error("expected a rejection"),
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ name: "SgTimeoutError", scope: "deadline", timeoutMs: DEADLINE_MS, maybeSent: false });
      expect((error as SgTimeoutError).reason).toBe(`@sg/entities: the download of ${url.replace(/\/bucket.*/, "")}/bucket/slow.mov did not complete within its deadline of ${DEADLINE_MS} ms: ${target} was left as it was`);
      await hangUp; // the connection was dropped, not left to drip
      expect(readdirSync(dir).filter((name) => name.startsWith("slow.mov"))).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it.skipIf(process.platform === "win32")("covers reading a local file link, which also stops at the caller's signal; a late copy never takes filePath's place", async () => {
    // A named pipe nobody writes to: opening it to read blocks, as a file on a hung network share does.
    const pipe = join(dir, "hung.mov");
    execFileSync("mkfifo", [pipe]);
    const link = { url: `file://${pipe}`, local_path: pipe, link_type: "local", name: "hung.mov" };
    // A writer that opens the pipe once a reader waits on it and closes it at once: that read ends, empty.
    const release = (): Promise<void> => new Promise((resolve, reject) => execFile("sh", ["-c", 'exec 3>"$1"', "sh", pipe], (error) => (error ? reject(error) : resolve())));
    const target = join(dir, "local-copy.mov");
    writeFileSync(target, "the previous version");
    const from = site.emulator.requests().length;
    try {
      // Read into memory, a pipe is refused at once (download-max-bytes.test.ts): only a copy to a file reads it.
      for (const filePath of [target]) {
        const error = await downloadAttachment(site.client, link, { deadlineMs: DEADLINE_MS, ...(filePath && { filePath }) }).then(
          () => new Error("expected a rejection"),
          (e: unknown) => e,
        );
        expect(error).toMatchObject({ name: "SgTimeoutError", scope: "deadline", timeoutMs: DEADLINE_MS, maybeSent: false, step: "file", method: undefined });
        expect((error as SgTimeoutError).reason).toBe(`@sg/entities: the read of ${pipe} did not complete within its deadline of ${DEADLINE_MS} ms${filePath ? `: ${target} was left as it was` : ""}`);
        await release();
      }
      const controller = new AbortController();
      const aborted = downloadAttachment(site.client, link, { signal: controller.signal, filePath: target }).catch((e: unknown) => e);
      controller.abort();
      expect(await aborted).toBeInstanceOf(SgAbortError);
      await release();
      // the copy that was given up ended with its pipe: its temporary file goes, and filePath keeps its bytes
      for (const end = Date.now() + 5000; readdirSync(dir).some((name) => name.endsWith(".part")) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
      expect(readdirSync(dir).filter((name) => name.startsWith("local-copy.mov"))).toEqual(["local-copy.mov"]);
      expect(readFileSync(target, "utf8")).toBe("the previous version");
      expect(answered(from)).toEqual([]);
    } finally {
      rmSync(pipe, { force: true });
    }
  });

  it.skipIf(process.platform === "win32")("a local copy stopped midway removes its temporary file at once, while its read still waits, and filePath keeps its bytes", async () => {
    // A named pipe the test writes some bytes into and then holds open: the copy has begun, and its next read waits
    // for bytes that do not come, as a read from a stalled network share does. One pipe per case: a read given up
    // may still wait on its pipe and would take the next case's bytes.
    const pipes: string[] = [];
    const target = join(dir, "midway.mov");
    writeFileSync(target, "the previous version");
    const first = "the first bytes of the new version";
    const parts = (): string[] => readdirSync(dir).filter((name) => name.startsWith("midway.mov.") && name.endsWith(".part"));
    // long enough for the bytes above to reach the temporary file first on a loaded machine
    const deadlineMs = 2000;
    try {
      for (const how of ["deadline", "signal"] as const) {
        const pipe = join(dir, `dripping-${how}.mov`);
        execFileSync("mkfifo", [pipe]);
        pipes.push(pipe);
        const link = { url: `file://${pipe}`, local_path: pipe, link_type: "local", name: "dripping.mov" };
        const controller = new AbortController();
        const limit = how === "deadline" ? { deadlineMs } : { signal: controller.signal };
        const download = downloadAttachment(site.client, link, { filePath: target, ...limit }).then(
          () => new Error("expected a rejection"),
          (e: unknown) => e,
        );
        const writer = await open(pipe, "w"); // opens once the copy has opened the pipe to read
        try {
          await writer.write(first);
          await until(() => parts().length === 1 && statSync(join(dir, parts()[0]!)).size === first.length, 5000, `${first.length} bytes in a .part file (${how})`);
          if (how === "signal") controller.abort();
          const error = await download;
          if (how === "signal") expect(error).toBeInstanceOf(SgAbortError);
          else {
            expect(error).toMatchObject({ name: "SgTimeoutError", scope: "deadline", timeoutMs: deadlineMs, maybeSent: false });
            expect((error as SgTimeoutError).reason).toBe(`@sg/entities: the read of ${pipe} did not complete within its deadline of ${deadlineMs} ms: ${target} was left as it was`);
          }
          // the pipe is still open, so the copy's read still waits: the temporary file is gone without it, before the
          // call rejects (a process that exits on the rejection, a CLI's Ctrl-C, leaves nothing behind)
          expect(parts()).toEqual([]);
          expect(readFileSync(target, "utf8")).toBe("the previous version");
        } finally {
          await writer.close().catch(() => {});
        }
      }
      // the copies given up have seen their pipes end by now: neither took filePath's place
      await new Promise((r) => setTimeout(r, 100));
      expect(readdirSync(dir).filter((name) => name.startsWith("midway.mov"))).toEqual(["midway.mov"]);
      expect(readFileSync(target, "utf8")).toBe("the previous version");
    } finally {
      for (const pipe of pipes) rmSync(pipe, { force: true });
    }
  }, 15_000);
});
