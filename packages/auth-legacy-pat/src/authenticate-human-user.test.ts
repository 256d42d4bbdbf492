import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCapturingLogger, findSecrets, rejectionOf } from "@sg/testing";
import { SgAuthError, SgIdentitySiteError, SgNetworkError, SgProtocolError, SgSsoSiteError, SgTwoFactorRequiredError, SgValidationError, createClient } from "@sg/core";
import type { AuthStrategy, Client, Logger, RpcRequest, TransportContext, TransportStrategy } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { LegacyErrorCode, authenticateHumanUser, legacyLoginAuth } from "./index.js";
import type { HumanUserCredentials } from "./index.js";
import { READ_SHOTS, count, passwordOf } from "./test-support/demo-site.js";
import type { Emulator } from "./test-support/demo-site.js";
import { expectBadPassword, expectPatRefused } from "./test-support/explained-errors.js";

const PLANTED_PASSWORD = "planted-passphrase-7a31c0ffee";
const PLANTED_CODE = "531864";

/** The Python client's `find_one("HumanUser", [["sg_status_list","is","act"], ["login","is",login]], ["id","login"])`. */
const pythonRead = (login: string): Record<string, unknown> => ({
  type: "HumanUser",
  filters: {
    logical_operator: "and",
    conditions: [
      { path: "sg_status_list", relation: "is", values: ["act"] },
      { path: "login", relation: "is", values: [login] },
    ],
  },
  return_fields: ["id", "login"],
  return_only: "active",
  paging: { entities_per_page: 1, current_page: 1 },
  return_paging_info: false,
});

/** A script strategy written here: the package under test does not depend on @sg/auth-script. */
const scriptStrategy = (name: string, key: string): AuthStrategy => {
  const credentials = Object.freeze({ kind: "script" as const, scriptName: name, scriptKey: key });
  return { name: "test-script", credentials: () => Promise.resolve(credentials) };
};

/** One emulator per site kind, a fresh log per test, and the clients a test makes (closed at the end). */
function useSite(authMode: "default" | "identity" | "sso") {
  const env = {} as {
    emulator: Emulator;
    /** The requests received since `mark()`. */
    sent(): ReturnType<Emulator["requests"]>;
    mark(): void;
    scriptClient(logger?: Logger): Client;
    personClient(login: string, logger?: Logger): Client;
  };
  const clients: Client[] = [];
  let marked = 0;
  beforeAll(async () => {
    env.emulator = await startEmulator({ authMode, fixtures: "demo" });
  });
  beforeEach(() => {
    env.emulator.reset();
    marked = 0;
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await env.emulator.close();
  });
  const client = (auth: AuthStrategy, logger?: Logger): Client => {
    const c = createClient({ site: env.emulator.url, transport: jsonRpcTransport(), auth, ...(logger ? { logger } : {}) });
    clients.push(c);
    return c;
  };
  env.mark = () => {
    marked = env.emulator.requests().length;
  };
  env.sent = () => env.emulator.requests().slice(marked);
  env.scriptClient = (logger) => {
    const script = env.emulator.card.scripts[0];
    if (!script) throw new Error("no script on the card");
    return client(scriptStrategy(script.name, script.key), logger);
  };
  env.personClient = (login, logger) => client(legacyLoginAuth({ login, password: passwordOf(env.emulator, login) }), logger);
  return env;
}

/** The id of `login`'s HumanUser, read with `sg`'s own credentials. */
async function idOf(sg: Client, login: string): Promise<number> {
  const read = pythonRead(login);
  const { entities } = await sg.call<{ entities: { id: number }[] }>("read", { ...read, filters: { logical_operator: "and", conditions: [{ path: "login", relation: "is", values: [login] }] } });
  const id = entities[0]?.id;
  if (id === undefined) throw new Error(`no HumanUser ${login}`);
  return id;
}

