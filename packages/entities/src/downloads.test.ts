/**
 * Downloads hand the session token to `client.http()` as session credentials: the transport speaks it (the
 * `_session_id` cookie, on the site's origin only) and the token never shows in an error.
 */
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SgAbortError, createClient, type HttpRequest, type HttpResponse, type TransportStrategy } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { SgTransferError, downloadAttachment, entityApi, getSessionToken, openAttachment, upload } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";

const TOKEN = "tok-7f3a9c1e-SECRET-d41d8cd98f00";

/** Every way an error could leak the token. */
function renderings(error: unknown): string[] {
  const e = error as Error & { reply?: string; hint?: string; cause?: unknown };
  return [String(e), e.message, e.stack ?? "", e.reply ?? "", e.hint ?? "", inspect(e, { depth: 5 }), JSON.stringify(e), JSON.stringify(Object.entries(e))];
}

/** A transport whose site answers downloads with `status` and a body that reflects the credentials it got. */
function reflectingTransport(status: number): { transport: TransportStrategy; requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  const transport: TransportStrategy = {
    name: "fake",
    send: async (request) => {
      if (request.method === "get_session_token") return { session_id: TOKEN };
      if (request.method === "info") return { version: [8, 0, 0] };
      throw new Error(`unexpected ${request.method}`);
    },
    http: async (request): Promise<HttpResponse> => {
      requests.push(request);
      const creds = request.credentials;
      const echo = creds?.kind === "session" ? `session ${creds.sessionToken} refused; Cookie: _session_id=${creds.sessionToken}` : "no session";
      return { status, headers: new Headers({ "content-type": "text/plain" }), body: new TextEncoder().encode(status === 200 ? "file bytes" : status ? echo : "") };
    },
  };
  return { transport, requests };
}

describe("downloads with explicit session credentials (fake transport)", () => {
  it("passes the token as session credentials to client.http, never as a hand-built cookie", async () => {
    const { transport, requests } = reflectingTransport(200);
    const client = createClient({ site: "https://studio.example.com", transport, auth: scriptAuth({ scriptName: "s", scriptKey: "k".repeat(40) }) });
    const bytes = await downloadAttachment(client, 12);
    expect(new TextDecoder().decode(bytes)).toBe("file bytes");
    const [request] = requests;
    expect(request).toMatchObject({ method: "GET", target: "https://studio.example.com/file_serve/attachment/12", kind: "read", credentials: { kind: "session", sessionToken: TOKEN } });
    expect(Object.keys(request!.headers ?? {}).map((k) => k.toLowerCase())).not.toContain("cookie");
  });

  it("sends no credentials at all to another origin (cloud storage)", async () => {
    const { transport, requests } = reflectingTransport(200);
    const client = createClient({ site: "https://studio.example.com", transport, auth: scriptAuth({ scriptName: "s", scriptKey: "k".repeat(40) }) });
    await downloadAttachment(client, { url: "https://bucket.s3.example.net/abc?X-Amz-Signature=1" });
    expect(requests[0]!.credentials).toBeUndefined();
    expect(requests[0]!.headers ?? {}).toEqual({});
  });

  it("an answer of status 0 (a browser's opaque redirect, as a transport may pass it on) is no file: the download fails saying so", async () => {
    const { transport } = reflectingTransport(0);
    const client = createClient({ site: "https://studio.example.com", transport, auth: scriptAuth({ scriptName: "s", scriptKey: "k".repeat(40) }) });
    const error = await downloadAttachment(client, 12).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    expect(error).toMatchObject({ status: 0, code: "SG_DOWNLOAD_FAILED" });
    expect((error as SgTransferError).hint).toMatch(/hides.*getAttachmentDownloadUrl/);
  });

  it.each([403, 404, 500])("never shows the token in the error of a failed download (HTTP %i), even when the site echoes it", async (status) => {
    const { transport } = reflectingTransport(status);
    const client = createClient({ site: "https://studio.example.com", transport, auth: scriptAuth({ scriptName: "s", scriptKey: "k".repeat(40) }) });
    expect(await getSessionToken(client)).toBe(TOKEN);
    const error = await entityApi(client).downloadAttachment(12).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    expect((error as SgTransferError).status).toBe(status);
    expect((error as SgTransferError).reply).toContain("[REDACTED]");
    for (const text of renderings(error)) expect(text).not.toContain(TOKEN);
  });
});

