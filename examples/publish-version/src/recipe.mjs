// The walk-through of `npm start -w @sg-examples/publish-version`, against a site it is given (main.mjs starts the
// embedded emulator for it; the test gives it one of its own and reads the Version back afterwards).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { scriptAuth } from "@sg/auth-script";
import { createClient } from "@sg/core";
import { entityApi } from "@sg/entities";
import { jsonRpcTransport } from "@sg/transport";
import { publishVersion } from "./publish.mjs";

/** A 1×1 PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

/**
 * Write a small stand-in movie (`bytes` of a repeating pattern; the site does not look inside) and a thumbnail.
 * @param {string} dir
 * @param {string} code
 * @param {number} bytes
 */
export function writeMedia(dir, code, bytes) {
  const moviePath = join(dir, `${code}.mov`);
  writeFileSync(moviePath, Buffer.alloc(bytes, "sg-movie "));
  const thumbnailPath = join(dir, `${code}.png`);
  writeFileSync(thumbnailPath, PNG);
  return { moviePath, thumbnailPath };
}

/**
 * @param {{ url: string, card: { scripts: { name: string, key: string }[], projects: { type: "Project", id: number, name: string }[] }, injectFault: (fault: object) => void }} site the emulator handle
 * @param {{ dir: string, out: (line: string) => void }} options
 */
export async function runRecipe(site, { dir, out }) {
  const script = /** @type {{ name: string, key: string }} */ (site.card.scripts[0]);
  const sg = entityApi(createClient({ site: site.url, transport: jsonRpcTransport({ retry: { baseDelayMs: 50 } }), auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) }));
  const project = /** @type {{ type: "Project", id: number, name: string }} */ (site.card.projects[0]);
  const shotRow = await sg.findOne("Shot", [["project", "is", project]], ["code"], { order: [{ field_name: "code", direction: "asc" }] });
  if (!shotRow) throw new Error(`publish-version: no Shot in '${project.name}'`);
  const shot = { type: /** @type {const} */ ("Shot"), id: shotRow.id };
  const code = `${shotRow["code"]}_comp_v001`;
  const media = writeMedia(dir, code, 256 * 1024);
  const log = (/** @type {string} */ line) => out(`   · ${line}`);

  out(`\n1. Publish '${code}' to Shot ${shotRow["code"]} through a flaky site (each upload bounded by a 60 s deadline):`);
  out("   the create is applied and answered 504, the movie is attached and the connection dropped, the thumbnail is refused by a gateway's 502");
  site.injectFault({ method: "create", status: 504, when: "after" });
  site.injectFault({ method: "/upload/upload_file", dropConnection: true, when: "after" });
  site.injectFault({ method: "/upload/publish_thumbnail", status: 502, html: true });
  const first = await publishVersion({ sg, project, shot, code, ...media, deadlineMs: 60_000, settleMs: 100, log });
  out(`   ✓ Version ${first.version.id} '${first.version.code}': movie ${first.version.sg_uploaded_movie?.name}, thumbnail ${first.version.image ? "set" : "missing"}`);

  out("\n2. The same publish run again (a retried job, a second click): nothing is created or uploaded twice");
  const again = await publishVersion({ sg, project, shot, code, ...media, deadlineMs: 60_000, settleMs: 100, log });
  if (again.version.id !== first.version.id) throw new Error(`publish-version: the re-run made Version ${again.version.id}`);

  out("\n3. Check against the site");
  const versions = await sg.find("Version", [["code", "is", code]], ["entity", "sg_uploaded_movie", "image"]);
  const v = versions[0];
  if (versions.length !== 1 || !v?.["sg_uploaded_movie"] || !v["image"]) throw new Error(`publish-version: expected one Version '${code}' with a movie and a thumbnail, found ${versions.length}`);
  out(`   ✓ one Version '${code}' on the site, with its movie and its thumbnail`);
  return { code, shot, project, media, version: first.version, checked: first.checked };
}
