// An `openAttachment` stream its caller drops — never read, or read in part, and never cancelled — must not hold the
// process for the transfer's deadline (the transport's `transferDeadlineMs`, 30 minutes by default): a short script
// that only wanted the size exits once it is done, and a long-lived one lets go of the connection once the stream is
// collected (a local file link's stream, given a deadlineMs, does not hold the process either). A stream still held
// is left alone, and reads to its end however long it waited. Each case runs in a child process (its own timers and
// heap) against a node:http site on 127.0.0.1 serving a 64 MiB file, written only as fast as it is read, with the
// transport's default limits: nothing here waits for them to pass.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ENTITIES_DIST, exitChild } from "./test-support/exit-child.js";
import { startFileSite, type FileSite } from "./test-support/file-site.js";

const SIZE = 64 * 1024 * 1024;
const CHUNK = 64 * 1024;

/** How long a case waits for what it expects (it takes well under a second): far below any limit of the transport. */
const MARGIN_MS = 15_000;

/** The site (see `startFileSite`): any GET is the file; `opened` and `closed` count its connections. */
async function fileSite(): Promise<{ url: string; opened: () => number; closed: () => number }> {
  let opened = 0;
  let closed = 0;
  const site = await startFileSite((req, res) => {
    opened += 1;
    req.socket.once("close", () => (closed += 1));
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(SIZE) });
    let sent = 0;
    const more = (): void => {
      while (sent < SIZE) {
        sent += CHUNK;
        if (!res.write(Buffer.alloc(CHUNK, sent / CHUNK))) return void res.once("drain", more);
      }
      res.end();
    };
    more();
  });
  sites.push(site);
  return { url: site.client.site.origin, opened: () => opened, closed: () => closed };
}

const sites: FileSite[] = [];
afterEach(async () => {
  for (const site of sites.splice(0)) await site.close();
});

/** What the child scripts share: a client on the site (default transport limits) and `open()`, the attachment's stream. */
const PRELUDE = `
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createClient } from "@sg/core";
import { openAttachment } from ${ENTITIES_DIST};
import { jsonRpcTransport } from "@sg/transport";
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");
const sg = createClient({ site: process.env.SITE, transport: jsonRpcTransport(), auth: { name: "test", credentials: async () => ({ kind: "script", scriptName: "s", scriptKey: "k".repeat(16) }) } });
const open = () => openAttachment(sg, { type: "Attachment", id: 1 });
`;

/** `promise`'s value, or `late` when it has not settled within {@link MARGIN_MS}. */
function within<T>(promise: Promise<T>, late: string): Promise<T | string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([promise, new Promise<string>((resolve) => (timer = setTimeout(resolve, MARGIN_MS, late)))]).finally(() => clearTimeout(timer));
}

/** Resolves once `check()` holds (polled), or with `false` after {@link MARGIN_MS}. */
async function eventually(check: () => boolean): Promise<boolean> {
  for (const end = performance.now() + MARGIN_MS; performance.now() < end; await new Promise((r) => setTimeout(r, 20))) if (check()) return true;
  return check();
}

describe("an openAttachment stream dropped by its caller", () => {
  it.each([
    ["never read", ""],
    ["read in part", "await stream.getReader().read();"],
  ])("%s does not keep a script that is done from exiting (not for the 30 min transfer deadline)", async (_, readSome) => {
    const site = await fileSite();
    const child = exitChild(
      `${PRELUDE}
const { stream, size } = await open();
${readSome}
process.send(size);
process.disconnect();
`,
      site.url,
    );
    expect(await child.reported).toBe(SIZE);
    // Without the fix the transfer deadline's timer holds the process for 30 minutes.
    expect(await within(child.exited, "still running")).toBe(0);
  }, 60_000);

  it("of a local file link, with a deadlineMs, does not keep a script that is done from exiting either", async () => {
    const site = await fileSite();
    const dir = mkdtempSync(join(tmpdir(), "sg-dropped-"));
    const file = join(dir, "plate.exr");
    writeFileSync(file, Buffer.alloc(4 * CHUNK, 1));
    try {
      const child = exitChild(
        `${PRELUDE}
const link = { url: "file://" + ${JSON.stringify(file)}, link_type: "local", local_path: ${JSON.stringify(file)} };
const { stream, size } = await openAttachment(sg, link, { deadlineMs: 1_800_000 });
await stream.getReader().read();
process.send(size);
process.disconnect();
`,
        site.url,
      );
      expect(await child.reported).toBe(4 * CHUNK);
      // Without the fix the deadline's timer holds the process for 30 minutes.
      expect(await within(child.exited, "still running")).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("lets go of its connection once it is collected, in a process that lives on", async () => {
    const site = await fileSite();
    const child = exitChild(
      `${PRELUDE}
const keep = setInterval(gc, 50); // a long-lived process, collecting now and then
// as a server's handler would (a module's top-level await keeps what it awaited in the module's frame)
const handle = async () => (await open()).size;
process.send(await handle());
process.once("message", () => (clearInterval(keep), process.disconnect()));
`,
      site.url,
    );
    expect(await child.reported).toBe(SIZE);
    expect(site.opened()).toBe(1);
    // Without the fix the connection stays open (the socket, and what it buffered) until the transfer deadline.
    expect(await eventually(() => site.closed() === 1)).toBe(true);
    child.send("done");
    expect(await within(child.exited, "still running")).toBe(0);
  }, 60_000);

  it("is not what a stream still held is: collections leave it open, and it reads to its end", async () => {
    const site = await fileSite();
    const child = exitChild(
      `${PRELUDE}
const { stream } = await open();
const reader = stream.getReader();
let total = (await reader.read()).value.byteLength;
for (let i = 0; i < 10; i++) {
  await new Promise((r) => setTimeout(r, 50));
  gc();
}
for (let chunk; !(chunk = await reader.read()).done; ) total += chunk.value.byteLength;
process.send(total);
process.disconnect();
`,
      site.url,
    );
    expect(await child.reported).toBe(SIZE);
    expect(await within(child.exited, "still running")).toBe(0);
  }, 60_000);
});
