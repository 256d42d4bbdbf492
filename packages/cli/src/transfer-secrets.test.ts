import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sgRunner, scriptEnvOf, type SgResult } from "./test-support/run-sg.js";

// `sg upload --debug` and `sg download` print no secret when the site echoes the ones it received into its answer
// (the emulator's fault injection plays such a site): not the script key, the session token or the Basic-auth
// password of the site URL, in the error line, its hint, or the stack and causes that --debug adds.

const runner = sgRunner();
const sg = runner.run;
const BASIC_PASSWORD = "BAPWmark-66";
const BASIC_B64 = Buffer.from(`buser:${BASIC_PASSWORD}`).toString("base64");

let site: EmulatorHandle;
let env: Record<string, string> = {};
let key = "";
let dir: string;
let file: string;
let attachment = "";

beforeAll(async () => {
  site = await startEmulator({ fixtures: "demo" });
  env = scriptEnvOf(site, site.url.replace("http://", `http://buser:${BASIC_PASSWORD}@`));
  key = env["SG_SCRIPT_KEY"]!;
  dir = mkdtempSync(join(tmpdir(), "sg-transfer-secrets-"));
  file = join(dir, "a.txt");
  writeFileSync(file, "hello\n");
  const up = await sg(["upload", "Shot", "1", file, "--format", "jsonl"], env);
  expect(up.code, up.stderr).toBe(0);
  attachment = String((JSON.parse(up.stdout) as { attachment_id: number }).attachment_id);
});

afterAll(async () => {
  await site?.close();
  runner.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** A session of the coordinator, from `get_session_token` on the emulator. */
async function session(): Promise<string> {
  const response = await fetch(`${site.url}/api3/json`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ method_name: "get_session_token", params: [{ user_login: "coord", user_password: "coord-pass-1" }] }),
  });
  return ((await response.json()) as { results: { session_id: string } }).results.session_id;
}

/** The run failed, said so on stderr, and printed none of `secrets` anywhere. */
function expectNoSecret(r: SgResult, secrets: readonly string[]): void {
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.stderr).toMatch(/^sg: /m);
  for (const secret of secrets) expect(r.stdout + r.stderr).not.toContain(secret);
}

describe("sg upload --debug, the site echoing the key and the Basic auth it received", () => {
  it.each([102, 103])("refusing the upload with error_code %i", async (code) => {
    site.injectFault({ method: "/upload/upload_file", status: 200, body: `0\nkey ${key} refused, Basic ${BASIC_B64} buser:${BASIC_PASSWORD} (error_code ${code})` });
    const r = await sg(["upload", "Shot", "1", file, "--debug"], env);
    if (code === 102) expect(r.stderr).toContain("caused by:"); // --debug printed the strategy's error's cause too
    expect(r.stderr).toContain("[REDACTED]"); // the site's words are shown, scrubbed
    expectNoSecret(r, [key, BASIC_PASSWORD, BASIC_B64]);
  });
});

// The command shows a failed download's status and hint, not the reply (where the echo is): these guard that.
describe("sg download, the site echoing the session and the Basic auth it received", () => {
  it("with a session token (SG_SESSION_TOKEN), answered HTTP 500, to a file and to stdout, --debug", async () => {
    const token = await session();
    const sessionEnv = { SG_SITE: env["SG_SITE"]!, SG_SESSION_TOKEN: token };
    for (const out of [["--out", join(dir, "out.txt")], []]) {
      site.injectFault({ method: `/file_serve/attachment/${attachment}`, status: 500, body: `<html>cookie _x=${token}; ${BASIC_B64} ${BASIC_PASSWORD}</html>` });
      expectNoSecret(await sg(["download", attachment, ...out, "--debug"], sessionEnv), [token, BASIC_PASSWORD, BASIC_B64]);
    }
  });

  it("with script credentials, refused twice (401) echoing the Basic auth", async () => {
    site.injectFault({ method: `/file_serve/attachment/${attachment}`, status: 401, body: `<html>${BASIC_B64} ${BASIC_PASSWORD}</html>`, times: 2 });
    expectNoSecret(await sg(["download", attachment, "--out", join(dir, "out2.txt"), "--debug"], env), [key, BASIC_PASSWORD, BASIC_B64]);
  });
});
