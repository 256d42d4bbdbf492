/**
 * Upload steps the site refuses, against the emulator over real sockets: a refusal of the credentials in the reply
 * (`0\n… (error_code 102)`, HTTP 200) goes through the auth strategy as a call's fault 102 does, and the step is sent
 * once more; a missing record or bad input is an `SgTransferError` with the fault's code and a hint of its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgAuthError, createClient, type AuthStrategy, type Client } from "@sg/core";
import { legacyLoginAuth } from "@sg/auth-legacy-pat";
import { scriptAuth } from "@sg/auth-script";
import { sessionAuth } from "@sg/auth-session";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { jsonRpcTransport } from "@sg/transport";
import { SgTransferError, entityApi, getSessionToken } from "./index.js";

let site: EmulatorHandle;
let dir: string;
let file: string;
let shot: number;
const clients: Client[] = [];
beforeAll(async () => {
  site = await startEmulator({ fixtures: "demo" });
  dir = mkdtempSync(join(tmpdir(), "sg-upload-refusals-"));
  file = join(dir, "a.txt");
  writeFileSync(file, "hello\n");
  shot = (await connect(script()).findOne("Shot", []))!.id;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The emulator's first script. */
function script(): AuthStrategy {
  const { name, key } = site.card.scripts[0] as { name: string; key: string };
  return scriptAuth({ scriptName: name, scriptKey: key });
}

function connect(auth: AuthStrategy): ReturnType<typeof entityApi> {
  const client = createClient({ site: site.url, transport: jsonRpcTransport(), auth });
  clients.push(client);
  return entityApi(client);
}

/** The upload requests the emulator received since `from` (an index into its request log). */
const uploadsSince = (from: number): string[] => site.requests().slice(from).map((r) => r.path).filter((p) => p.startsWith("/upload/"));

/** A new session of the coordinator, from a login of its own. */
const newSession = (): Promise<string> => getSessionToken(createClient({ site: site.url, transport: jsonRpcTransport(), auth: legacyLoginAuth({ login: "coord", password: "coord-pass-1" }) }));

describe("an upload whose reply refuses the credentials", () => {
  it("logs in again (legacy login) once the session expired, and sends the upload once more: every upload lands", async () => {
    const sg = connect(legacyLoginAuth({ login: "coord", password: "coord-pass-1" }));
    const first = await sg.upload("Shot", shot, file);
    site.advanceClock(1900); // past the session's idle time: the next upload's session is refused
    const from = site.requests().length;
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await sg.upload("Shot", shot, file));
    expect(new Set([first, ...ids]).size).toBe(4);
    // the first upload after the expiry is refused, then sent again with the new session; the others go once
    expect(uploadsSince(from)).toEqual(["/upload/upload_file", "/upload/upload_file", "/upload/upload_file", "/upload/upload_file"]);
    expect(site.requests().slice(from).filter((r) => r.method_name === "get_session_token")).toHaveLength(1);
  });

  it("calls sessionAuth's refresh() once and sends the upload again with the new token", async () => {
    let refreshes = 0;
    const sg = connect(sessionAuth({ sessionToken: await newSession(), refresh: async () => (refreshes++, newSession()) }));
    await sg.upload("Shot", shot, file);
    site.advanceClock(1900);
    const from = site.requests().length;
    expect(Number.isInteger(await sg.upload("Shot", shot, file))).toBe(true);
    expect(refreshes).toBe(1);
    expect(uploadsSince(from)).toHaveLength(2);
  });

  it("without refresh(), rejects with the strategy's SgAuthError (not SgTransferError with an upload hint); nothing stored", async () => {
    const sg = connect(sessionAuth({ sessionToken: await newSession() }));
    site.advanceClock(1900);
    const from = site.requests().length;
    const error = await sg.upload("Shot", shot, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgAuthError);
    expect(error).toMatchObject({ code: "SG_SESSION_EXPIRED", errorCode: 102 });
    expect(uploadsSince(from)).toEqual(["/upload/upload_file"]);
  });

  it("a wrong script key is an SgAuthError with fault 102 and the site's words, sent once", async () => {
    const script = site.card.scripts[0] as { name: string; key: string };
    const sg = connect(scriptAuth({ scriptName: script.name, scriptKey: `${script.key.slice(0, -4)}XXXX` }));
    const from = site.requests().length;
    const error = await sg.upload("Shot", shot, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgAuthError);
    expect(error).not.toBeInstanceOf(SgTransferError);
    expect((error as SgAuthError).errorCode).toBe(102);
    expect((error as SgAuthError).serverMessage).not.toMatch(/error_code/);
    expect((error as SgAuthError).message).not.toContain(script.key);
    expect(uploadsSince(from)).toEqual(["/upload/upload_file"]);
  });
});

describe("an upload the site refuses otherwise", () => {
  it("of a record that does not exist: SgTransferError with fault 103, the site's words and a not-found hint", async () => {
    const error = await connect(script()).upload("Shot", 99999, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", status: 200, errorCode: 103, serverMessage: "No entity of type Shot exists with id 99999" });
    expect((error as SgTransferError).hint).toBe("Check the entity type and id: the site has no such live record.");
  });

  it("into a field that takes no file: fault 103 with a hint about the field, not the not-found one", async () => {
    const error = await connect(script()).upload("Shot", shot, file, { fieldName: "code" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", errorCode: 103 });
    expect((error as SgTransferError).serverMessage).toMatch(/code/);
    expect((error as SgTransferError).hint).toMatch(/^The site refused the upload as bad input.*check the field/);
  });
});
