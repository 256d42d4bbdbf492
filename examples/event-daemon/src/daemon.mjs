// The event daemon of this recipe: poll EventLogEntry rows after the last id processed, hand each to a handler,
// and persist that id after every event, so that a restart resumes where the last run stopped — nothing processed
// twice, nothing skipped. Reads only: the transport retries them on 502/504 (and resets, 503, 429) by itself.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { SgAbortError } from "@sg/core";

/**
 * @typedef {{ id: number, event_type: string, attribute_name: string | null, entity: { type: string, id: number } | null, meta: unknown, created_at: unknown }} EventRow
 * @typedef {{ lastId: number }} DaemonState
 * @typedef {{ lastId: number, processed: number, stopped: "aborted" | "rounds" }} DaemonResult
 */

/** The fields each event is read with. */
export const EVENT_FIELDS = /** @type {const} */ (["event_type", "attribute_name", "entity", "meta", "created_at"]);

/**
 * The last processed id saved in `file`, or `undefined` when there is none yet (a first start).
 * @param {string} file
 * @returns {number | undefined}
 */
export function readState(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === "ENOENT") return undefined;
    throw error;
  }
  const state = JSON.parse(text);
  if (!Number.isSafeInteger(state?.lastId) || state.lastId < 0) throw new Error(`event-daemon: ${file}: expected {"lastId": <integer ≥ 0>}, got ${text.slice(0, 80)}`);
  return state.lastId;
}

/**
 * Save the last processed id: written to a temporary file and renamed over the old one, so a crash mid-write never
 * leaves a torn state file behind.
 * @param {string} file
 * @param {number} lastId
 */
export function saveState(file, lastId) {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify({ lastId })}\n`);
  renameSync(tmp, file);
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

/**
 * Run the daemon until `signal` aborts or `maxRounds` polls have been made.
 *
 * Each round reads up to `pageSize` events with an id above the last one processed, in id order, hands each to
 * `handle`, and saves its id once `handle` has resolved; a round that found a full page polls again at once, one
 * that found less waits `pollIntervalMs`. On abort the call in flight is aborted (a read: nothing to undo), the
 * event being handled finishes, its id is saved, and the daemon resolves with `stopped: "aborted"`.
 *
 * A first start (no state file) begins after the newest event on the site, as shotgunEvents does, rather than
 * replaying the whole history; pass `startAfterId` to choose another starting point.
 *
 * @param {object} options
 * @param {import("@sg/entities").EntityApi} options.sg the entity API of a client
 * @param {string} options.stateFile where the last processed id is kept
 * @param {(event: EventRow) => void | Promise<void>} options.handle what to do with each event
 * @param {readonly string[]} [options.eventTypes] event types to process (all when omitted)
 * @param {AbortSignal} [options.signal] stops the daemon
 * @param {number} [options.pollIntervalMs] wait after a round that found less than a page (1000)
 * @param {number} [options.pageSize] events per read (100)
 * @param {number} [options.maxRounds] stop after this many reads (no limit)
 * @param {number} [options.startAfterId] where a first start begins (the newest event's id)
 * @param {number} [options.maxConsecutiveFailures] reads that may fail in a row, after the transport's own retries, before the daemon gives up (5)
 * @param {(line: string) => void} [options.log]
 * @returns {Promise<DaemonResult>}
 */
export async function runDaemon(options) {
  const { sg, stateFile, handle, eventTypes, pollIntervalMs = 1000, pageSize = 100, maxRounds = Infinity, maxConsecutiveFailures = 5, log = () => {} } = options;
  const signal = options.signal ?? new AbortController().signal;
  let processed = 0;
  let lastId = readState(stateFile);
  try {
    if (lastId === undefined) {
      lastId = options.startAfterId ?? (await sg.findOne("EventLogEntry", [], ["id"], { order: [{ field_name: "id", direction: "desc" }], signal }))?.id ?? 0;
      saveState(stateFile, lastId);
      log(`first start: processing events after id ${lastId}`);
    } else log(`resuming after event ${lastId}`);

    /** @type {import("@sg/entities").FiltersInput} */
    const typeFilter = eventTypes ? [["event_type", "in", [...eventTypes]]] : [];
    let failures = 0;
    for (let round = 0; round < maxRounds && !signal.aborted; round++) {
      let page;
      try {
        page = /** @type {EventRow[]} */ (/** @type {unknown} */ (
          await sg.find("EventLogEntry", [["id", "greater_than", lastId], ...typeFilter], [...EVENT_FIELDS], { order: [{ field_name: "id", direction: "asc" }], limit: pageSize, signal })
        ));
        failures = 0;
      } catch (error) {
        if (signal.aborted || error instanceof SgAbortError) break;
        // The transport already retried this read; the site is still failing. Wait and poll again (the state is
        // saved, so nothing is lost), up to maxConsecutiveFailures rounds in a row.
        if (++failures >= maxConsecutiveFailures) throw error;
        log(`read failed (${/** @type {Error} */ (error).message.split("\n")[0]}); polling again in ${pollIntervalMs} ms`);
        await pause(pollIntervalMs, signal);
        continue;
      }
      for (const event of page) {
        await handle(event);
        lastId = event.id;
        saveState(stateFile, lastId);
        processed++;
        if (signal.aborted) break;
      }
      if (page.length < pageSize) await pause(pollIntervalMs, signal);
    }
  } catch (error) {
    if (!(signal.aborted && error instanceof SgAbortError)) throw error;
  }
  return { lastId: lastId ?? 0, processed, stopped: signal.aborted ? "aborted" : "rounds" };
}
