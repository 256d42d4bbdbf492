/**
 * `sg whoami` with a bare session token (the site does not say whose it is): `user` is null in the data formats, as
 * for any user not found, with a `note`; the table keeps the words.
 */
import { describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";

const { sg, site } = emulatorSuite();
const NOTE = "the site does not say whose session this is; it is valid";

async function sessionToken(): Promise<string> {
  const answer = await fetch(`${site().url}/api3/json`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ method_name: "get_session_token", params: [{ user_login: "admin", user_password: "admin-pass-1" }] }),
  });
  return ((await answer.json()) as { results: { session_id: string } }).results.session_id;
}

describe("sg whoami with a bare session token", () => {
  it("json, jsonl and csv: user is null (so .user.id reads as null) and a note says why", async () => {
    const env = { SG_SITE: site().url, SG_SESSION_TOKEN: await sessionToken() };
    const json = await sg(["whoami", "--format", "json"], env);
    expect(json.code, json.stderr).toBe(0);
    const row = JSON.parse(json.stdout) as { user: unknown; note?: string; auth: string };
    expect(row.user).toBeNull();
    expect(row.note).toBe(NOTE);
    const jsonl = await sg(["whoami", "--format", "jsonl"], env);
    expect(JSON.parse(jsonl.stdout)).toEqual(row);
    const csv = await sg(["whoami", "--format", "csv"], env);
    expect(csv.code, csv.stderr).toBe(0);
    const [head, line] = csv.stdout.trim().split(/\r?\n/);
    expect(head?.split(",")).toContain("note");
    expect(line).toContain(NOTE);
    expect(line).not.toContain(`(${NOTE})`);
  });

  it("table: keeps the words in user", async () => {
    const env = { SG_SITE: site().url, SG_SESSION_TOKEN: await sessionToken() };
    const table = await sg(["whoami", "--format", "table"], env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`user\\s+\\(${NOTE.replace(/[()]/g, "\\$&")}\\)`));
    expect(table.stdout).not.toMatch(/^note\b/m);
  });
});
