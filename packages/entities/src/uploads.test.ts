import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgNetworkError, createClient, type Client } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport, type JsonRpcTransportOptions } from "@sg/transport";
import { SgPartialWriteError, SgTransferError, entityApi, parseUploadReply, type EntityApi } from "./index.js";
import { retryUnlessMaybeSent } from "./test-support/retry-unless-maybe-sent.js";
import { startSite, type TestSite } from "./test-support/site.js";

// A 1×1 PNG.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

let site: TestSite;
let dir: string;
let project: { type: "Project"; id: number };
let png: string;
let text: string;
beforeAll(async () => {
  site = await startSite();
  project = site.emulator.card.projects[0] as { type: "Project"; id: number };
  dir = mkdtempSync(join(tmpdir(), "sg-entities-"));
  png = join(dir, "thumb.png");
  writeFileSync(png, PNG);
  text = join(dir, "notes.txt");
  writeFileSync(text, "hello from @sg/entities\n".repeat(1000));
});
afterAll(async () => {
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

const paths = (): string[] => site.emulator.requests().map((r) => r.path);

/** A second client on the emulator, with its own site URL and transport options. */
function otherClient(siteUrl: string, options?: JsonRpcTransportOptions): { client: Client; api: EntityApi } {
  const script = site.emulator.card.scripts[0] as { name: string; key: string };
  const client = createClient({ site: siteUrl, transport: jsonRpcTransport(options), auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) });
  return { client, api: entityApi(client) };
}

describe("upload and download of real files", () => {
  it("uploads a file into a url field and downloads the same bytes back (script credentials → session cookie)", async () => {
    const version = await site.api.create("Version", { code: "up_v1", project });
    const id = await site.api.upload("Version", version.id, text, { fieldName: "sg_uploaded_movie", displayName: "Notes", tagList: ["a", "b"] });
    expect(Number.isInteger(id)).toBe(true);
    const read = await site.api.findOne("Version", [["id", "is", version.id]], ["sg_uploaded_movie"]);
    const movie = read!.sg_uploaded_movie as { url: string; name: string; type: string; id: number };
    expect(movie).toMatchObject({ name: "Notes", type: "Attachment", id });
    const bytes = await site.api.downloadAttachment(movie);
    expect(Buffer.from(bytes).equals(readFileSync(text))).toBe(true);
    const target = join(dir, "copy.txt");
    expect(await site.api.downloadAttachment(id, { filePath: target })).toBe(target);
    expect(readFileSync(target).equals(readFileSync(text))).toBe(true);
    expect(paths()).toContain("/upload/upload_file");
    expect(site.sent.filter((r) => r.method === "get_session_token")).toHaveLength(1);
  });

  it("a file of a few MB, read from disk as the form is sent, reaches the site byte for byte", async () => {
    const { randomBytes } = await import("node:crypto");
    const bytes = randomBytes(6 * 1024 * 1024 + 13);
    const at = join(dir, "plate.exr");
    writeFileSync(at, bytes);
    const shot = await site.api.findOne("Shot", []);
    const id = await site.api.upload("Shot", shot!.id, at);
    expect(Buffer.from(await site.api.downloadAttachment(id)).equals(bytes)).toBe(true);
  });

  it("uploads without a field (an Attachment linked to the entity) and accepts a Blob", async () => {
    const shot = await site.api.findOne("Shot", []);
    const id = await site.api.upload("Shot", shot!.id, new File([new TextEncoder().encode("in memory")], "memo.txt"));
    expect(Buffer.from(await site.api.downloadAttachment({ type: "Attachment", id })).toString()).toBe("in memory");
  });

  it("uploads thumbnails and filmstrips through publish_thumbnail", async () => {
    const shot = await site.api.create("Shot", { code: "up_thumb", project });
    const before = paths().length;
    await site.api.uploadThumbnail("Shot", shot.id, png);
    await site.api.uploadFilmstripThumbnail("Shot", shot.id, png);
    expect(paths().slice(before).filter((p) => p.startsWith("/upload/"))).toEqual(["/upload/publish_thumbnail", "/upload/publish_thumbnail"]);
    const read = await site.api.findOne("Shot", [["id", "is", shot.id]], ["image"]);
    expect(typeof read!.image).toBe("string");
  });

  it("shares a thumbnail from a source entity and from a path", async () => {
    const [a, b, c] = await Promise.all(["up_share_a", "up_share_b", "up_share_c"].map((code) => site.api.create("Shot", { code, project })));
    await site.api.uploadThumbnail("Shot", a!.id, png);
    const shared = await site.api.shareThumbnail([b!, c!], { sourceEntity: a! });
    expect(Number.isInteger(shared)).toBe(true);
    const fromPath = await site.api.shareThumbnail([a!, b!], { thumbnailPath: png });
    expect(Number.isInteger(fromPath)).toBe(true);
    const images = await site.api.find("Shot", [["id", "in", [a!.id, b!.id, c!.id]]], ["image"]);
    expect(images.every((s) => typeof s.image === "string")).toBe(true);
  });

  it("get_attachment_download_url: url key, Attachment link, id, null", () => {
    expect(site.api.getAttachmentDownloadUrl({ url: "https://x/y" })).toBe("https://x/y");
    expect(site.api.getAttachmentDownloadUrl({ type: "Attachment", id: 7 })).toBe(`${site.emulator.url}/file_serve/attachment/7`);
    expect(site.api.getAttachmentDownloadUrl(8)).toBe(`${site.emulator.url}/file_serve/attachment/8`);
    expect(site.api.getAttachmentDownloadUrl(null)).toBeNull();
  });

  it("a refused upload says why, in the site's words", async () => {
    const shot = await site.api.findOne("Shot", []);
    const error = await site.api.upload("Shot", shot!.id, text, { fieldName: "sg_no_such_field" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    expect((error as SgTransferError).code).toBe("SG_UPLOAD_FAILED");
    expect((error as SgTransferError).reason).toMatch(/^@sg\/entities: could not upload .*notes\.txt \(\/upload\/upload_file answered 200: .*sg_no_such_field.*\)$/);
    expect((error as SgTransferError).reason).not.toContain("\n");
  });

  it("turns a refused download into SgTransferError with the status", async () => {
    await expect(site.api.downloadAttachment(987654)).rejects.toBeInstanceOf(SgTransferError);
  });

  it("parses upload replies like the Python client", () => {
    expect(parseUploadReply("1:123\nok")).toBe(123);
    expect(parseUploadReply("1\n:123\nasd")).toBe(123);
    expect(parseUploadReply("0:Error")).toBeUndefined();
  });
});

describe("cloud (S3) uploads, when info announces them", () => {
  it("routes by s3_enabled_upload_types, PUTs 20,000,000-byte parts past the threshold, and links the upload", async () => {
    const puts: number[] = [];
    // The emulator implements the cloud endpoints but announces them off; this fetch turns them on in `info`.
    const cloudFetch = async (input: string, init: RequestInit): Promise<Response> => {
      if (init.method === "PUT") puts.push((init.body as Blob).size);
      const response = await fetch(input, init);
      if (typeof init.body !== "string" || !init.body.includes('"method_name":"info"')) return response;
      const info = { ...((await response.json()) as object), s3_direct_uploads_enabled: true, s3_enabled_upload_types: { Shot: ["thumb_image"] } };
      return new Response(JSON.stringify(info), { headers: { "content-type": "application/json" } });
    };
    const { client, api } = otherClient(site.emulator.url, { fetch: cloudFetch });
    try {
      const version = await api.create("Version", { code: "cloud_v", project });
      const shot = await api.create("Shot", { code: "cloud_shot", project });
      const big = Buffer.alloc(45_000_001, 7);
      const at = join(dir, "big.mov");
      writeFileSync(at, big);
      const before = site.emulator.requests().length;
      const movie = await api.upload("Version", version.id, at, { fieldName: "sg_uploaded_movie", displayName: "Big" });
      await api.uploadThumbnail("Shot", shot.id, png);
      await api.upload("Shot", shot.id, text);
      const steps = site.emulator.requests().slice(before).map((r) => r.path.replace(/\/upload\/storage\/[^/]+/, "<storage>")).filter((p) => !p.endsWith("/api3/json"));
      expect(steps).toEqual([
        "/upload/api_get_upload_link_info",
        ...[1, 2, 3].flatMap((n) => ["/upload/api_get_upload_link_for_part", `<storage>/part/${n}`]),
        "/upload/api_complete_multipart_upload",
        "/upload/api_link_file",
        "/upload/api_get_upload_link_info", "<storage>", "/upload/api_link_file",
        "/upload/upload_file",
      ]);
      expect(puts).toEqual([20_000_000, 20_000_000, 5_000_001, PNG.length]);
      expect(await api.findOne("Version", [["id", "is", version.id]], ["sg_uploaded_movie"])).toMatchObject({ sg_uploaded_movie: { id: movie, name: "Big" } });
      expect(Buffer.from(await api.downloadAttachment(movie)).equals(big)).toBe(true);
    } finally {
      await client.close();
    }
  }, 30_000);
});

describe("cloud multipart uploads without ETags", () => {
  it("stop at the first part storage answers without an ETag, saying why, before completing or linking", async () => {
    // Storage that hides ETag (a browser whose bucket CORS does not expose it looks the same to the client).
    const noEtag = async (input: string, init: RequestInit): Promise<Response> => {
      const response = await fetch(input, init);
      if (init.method === "PUT") return new Response(await response.arrayBuffer(), { status: response.status });
      if (typeof init.body !== "string" || !init.body.includes('"method_name":"info"')) return response;
      return new Response(JSON.stringify({ ...((await response.json()) as object), s3_direct_uploads_enabled: true }), { headers: { "content-type": "application/json" } });
    };
    const { client, api } = otherClient(site.emulator.url, { fetch: noEtag });
    try {
      const version = await api.create("Version", { code: "cloud_no_etag", project });
      const before = site.emulator.requests().length;
      const error = await api.upload("Version", version.id, new File([Buffer.alloc(20_000_001, 1)], "two-parts.mov"), { fieldName: "sg_uploaded_movie" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgTransferError);
      expect((error as SgTransferError).message).toContain("storage answered part 1 of two-parts.mov without an ETag header");
      expect((error as SgTransferError).hint).toContain("CORS");
      const paths = site.emulator.requests().slice(before).map((r) => r.path);
      expect(paths.filter((p) => p.includes("/part/"))).toHaveLength(1);
      expect(paths.some((p) => p.endsWith("api_complete_multipart_upload") || p.endsWith("api_link_file"))).toBe(false);
    } finally {
      await client.close();
    }
  }, 30_000);
});

describe("cloud storage PUTs", () => {
  it("are retried on 503 (S3 SlowDown), like the Python client: repeating a PUT to the same URL cannot duplicate anything", async () => {
    const puts: number[] = [];
    const slowDownOnce = async (input: string, init: RequestInit): Promise<Response> => {
      if (init.method === "PUT" && puts.push(puts.length) === 1) return new Response("<Error><Code>SlowDown</Code></Error>", { status: 503, headers: { "retry-after": "0" } });
      const response = await fetch(input, init);
      if (typeof init.body !== "string" || !init.body.includes('"method_name":"info"')) return response;
      return new Response(JSON.stringify({ ...((await response.json()) as object), s3_direct_uploads_enabled: true }), { headers: { "content-type": "application/json" } });
    };
    const { client, api } = otherClient(site.emulator.url, { fetch: slowDownOnce });
    try {
      const version = await api.create("Version", { code: "cloud_503", project });
      const id = await api.upload("Version", version.id, new File(["after a slow down"], "m.mov"), { fieldName: "sg_uploaded_movie" });
      expect(puts).toHaveLength(2);
      expect(Buffer.from(await api.downloadAttachment(id)).toString()).toBe("after a slow down");
    } finally {
      await client.close();
    }
  });
});

/**
 * A fetch that turns the cloud-storage route on in `info` and, as the first storage PUT goes out, asks the
 * emulator to answer that PUT's path with each of `statuses` in turn (fault injection by path: the URL exists
 * only once link info answered), so that the failures come from the site over the socket.
 */
function cloudFetch(statuses: readonly (number | "reset")[]): { fetch: (input: string, init: RequestInit) => Promise<Response>; puts: string[] } {
  const puts: string[] = [];
  const fetchFn = async (input: string, init: RequestInit): Promise<Response> => {
    if (init.method === "PUT" && puts.push(new URL(input).pathname) === 1) {
      const method = new URL(input).pathname;
      for (const status of statuses) {
        // "reset": the connection is dropped once the PUT has arrived, without an answer
        site.emulator.injectFault(status === "reset" ? { method, dropConnection: true } : { method, status, body: `<Error><Code>${status === 500 ? "InternalError" : "NotImplemented"}</Code></Error>` });
      }
    }
    const response = await fetch(input, init);
    if (typeof init.body !== "string" || !init.body.includes('"method_name":"info"')) return response;
    return new Response(JSON.stringify({ ...((await response.json()) as object), s3_direct_uploads_enabled: true }), { headers: { "content-type": "application/json" } });
  };
  return { fetch: fetchFn, puts };
}

/** The upload steps the emulator saw since request number `from`, RPCs left out, storage paths shortened. */
const transferSteps = (from: number): [string, number, string | null][] =>
  site.emulator
    .requests()
    .slice(from)
    .filter((r) => !r.path.endsWith("/api3/json"))
    .map((r) => [r.path.replace(/\/upload\/storage\/[^/]+/, "<storage>"), r.status, r.injected]);

describe("cloud storage PUTs answered 500", () => {
  it("are retried, like the Python client since 3.4.1 (S3 InternalError): the upload completes and the row is linked once", async () => {
    const cloud = cloudFetch([500]);
    const { client, api } = otherClient(site.emulator.url, { fetch: cloud.fetch });
    try {
      const version = await api.create("Version", { code: "cloud_500", project });
      const before = site.emulator.requests().length;
      const id = await api.upload("Version", version.id, new File(["after an internal error"], "m500.mov"), { fieldName: "sg_uploaded_movie", displayName: "after 500" });
      expect(transferSteps(before)).toEqual([
        ["/upload/api_get_upload_link_info", 200, null],
        ["<storage>", 500, "status-500"],
        ["<storage>", 200, null],
        ["/upload/api_link_file", 200, null],
      ]);
      expect(cloud.puts).toHaveLength(2);
      expect(await api.find("Attachment", [["display_name", "is", "after 500"]], ["id"])).toEqual([{ type: "Attachment", id }]);
      expect(await api.findOne("Version", [["id", "is", version.id]], ["sg_uploaded_movie"])).toMatchObject({ sg_uploaded_movie: { id, name: "after 500" } });
      expect(Buffer.from(await api.downloadAttachment(id)).toString()).toBe("after an internal error");
    } finally {
      await client.close();
    }
  });

  it("are tried once with retry: false, and the upload is refused without linking anything", async () => {
    const cloud = cloudFetch([500]);
    const { client, api } = otherClient(site.emulator.url, { fetch: cloud.fetch });
    try {
      const version = await api.create("Version", { code: "cloud_500_no_retry", project });
      const before = site.emulator.requests().length;
      const error = await api.upload("Version", version.id, new File(["never linked"], "m.mov"), { fieldName: "sg_uploaded_movie", retry: false }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgTransferError);
      expect((error as SgTransferError).status).toBe(500);
      expect(transferSteps(before)).toEqual([
        ["/upload/api_get_upload_link_info", 200, null],
        ["<storage>", 500, "status-500"],
      ]);
      expect(await api.findOne("Version", [["id", "is", version.id]], ["sg_uploaded_movie"])).toMatchObject({ sg_uploaded_movie: null });
    } finally {
      await client.close();
    }
  });

  it("keep the caller's retry options: their maxAttempts bounds the PUT and their own retryStatuses still apply", async () => {
    const cloud = cloudFetch([501, 500]);
    const { client, api } = otherClient(site.emulator.url, { fetch: cloud.fetch });
    try {
      const version = await api.create("Version", { code: "cloud_caller_retry", project });
      const before = site.emulator.requests().length;
      const error = await api.upload("Version", version.id, new File(["x"], "m.mov"), { fieldName: "sg_uploaded_movie", retry: { maxAttempts: 2, retryStatuses: [501] } }).catch((e: unknown) => e);
      expect((error as SgTransferError).status).toBe(500);
      expect(transferSteps(before)).toEqual([
        ["/upload/api_get_upload_link_info", 200, null],
        ["<storage>", 501, "status-501"],
        ["<storage>", 500, "status-500"],
      ]);
    } finally {
      await client.close();
    }
  });

  it("a 500 on the site's own upload steps (/upload/* form posts) is still not retried, even with retryStatuses: [500]: it may have landed", async () => {
    const cloud = cloudFetch([]); // storage answers normally; only the route is turned on
    const { client, api } = otherClient(site.emulator.url, { fetch: cloud.fetch });
    try {
      const version = await api.create("Version", { code: "cloud_step_500", project });
      const shot = await api.create("Shot", { code: "direct_step_500", project });
      const cases: [string, () => Promise<number>][] = [
        ["/upload/api_get_upload_link_info", () => api.upload("Version", version.id, new File(["a"], "a.mov"), { fieldName: "sg_uploaded_movie", retry: { retryStatuses: [500] } })],
        ["/upload/api_link_file", () => api.upload("Version", version.id, new File(["b"], "b.mov"), { fieldName: "sg_uploaded_movie", retry: { retryStatuses: [500] } })],
        ["/upload/upload_file", () => site.api.upload("Shot", shot.id, new File(["c"], "c.txt"), { retry: { retryStatuses: [500] } })],
      ];
      for (const [step, upload] of cases) {
        site.emulator.injectFault({ method: step, status: 500, body: "boom", times: 1 });
        const before = site.emulator.requests().length;
        const error = await upload().catch((e: unknown) => e);
        expect(error, step).toBeInstanceOf(SgTransferError);
        expect((error as SgTransferError).status).toBe(500);
        expect(transferSteps(before).filter(([path]) => path === step)).toEqual([[step, 500, "status-500"]]);
      }
      expect(await api.findOne("Version", [["id", "is", version.id]], ["sg_uploaded_movie"])).toMatchObject({ sg_uploaded_movie: null });
      expect(await api.find("Attachment", [["display_name", "in", ["a.mov", "b.mov", "c.txt"]]], ["id"])).toEqual([]);
    } finally {
      site.emulator.reset();
      await client.close();
    }
  });
});

describe("network errors on upload steps (README: the site's /upload/* posts are writes, a storage PUT a read)", () => {
  it("a form post to /upload/upload_file refused twice before it was sent is sent a third time, and the file is attached once", async () => {
    const { createServer } = await import("node:net");
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    let refused = 0;
    // The first two posts go to a port nothing listens on: the connection is refused, nothing was sent.
    const refuseTwice = (input: string, init: RequestInit): Promise<Response> => {
      const url = new URL(input);
      if (url.pathname !== "/upload/upload_file" || refused++ >= 2) return fetch(input, init);
      return fetch(`http://127.0.0.1:${port}${url.pathname}`, init);
    };
    const { client, api } = otherClient(site.emulator.url, { fetch: refuseTwice, retry: { baseDelayMs: 1 } });
    try {
      const shot = await api.create("Shot", { code: "upload_refused_twice", project });
      const before = site.emulator.requests().length;
      const id = await api.upload("Shot", shot.id, new File(["after two refusals"], "refused.txt"));
      expect(refused).toBe(3);
      expect(transferSteps(before)).toEqual([["/upload/upload_file", 200, null]]);
      expect(await api.find("Attachment", [["display_name", "is", "refused.txt"]], ["id"])).toEqual([{ type: "Attachment", id }]);
      expect(Buffer.from(await api.downloadAttachment(id)).toString()).toBe("after two refusals");
    } finally {
      await client.close();
    }
  });

  it("a form post to /upload/upload_file whose connection is reset after it was sent is not retried: it may have landed", async () => {
    const { client, api } = otherClient(site.emulator.url, { retry: { baseDelayMs: 1 } });
    try {
      const shot = await api.create("Shot", { code: "upload_reset", project });
      site.emulator.injectFault({ method: "/upload/upload_file", dropConnection: true });
      const before = site.emulator.requests().length;
      const error = await api.upload("Shot", shot.id, new File(["reset once"], "reset.txt")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgNetworkError);
      expect(error).toMatchObject({ maybeSent: true });
      expect((error as SgNetworkError).attempts).toHaveLength(1);
      expect(transferSteps(before).map(([path]) => path)).toEqual(["/upload/upload_file"]);
    } finally {
      site.emulator.reset();
      await client.close();
    }
  });

  it("a storage PUT whose connection is reset is sent again, then the link step runs and the file downloads back intact", async () => {
    const cloud = cloudFetch(["reset"]);
    const { client, api } = otherClient(site.emulator.url, { fetch: cloud.fetch, retry: { baseDelayMs: 1 } });
    try {
      const version = await api.create("Version", { code: "cloud_reset", project });
      const before = site.emulator.requests().length;
      const id = await api.upload("Version", version.id, new File(["after a reset"], "reset.mov"), { fieldName: "sg_uploaded_movie", displayName: "after reset" });
      expect(cloud.puts).toHaveLength(2);
      expect(transferSteps(before).map(([path]) => path)).toEqual(["/upload/api_get_upload_link_info", "<storage>", "<storage>", "/upload/api_link_file"]);
      expect(await api.findOne("Version", [["id", "is", version.id]], ["sg_uploaded_movie"])).toMatchObject({ sg_uploaded_movie: { id, name: "after reset" } });
      expect(Buffer.from(await api.downloadAttachment(id)).toString()).toBe("after a reset");
    } finally {
      await client.close();
    }
  });
});

describe("a site URL with a base path", () => {
  it("uploads and downloads on the site's origin: the /upload/* and /file_serve/* endpoints ignore the base path (rpc-protocol §1.1)", async () => {
    const sub = await startSite({ basePath: "/sg" });
    const origin = new URL(sub.emulator.url).origin;
    try {
      expect(sub.emulator.url).toBe(`${origin}/sg`);
      const api = sub.api;
      const shot = (await api.findOne("Shot", []))!;
      const before = sub.emulator.requests().length;
      const id = await api.upload("Shot", shot.id, new File(["under a base path"], "base.txt"));
      await api.uploadThumbnail("Shot", shot.id, png);
      expect(api.getAttachmentDownloadUrl(id)).toBe(`${origin}/file_serve/attachment/${id}`);
      expect(api.getAttachmentDownloadUrl({ type: "Attachment", id })).toBe(`${origin}/file_serve/attachment/${id}`);
      expect(Buffer.from(await api.downloadAttachment(id)).toString()).toBe("under a base path");
      const requests = sub.emulator.requests().slice(before).map((r) => r.path);
      expect(requests.filter((p) => p.endsWith("/api3/json")).every((p) => p === "/sg/api3/json")).toBe(true);
      expect(requests.filter((p) => !p.endsWith("/api3/json"))).toEqual(["/upload/upload_file", "/upload/publish_thumbnail", `/file_serve/attachment/${id}`]);
    } finally {
      await sub.close();
    }
  });
});

describe("create/update with an image: the entity first, then the upload", () => {
  it("creates, uploads the image and returns the image URL", async () => {
    const shot = await site.api.create("Shot", { code: "up_img", project, image: png }, ["code"]);
    expect(shot).toMatchObject({ code: "up_img" });
    expect(typeof shot.image).toBe("string");
    const create = site.payloads("create").at(-1) as { fields: { field_name: string }[] };
    expect(create.fields.map((f) => f.field_name)).not.toContain("image");
  });

  it("returns filmstrip_image read back after a filmstrip upload, like image (Python create/update)", async () => {
    const shot = await site.api.create("Shot", { code: "up_filmstrip", project, filmstrip_image: png }, ["code"]);
    expect(shot.filmstrip_image).toBe((await site.api.findOne("Shot", [["id", "is", shot.id]], ["filmstrip_image"]))!.filmstrip_image);
    expect(typeof shot.filmstrip_image).toBe("string");
    expect("image" in shot).toBe(false);
    const both = await site.api.update("Shot", shot.id, { image: png, filmstrip_image: png });
    expect(typeof both.image).toBe("string");
    expect(typeof both.filmstrip_image).toBe("string");
  });

  it("keeps the created record when the thumbnail upload fails", async () => {
    site.emulator.injectFault({ method: "/upload/publish_thumbnail", status: 500, body: "boom", times: 5 });
    const error = await site.api.create("Shot", { code: "up_img_fail", project, image: png }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgPartialWriteError);
    const record = (error as SgPartialWriteError).record;
    expect(record).toMatchObject({ type: "Shot" });
    expect(await site.api.findOne("Shot", [["id", "is", record["id"] as number]], ["code"])).toMatchObject({ code: "up_img_fail" });
    site.emulator.reset();
  });

  it.each([
    // A gateway's 502 after the site may have taken the file: check before uploading it again.
    [{ status: 502, body: "Bad Gateway" }, true, /^The record is in error\.record; its image may have been attached: check before uploading it again with uploadThumbnail\(\)\.$/],
    // A 400 or a 0… refusal attached nothing, and sending the same again fails the same: the hint says what to fix first.
    [{ status: 400, body: "Bad Request" }, undefined, /^The record is in error\.record; its image was not attached\. The site answered HTTP 400 instead of an upload reply; check the site URL.* Then upload it with uploadThumbnail\(\)\.$/],
    [{ status: 200, body: "0\nthe file is not an image (error_code 103)" }, undefined, /^The record is in error\.record; its image was not attached\. The site refused the upload as bad input.* Then upload it with uploadThumbnail\(\)\.$/],
  ])("a failed thumbnail upload of a create (%o): the partial write's hint follows its cause", async (fault, maybeSent, hint) => {
    site.emulator.injectFault({ method: "/upload/publish_thumbnail", ...fault });
    const error = (await site.api.create("Shot", { code: "up_img_hint", project, image: png }).catch((e: unknown) => e)) as SgPartialWriteError;
    expect(error).toBeInstanceOf(SgPartialWriteError);
    expect(error.cause).toMatchObject({ code: "SG_UPLOAD_FAILED" });
    expect((error.cause as SgTransferError).maybeSent).toBe(maybeSent);
    expect(error.hint).toMatch(hint);
  });

  it("a create whose image went up but whose filmstrip failed: the partial write names the filmstrip and uploadFilmstripThumbnail()", async () => {
    // the first thumbnail upload (the image) is answered as usual, the second (the filmstrip) refused
    site.emulator.injectFault({ method: "/upload/publish_thumbnail", delayMs: 1 });
    site.emulator.injectFault({ method: "/upload/publish_thumbnail", status: 400, body: "Bad Request" });
    const error = (await site.api.create("Version", { code: "up_strip_fail", project, image: png, filmstrip_image: png }).catch((e: unknown) => e)) as SgPartialWriteError;
    expect(error).toBeInstanceOf(SgPartialWriteError);
    expect(error.reason).toMatch(/was created, but uploading its filmstrip failed$/);
    expect(error.hint).toMatch(/^The record is in error\.record; its image was attached, but its filmstrip was not attached\. .* Then upload it with uploadFilmstripThumbnail\(\)\.$/);
    const version = await site.api.findOne("Version", [["id", "is", error.record["id"] as number]], ["image", "filmstrip_image"]);
    expect(typeof version!.image).toBe("string");
    expect(version!.filmstrip_image).toBeNull();
  });

  it("a create with a filmstrip only, uploaded but not read back: the error names the filmstrip, never an image", async () => {
    site.emulator.injectFault({ method: "read", status: 400, body: "Bad Request" });
    const error = (await site.api.create("Version", { code: "up_strip_readback", project, filmstrip_image: png }).catch((e: unknown) => e)) as SgPartialWriteError;
    expect(error).toBeInstanceOf(SgPartialWriteError);
    expect(error.reason).toMatch(/was created, but reading back its filmstrip failed$/);
    expect(error.hint).toBe("The record is in error.record; its filmstrip was uploaded, but reading it back failed.");
  });

  it("a create whose image was uploaded but not read back: the hint says the image is there", async () => {
    site.emulator.injectFault({ method: "read", status: 400, body: "Bad Request" });
    const error = (await site.api.create("Shot", { code: "up_img_readback", project, image: png }).catch((e: unknown) => e)) as SgPartialWriteError;
    expect(error).toBeInstanceOf(SgPartialWriteError);
    expect(error.cause).toMatchObject({ name: "SgHttpError", status: 400, method: "read" });
    expect(error.reason).toMatch(/was created, but reading back its image failed$/);
    expect(error.hint).toBe("The record is in error.record; its image was uploaded, but reading it back failed.");
    const shot = await site.api.findOne("Shot", [["id", "is", error.record["id"] as number]], ["image"]);
    expect(typeof shot!.image).toBe("string");
  });

  it("update with only an image sends no update call; image: null clears the thumbnail", async () => {
    const shot = await site.api.create("Shot", { code: "up_img_update", project });
    const before = site.payloads("update").length;
    const out = await site.api.update("Shot", shot.id, { image: png });
    expect(site.payloads("update").length).toBe(before);
    expect(typeof out.image).toBe("string");
    const cleared = await site.api.update("Shot", shot.id, { image: null });
    expect(cleared.image).toBeNull();
  });
  // The write landed, only the upload after it failed: the partial write says maybeSent: true as every landed write's
  // error does, so that a retry helper that re-sends unless maybeSent is true does not create a second row.
  it("a create whose thumbnail upload is answered 503: the SgPartialWriteError says maybeSent: true; a retry helper makes no second row", async () => {
    site.emulator.injectFault({ method: "/upload/publish_thumbnail", status: 503, body: "Service Unavailable" });
    const error = await retryUnlessMaybeSent(() => site.api.create("Version", { code: "up_img_503_landed", project, image: png }));
    expect(error).toBeInstanceOf(SgPartialWriteError);
    expect(Object.getOwnPropertyDescriptor(error, "maybeSent")).toMatchObject({ value: true, enumerable: true });
    expect((error as SgPartialWriteError).toJSON()).toMatchObject({ code: "SG_PARTIAL_WRITE", maybeSent: true });
    expect(await site.api.find("Version", [["code", "is", "up_img_503_landed"]], ["id"])).toHaveLength(1);
  });

  it("an update whose thumbnail upload is answered 503: maybeSent: true too", async () => {
    const shot = await site.api.create("Shot", { code: "up_img_503_update", project });
    site.emulator.injectFault({ method: "/upload/publish_thumbnail", status: 503, body: "Service Unavailable" });
    const error = await site.api.update("Shot", shot.id, { description: "x", image: png }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgPartialWriteError);
    expect(Object.getOwnPropertyDescriptor(error, "maybeSent")).toMatchObject({ value: true, enumerable: true });
  });
});

describe("transfers on a calls-only transport", () => {
  it("are refused before anything is sent, naming the argument; plain calls still work", async () => {
    const { jsonRpcCallTransport } = await import("@sg/transport");
    const { createClient, SgValidationError } = await import("@sg/core");
    const { scriptAuth } = await import("@sg/auth-script");
    const { entityApi } = await import("./index.js");
    const script = site.emulator.card.scripts[0] as { name: string; key: string };
    const client = createClient({ site: site.emulator.url, transport: jsonRpcCallTransport(), auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) });
    const api = entityApi(client);
    const shot = (await api.findOne("Shot", []))!;
    const before = site.emulator.requests().length;
    const attempts: [string, () => Promise<unknown>, string][] = [
      ["create with image", () => api.create("Shot", { code: "calls_only", project, image: png }), "data.image"],
      ["update with filmstrip_image", () => api.update("Shot", shot.id, { filmstrip_image: png }), "data.filmstrip_image"],
      ["upload", () => api.upload("Shot", shot.id, text), "path"],
      ["uploadThumbnail", () => api.uploadThumbnail("Shot", shot.id, png), "path"],
      ["shareThumbnail", () => api.shareThumbnail([shot], { sourceEntity: shot }), "options.sourceEntity"],
      ["downloadAttachment", () => api.downloadAttachment(1), "attachment"],
    ];
    for (const [what, attempt, path] of attempts) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, what).toBeInstanceOf(SgValidationError);
      expect((error as Error).message, what).toBe(
        `@sg/entities: ${path}: expected a client whose transport makes uploads and downloads, e.g. jsonRpcTransport() from @sg/transport, got a client on a calls-only transport (no http())`,
      );
    }
    expect(site.emulator.requests().length).toBe(before);
    expect(await api.findOne("Shot", [["id", "is", shot.id]], ["code"])).toMatchObject({ id: shot.id });
    await client.close();
  });
});