/** What the emulator logged for the one `read` a check sends. */
const checkRead = (login: string, errorCode: number | null) => ({
  method_name: "read",
  auth: "user",
  principal: login,
  errorCode,
  payloadSummary: { entityType: "HumanUser", filterPaths: ["sg_status_list", "login"], returnFieldCount: 2, paging: { entities_per_page: 1, current_page: 1 } },
});

describe("authenticateHumanUser on a default site", () => {
  const site = useSite("default");

  it("returns the active HumanUser for the right login and password, in one read sent as that person", async () => {
    const sg = site.scriptClient();
    const id = await idOf(sg, "coord");
    const own = await sg.credentials();
    site.mark();
    const user = await authenticateHumanUser(sg, { login: "coord", password: passwordOf(site.emulator, "coord") });
    expect(user).toEqual({ type: "HumanUser", id, login: "coord" });
    expect(site.sent()).toEqual([expect.objectContaining(checkRead("coord", null))]);
    // The caller's client still runs as its script, with the very same credentials.
    expect(await sg.credentials()).toBe(own);
    await sg.call("read", READ_SHOTS);
    expect(site.sent().slice(1)).toEqual([expect.objectContaining({ method_name: "read", auth: "script", errorCode: null })]);
  });

  it("leaves the caller's transport to be closed by the caller's close(), as if no check had been made", async () => {
    // A wrapper that frees something of its own on close() (a dispatcher, a metrics exporter): it must get that call.
    const inner = jsonRpcTransport();
    let closes = 0;
    const transport: TransportStrategy = {
      name: "counting",
      send: (request, context) => inner.send(request, context),
      close: () => {
        closes += 1;
        return inner.close?.() ?? Promise.resolve();
      },
    };
    const script = site.emulator.card.scripts[0];
    if (!script) throw new Error("no script on the card");
    const sg = createClient({ site: site.emulator.url, transport, auth: scriptStrategy(script.name, script.key) });
    const id = await idOf(sg, "coord");
    expect(await authenticateHumanUser(sg, { login: "coord", password: passwordOf(site.emulator, "coord") })).toEqual({ type: "HumanUser", id, login: "coord" });
    expect(await rejectionOf(authenticateHumanUser(sg, { login: "coord", password: PLANTED_PASSWORD }))).toBeInstanceOf(SgAuthError);
    await sg.close();
    expect(closes).toBe(1);
  });

  it("rejects a wrong password with SG_LEGACY_BAD_PASSWORD, and the caller's own login and session are untouched", async () => {
    const logger = createCapturingLogger();
    const sg = site.personClient("admin", logger);
    await sg.info();
    await sg.call("read", READ_SHOTS);
    const session = await sg.credentials();
    expect(session.kind).toBe("session");
    site.mark();
    const error = await rejectionOf(authenticateHumanUser(sg, { login: "coord", password: PLANTED_PASSWORD }));
    expectBadPassword(error, "coord", [PLANTED_PASSWORD]);
    expect(inspect(error, { depth: 8 })).not.toContain(PLANTED_PASSWORD);
    expect(logger.text().join("\n")).not.toContain(PLANTED_PASSWORD);
    // One read with the person's login, no login exchange, and the site's kind from the caller's cached info.
    expect(site.sent()).toEqual([expect.objectContaining(checkRead("coord", 102))]);
    expect(await sg.credentials()).toBe(session);
    await sg.call("read", READ_SHOTS);
    expect(site.sent().slice(1)).toEqual([expect.objectContaining({ method_name: "read", auth: "session", errorCode: null })]);
    expect(count(site.emulator, "get_session_token")).toBe(1);
  });

  it("an inactive account is refused by the site itself: SG_LEGACY_BAD_PASSWORD, not null", async () => {
    const error = await rejectionOf(authenticateHumanUser(site.scriptClient(), { login: "inactive", password: passwordOf(site.emulator, "inactive") }));
    expect(error).toBeInstanceOf(SgAuthError);
    expect((error as SgAuthError).code).toBe(LegacyErrorCode.BAD_PASSWORD);
    expect((error as SgAuthError).message).toContain("the account is inactive");
  });

  it("a 2FA account without authToken gets SG_LEGACY_2FA_REQUIRED, with a hint for this function", async () => {
    const error = await rejectionOf(authenticateHumanUser(site.scriptClient(), { login: "artist", password: passwordOf(site.emulator, "artist") }));
    expect(error).toBeInstanceOf(SgTwoFactorRequiredError);
    const e = error as SgTwoFactorRequiredError;
    expect(e.code).toBe(LegacyErrorCode.TWO_FACTOR_REQUIRED);
    expect(e.message).toContain("'artist' has two-factor authentication on");
    expect(e.hint).toContain("authenticateHumanUser again with it as authToken");
    expect(e.hint).not.toContain("twoFactor");
    expect(site.sent()).toEqual([expect.objectContaining(checkRead("artist", 106))]);
  });

  it("a 2FA account with authToken: the code goes with the one read, and no session is made", async () => {
    const sg = site.scriptClient();
    const id = await idOf(sg, "artist");
    site.mark();
    const code = site.emulator.issueTwoFactorCode("artist");
    const user = await authenticateHumanUser(sg, { login: "artist", password: passwordOf(site.emulator, "artist"), authToken: code });
    expect(user).toEqual({ type: "HumanUser", id, login: "artist" });
    expect(site.sent()).toEqual([expect.objectContaining(checkRead("artist", null))]);
  });

  it("an authToken spaced as authenticator apps show it (\"123 456\") is sent without its spaces", async () => {
    const sg = site.scriptClient();
    const id = await idOf(sg, "artist");
    site.mark();
    const code = site.emulator.issueTwoFactorCode("artist");
    const user = await authenticateHumanUser(sg, { login: "artist", password: passwordOf(site.emulator, "artist"), authToken: `${code.slice(0, 3)} ${code.slice(3)}` });
    expect(user).toEqual({ type: "HumanUser", id, login: "artist" });
    expect(site.sent()).toEqual([expect.objectContaining(checkRead("artist", null))]);
  });

  it("a wrong two-factor code gets SG_LEGACY_2FA_INVALID without echoing it", async () => {
    const logger = createCapturingLogger();
    const error = await rejectionOf(authenticateHumanUser(site.scriptClient(logger), { login: "artist", password: passwordOf(site.emulator, "artist"), authToken: PLANTED_CODE }));
    expect(error).toBeInstanceOf(SgTwoFactorRequiredError);
    const e = error as SgTwoFactorRequiredError;
    expect(e.code).toBe(LegacyErrorCode.TWO_FACTOR_INVALID);
    expect(e.hint).toContain("call authenticateHumanUser again");
    expect(findSecrets(e, [PLANTED_CODE, passwordOf(site.emulator, "artist")])).toEqual([]);
    expect(logger.text().join("\n")).not.toContain(PLANTED_CODE);
    expect(site.sent()).toHaveLength(1);
  });

  it.each<[string, unknown, (string | number)[]]>([
    ["no login", { password: PLANTED_PASSWORD }, ["login"]],
    ["an empty login", { login: "", password: PLANTED_PASSWORD }, ["login"]],
    ["an empty password", { login: "coord", password: "" }, ["password"]],
    ["a numeric password", { login: "coord", password: 531864 }, ["password"]],
    ["a numeric authToken", { login: "coord", password: PLANTED_PASSWORD, authToken: 531864 }, ["authToken"]],
    ["an authToken of only spaces", { login: "coord", password: PLANTED_PASSWORD, authToken: "   " }, ["authToken"]],
    ["a PAT", { login: "coord", pat: PLANTED_PASSWORD }, ["pat"]],
    ["a misnamed password", { login: "coord", passphrase: PLANTED_PASSWORD }, ["passphrase"]],
    ["a twoFactor function", { login: "coord", password: PLANTED_PASSWORD, twoFactor: async () => PLANTED_CODE }, ["twoFactor"]],
    ["keepSession", { login: "coord", password: PLANTED_PASSWORD, keepSession: false }, ["keepSession"]],
    ["no credentials object", null, ["credentials"]],
  ])("refuses %s before sending anything, without echoing a secret", async (_name, credentials, path) => {
    const sg = site.scriptClient();
    const error = await rejectionOf(authenticateHumanUser(sg, credentials as HumanUserCredentials));
    expect(error).toBeInstanceOf(SgValidationError);
    expect((error as SgValidationError).path).toEqual(path);
    expect((error as Error).message).toMatch(/^@sg\/auth-legacy-pat: /);
    expect(findSecrets(error, [PLANTED_PASSWORD, PLANTED_CODE])).toEqual([]);
    expect(site.emulator.requests()).toEqual([]);
  });

  it("refuses something that is not a client, and call options that are not an object, before sending anything", async () => {
    const credentials = { login: "coord", password: PLANTED_PASSWORD };
    const notClient = await rejectionOf(authenticateHumanUser({ site: site.emulator.url } as unknown as Client, credentials));
    expect(notClient).toBeInstanceOf(SgValidationError);
    expect((notClient as SgValidationError).path).toEqual(["client"]);
    const badOptions = await rejectionOf(authenticateHumanUser(site.scriptClient(), credentials, 5000 as never));
    expect((badOptions as SgValidationError).path).toEqual(["callOptions"]);
    expect(site.emulator.requests()).toEqual([]);
  });
});

