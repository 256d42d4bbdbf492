/**
 * No secret in a transfer's errors, whatever the site answers: a proxy on 127.0.0.1 in front of the emulator echoes
 * every secret an upload step, a storage PUT or a download GET carried (form fields, cookie, the site URL's Basic
 * auth) into a refusal (`0…(error_code 102)` or 103), an HTTP 500, a 401 or a 403; with each kind of credentials, the
 * error's every text — message, hint, serverMessage, reply, bodySnippet, along the whole cause chain, `util.inspect`
 * with hidden properties, `JSON.stringify` — is searched for every value the proxy echoed.
 */
import { inspect } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createClient, type AuthStrategy, type Client, type Credentials } from "@sg/core";
import { legacyLoginAuth } from "@sg/auth-legacy-pat";
import { scriptAuth } from "@sg/auth-script";
import { sessionAuth } from "@sg/auth-session";
import { startEmulator, type EmulatorHandle } from "@sg/emulator";
import { jsonRpcTransport } from "@sg/transport";
import { SgTransferError, entityApi, getSessionToken, type EntityApi } from "./index.js";
import { startEchoProxy, type EchoProxy } from "./test-support/echo-proxy.js";

/** The site URL's Basic-auth password, and an `extra` secret of a custom strategy. */
const BASIC_PASSWORD = "BAPWmark-66";
const VAULT_TOKEN = "VTOKmark-44";

let site: EmulatorHandle;
let proxy: EchoProxy;
let cloud: EchoProxy;
let shot: number;
let attachment: number;
const clients: Client[] = [];

beforeAll(async () => {
  site = await startEmulator({ fixtures: "demo" });
  proxy = await startEchoProxy(site.url);
  cloud = await startEchoProxy(site.url, { cloud: true });
  const direct = entityApi(track(createClient({ site: site.url, transport: jsonRpcTransport(), auth: script() })));
  shot = (await direct.findOne("Shot", []))!.id;
  attachment = await direct.upload("Shot", shot, new File(["kept"], "kept.txt"));
});
afterEach(() => {
  proxy.clear();
  cloud.clear();
  proxy.echoed.clear();
  cloud.echoed.clear();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await proxy.close();
  await cloud.close();
  await site.close();
});

function track(client: Client): Client {
  clients.push(client);
  return client;
}

/** The emulator's first script. */
function script(): AuthStrategy {
  const { name, key } = site.card.scripts[0] as { name: string; key: string };
  return scriptAuth({ scriptName: name, scriptKey: key });
}

/** A new session of the coordinator, from a login of its own, straight from the emulator. */
const newSession = (): Promise<string> => getSessionToken(track(createClient({ site: site.url, transport: jsonRpcTransport(), auth: legacyLoginAuth({ login: "coord", password: "coord-pass-1" }) })));

/** How many times a session was refreshed (sessionAuth's refresh()). */
let refreshes = 0;

/** Each kind of credentials, as a strategy made afresh. */
const KINDS: Record<string, () => Promise<AuthStrategy>> = {
  script: async () => script(),
  "session (refreshed once)": async () => sessionAuth({ sessionToken: await newSession(), refresh: async () => (refreshes++, newSession()) }),
  "legacy login (session)": async () => legacyLoginAuth({ login: "coord", password: "coord-pass-1" }),
  "legacy login (password with each request)": async () => legacyLoginAuth({ login: "coord", password: "coord-pass-1", keepSession: false }),
  "custom strategy with an extra vault_token": async () => {
    const { name, key } = site.card.scripts[0] as { name: string; key: string };
    const credentials: Credentials = Object.freeze({ kind: "script", scriptName: name, scriptKey: key, extra: { vault_token: VAULT_TOKEN } });
    return { name: "vault", credentials: () => Promise.resolve(credentials) };
  },
};

/** An entity API through `through` (the proxy), with Basic auth in the site URL. */
async function connect(kind: string, through: EchoProxy = proxy): Promise<EntityApi> {
  const site = through.url.replace("http://", `http://buser:${BASIC_PASSWORD}@`);
  return entityApi(track(createClient({ site, transport: jsonRpcTransport(), auth: await KINDS[kind]!() })));
}

