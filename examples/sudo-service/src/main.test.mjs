import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scriptAuth } from "@sg/auth-script";
import { createClient } from "@sg/core";
import { DEMO_SCRIPT_KEY, startEmulator } from "@sg/emulator";
import { entityApi } from "@sg/entities";
import { jsonRpcTransport } from "@sg/transport";
import { post, runRecipe } from "./recipe.mjs";
import { noteService } from "./service.mjs";

const main = fileURLToPath(new URL("./main.mjs", import.meta.url));

/** @param {string} url the test's own client: the script itself, no sudo */
const client = (url) => entityApi(createClient({ site: url, transport: jsonRpcTransport({ retry: false }), auth: scriptAuth({ scriptName: "emulator_script", scriptKey: DEMO_SCRIPT_KEY }) }));

describe("the sudo-service recipe", () => {
  it("npm start: writes as two artists, refuses three logins and exits 0", () => {
    const run = spawnSync(process.execPath, [main], { encoding: "utf8", timeout: 30_000 });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/✓ artist: Note \d+, created_by Arti Twofactor/);
    expect(run.stdout).toMatch(/✓ coord: Note \d+, created_by Cora Coordinator/);
    for (const code of ["SG_SCRIPT_SUDO_INACTIVE_USER", "SG_SCRIPT_SUDO_NOT_ALLOWED", "SG_SCRIPT_SUDO_UNKNOWN_USER"]) expect(run.stdout).toContain(code);
    expect(run.stdout.trimEnd().endsWith("All steps passed.")).toBe(true);
  }, 40_000);

  it("the site records each Note as made by the artist it was made for, in created_by and in the event log", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    try {
      const replies = await runRecipe(site, { out: () => {} });
      const made = replies.filter((r) => r.status === 201);
      expect(made.map((r) => r.as)).toEqual(["artist", "coord", "artist"]);
      const sg = client(site.url);
      const notes = await sg.find("Note", [["id", "in", made.map((r) => r.body.id)]], ["created_by.HumanUser.login", "note_links", "subject"], { order: [{ field_name: "id", direction: "asc" }] });
      expect(notes.map((n) => n["created_by.HumanUser.login"])).toEqual(["artist", "coord", "artist"]);
      for (const n of notes) expect(n["note_links"]).toEqual([expect.objectContaining({ type: "Shot", id: 1 })]);
      const events = await sg.find("EventLogEntry", [["event_type", "is", "Shotgun_Note_New"]], ["entity", "user", "meta"], { order: [{ field_name: "id", direction: "asc" }] });
      const byNote = new Map(events.map((e) => [/** @type {{ id: number }} */ (e["entity"]).id, e]));
      for (const [i, n] of notes.entries()) {
        const event = byNote.get(n.id);
        expect(event?.["user"]).toMatchObject({ type: "HumanUser", id: expect.any(Number) });
        const [user] = await sg.find("HumanUser", [["id", "is", /** @type {{ id: number }} */ (event?.["user"]).id]], ["login"]);
        expect(user?.["login"]).toBe(made[i]?.as);
        expect(event?.["meta"]).toMatchObject({ sudo_actual_user: expect.objectContaining({ type: "ApiUser" }) });
      }
      // The refused logins wrote nothing.
      expect((await sg.find("Note", [["subject", "is", "should not land"]], ["id"])).length).toBe(0);
    } finally {
      await site.close();
    }
  }, 20_000);

  it("refuses a malformed request before any client is made", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    const service = noteService({ site: site.url, scriptName: "emulator_script", scriptKey: DEMO_SCRIPT_KEY });
    const url = await service.listen();
    try {
      expect(await post(url, { as: "artist; drop", shot: 1, subject: "x", content: "" })).toMatchObject({ status: 400, body: { error: "as: expected the artist's login" } });
      expect(await post(url, { as: "artist", shot: "1", subject: "x", content: "" })).toMatchObject({ status: 400, body: { error: "shot: expected a Shot id" } });
      expect(site.requests().length).toBe(0);
    } finally {
      await service.close();
      await site.close();
    }
  }, 20_000);
  it("a failed Shot lookup is answered 503 (nothing written), not as a write that may have landed or was refused", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    const transport = jsonRpcTransport({ retry: { baseDelayMs: 10 } });
    const service = noteService({ site: site.url, scriptName: "emulator_script", scriptKey: DEMO_SCRIPT_KEY, transport });
    const url = await service.listen();
    try {
      for (let i = 0; i < 5; i++) site.injectFault({ method: "read", dropConnection: true });
      expect(await post(url, { as: "artist", shot: 1, subject: "x", content: "" })).toMatchObject({ status: 503, body: { error: "site unavailable, nothing written; retry" } });
      site.injectFault({ method: "read", errorCode: 103, message: "bad input" });
      expect(await post(url, { as: "artist", shot: 1, subject: "x", content: "" })).toMatchObject({ status: 503, body: { error: "site unavailable, nothing written; retry", code: "SG_FAULT" } });
      site.injectFault({ method: "create", status: 502, when: "after" });
      expect(await post(url, { as: "artist", shot: 1, subject: "y", content: "" })).toMatchObject({ status: 502, body: { maybeSent: true } });
      expect(site.requests().filter((r) => r.method_name === "create").length).toBe(1);
    } finally {
      await service.close();
      await site.close();
    }
  }, 20_000);

  it("close() ends the calls in flight at once: the waiting request is answered with an error, nothing is written later", async () => {
    const site = await startEmulator({ fixtures: "demo" });
    const service = noteService({ site: site.url, scriptName: "emulator_script", scriptKey: DEMO_SCRIPT_KEY });
    const url = await service.listen();
    try {
      await post(url, { as: "coord", shot: 1, subject: "warm", content: "" });
      site.setLatency(30_000);
      const asked = post(url, { as: "coord", shot: 1, subject: "in flight at close", content: "" });
      await new Promise((r) => setTimeout(r, 300)); // the Shot lookup is on its way to the site
      await service.close(); // before the fix: waits for the 30 s call, past this test's timeout
      expect(await asked).toMatchObject({ status: 503, body: { error: "site unavailable, nothing written; retry" } });
      site.setLatency(0);
      expect((await client(site.url).find("Note", [["subject", "is", "in flight at close"]], ["id"])).length).toBe(0);
    } finally {
      await site.close();
    }
  }, 10_000);
});