describe("authenticateHumanUser on an Autodesk Identity site", () => {
  const site = useSite("identity");

  it("returns the user whose legacy login has a valid PAT, checked with that login", async () => {
    const sg = site.personClient("admin");
    await sg.call("read", READ_SHOTS);
    site.mark();
    const user = await authenticateHumanUser(sg, { login: "coord", password: passwordOf(site.emulator, "coord") });
    expect(user).toMatchObject({ type: "HumanUser", login: "coord" });
    expect(site.sent()).toEqual([expect.objectContaining(checkRead("coord", null))]);
  });

  it("explains a legacy login without a PAT (SG_LEGACY_PAT_REFUSED, binding steps), asking info of the caller's client", async () => {
    const sg = site.scriptClient();
    await sg.info();
    site.mark();
    const error = await rejectionOf(authenticateHumanUser(sg, { login: "nopat", password: passwordOf(site.emulator, "nopat") }));
    expectPatRefused(error);
    expect((error as SgAuthError).message).toContain("'nopat'");
    expect(findSecrets(error, [passwordOf(site.emulator, "nopat")])).toEqual([]);
    // The site's kind came from the info the caller's client had cached: nothing but the read was sent.
    expect(site.sent()).toEqual([expect.objectContaining(checkRead("nopat", 102))]);
  });

  it("explains an account without a legacy passphrase (SG_LEGACY_NO_PASSPHRASE)", async () => {
    const error = await rejectionOf(authenticateHumanUser(site.scriptClient(), { login: "nopass", password: PLANTED_PASSWORD }));
    expect(error).toBeInstanceOf(SgIdentitySiteError);
    expect((error as SgIdentitySiteError).code).toBe(LegacyErrorCode.NO_PASSPHRASE);
    expect(findSecrets(error, [PLANTED_PASSWORD])).toEqual([]);
  });
});

