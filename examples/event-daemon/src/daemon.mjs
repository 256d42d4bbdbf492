// The event daemon of this recipe: poll EventLogEntry rows after the last id processed, hand each to a handler,
// and persist that id after every event, so that a restart resumes where the last run stopped — nothing processed
// twice, nothing skipped. Ids a read skipped over (a transaction still committing, see "The backlog" in the README)
// are kept in a backlog, saved with the id, and read again each round until they appear or expire. Reads only: the
// transport retries them on 502/504 (and resets, 503, 429) by itself.
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { SgAbortError } from "@sg/core";

/**
 * @typedef {{ id: number, event_type: string, attribute_name: string | null, entity: { type: string, id: number } | null, meta: unknown, created_at: unknown }} EventRow
 * @typedef {{ lastId: number, backlog: Record<string, number>, site?: string }} DaemonState the last id processed, the ids skipped below it that may still appear, each with when to give up on it (epoch ms), and the site it is of (absent in a file from before)
 * @typedef {{ lastId: number, processed: number, stopped: "aborted" | "rounds" }} DaemonResult
 */

/** The fields each event is read with. */
export const EVENT_FIELDS = /** @type {const} */ (["event_type", "attribute_name", "entity", "meta", "created_at"]);

/** Backlog ids per `in` read (a long list is split over several reads). */
const BACKLOG_CHUNK = 500;

/**
 * The state saved in `file`, or `undefined` when there is none yet (a first start). A file written before the backlog
 * existed (`{ lastId }`) reads as an empty backlog.
 * @param {string} file
 * @returns {DaemonState | undefined}
 */
export function loadState(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === "ENOENT") return undefined;
    throw error;
  }
  const state = JSON.parse(text);
  const backlog = state?.backlog ?? {};
  const badEntry = Object.entries(backlog).find(([id, expiry]) => !/^[1-9]\d*$/.test(id) || !Number.isFinite(expiry));
  if (!Number.isSafeInteger(state?.lastId) || state.lastId < 0 || typeof backlog !== "object" || Array.isArray(backlog) || badEntry || !["string", "undefined"].includes(typeof state.site))
    throw new Error(`event-daemon: ${file}: expected {"site": "<url>", "lastId": <integer ≥ 0>, "backlog": {"<id>": <expiry, epoch ms>}}, got ${text.slice(0, 80)}`);
  return { lastId: state.lastId, backlog: { ...backlog }, ...(state.site === undefined ? {} : { site: state.site }) };
}

/**
 * The last processed id saved in `file`, or `undefined` when there is none yet (a first start).
 * @param {string} file
 * @returns {number | undefined}
 */
export const readState = (file) => loadState(file)?.lastId;

/**
 * Save the state: written to a temporary file and renamed over the old one, so a crash mid-write never leaves a torn
 * state file behind, and the id and the backlog always change together.
 * @param {string} file
 * @param {DaemonState} state
 */
