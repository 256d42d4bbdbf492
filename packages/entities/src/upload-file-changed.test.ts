/**
 * A file changed on disk while it is being uploaded (a render still appending to it, or truncating it and starting
 * over): its bytes cannot be read to their end, fetch cuts the request short of its Content-Length, and nothing is
 * attached. A node:http proxy on 127.0.0.1 in front of the emulator stops reading the upload's body after its first
 * chunk, the test changes the file, then lets the proxy read on. The error must name the path and the change, as an
 * `SgTransferError` without `maybeSent` — not a network error that "may have been applied", which stops a retry loop.
 */
import { appendFile, mkdtemp, open, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgTransferError, type EntityApi } from "./index.js";
import { startEchoProxy, type EchoProxy } from "./test-support/echo-proxy.js";
import { startSite, type TestSite } from "./test-support/site.js";

const MB = 1048576;
let site: TestSite;
let gateway: EchoProxy;
let cloudGateway: EchoProxy;
let direct: EntityApi;
let dir: string;
let shot: number;

beforeAll(async () => {
  site = await startSite();
  direct = site.api;
  gateway = await startEchoProxy(site.emulator.url);
  cloudGateway = await startEchoProxy(site.emulator.url, { cloud: true });
  dir = await mkdtemp(join(tmpdir(), "sg-upload-changed-"));
  shot = (await direct.find("Shot", [], ["id"], { limit: 1 }))[0]!.id;
});
afterAll(async () => {
  await gateway.close();
  await cloudGateway.close();
  await site.close();
  await rm(dir, { recursive: true, force: true });
});

const attachments = async (): Promise<number> => (await direct.find("Attachment", [], ["id"])).length;

/**
 * Upload a 64 MB file through `proxy`, held at `heldPath` (far more than the socket buffers take, so the read is
 * partway through it), change the file with `change` there, and return the upload's error.
 */
async function uploadChanging(proxy: EchoProxy, heldPath: string, file: string, change: () => Promise<void>): Promise<unknown> {
  await writeFile(file, Buffer.alloc(64 * MB, 1));
  const hold = proxy.hold(heldPath);
  const upload = site.apiVia(proxy.url).upload("Shot", shot, file).then(
    (id) => `attached as ${id}`,
    (error: unknown) => error,
  );
  await hold.reached;
  await change();
  hold.release();
  return upload;
}

// Each test moves 64 MB through a proxy into the emulator: on a loaded 2-core machine that passed vitest's 5 s default.
describe("a file changed while it is uploaded", { timeout: 60_000 }, () => {
  // One small write, so that the upload's check sees it whole (a large append may still be under way).
  it("that grows, on the direct route: SG_UPLOAD_FAILED naming the path and the sizes, not maybe sent", async () => {
    const before = await attachments();
    const file = join(dir, "growing.mov");
    const error = await uploadChanging(gateway, "/upload/upload_file", file, () => appendFile(file, "one more frame"));
    expect(error).toBeInstanceOf(SgTransferError);
    const e = error as SgTransferError;
    expect(e.code).toBe("SG_UPLOAD_FAILED");
    expect(e.message.split("\n")[0]).toBe(`@sg/entities: ${file} changed while it was being uploaded (67108864 → 67108878 bytes): a program may still be writing it`);
    expect(e.maybeSent).toBeUndefined();
    expect(e.hint).toBe("Upload it again once it is complete: nothing was attached, the site never got it whole.");
    expect(await attachments()).toBe(before);
  });

  it("that is truncated, on the cloud route (storage PUT): the same error", async () => {
    const before = await attachments();
    const file = join(dir, "restarted.mov");
    const error = await uploadChanging(cloudGateway, "/upload/storage/", file, () => truncate(file, MB));
    expect(error).toBeInstanceOf(SgTransferError);
    const e = error as SgTransferError;
    expect(e.code).toBe("SG_UPLOAD_FAILED");
    expect(e.message.split("\n")[0]).toBe(`@sg/entities: ${file} changed while it was being uploaded (64 MB → 1 MB): a program may still be writing it`);
    expect(e.maybeSent).toBeUndefined();
    expect(await attachments()).toBe(before);
  });

  it("rewritten at the same size: gives the byte counts", async () => {
    const file = join(dir, "rewritten.mov");
    const error = await uploadChanging(gateway, "/upload/upload_file", file, async () => {
      // a later modification time than the one the upload opened the file with
      await new Promise((resolve) => setTimeout(resolve, 20));
      // one write over its first bytes: the size stays (a truncating rewrite could be seen halfway)
      const handle = await open(file, "r+");
      await handle.write(Buffer.alloc(1000, 3), 0, 1000, 0);
      await handle.close();
    });
    expect((error as Error).message).toContain(`${file} changed while it was being uploaded (67108864 → 67108864 bytes)`);
  });

  it("held and released unchanged: the upload completes", async () => {
    const before = await attachments();
    const error = await uploadChanging(gateway, "/upload/upload_file", join(dir, "steady.mov"), async () => {});
    expect(error).toMatch(/^attached as \d+$/);
    expect(await attachments()).toBe(before + 1);
  });
});
