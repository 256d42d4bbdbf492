/**
 * Downloads whose session the file server refuses (401/403), against the emulator over real sockets: the session is
 * renewed — a new `get_session_token` for script credentials, the auth strategy's `onRejected` for a strategy whose
 * credentials are a session — and the GET sent once more; nothing of a body had been written.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SgValidationError, createClient, type AuthStrategy, type Client } from "@sg/core";
import { legacyLoginAuth } from "@sg/auth-legacy-pat";
import { scriptAuth } from "@sg/auth-script";
import { sessionAuth } from "@sg/auth-session";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { jsonRpcTransport } from "@sg/transport";
import { SgTransferError, entityApi, getSessionToken, type EntityApi } from "./index.js";

let site: EmulatorHandle;
let shot: number;
const clients: Client[] = [];
beforeAll(async () => {
  site = await startEmulator({ fixtures: "demo" });
  shot = (await connect(script()).findOne("Shot", []))!.id;
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await site.close();
});

/** The emulator's first script. */
function script(): AuthStrategy {
  const { name, key } = site.card.scripts[0] as { name: string; key: string };
  return scriptAuth({ scriptName: name, scriptKey: key });
}

function connect(auth: AuthStrategy): EntityApi {
  const client = createClient({ site: site.url, transport: jsonRpcTransport(), auth });
  clients.push(client);
  return entityApi(client);
}

/** A new session of the coordinator, from a login of its own. */
const newSession = (): Promise<string> => getSessionToken(createClient({ site: site.url, transport: jsonRpcTransport(), auth: legacyLoginAuth({ login: "coord", password: "coord-pass-1" }) }));