describe("authenticateHumanUser on an SSO site", () => {
  const site = useSite("sso");

  it("explains that an SSO site takes no login and password (SG_LEGACY_SSO_SITE), pointing to the browser login", async () => {
    const error = await rejectionOf(authenticateHumanUser(site.scriptClient(), { login: "coord", password: passwordOf(site.emulator, "coord") }));
    expect(error).toBeInstanceOf(SgSsoSiteError);
    expect((error as SgSsoSiteError).code).toBe(LegacyErrorCode.SSO_SITE);
    expect((error as SgSsoSiteError).hint).toContain("browserLogin");
    expect(site.sent()).toEqual([expect.objectContaining(checkRead("coord", 108))]);
  });
});

describe("authenticateHumanUser's request", () => {
  /** A transport that records what it is asked to send and answers `read` with `answer`. */
  const recording = (answer: unknown) => {
    const seen: { request: RpcRequest; context: TransportContext }[] = [];
    const transport: TransportStrategy = {
      name: "recording",
      send: async (request, context) => {
        seen.push({ request, context });
        return answer;
      },
    };
    return { transport, seen };
  };

  it("the caller's signal aborts the read in flight", async () => {
    let arrived: (signal: AbortSignal | undefined) => void = () => {};
    const inFlight = new Promise<AbortSignal | undefined>((resolve) => (arrived = resolve));
    const transport: TransportStrategy = {
      name: "holding",
      send: (request) =>
        new Promise((_resolve, reject) => {
          arrived(request.signal);
          request.signal?.addEventListener("abort", () => reject(request.signal?.reason));
        }),
    };
    const sg = createClient({ site: "https://studio.example.com", transport, auth: scriptStrategy("launcher", "k".repeat(64)) });
    const controller = new AbortController();
    const check = authenticateHumanUser(sg, { login: "coord", password: PLANTED_PASSWORD }, { signal: controller.signal }).catch((error: unknown) => error);
    const signal = await inFlight;
    expect(signal?.aborted).toBe(false);
    controller.abort();
    expect(signal?.aborted).toBe(true);
    // The transport rejected with the signal's reason (a DOMException): core says it as the call's abort.
    expect(await check).toMatchObject({ name: "SgAbortError", cause: { name: "AbortError" } });
  });

  it("is the Python read on the caller's site (base path, proxy basic auth, allowed plain http), and finding nobody is null", async () => {
    const { transport, seen } = recording({ entities: [], paging_info: { has_next_page: false } });
    const logger = createCapturingLogger();
    const sg = createClient({
      site: "http://proxy%20user:pr%40xy:secret@10.1.2.3:8080/sg/",
      allowInsecureHttp: true,
      transport,
      logger,
      auth: scriptStrategy("launcher", "k".repeat(64)),
    });
    const controller = new AbortController();
    const user = await authenticateHumanUser(sg, { login: "coord", password: PLANTED_PASSWORD, authToken: PLANTED_CODE }, { signal: controller.signal, timeoutMs: 5000 });
    expect(user).toBeNull();
    expect(seen).toHaveLength(1);
    const [{ request, context }] = seen as [(typeof seen)[number]];
    expect(request).toMatchObject({ method: "read", kind: "read", payload: pythonRead("coord"), timeoutMs: 5000 });
    // The caller's signal goes with the read (that it ends the read in flight is the test above).
    expect(request.signal).toBe(controller.signal);
    expect(request.credentials).toEqual({ kind: "user", login: "coord", password: PLANTED_PASSWORD, authToken: PLANTED_CODE });
    // The transport is the caller's and caches what it works out for frozen credentials only: handed an
    // unfrozen object, it keeps no copy of the person's password once the check is over.
    expect(Object.isFrozen(request.credentials)).toBe(false);
    expect(context.site.href).toBe(sg.site.href);
    expect(context.site.basicAuth).toBe(sg.site.basicAuth);
    expect(context.site.basicAuthSecret).toBe(sg.site.basicAuthSecret);
    // The client's logger as the client guarded it (the one-off client does not wrap it again).
    expect(context.logger).toBe(sg.logger);
    expect(context.clock).toBe(sg.clock);
    expect(logger.text().join("\n")).not.toContain(PLANTED_PASSWORD);
  });

  it("with a sessionUuid call option, still hands the caller's transport an unfrozen object", async () => {
    const { transport, seen } = recording({ entities: [], paging_info: { has_next_page: false } });
    const sg = createClient({ site: "http://127.0.0.1:9", transport, auth: scriptStrategy("launcher", "k".repeat(64)) });
    await authenticateHumanUser(sg, { login: "coord", password: PLANTED_PASSWORD }, { sessionUuid: "5d3e6f0a-1b2c-4d5e-8f90-a1b2c3d4e5f6" });
    const [{ request }] = seen as [(typeof seen)[number]];
    expect(request.credentials).toEqual({ kind: "user", login: "coord", password: PLANTED_PASSWORD, sessionUuid: "5d3e6f0a-1b2c-4d5e-8f90-a1b2c3d4e5f6" });
    // A frozen copy would stay in the transport's per-credentials cache, the person's password with it.
    expect(Object.isFrozen(request.credentials)).toBe(false);
  });

  it("returns only type, id and login of the user found", async () => {
    const { transport } = recording({ entities: [{ type: "HumanUser", id: 42, login: "coord", name: "Cora" }] });
    const sg = createClient({ site: "http://127.0.0.1:9", transport, auth: scriptStrategy("launcher", "k".repeat(64)) });
    const user = await authenticateHumanUser(sg, { login: "coord", password: PLANTED_PASSWORD });
    expect(user).toStrictEqual({ type: "HumanUser", id: 42, login: "coord" });
    expect(Object.isFrozen(user)).toBe(true);
  });

  it("refuses an answer that is not a list of users rather than calling the login good or bad", async () => {
    for (const answer of [{}, null, { entities: [{ type: "HumanUser", login: "coord" }] }]) {
      const { transport } = recording(answer);
      const sg = createClient({ site: "http://127.0.0.1:9", transport, auth: scriptStrategy("launcher", "k".repeat(64)) });
      const error = await rejectionOf(authenticateHumanUser(sg, { login: "coord", password: PLANTED_PASSWORD }));
      expect(error).toBeInstanceOf(SgProtocolError);
      expect((error as SgProtocolError).method).toBe("read");
    }
  });
});

