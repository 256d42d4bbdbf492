#!/usr/bin/env node
// The README's main job (`npm run demo`): start a local ShotGrid-compatible site that has been migrated to
// Autodesk Identity, then use the public @sg/* packages the way a pipeline script would — each of the three
// auth strategies, the entity API, one retried 502, and the error a person without a PAT gets.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { legacyLoginAuth } from "@sg/auth-legacy-pat";
import { scriptAuth } from "@sg/auth-script";
import { browserLogin } from "@sg/auth-session";
import { createClient } from "@sg/core";
import { startEmulator } from "@sg/emulator";
import { entityApi } from "@sg/entities";
import { jsonRpcTransport } from "@sg/transport";

const out = (line = "") => process.stdout.write(`${line}\n`);
/** @param {number} n @param {string} title */
const step = (n, title) => out(`\n${n}. ${title}`);
/** @param {string} text */
const ok = (text) => out(`   ✓ ${text}`);
/** @param {string} text */
const note = (text) => out(`   · ${text}`);
/**
 * `value`, which the demo site is sure to have; a clear error if it has not.
 * @template T
 * @param {T | null | undefined} value
 * @param {string} what
 * @returns {T}
 */
const need = (value, what) => {
  if (value === null || value === undefined) throw new Error(`the demo site has no ${what}`);
  return value;
};

