// The walk-through of `npm start -w @sg-examples/event-daemon`, against a site it is given (main.mjs starts the
// embedded emulator for it; the test gives it one of its own and counts the rows afterwards).
import { appendFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { scriptAuth } from "@sg/auth-script";
import { createClient } from "@sg/core";
import { entityApi } from "@sg/entities";
import { jsonRpcTransport } from "@sg/transport";
import { readState, runDaemon } from "./daemon.mjs";

/** The events this daemon cares about. */
export const SHOT_EVENTS = ["Shotgun_Shot_New", "Shotgun_Shot_Change"];

/**
 * The ids in the outbox the handler appends to, in the order they were processed.
 * @param {string} file
 * @returns {number[]}
 */
export function outboxIds(file) {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text.split("\n").filter(Boolean).map((line) => JSON.parse(line).id);
}

/**
 * A client for a script on `site`, whose reads back off 50 ms × n (the default 750 ms is right for a real site; the
 * demo keeps it short), reporting each retry to `log`.
 * @param {string} site
 * @param {{ name: string, key: string }} script
 * @param {(line: string) => void} log
 */
export function scriptClient(site, script, log) {
  const transport = jsonRpcTransport({ retry: { baseDelayMs: 50, onRetry: (r) => log(`   · ${r.method} attempt ${r.attempt} failed (${r.reason}); retrying in ${r.delayMs} ms`) } });
  return entityApi(createClient({ site, transport, auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) }));
}

/**
 * Create Shots and change their status: each create logs a Shotgun_Shot_New, each update a Shotgun_Shot_Change.
 * @param {import("@sg/entities").EntityApi} sg
 * @param {{ type: "Project", id: number }} project
 * @param {string} prefix
 * @param {number} count
 */
async function makeShotEvents(sg, project, prefix, count) {
  for (let i = 1; i <= count; i++) {
    const shot = await sg.create("Shot", { code: `${prefix}_${String(i * 10).padStart(3, "0")}`, project });
    if (i % 2 === 0) await sg.update("Shot", shot.id, { sg_status_list: "ip" });
  }
}

/**
 * Follow `site` until `signal` aborts: the daemon's loop as a pipeline runs it, with a client of its own that is
 * closed when the daemon stops, so that nothing of it (a call still waiting on the site) keeps the process alive.
 * @param {{ site: string, script: { name: string, key: string }, stateFile: string, handle: (event: import("./daemon.mjs").EventRow) => void, signal: AbortSignal, out: (line: string) => void, pollIntervalMs?: number }} options
 */
export async function follow({ site, script, stateFile, handle, signal, out, pollIntervalMs = 1000 }) {
  const sg = scriptClient(site, script, out);
  try {
    return await runDaemon({ sg, stateFile, handle, eventTypes: SHOT_EVENTS, pollIntervalMs, signal, log: (line) => out(`   · ${line}`) });
  } finally {
    await sg.client.close(); // ends what the aborted calls left running (the client's shared requests)
  }
}

/**
 * @param {{ url: string, card: { scripts: { name: string, key: string }[], projects: { type: "Project", id: number, name: string }[] }, injectFault: (fault: object) => void, setLatency: (ms: number) => void }} site the emulator handle
 * @param {{ stateDir: string, out: (line: string) => void, signal?: AbortSignal, follow?: boolean }} options
 * @returns {Promise<{ startId: number, stateFile: string, outbox: string }>}
 */
export async function runRecipe(site, { stateDir, out, signal, follow: following = false }) {
  const stateFile = join(stateDir, "event-daemon.state.json");
  const outbox = join(stateDir, "processed.jsonl");
  // Each walk-through runs against a new emulator: the files a former run left in --state-dir are of a site that is
  // gone (the daemon would refuse its state file), so they are replaced.
  if (existsSync(stateFile)) {
    out(`(removing ${stateFile} and ${outbox} of a former run: they are of another emulator)`);
    rmSync(stateFile, { force: true });
    rmSync(outbox, { force: true });
  }
  const script = /** @type {{ name: string, key: string }} */ (site.card.scripts[0]);
  const sg = scriptClient(site.url, script, out);
  try {
    return await walkThrough({ site, sg, script, stateFile, outbox, out, signal, follow: following });
  } finally {
    await sg.client.close(); // the pattern: close the client once the daemon has stopped
  }
}