describe("authenticateHumanUser and retries (node:http on 127.0.0.1)", () => {
  /** A site that resets the connection after the first request arrived, then answers `read` with nobody. */
  async function resetOnce() {
    const codes: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        const rpc = JSON.parse(body) as { params: [{ auth_token?: string }] };
        codes.push(rpc.params[0].auth_token);
        if (codes.length === 1) return void req.socket.destroy();
        res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ results: { entities: [] } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const sg = createClient({
      site: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      transport: jsonRpcTransport({ retry: { baseDelayMs: 1, budget: false } }),
      auth: scriptStrategy("launcher", "k".repeat(64)),
    });
    const close = async (): Promise<void> => {
      await sg.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    return { sg, codes, close };
  }

  it("sends a one-time code once: a reset after sending is not retried (the code may have been used)", async () => {
    const site = await resetOnce();
    try {
      const error = await rejectionOf(authenticateHumanUser(site.sg, { login: "artist", password: PLANTED_PASSWORD, authToken: PLANTED_CODE }));
      expect(error).toBeInstanceOf(SgNetworkError);
      expect(site.codes).toEqual([PLANTED_CODE]);
      expect(findSecrets(error, [PLANTED_PASSWORD, PLANTED_CODE])).toEqual([]);
    } finally {
      await site.close();
    }
  });

  it("without a code the read is retried like any read; with a code, a retry policy the caller passes is used", async () => {
    const plain = await resetOnce();
    try {
      expect(await authenticateHumanUser(plain.sg, { login: "coord", password: PLANTED_PASSWORD })).toBeNull();
      expect(plain.codes).toEqual([undefined, undefined]);
    } finally {
      await plain.close();
    }
    const chosen = await resetOnce();
    try {
      expect(await authenticateHumanUser(chosen.sg, { login: "artist", password: PLANTED_PASSWORD, authToken: PLANTED_CODE }, { retry: { maxAttempts: 2 } })).toBeNull();
      expect(chosen.codes).toEqual([PLANTED_CODE, PLANTED_CODE]);
    } finally {
      await chosen.close();
    }
  });
});
