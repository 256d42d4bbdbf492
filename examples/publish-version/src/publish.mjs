// Publishing a Version, the job every review tool does: create the Version linked to its Shot, upload the movie into
// `sg_uploaded_movie`, set a thumbnail. Each step is a write; one that fails with `maybeSent: true` (a 502/504, a
// connection dropped after the request went out, a deadline passed while the file was being attached) may have
// landed, so the site is checked before the step is tried again. A re-run of the whole publish skips what is done.
import { statSync } from "node:fs";

/**
 * @typedef {{ type: "Project", id: number }} ProjectLink
 * @typedef {{ type: "Shot", id: number }} ShotLink
 * @typedef {{ id: number, code: string, sg_uploaded_movie: { id?: number, name?: string } | null, image: string | null }} VersionRow
 * @typedef {{ step: "create" | "movie" | "thumbnail", error: string, landed: boolean }} Checked
 * @typedef {{ step: "create" | "movie", ids: number[] }} Duplicate the Versions (create) or the movie Attachments (movie) found twice or more after a re-send
 */

/**
 * Whether an error says a write may have been applied (`maybeSent: true`). An `SgPartialWriteError` (a write that
 * landed, a step after it failed) always says so; what that step may have done is its `cause`'s `maybeSent`.
 * @param {unknown} error
 */
export const mayHaveLanded = (error) => /** @type {{ maybeSent?: unknown } | null} */ (error)?.maybeSent === true;

/** The first line of an error's message. @param {unknown} error */
const firstLine = (error) => String(/** @type {Error} */ (error)?.message ?? error).split("\n")[0] ?? "";

/**
 * Refuse a file that is not there, not a regular file or empty, before anything is sent.
 * @param {string} what
 * @param {string} path
 */
function checkFile(what, path) {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new Error(`publish-version: ${what} ${path}: cannot read it (${/** @type {{ code?: string }} */ (error).code ?? error}); nothing was sent`);
  }
  if (!stat.isFile() || stat.size === 0) throw new Error(`publish-version: ${what} ${path}: expected a regular file of 1 byte or more; nothing was sent`);
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {string} path */
const baseName = (path) => path.split(/[\\/]/).pop() ?? path;

/**
 * Publish `code` as a Version of `shot`, with `moviePath` in `sg_uploaded_movie` and `thumbnailPath` as its
 * thumbnail. Safe to run again: the Version is found by code and Shot, and a movie or thumbnail already there is
 * not uploaded again. Both files are checked (regular files, not empty) before anything is sent.
 *
 * Run one publish per code and Shot at a time: two at once would both find no Version and both create one (each
 * then gets its own movie and thumbnail, since every step after the create goes by the id the create returned).
 *
 * Each step runs at most twice: once, and once more only when it failed with `maybeSent: true` and the site shows
 * it did not land, `settleMs` after the failure (a request a gateway gave up on may still be on its way to the
 * site). Any other error is thrown (a 4xx or a refusal would fail again; the transport already retried what was
 * safe), and so is a second failure.
 *
 * A first send can land even later than `settleMs`, after the re-send. So after a re-sent create the Versions with
 * this code and Shot are read again (after `settleMs` too), and after a re-sent movie upload the Version's
 * Attachments with the movie's file name: two or more are reported in `duplicates` with their ids (and logged),
 * never deleted, and the publish goes on with the Version the create returned. A first send landing after that
 * re-check is not seen.
 *
 * @param {object} options
 * @param {import("@sg/entities").EntityApi} options.sg
 * @param {ProjectLink} options.project
 * @param {ShotLink} options.shot
 * @param {string} options.code the Version's name (`v001` of `SQ010_0010`, say)
 * @param {string} options.moviePath
 * @param {string} options.thumbnailPath
 * @param {number} [options.deadlineMs] the longest one upload may take, every step included (10 minutes)
 * @param {number} [options.settleMs] the wait before checking a step that may have landed, and before re-checking after a re-send (3000)
 * @param {(line: string) => void} [options.log]
 * @returns {Promise<{ version: VersionRow, checked: Checked[], duplicates: Duplicate[] }>}
 */
