import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scriptAuth } from "@sg/auth-script";
import { createClient } from "@sg/core";
import { DEMO_SCRIPT_KEY, startEmulator } from "@sg/emulator";
import { entityApi } from "@sg/entities";
import { jsonRpcTransport } from "@sg/transport";
import { publishVersion } from "./publish.mjs";
import { runRecipe, writeMedia } from "./recipe.mjs";

const main = fileURLToPath(new URL("./main.mjs", import.meta.url));
/** @type {string} */
let dir;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "sg-publish-version-test-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** @param {string} url a client of the test's own, without retries */
const client = (url) => entityApi(createClient({ site: url, transport: jsonRpcTransport({ retry: false }), auth: scriptAuth({ scriptName: "emulator_script", scriptKey: DEMO_SCRIPT_KEY }) }));


/**
 * A gateway in front of `upstream` that answers the first request matching `match` with a 504 and forwards it to the
 * site later: after `delayMs`, or, without one, just before the next matching request (a first send that lands
 * after the re-send). Everything else passes straight through.
 * @param {string} upstream
 * @param {(path: string, body: string) => boolean} match
 * @param {number} [delayMs]
 */
async function lateGateway(upstream, match, delayMs) {
  const up = new URL(upstream);
  /** @type {(() => Promise<void>) | undefined} */
  let held;
  let matched = 0;
  /** @param {import("node:http").IncomingMessage} req @param {Buffer} body @param {import("node:http").ServerResponse} [res] */
  const forward = (req, body, res) =>
    new Promise((resolve) => {
      const out = request({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        if (res) res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on("end", () => resolve(undefined));
        if (res) answer.pipe(res);
        else answer.resume();
      });
      out.end(body);
    });
  const server = createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      if (match(req.url ?? "", body.toString("latin1")) && matched++ === 0) {
        held = () => forward(req, body);
        res.writeHead(504, { "content-type": "text/html" }).end("<html>504 Gateway Time-out</html>");
        if (delayMs !== undefined) setTimeout(() => void held?.(), delayMs);
        return;
      }
      if (delayMs === undefined && matched > 1 && held) await held().then(() => (held = undefined));
      await forward(req, body, res);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Whether a request is a JSON-RPC create. @param {string} _path @param {string} body */
const isCreate = (_path, body) => /"method_name":\s*"create"/.test(body);

describe("the publish-version recipe", () => {
  it("npm start: publishes through three failures that may have landed and exits 0", () => {
    const run = spawnSync(process.execPath, [main], { encoding: "utf8", timeout: 30_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/create: failed in a way that may have landed \(HTTP 504.*the site shows it did: not sending it again/);
    expect(run.stdout).toMatch(/movie: failed in a way that may have landed .*the site shows it did: not sending it again/);
    expect(run.stdout).toMatch(/thumbnail: failed in a way that may have landed .*502.*the site shows it did not: sending it once more/);
    expect(run.stdout.trimEnd().endsWith("All steps passed.")).toBe(true);
  }, 40_000);

  it("the Version exists once, with one movie attachment (its bytes) and one thumbnail, and no step landed twice", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const { code, checked } = await runRecipe(site, { dir, out: () => {} });
      expect(checked.map((c) => [c.step, c.landed])).toEqual([["create", true], ["movie", true], ["thumbnail", false]]);
      const sg = client(site.url);
      const versions = await sg.find("Version", [["code", "is", code]], ["entity", "sg_uploaded_movie", "image"]);
      expect(versions.length).toBe(1);
      const version = /** @type {NonNullable<(typeof versions)[0]>} */ (versions[0]);
      expect(version["entity"]).toMatchObject({ type: "Shot", id: 1 });
      expect(version["image"]).toEqual(expect.any(String));
      const attachments = await sg.find("Attachment", [], ["attachment_links", "sg_type", "file_size"]);
      const movies = attachments.filter((a) => /** @type {{ type: string, id: number }[]} */ (a["attachment_links"]).some((l) => l.type === "Version" && l.id === version.id));
      expect(movies.map((a) => a["file_size"])).toEqual([256 * 1024]);
      expect(attachments.filter((a) => a["sg_type"] === "Thumbnail").length).toBe(1);
      expect(version["sg_uploaded_movie"]).toMatchObject({ type: "Attachment", id: movies[0]?.id, name: `${code}.mov` });
      const bytes = await sg.downloadAttachment(/** @type {{ type: "Attachment", id: number }} */ (version["sg_uploaded_movie"]));
      expect(/** @type {Uint8Array} */ (bytes).byteLength).toBe(256 * 1024);
      // What reached the site: one create, one movie upload (the dropped one, not re-sent), two thumbnail posts (the 502 was not applied).
      const requests = site.requests();
      expect(requests.filter((r) => r.method_name === "create").map((r) => r.injected)).toEqual(["status-504-after"]);
      expect(requests.filter((r) => r.path === "/upload/upload_file").map((r) => r.injected)).toEqual(["drop-after"]);
      expect(requests.filter((r) => r.path === "/upload/publish_thumbnail").map((r) => r.injected)).toEqual(["html-502", null]);
    } finally {
      await site.close();
    }
  }, 20_000);

  it("a failure that did not land (a 4xx) is thrown, not checked and re-sent", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const sg = client(site.url);
      const media = writeMedia(dir, "v_4xx", 1024);
      site.injectFault({ method: "/upload/upload_file", status: 400 });
      await expect(publishVersion({ sg, project: { type: "Project", id: 1 }, shot: { type: "Shot", id: 1 }, code: "v_4xx", ...media })).rejects.toThrow(/400/);
      expect(site.requests().filter((r) => r.path === "/upload/upload_file").length).toBe(1);
      const [version] = await sg.find("Version", [["code", "is", "v_4xx"]], ["sg_uploaded_movie"]);
      expect(version?.["sg_uploaded_movie"]).toBeNull();
    } finally {
      await site.close();
    }
  }, 20_000);
  it("two publishes of one code at once leave no Version without its movie and thumbnail, and upload once per Version", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const sg = client(site.url);
      const media = writeMedia(dir, "dbl_v001", 1024);
      const job = () => publishVersion({ sg, project: { type: "Project", id: 1 }, shot: { type: "Shot", id: 1 }, code: "dbl_v001", ...media });
      const results = await Promise.all([job(), job()]);
      const versions = await sg.find("Version", [["code", "is", "dbl_v001"]], ["sg_uploaded_movie", "image"]);
      for (const v of versions) expect([v.id, Boolean(v["sg_uploaded_movie"]), Boolean(v["image"])]).toEqual([v.id, true, true]);
      for (const r of results) expect(versions.map((v) => v.id)).toContain(r.version.id);
      expect(site.requests().filter((r) => r.path === "/upload/upload_file").length).toBe(versions.length);
    } finally {
      await site.close();
    }
  }, 20_000);

  it("waits settleMs before checking: a create a gateway answered 504 and forwarded late is found, not sent again", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    const gateway = await lateGateway(site.url, isCreate, 100);
    try {
      const media = writeMedia(dir, "late_v001", 1024);
      /** @type {string[]} */
      const log = [];
      const result = await publishVersion({ sg: client(gateway.url), project: { type: "Project", id: 1 }, shot: { type: "Shot", id: 1 }, code: "late_v001", ...media, settleMs: 1000, log: (l) => void log.push(l) });
      expect(result.checked).toEqual([{ step: "create", error: expect.stringContaining("504"), landed: true }]);
      expect(result.duplicates).toEqual([]);
      const versions = await client(site.url).find("Version", [["code", "is", "late_v001"]], ["sg_uploaded_movie"]);
      expect(versions.map((v) => v.id)).toEqual([result.version.id]);
      expect(site.requests().filter((r) => r.method_name === "create").length).toBe(1);
    } finally {
      await gateway.close();
      await site.close();
    }
  }, 20_000);

  it("a create that lands later than settleMs, after the re-send, is reported as a duplicate (ids, log), not deleted", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    const gateway = await lateGateway(site.url, isCreate);
    try {
      const media = writeMedia(dir, "later_v001", 1024);
      /** @type {string[]} */
      const log = [];
      const result = await publishVersion({ sg: client(gateway.url), project: { type: "Project", id: 1 }, shot: { type: "Shot", id: 1 }, code: "later_v001", ...media, settleMs: 20, log: (l) => void log.push(l) });
      const versions = await client(site.url).find("Version", [["code", "is", "later_v001"]], ["sg_uploaded_movie", "image"]);
      expect(versions.length).toBe(2); // left there
      expect(result.duplicates).toEqual([{ step: "create", ids: versions.map((v) => v.id) }]);
      expect(result.version.id).toBe(versions[1]?.id); // the one the re-sent create returned, with the movie and thumbnail
      expect([Boolean(versions[1]?.["sg_uploaded_movie"]), Boolean(versions[1]?.["image"])]).toEqual([true, true]);
      expect(log).toContain(`create: the first send landed after the re-send: ${versions.map((v) => v.id).join(", ")} are on the site; keeping Version ${result.version.id}, deleting nothing (retire the others)`);
    } finally {
      await gateway.close();
      await site.close();
    }
  }, 20_000);

  it("a movie upload that lands after its re-send is reported as a duplicate Attachment; the field holds one", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    const gateway = await lateGateway(site.url, (path) => path.startsWith("/upload/upload_file"));
    try {
      const media = writeMedia(dir, "mov_v001", 1024);
      /** @type {string[]} */
      const log = [];
      const result = await publishVersion({ sg: client(gateway.url), project: { type: "Project", id: 1 }, shot: { type: "Shot", id: 1 }, code: "mov_v001", ...media, settleMs: 20, log: (l) => void log.push(l) });
      const movies = (await client(site.url).find("Attachment", [["attachment_links", "is", { type: "Version", id: result.version.id }]], ["id"])).map((a) => a.id);
      expect(movies.length).toBe(2);
      expect(result.duplicates).toEqual([{ step: "movie", ids: movies }]);
      expect(movies).toContain(result.version.sg_uploaded_movie?.id);
      expect(log.some((l) => l.startsWith(`movie: the first send landed after the re-send: ${movies.join(", ")} are on the site; keeping the one sg_uploaded_movie holds`))).toBe(true);
    } finally {
      await gateway.close();
      await site.close();
    }
  }, 20_000);

  it("a movie or thumbnail that is missing, not a file or empty is refused before anything is sent", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const sg = client(site.url);
      const media = writeMedia(dir, "v_nofile", 1024);
      const empty = join(dir, "empty.png");
      writeFileSync(empty, "");
      const job = (/** @type {{ moviePath: string, thumbnailPath: string }} */ files) => publishVersion({ sg, project: { type: "Project", id: 1 }, shot: { type: "Shot", id: 1 }, code: "v_nofile", ...files });
      await expect(job({ ...media, moviePath: join(dir, "missing.mov") })).rejects.toThrow(`publish-version: moviePath ${join(dir, "missing.mov")}: cannot read it (ENOENT); nothing was sent`);
      await expect(job({ ...media, moviePath: dir })).rejects.toThrow(`publish-version: moviePath ${dir}: expected a regular file of 1 byte or more`);
      await expect(job({ ...media, thumbnailPath: empty })).rejects.toThrow(`publish-version: thumbnailPath ${empty}: expected a regular file of 1 byte or more`);
      expect(site.requests().length).toBe(0);
    } finally {
      await site.close();
    }
  }, 20_000);
});