/**
 * The steps of the walk-through.
 * @param {{ site: Parameters<typeof runRecipe>[0], sg: import("@sg/entities").EntityApi, script: { name: string, key: string }, stateFile: string, outbox: string, out: (line: string) => void, signal: AbortSignal | undefined, follow: boolean }} options
 * @returns {Promise<{ startId: number, stateFile: string, outbox: string }>}
 */
async function walkThrough({ site, sg, script, stateFile, outbox, out, signal, follow: following }) {
  const project = /** @type {{ type: "Project", id: number }} */ (site.card.projects[0]);
  /** @param {import("./daemon.mjs").EventRow} e */
  const handle = (e) => {
    appendFileSync(outbox, `${JSON.stringify({ id: e.id, event_type: e.event_type, entity: e.entity, attribute_name: e.attribute_name })}\n`);
    out(`   ✓ event ${e.id}: ${e.event_type} ${e.entity ? `${e.entity.type} ${e.entity.id}` : "(retired)"}${e.attribute_name ? ` ${e.attribute_name}` : ""}`);
  };
  const daemon = { sg, stateFile, handle, eventTypes: SHOT_EVENTS, pollIntervalMs: 20, pageSize: 4, log: (/** @type {string} */ line) => out(`   · ${line}`) };

  out("\n1. First start: no state file yet, so the daemon begins after the newest event on the site");
  const first = await runDaemon({ ...daemon, maxRounds: 1 });
  const startId = first.lastId;

  out("\n2. Six Shots created, three updated (9 events); the daemon runs 2 rounds of 4 through a 502 and a 504 on its reads");
  await makeShotEvents(sg, project, "ev_a", 6);
  site.injectFault({ method: "read", status: 502, html: true, times: 1 });
  site.injectFault({ method: "read", status: 504, times: 1 });
  const second = await runDaemon({ ...daemon, maxRounds: 2 });
  out(`   ✓ stopped after 2 rounds: ${second.processed} events processed, state saved at id ${readState(stateFile)}`);

  out("\n3. A stop while a read is in flight (SIGINT or an AbortSignal): the read is aborted, the state stays saved");
  site.setLatency(400);
  const stop = new AbortController();
  const stopping = runDaemon({ ...daemon, signal: stop.signal });
  setTimeout(() => stop.abort(), 100);
  const third = await stopping;
  site.setLatency(0);
  out(`   ✓ stopped (${third.stopped}) with ${third.processed} more processed; state at id ${readState(stateFile)}`);

  out("\n4. Restart: two more Shots meanwhile (3 events); the daemon resumes after the saved id and catches up");
  await makeShotEvents(sg, project, "ev_b", 2);
  const fourth = await runDaemon({ ...daemon, maxRounds: 4 });
  out(`   ✓ ${fourth.processed} events processed after the restart; state at id ${fourth.lastId}`);

  out("\n5. Check against the site: every Shot event since the first start processed exactly once");
  const onSite = (await sg.find("EventLogEntry", [["id", "greater_than", startId], ["event_type", "in", SHOT_EVENTS]], ["id"], { order: [{ field_name: "id", direction: "asc" }] })).map((e) => e.id);
  const done = outboxIds(outbox);
  const twice = done.filter((id, i) => done.indexOf(id) !== i);
  const missed = onSite.filter((id) => !done.includes(id));
  if (twice.length || missed.length || done.length !== onSite.length) throw new Error(`event-daemon: ${onSite.length} events on the site, ${done.length} processed; twice: [${twice}], missed: [${missed}]`);
  out(`   ✓ ${onSite.length} events on the site, ${done.length} processed, none twice, none missed`);

  if (following) {
    out(`\nFollowing new Shot events on ${site.url} (Ctrl-C to stop)`);
    const last = await follow({ site: site.url, script, stateFile, handle, signal: signal ?? new AbortController().signal, out, pollIntervalMs: 100 });
    out(`   ✓ stopped (${last.stopped}) after ${last.processed} more; state saved at id ${readState(stateFile)}`);
  }
  return { startId, stateFile, outbox };
}