export async function publishVersion({ sg, project, shot, code, moviePath, thumbnailPath, deadlineMs = 600_000, settleMs = 3000, log = () => {} }) {
  if (!Number.isSafeInteger(settleMs) || settleMs < 0) throw new Error(`publish-version: settleMs: expected an integer ≥ 0, got ${String(settleMs)}`);
  /** @type {Checked[]} */
  const checked = [];
  /** @type {Duplicate[]} */
  const duplicates = [];
  const fields = ["code", "sg_uploaded_movie", "image"];
  /** The Version with this code, or with this id once it is known. @param {number} [id] */
  const findVersion = async (id) => /** @type {VersionRow | null} */ (/** @type {unknown} */ (await sg.findOne("Version", id ? [["id", "is", id]] : [["code", "is", code], ["entity", "is", shot]], fields)));
  checkFile("moviePath", moviePath);
  checkFile("thumbnailPath", thumbnailPath);

  /**
   * Run a write; when it fails with maybeSent, wait `settleMs`, ask `landed()` whether it did, and run it once more
   * if it did not. Resolves to whether it was sent again.
   * @param {Checked["step"]} step
   * @param {() => Promise<unknown>} write
   * @param {() => Promise<boolean>} landed
   */
  const once = async (step, write, landed) => {
    try {
      await write();
      return false;
    } catch (error) {
      if (!mayHaveLanded(error)) throw error;
      await sleep(settleMs);
      const did = await landed();
      checked.push({ step, error: firstLine(error), landed: did });
      log(`${step}: failed in a way that may have landed (${firstLine(error)}); ${settleMs} ms later the site shows it ${did ? "did: not sending it again" : "did not: sending it once more"}`);
      if (!did) await write();
      return !did;
    }
  };

  /**
   * After a re-send: wait `settleMs`, read the rows the step made, and report (not delete) two or more.
   * @param {Duplicate["step"]} step
   * @param {() => Promise<number[]>} read the ids of what the step made
   * @param {() => Promise<string>} kept which one the publish goes on with
   */
  const recheck = async (step, read, kept) => {
    await sleep(settleMs);
    const ids = await read();
    if (ids.length < 2) return;
    duplicates.push({ step, ids });
    log(`${step}: the first send landed after the re-send: ${ids.join(", ")} are on the site; keeping ${await kept()}, deleting nothing (retire the others)`);
  };

  let version = await findVersion();
  if (version) log(`Version '${code}' of Shot ${shot.id} is already there (id ${version.id}): not creating it`);
  else {
    /** @type {number | undefined} */
    let created;
    const resent = await once("create", async () => void (created = (await sg.create("Version", { code, project, entity: shot, description: `published from ${baseName(moviePath)}` })).id), async () => (await findVersion()) !== null);
    // The id the create returned; only a create that may have landed, and did, is found by code.
    version = /** @type {VersionRow} */ (await findVersion(created));
    if (resent) await recheck("create", async () => (await sg.find("Version", [["code", "is", code], ["entity", "is", shot]], ["id"])).map((v) => v.id), async () => `Version ${created}`);
    log(`Version '${code}' created (id ${version.id})`);
  }
  const id = version.id;

  if (version.sg_uploaded_movie) log(`movie already attached (${version.sg_uploaded_movie.name}): not uploading it`);
  else {
    const movie = baseName(moviePath);
    const resent = await once("movie", () => sg.upload("Version", id, moviePath, { fieldName: "sg_uploaded_movie", deadlineMs }), async () => Boolean((await findVersion(id))?.sg_uploaded_movie));
    // Two uploads that both landed leave two Attachments; the field holds the one attached last.
    const held = async () => `the one sg_uploaded_movie holds (${(await findVersion(id))?.sg_uploaded_movie?.id})`;
    if (resent) await recheck("movie", async () => (await sg.find("Attachment", [["attachment_links", "is", { type: "Version", id }], ["filename", "is", movie]], ["id"])).map((a) => a.id), held);
    log(`movie ${baseName(moviePath)} attached to sg_uploaded_movie`);
  }

  if (version.image) log("thumbnail already set: not uploading it");
  else {
    await once("thumbnail", () => sg.uploadThumbnail("Version", id, thumbnailPath, { deadlineMs }), async () => Boolean((await findVersion(id))?.image));
    log(`thumbnail ${baseName(thumbnailPath)} set`);
  }
  return { version: /** @type {VersionRow} */ (await findVersion(id)), checked, duplicates };
}