const emulator = await startEmulator({ fixtures: "demo", authMode: "identity" });
const scratch = mkdtempSync(join(tmpdir(), "sg-quickstart-"));
let failed = false;
try {
  const { card } = emulator;
  const site = emulator.url;
  const project = need(card.projects[0], "project");
  out(`@sg/* quickstart — local site ${site} (Autodesk Identity, demo fixtures)`);

  // 1. Script name + key: what pipeline automation uses.
  step(1, "Script auth (@sg/auth-script)");
  /** @type {import("@sg/transport").RetryInfo[]} */
  const retries = [];
  const transport = jsonRpcTransport({ retry: { onRetry: (info) => retries.push(info) } });
  const script = need(card.scripts[0], "script");
  const sg = entityApi(createClient({ site, transport, auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) }));
  const shots = await sg.find("Shot", [["project", "is", project]], ["code", "sg_status_list"], { order: [{ field_name: "code", direction: "asc" }], limit: 3 });
  ok(`find: ${shots.length} Shots in '${project.name}': ${shots.map((s) => `${s.code} (${s.sg_status_list})`).join(", ")}`);

  const created = await sg.create("Shot", { code: "qs_010", project, description: "made by the quickstart" }, ["code", "created_at"]);
  ok(`create: Shot ${created.id} '${created.code}', created_at is a ${created.created_at instanceof Date ? "Date" : typeof created.created_at}`);
  const updated = await sg.update("Shot", created.id, { sg_status_list: "ip" });
  ok(`update: Shot ${updated.id} sg_status_list → ${updated.sg_status_list}`);

  const batch = await sg.batch([
    { request_type: "create", entity_type: "Shot", data: { code: "qs_020", project } },
    { request_type: "create", entity_type: "Shot", data: { code: "qs_030", project } },
    { request_type: "update", entity_type: "Shot", entity_id: created.id, data: { description: "batched update" } },
  ]);
  ok(`batch: 3 requests applied in one transaction → ids ${batch.slice(0, 2).map((r) => r.id).join(", ")} created, ${created.id} updated`);

  const summary = await sg.summarize("Shot", [["project", "is", project]], [{ field: "id", type: "count" }], { grouping: [{ field: "sg_status_list", type: "exact", direction: "asc" }] });
  ok(`summarize: ${summary.summaries.id} Shots; by status ${summary.groups.map((g) => `${g.group_name}=${g.summaries.id}`).join(", ")}`);

  const png = join(scratch, "thumb.png");
  writeFileSync(png, Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64"));
  const attachmentId = await sg.uploadThumbnail("Shot", created.id, png);
  ok(`uploadThumbnail: attachment ${attachmentId} set as the thumbnail of Shot ${created.id}`);

  // 2. A flaky site: the next read gets a 502 from a proxy, once.
  step(2, "Retry on 502 with incremental backoff (@sg/transport)");
  emulator.injectFault({ method: "read", status: 502, html: true, times: 1 });
  const again = await sg.findOne("Shot", [["id", "is", created.id]], ["code"]);
  for (const r of retries) note(`attempt ${r.attempt} of '${r.method}' failed (${r.reason}); retried after ${r.delayMs} ms`);
  ok(`findOne succeeded on attempt ${retries.length + 1}: ${again?.code}`);

  // 3. A person: legacy login + passphrase, with a PAT bound to the account, on a 2FA-enabled account.
  step(3, "Legacy login + passphrase with a bound PAT and 2FA (@sg/auth-legacy-pat)");
  const artist = need(card.users.find((u) => u.active && u.pat === "valid" && u.password && u.twoFactor), "user with a PAT, a password and 2FA");
  const person = entityApi(
    createClient({
      site,
      transport: jsonRpcTransport(),
      auth: legacyLoginAuth({
        login: artist.login,
        password: need(artist.password, "password for the artist"),
        twoFactor: async () => {
          note(`the site asked for a 2FA code; answering the prompt for ${artist.login}`);
          return emulator.issueTwoFactorCode(artist.login); // a one-time code, as an authenticator app would show
        },
      }),
    }),
  );
  const me = need(await person.findOne("HumanUser", [["login", "is", artist.login]], ["name", "login"]), "record of the artist");
  ok(`logged in as ${me.name} (${me.login}); the passphrase was exchanged for a session once`);
  const myTasks = await person.find("Task", [["task_assignees", "is", { type: "HumanUser", id: me.id }]], ["content"], { limit: 5 });
  ok(`find: ${myTasks.length} Tasks assigned to ${me.login}`);

  // 4. No password at all: approve the login in a browser, then use the session token.
  step(4, "Session token from a browser approval (@sg/auth-session)");
  const approver = need(card.users.find((u) => u.active && u.admin), "active admin");
  const login = await browserLogin({
    site,
    appName: "quickstart",
    pollIntervalMs: 50,
    open: async (url) => {
      note(`open ${url} and approve — the demo approves as ${approver.login}`);
      emulator.approve(need(url.split("/").pop(), "request id in the approval URL"), approver.login);
    },
  });
  const viaSession = entityApi(createClient({ site, transport: jsonRpcTransport(), auth: login.auth }));
  const projects = await viaSession.find("Project", [], ["name"]);
  ok(`session for ${login.userLogin}: sees ${projects.length} Projects (${projects.map((p) => p.name).join(", ")})`);

  // 5. What a person without a PAT sees on an Identity site.
  step(5, "A legacy login with no PAT bound (the actionable error)");
  const noPat = need(card.users.find((u) => u.active && u.pat === "missing" && u.password), "user without a PAT");
  const stranger = entityApi(createClient({ site, transport: jsonRpcTransport(), auth: legacyLoginAuth({ login: noPat.login, password: need(noPat.password, "password for the user without a PAT") }) }));
  try {
    await stranger.findOne("Project", [], ["name"]);
    throw new Error("expected the site to refuse a legacy login without a PAT");
  } catch (error) {
    const { code, message } = /** @type {{ code?: unknown, message?: unknown }} */ (error ?? {});
    if (typeof code !== "string" || !code.startsWith("SG_")) throw error;
    ok(`refused with ${code}:`);
    for (const line of String(message).split("\n")) note(line);
  }

  out("\nAll steps passed.");
} catch (error) {
  failed = true;
  process.stderr.write(`\nquickstart failed: ${/** @type {{ stack?: unknown } | null | undefined} */ (error)?.stack ?? error}\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await emulator.close();
}
process.exitCode = failed ? 1 : 0;