describe("downloads against the emulator", () => {
  let site: TestSite;
  beforeAll(async () => {
    site = await startSite();
  });
  afterAll(async () => {
    await site.close();
  });

  it("a refused download echoing the session leaks no token, and the token is fetched again afterwards", async () => {
    const { client, sent } = site.freshClient();
    const shot = (await site.api.findOne("Shot", []))!;
    const id = await upload(client, "Shot", shot.id, new File([new TextEncoder().encode("payload")], "p.txt"));
    expect(new TextDecoder().decode(await downloadAttachment(client, id))).toBe("payload");
    const token = await getSessionToken(client);
    expect(token.length).toBeGreaterThan(8);
    // Both the GET and the one sent again with a new token are refused.
    site.emulator.injectFault({ method: `/file_serve/attachment/${id}`, status: 403, body: `session ${token} is not allowed (_session_id=${token})`, times: 2 });
    const error = await downloadAttachment(client, id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    expect((error as SgTransferError).code).toBe("SG_DOWNLOAD_FAILED");
    for (const text of renderings(error)) expect(text).not.toContain(token);
    // 403 forgot the token: the next download asks for one again.
    const before = sent.filter((r) => r.method === "get_session_token").length;
    expect(new TextDecoder().decode(await downloadAttachment(client, id))).toBe("payload");
    expect(sent.filter((r) => r.method === "get_session_token").length).toBe(before + 1);
  });

  it("a local file link is read from its local_path, with no request, like Python's file:// download", async () => {
    const { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "sg-local-"));
    try {
      writeFileSync(join(dir, "plate.exr"), "local bytes");
      const storage = await site.api.create("LocalStorage", { code: "scratch", linux_path: dir, mac_path: dir, windows_path: "S:\\scratch" });
      const version = await site.api.create("Version", { code: "local_link", project: site.emulator.card.projects[0] as { type: "Project"; id: number } });
      await site.api.update("Version", version.id, { sg_uploaded_movie: { local_path: join(dir, "plate.exr"), name: "plate" } });
      const link = (await site.api.findOne("Version", [["id", "is", version.id]], ["sg_uploaded_movie"]))!.sg_uploaded_movie as Record<string, unknown>;
      expect(link).toMatchObject({ link_type: "local", local_path: join(dir, "plate.exr") });
      const before = site.emulator.requests().length;
      expect(new TextDecoder().decode(await site.api.downloadAttachment(link))).toBe("local bytes");
      const copy = join(dir, "copy.exr");
      expect(await site.api.downloadAttachment(link, { filePath: copy })).toBe(copy);
      expect(readFileSync(copy, "utf8")).toBe("local bytes");
      expect(site.emulator.requests().length).toBe(before);
      const missing = await site.api.downloadAttachment({ ...link, local_path: join(dir, "gone.exr") }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(SgTransferError);
      expect((missing as SgTransferError).code).toBe("SG_DOWNLOAD_FAILED");
      // A copy that fails (here: the link points at a folder) leaves the file already at filePath as it was.
      mkdirSync(join(dir, "a-folder"));
      const failed = await site.api.downloadAttachment({ ...link, local_path: join(dir, "a-folder") }, { filePath: copy }).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(SgTransferError);
      expect(readFileSync(copy, "utf8")).toBe("local bytes");
      expect(readdirSync(dir).filter((name) => name.endsWith(".part"))).toEqual([]);
      await site.api.delete("LocalStorage", storage.id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a local file link copied to filePath arrives whole, from a file of many chunks or from a pipe, and leaves no .part file", async () => {
    const { execFileSync } = await import("node:child_process");
    const { randomBytes } = await import("node:crypto");
    const { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } = await import("node:fs");
    const { open } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "sg-local-copy-"));
    try {
      const source = join(dir, "plate.exr");
      const bytes = randomBytes(3 * 1024 * 1024 + 123); // many chunks of a read
      writeFileSync(source, bytes);
      const copy = join(dir, "copy.exr");
      writeFileSync(copy, "the previous version");
      const link = { url: `file://${source}`, local_path: source, link_type: "local", name: "plate.exr" };
      expect(await site.api.downloadAttachment(link, { filePath: copy, deadlineMs: 60_000 })).toBe(copy);
      expect(readFileSync(copy).equals(bytes)).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(["copy.exr", "plate.exr"]);
      // A source that cannot be opened fails the copy, maybe before its temporary file is open: that is gone too.
      const missing = await site.api.downloadAttachment({ ...link, local_path: join(dir, "gone.exr") }, { filePath: copy }).catch((e: unknown) => e);
      expect(missing).toMatchObject({ name: "SgTransferError", code: "SG_DOWNLOAD_FAILED" });
      expect(readdirSync(dir).sort()).toEqual(["copy.exr", "plate.exr"]);
      expect(readFileSync(copy).equals(bytes)).toBe(true);
      if (process.platform === "win32") return;
      // A pipe has no size, and its bytes are copied to their end all the same (fs.copyFile copied a pipe's
      // st_size bytes: none).
      const pipe = join(dir, "stream.mov");
      execFileSync("mkfifo", [pipe]);
      const streamed = bytes.subarray(0, 300_000);
      const piped = site.api.downloadAttachment({ ...link, url: `file://${pipe}`, local_path: pipe }, { filePath: copy });
      const writer = await open(pipe, "w");
      try {
        await writer.write(streamed);
      } finally {
        await writer.close();
      }
      expect(await piped).toBe(copy);
      expect(readFileSync(copy).equals(streamed)).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(["copy.exr", "plate.exr", "stream.mov"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("one caller aborting while the shared session token is fetched does not fail the other downloads", async () => {
    const { client } = site.freshClient();
    const shot = (await site.api.findOne("Shot", []))!;
    const id = await upload(client, "Shot", shot.id, new File([new TextEncoder().encode("shared token")], "s.txt"));
    site.emulator.injectFault({ method: "get_session_token", delayMs: 300 });
    const controller = new AbortController();
    const aborted = downloadAttachment(client, id, { signal: controller.signal }).catch((e: unknown) => e);
    const other = downloadAttachment(client, id);
    setTimeout(() => controller.abort(), 50);
    expect(await aborted).toBeInstanceOf(SgAbortError);
    expect(new TextDecoder().decode(await other)).toBe("shared token");
  });

  it("a download of a missing attachment fails without the token", async () => {
    const { client } = site.freshClient();
    const token = await getSessionToken(client);
    const error = await downloadAttachment(client, 987_654).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    for (const text of renderings(error)) expect(text).not.toContain(token);
  });

  it("openAttachment streams an attachment: the same bytes as downloadAttachment, with its size and type", async () => {
    const { client } = site.freshClient();
    const shot = (await site.api.findOne("Shot", []))!;
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
    const id = await upload(client, "Shot", shot.id, new File([bytes], "plate.bin"));
    for (const attachment of [id, { type: "Attachment", id }]) {
      const opened = await openAttachment(client, attachment);
      expect(opened.stream).toBeInstanceOf(ReadableStream);
      expect(opened.size).toBe(bytes.byteLength);
      expect(Buffer.from(await new Response(opened.stream).arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    }
    const viaApi = await entityApi(client).openAttachment(id);
    expect(new Uint8Array(await new Response(viaApi.stream).arrayBuffer())).toEqual(await downloadAttachment(client, id));
    // an upload and four 300 KB downloads: under 1 s alone, past vitest's 5 s default when the whole repo runs on 2 cores
  }, 30_000);

  it.each([
    [404, undefined],
    [409, "The file is still being scanned for malware; try again later."],
    [410, "The file was quarantined by the malware scan."],
  ])("openAttachment refused with HTTP %i: the same SgTransferError and hint as downloadAttachment, no token", async (status, hint) => {
    const { client } = site.freshClient();
    const token = await getSessionToken(client);
    const shot = (await site.api.findOne("Shot", []))!;
    const id = status === 404 ? 987_654 : await upload(client, "Shot", shot.id, new File(["held back"], "h.txt"));
    const refusals: unknown[] = [];
    for (const download of [downloadAttachment, openAttachment]) {
      if (status !== 404) site.emulator.injectFault({ method: `/file_serve/attachment/${id}`, status, body: `refused (_session_id=${token})` });
      refusals.push(await download(client, id).catch((e: unknown) => e));
    }
    const [bytes, opened] = refusals as SgTransferError[];
    expect(opened).toBeInstanceOf(SgTransferError);
    expect(opened).toMatchObject({ code: "SG_DOWNLOAD_FAILED", status, reason: bytes!.reason, reply: bytes!.reply, hint: bytes!.hint });
    expect(opened!.hint).toBe(hint);
    for (const text of renderings(opened)) expect(text).not.toContain(token);
  });

  it("openAttachment refused with HTTP 403 forgets the session token, as downloadAttachment does", async () => {
    const { client, sent } = site.freshClient();
    const shot = (await site.api.findOne("Shot", []))!;
    const id = await upload(client, "Shot", shot.id, new File(["payload"], "p.txt"));
    await getSessionToken(client);
    site.emulator.injectFault({ method: `/file_serve/attachment/${id}`, status: 403, body: "not allowed", times: 2 });
    expect(await openAttachment(client, id).catch((e: unknown) => e)).toMatchObject({ name: "SgTransferError", status: 403 });
    const before = sent.filter((r) => r.method === "get_session_token").length;
    expect(await new Response((await openAttachment(client, id)).stream).text()).toBe("payload");
    expect(sent.filter((r) => r.method === "get_session_token").length).toBe(before + 1);
  });

  it("openAttachment of a local file link streams the file from its local_path, with no request", async () => {
    const { randomBytes } = await import("node:crypto");
    const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "sg-local-open-"));
    try {
      const source = join(dir, "plate.exr");
      const bytes = randomBytes(1024 * 1024 + 17); // many chunks
      writeFileSync(source, bytes);
      const link = { url: `file://${source}`, local_path: source, link_type: "local", name: "plate", content_type: "image/x-exr" };
      const before = site.emulator.requests().length;
      const opened = await site.api.openAttachment(link, { deadlineMs: 60_000 });
      expect(opened).toMatchObject({ size: bytes.byteLength, contentType: "image/x-exr", fileName: "plate.exr" });
      const reader = opened.stream.getReader();
      const chunks: Uint8Array[] = [];
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) chunks.push(chunk.value);
      expect(chunks.length).toBeGreaterThan(1);
      expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
      expect(site.emulator.requests().length).toBe(before);
      const missing = await site.api.openAttachment({ ...link, local_path: join(dir, "gone.exr") }).catch((e: unknown) => e);
      expect(missing).toMatchObject({ name: "SgTransferError", code: "SG_DOWNLOAD_FAILED" });
      const folder = await site.api.openAttachment({ ...link, local_path: dir }).catch((e: unknown) => e);
      expect(folder).toMatchObject({ name: "SgTransferError", code: "SG_DOWNLOAD_FAILED" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("openAttachment of a local file whose stat fails is an SgTransferError, not a raw Node error, and the file is closed", async () => {
    const fs = await import("node:fs");
    const { mkdtempSync, rmSync, writeFileSync } = fs;
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "sg-local-stat-"));
    const realOpen = fs.promises.open;
    let closed = 0;
    const statFails = Object.assign(new Error("EIO: i/o error, fstat"), { code: "EIO" });
    const spy = vi.spyOn(fs.promises, "open").mockImplementation(async (...args: Parameters<typeof realOpen>) => {
      const handle = await realOpen(...args);
      return new Proxy(handle, {
        get(target, key) {
          if (key === "stat") return () => Promise.reject(statFails);
          if (key === "close") return () => ((closed += 1), target.close());
          const value = Reflect.get(target, key) as unknown;
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    });
    try {
      const source = join(dir, "plate.exr");
      writeFileSync(source, "bytes");
      const link = { url: `file://${source}`, local_path: source, link_type: "local", name: "plate" };
      const opened = await site.api.openAttachment(link).catch((e: unknown) => e);
      expect(opened).toMatchObject({ name: "SgTransferError", code: "SG_DOWNLOAD_FAILED", cause: statFails });
      expect(closed).toBe(1);
    } finally {
      spy.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