/** What the emulator received since `from`: `get_session_token` calls and GETs of attachments. */
function since(from: number): { tokens: number; gets: number } {
  const log = site.requests().slice(from);
  return { tokens: log.filter((r) => r.method_name === "get_session_token").length, gets: log.filter((r) => r.path.startsWith("/file_serve/")).length };
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe("a download whose cached session token expired", () => {
  it("with script credentials: fetches a new token once and downloads (bytes, a file path's stream, openAttachment)", async () => {
    const sg = connect(script());
    const id = await sg.upload("Shot", shot, new File(["payload"], "a.txt"));
    expect(text(await sg.downloadAttachment(id))).toBe("payload");
    site.advanceClock(2000); // past the session's idle time
    let from = site.requests().length;
    expect(text(await sg.downloadAttachment(id))).toBe("payload");
    expect(since(from)).toEqual({ tokens: 1, gets: 2 });
    site.advanceClock(2000);
    from = site.requests().length;
    const dir = mkdtempSync(join(tmpdir(), "sg-download-refusals-"));
    try {
      const path = join(dir, "a.txt");
      expect(await sg.downloadAttachment(id, { filePath: path })).toBe(path);
      expect(readFileSync(path, "utf8")).toBe("payload");
      expect(readdirSync(dir)).toEqual(["a.txt"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(since(from)).toEqual({ tokens: 1, gets: 2 });
    site.advanceClock(2000);
    from = site.requests().length;
    expect(await new Response((await sg.openAttachment(id)).stream).text()).toBe("payload");
    expect(since(from)).toEqual({ tokens: 1, gets: 2 });
  });

  it("downloads refused together with the same token share one new token", async () => {
    const sg = connect(script());
    const id = await sg.upload("Shot", shot, new File(["shared"], "b.txt"));
    await sg.downloadAttachment(id);
    site.advanceClock(2000);
    const from = site.requests().length;
    const all = await Promise.all(Array.from({ length: 5 }, () => sg.downloadAttachment(id)));
    expect(all.map(text)).toEqual(Array(5).fill("shared"));
    expect(since(from)).toEqual({ tokens: 1, gets: 10 });
    // the new token stays cached: a refusal that arrived after the renewal did not throw it away
    expect(text(await sg.downloadAttachment(id))).toBe("shared");
    expect(since(from)).toEqual({ tokens: 1, gets: 11 });
  });

  it("refused again with the new token: SgTransferError 403 saying so, and the token is not kept", async () => {
    const sg = connect(script());
    const id = await sg.upload("Shot", shot, new File(["kept out"], "c.txt"));
    await sg.downloadAttachment(id);
    site.injectFault({ method: `/file_serve/attachment/${id}`, status: 403, body: "Forbidden", times: 2 });
    const from = site.requests().length;
    const error = await sg.downloadAttachment(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTransferError);
    expect(error).toMatchObject({ code: "SG_DOWNLOAD_FAILED", status: 403, hint: "A new session token was refused too: the script or user may not be allowed to see this attachment." });
    expect(since(from)).toEqual({ tokens: 1, gets: 2 });
  });

  it("with sessionAuth: its refresh() runs once and the download goes through with the new session", async () => {
    let refreshes = 0;
    const sg = connect(sessionAuth({ sessionToken: await newSession(), refresh: async () => (refreshes++, newSession()) }));
    const id = await sg.upload("Shot", shot, new File(["mine"], "d.txt"));
    expect(text(await sg.downloadAttachment(id))).toBe("mine");
    site.advanceClock(2000);
    expect(text(await sg.downloadAttachment(id))).toBe("mine");
    expect(refreshes).toBe(1);
    // the refreshed session serves the calls too: no second refresh
    await sg.findOne("Shot", []);
    expect(refreshes).toBe(1);
  });

  it("with sessionAuth without refresh(): the strategy's own error, which says how to get a new session", async () => {
    const sg = connect(sessionAuth({ sessionToken: await newSession() }));
    const id = await sg.upload("Shot", shot, new File(["mine"], "e.txt"));
    site.advanceClock(2000);
    const error = await sg.downloadAttachment(id).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "SgSessionError", code: "SG_SESSION_EXPIRED" });
  });

  it("with a legacy login: logs in again once and downloads", async () => {
    const sg = connect(legacyLoginAuth({ login: "coord", password: "coord-pass-1" }));
    const id = await sg.upload("Shot", shot, new File(["again"], "f.txt"));
    await sg.downloadAttachment(id);
    site.advanceClock(2000);
    const from = site.requests().length;
    expect(text(await sg.downloadAttachment(id))).toBe("again");
    expect(since(from)).toEqual({ tokens: 1, gets: 2 });
  });
});

describe("a download in a browser, whose Request and fetch drop a script's Cookie header (a forbidden header)", () => {
  it("is refused before the GET, not as an expired session: refresh() is not called; getAttachmentDownloadUrl gives the URL to open", async () => {
    let refreshes = 0;
    // Node's Request and fetch made to drop `cookie` as a browser's do
    class BrowserRequest extends Request {
      constructor(input: string | URL | Request, init?: RequestInit) {
        super(input, init);
        this.headers.delete("cookie");
      }
    }
    const browserFetch = (input: string, init: RequestInit): Promise<Response> => fetch(new BrowserRequest(input, init));
    const client = createClient({ site: site.url, transport: jsonRpcTransport({ fetch: browserFetch }), auth: sessionAuth({ sessionToken: await newSession(), refresh: async () => (refreshes++, newSession()) }) });
    clients.push(client);
    const sg = entityApi(client);
    const id = await sg.upload("Shot", shot, new File(["browser"], "g.txt"));
    const from = site.requests().length;
    vi.stubGlobal("Request", BrowserRequest);
    try {
      const error = await sg.downloadAttachment(id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgValidationError);
      expect(error).toMatchObject({ path: ["credentials"] });
      expect((error as SgValidationError).hint).toMatch(/getAttachmentDownloadUrl\(\)/);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(refreshes).toBe(0);
    expect(since(from)).toEqual({ tokens: 0, gets: 0 });
    expect(sg.getAttachmentDownloadUrl(id)).toBe(`${site.url}/file_serve/attachment/${id}`);
  });
});