export function saveState(file, { site, lastId, backlog }) {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify({ site, lastId, backlog })}\n`);
  renameSync(tmp, file);
}

/** This process's start (epoch ms): with the pid, it tells this process from an earlier one that had the same pid. */
const START = Math.round(performance.timeOrigin);

/**
 * Take the lock file `file` (created with `wx`, holding this process's pid and start time), for one daemon per state
 * file. A lock whose pid is no longer alive (left by a crash) is taken over, and so is one naming this process's own
 * pid with another start time (or none): a daemon in a container is PID 1 on every start, so the lock its killed
 * predecessor left names the pid the new one has.
 * @param {string} file
 * @param {(line: string) => void} log
 * @returns {() => void} removes the lock
 */
export function takeLock(file, log) {
  for (;;) {
    try {
      const fd = openSync(file, "wx");
      try {
        writeSync(fd, `${process.pid} ${START}\n`);
      } catch (error) {
        rmSync(file, { force: true }); // a full disk, say: leave no empty lock behind
        throw error;
      } finally {
        closeSync(fd);
      }
      return () => rmSync(file, { force: true });
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== "EEXIST") throw error;
    }
    let words;
    try {
      words = readFileSync(file, "utf8").trim().split(" ");
    } catch {
      continue; // removed meanwhile: try again
    }
    const pid = Number(words[0]);
    const start = words[1] ?? "";
    const ours = pid === process.pid;
    if (Number.isSafeInteger(pid) && pid > 0 && (ours ? start !== `${START}` : !alive(pid))) {
      log(`removing the lock ${file} of process ${pid}, which is no longer running${ours ? " (an earlier process with this process's pid)" : ""}`);
      rmSync(file, { force: true });
      continue;
    }
    throw new Error(`event-daemon: the lock file ${file} exists: another daemon${Number.isSafeInteger(pid) && pid > 0 ? ` (pid ${pid})` : ""} may be running on this state file; stop it first, or, if none is, remove the lock file`);
  }
}

/** Whether a process `pid` is running (on this host). @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === "EPERM";
  }
}

/**
 * Wait `ms`, or less if `signal` aborts first (then resolve at once: the caller checks `signal.aborted`).
 * @param {number} ms
 * @param {AbortSignal} signal
 */
const pause = (ms, signal) =>
  new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve(undefined);
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });

/** `a` or `a–b`. @param {number} a @param {number} b */
const span = (a, b) => (a === b ? `${a}` : `${a}–${b}`);

/**
 * Run the daemon until `signal` aborts or `maxRounds` polls have been made.
 *
 * Each round reads the backlog ids again (one `["id", "in", […]]` read per 500 ids), then up to `pageSize` events
 * with an id above the last one processed, in id order. It hands the backlog events that appeared to `handle` first,
 * then the page's: every backlog id is below the last id processed and every page id above it, so that is id order.
 * The state (last id, backlog) is saved once `handle` has resolved for each event. A round that found a full page
 * polls again at once, one that found less waits `pollIntervalMs`. On abort the call in flight is aborted (a read:
 * nothing to undo), the event being handled finishes, the state is saved, and the daemon resolves with
 * `stopped: "aborted"`.
 *
 * The backlog: ids between the last id processed and a page event's id that the page did not hold are ids whose
 * transaction had not committed yet (a site allocates ids when a transaction starts, rows become visible when it
 * commits), or rows that will never appear (deleted, rolled back). Each is kept until `backlogTimeoutMs` after it
 * was seen missing; an id that a read made after that still does not find is dropped with a log line. At most
 * `maxBacklog` ids are kept: the ids of a gap that do not fit are given up at once, with a log line.
 *
 * All event types are read and `eventTypes` is applied here, not in the query: with a type filter on the site, the
 * ids of the other types would look like gaps.
 *
 * A first start (no state file) begins after the newest event on the site, as shotgunEvents does, rather than
 * replaying the whole history; pass `startAfterId` to choose another starting point.
 *
 * One daemon per state file: `<stateFile>.lock` is created exclusively (holding the pid) for the whole run and
 * removed when it returns or throws; a daemon that finds it fails, unless the pid in it is no longer running (a
 * crash), whose lock is taken over, or is this process's own pid with another start time recorded (a restart that
 * got the same pid, as PID 1 in a container does). The state file records the site (`sg.client.site.href`): a state file of
 * another site is refused, and so is one whose last id is above the site's newest event (a restored site, a copied
 * file), which would otherwise skip every event up to that id in silence.
 *
 * @param {object} options
 * @param {import("@sg/entities").EntityApi} options.sg the entity API of a client
 * @param {string} options.stateFile where the last processed id and the backlog are kept
 * @param {(event: EventRow) => void | Promise<void>} options.handle what to do with each event
 * @param {readonly string[]} [options.eventTypes] event types to process (all when omitted)
 * @param {AbortSignal} [options.signal] stops the daemon
 * @param {number} [options.pollIntervalMs] wait after a round that found less than a page (1000)
 * @param {number} [options.pageSize] events per read (100)
 * @param {number} [options.maxRounds] stop after this many reads (no limit)
 * @param {number} [options.startAfterId] where a first start begins (the newest event's id)
 * @param {number} [options.maxConsecutiveFailures] reads that may fail in a row, after the transport's own retries, before the daemon gives up (5)
 * @param {number} [options.backlogTimeoutMs] how long a skipped id is waited for (5 minutes, shotgunEvents' BACKLOG_TIMEOUT)
 * @param {number} [options.maxBacklog] skipped ids kept at most (1000)
 * @param {() => number} [options.now] the clock backlog expiries are computed with, epoch ms (`Date.now`)
 * @param {(line: string) => void} [options.log]
 * @returns {Promise<DaemonResult>}
 */
export async function runDaemon(options) {
  const { sg, stateFile, handle, eventTypes, pollIntervalMs = 1000, pageSize = 100, maxRounds = Infinity, maxConsecutiveFailures = 5, log = () => {} } = options;
  const { backlogTimeoutMs = 5 * 60_000, maxBacklog = 1000, now = Date.now } = options;
  const signal = options.signal ?? new AbortController().signal;
  const wanted = eventTypes ? new Set(eventTypes) : undefined;
  let processed = 0;
  const site = sg.client.site.href;
  const unlock = takeLock(`${stateFile}.lock`, log);
  try {
    return await poll();
  } finally {
    unlock();
  }

  async function poll() {
  const loaded = loadState(stateFile);
  let state = loaded;
  if (state?.site !== undefined && state.site !== site) throw new Error(`event-daemon: ${stateFile} is the state of ${state.site}, not of ${site}: give each site its own state file (delete this one to start after the newest event of ${site})`);
  /** @param {import("@sg/entities").FiltersInput} filters @param {number} [limit] */
  const read = async (filters, limit) =>
    /** @type {EventRow[]} */ (/** @type {unknown} */ (await sg.find("EventLogEntry", filters, [...EVENT_FIELDS], { order: [{ field_name: "id", direction: "asc" }], ...(limit ? { limit } : {}), signal })));
  try {
    const newest = async () => (await sg.findOne("EventLogEntry", [], ["id"], { order: [{ field_name: "id", direction: "desc" }], signal }))?.id ?? 0;
    if (state === undefined) {
      const lastId = options.startAfterId ?? (await newest());
      state = { site, lastId, backlog: {} };
      saveState(stateFile, state);
      log(`first start: processing events after id ${lastId}`);
    } else log(`resuming after event ${state.lastId}${Object.keys(state.backlog).length ? `, waiting for ${Object.keys(state.backlog).length} skipped id(s)` : ""}`);
    // On a resume, the newest event is read (with the first round's reads, so a failing site is polled again).
    let checked = loaded === undefined;
    state.site = site;
    const { backlog } = state;

    let failures = 0;
    for (let round = 0; round < maxRounds && !signal.aborted; round++) {
      const readAt = now();
      const waiting = Object.keys(backlog).map(Number);
      /** @type {EventRow[]} */
      const found = [];
      let page;
      try {
        for (let i = 0; i < waiting.length; i += BACKLOG_CHUNK) found.push(...(await read([["id", "in", waiting.slice(i, i + BACKLOG_CHUNK)]])));
        page = await read([["id", "greater_than", state.lastId]], pageSize);
        if (!checked) {
          const top = await newest();
          if (state.lastId > top) throw new Error(`event-daemon: ${stateFile} says event ${state.lastId} was processed, but the newest event on ${site} is ${top}: the site was restored or the file is of another site; delete the file to start after the newest event (or set its lastId to where to resume)`, { cause: "ahead" });
          checked = true;
        }
        failures = 0;
      } catch (error) {
        if (signal.aborted || error instanceof SgAbortError) break;
        if (/** @type {Error} */ (error).cause === "ahead") throw error;
        // The transport already retried this read; the site is still failing. Wait and poll again (the state is
        // saved, so nothing is lost), up to maxConsecutiveFailures rounds in a row.
        if (++failures >= maxConsecutiveFailures) throw error;
        log(`read failed (${/** @type {Error} */ (error).message.split("\n")[0]}); polling again in ${pollIntervalMs} ms`);
        await pause(pollIntervalMs, signal);
        continue;
      }
      for (const event of [...found, ...page]) {
        if (signal.aborted) break;
        if (event.id in backlog) {
          delete backlog[event.id];
          log(`event ${event.id} appeared after later ones: processing it now`);
        } else if (event.id > state.lastId) {
          addGap(backlog, state.lastId + 1, event.id - 1, now() + backlogTimeoutMs, maxBacklog, log);
          state.lastId = event.id;
        } else continue; // not ours to handle (a backlog read can only return backlog ids; kept as a guard)
        if (!wanted || wanted.has(event.event_type)) {
          await handle(event);
          processed++;
        }
        saveState(stateFile, state);
      }
      // Give up on the ids this round's read did not find and whose time had run out before it looked (a found one
      // left unprocessed by a stop stays: the next run processes it).
      const seen = new Set(found.map((e) => e.id));
      const expired = waiting.filter((id) => id in backlog && !seen.has(id) && /** @type {number} */ (backlog[id]) <= readAt);
      if (expired.length) {
        for (const id of expired) delete backlog[id];
        log(`gave up on event(s) ${expired.join(", ")}: still missing ${backlogTimeoutMs} ms after later ones appeared (deleted, or never committed)`);
        saveState(stateFile, state);
      }
      if (page.length < pageSize) await pause(pollIntervalMs, signal);
    }
  } catch (error) {
    if (!(signal.aborted && error instanceof SgAbortError)) throw error;
  }
  return { lastId: state?.lastId ?? 0, processed, stopped: /** @type {DaemonResult["stopped"]} */ (signal.aborted ? "aborted" : "rounds") };
  }
}

/**
 * Put the ids `from`…`to` (a gap the page skipped over) in `backlog` until `expiry`; those past `maxBacklog` are
 * given up at once.
 * @param {Record<string, number>} backlog
 * @param {number} from
 * @param {number} to
 * @param {number} expiry
 * @param {number} maxBacklog
 * @param {(line: string) => void} log
 */
function addGap(backlog, from, to, expiry, maxBacklog, log) {
  if (from > to) return;
  const room = Math.max(0, maxBacklog - Object.keys(backlog).length);
  const last = Math.min(to, from + room - 1);
  for (let id = from; id <= last; id++) backlog[id] = expiry;
  if (last >= from) log(`event(s) ${span(from, last)} not visible yet: waiting for them until ${new Date(expiry).toISOString()}`);
  if (last < to) log(`gave up on event(s) ${span(Math.max(from, last + 1), to)}: the backlog is full (${maxBacklog} ids)`);
}