/** Every text `error` shows: its fields and its causes', util.inspect with hidden properties, JSON. */
function textsOf(error: unknown): [string, string][] {
  const texts: [string, string][] = [
    ["inspect", inspect(error, { showHidden: true, depth: null })],
    ["JSON", JSON.stringify(error)],
  ];
  let at = "error";
  for (let e: unknown = error; e instanceof Error; e = e.cause, at += ".cause") {
    for (const field of ["message", "hint", "serverMessage", "reply", "bodySnippet", "stack"]) {
      const value = (e as unknown as Record<string, unknown>)[field];
      if (typeof value === "string") texts.push([`${at}.${field}`, value]);
    }
  }
  return texts;
}

/** Where a secret the proxy echoed (or one of the markers) shows in `error`: `where: secret` lines. */
function leaks(error: unknown, through: EchoProxy = proxy): string[] {
  const secrets = [...through.echoed, BASIC_PASSWORD, VAULT_TOKEN].filter((s) => s.length >= 3);
  return textsOf(error).flatMap(([where, text]) => secrets.filter((s) => text.includes(s)).map((s) => `${where}: ${s}`));
}

const fail = async (run: () => Promise<unknown>): Promise<unknown> => {
  const outcome = await run().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) throw new Error(`expected a failure, got ${String(outcome.value)}`);
  return outcome.error;
};

const echoed = (secrets: readonly string[]): string => `echo ${secrets.join(" ")}`;

describe.each(Object.keys(KINDS))("an upload answered with the secrets it carried, %s", (kind) => {
  it.each([
    ["refusing the credentials (error_code 102)", 200, (s: readonly string[]) => `0\n${echoed(s)} refused (error_code 102)`],
    ["refusing it as bad input (error_code 103)", 200, (s: readonly string[]) => `0\n${echoed(s)} refused (error_code 103)`],
    ["with HTTP 500", 500, (s: readonly string[]) => `<html>${echoed(s)}</html>`],
  ])("%s: no secret in the error", async (_what, status, body) => {
    const sg = await connect(kind);
    proxy.echo({ path: "/upload/upload_file", status, body, times: 2 });
    const before = refreshes;
    const error = await fail(() => sg.upload("Shot", shot, new File(["x"], "a.txt")));
    expect(proxy.echoed.size).toBeGreaterThan(0);
    expect(leaks(error)).toEqual([]);
    // the refused session was refreshed and the upload sent again: the new token was echoed and scrubbed too
    if (kind.startsWith("session") && body(["x"]).includes("(error_code 102)")) expect(refreshes).toBe(before + 1);
  });
});

describe.each(Object.keys(KINDS))("a download answered with the cookie and Basic auth it carried, %s", (kind) => {
  it.each([
    ["refused (401, twice)", 401],
    ["with HTTP 500", 500],
  ])("%s: no secret in the error", async (_what, status) => {
    const sg = await connect(kind);
    proxy.echo({ path: "/file_serve/", status, body: (s) => `<html>${echoed(s)}</html>`, times: 2 });
    const before = refreshes;
    const error = await fail(() => sg.downloadAttachment(attachment));
    expect(proxy.echoed.size).toBeGreaterThan(0);
    expect(leaks(error)).toEqual([]);
    if (kind.startsWith("session") && status === 401) expect(refreshes).toBe(before + 1);
  });
});

describe("a cloud upload whose storage PUT is refused with the Basic auth it carried", () => {
  it("no secret in the error", async () => {
    const sg = await connect("script", cloud);
    cloud.echo({ path: "/upload/storage/", status: 403, body: (s) => `<Error><Code>AccessDenied</Code><Message>${echoed(s)}</Message></Error>` });
    const error = await fail(() => sg.upload("Shot", shot, new File(["x"], "a.txt")));
    expect(cloud.spent()).toBe(true);
    expect(leaks(error, cloud)).toEqual([]);
  });
});

describe("SgTransferError", () => {
  it("scrubs the reply and serverMessage it is given of its secrets and of secret patterns, before cutting the reply", () => {
    const secret = "s3cr3t-VALUE";
    const error = new SgTransferError("@sg/entities: refused", {
      reply: `${"x".repeat(495)}${secret} Basic dXNlcjpwYXNz session_token=abc123def`,
      serverMessage: `echo ${secret}`,
      secrets: [secret],
    });
    expect(error.reply).toBe(`${"x".repeat(495)}[REDA…`);
    expect(error.serverMessage).toBe("echo [REDACTED]");
    const unsliced = new SgTransferError("@sg/entities: refused", { reply: `${secret} Basic dXNlcjpwYXNz session_token=abc123def`, secrets: [secret] });
    expect(unsliced.reply).toBe("[REDACTED] Basic [REDACTED] session_token=[REDACTED]");
  });
});
