import { getEventListeners } from "node:events";
import { inspect } from "node:util";
import { describe, expect, expectTypeOf, it, vi } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient, type ClientOptions, type DefaultCallOptions } from "./client.js";
import type { Credentials } from "./credentials.js";
import { SgAbortError, SgAuthError, SgFault, SgTimeoutError, SgValidationError } from "./errors.js";
import { fetchTransport, loopbackSite } from "./test-support/loopback-site.js";
import type { CallOptions, HttpRequest, HttpResponse, RpcRequest, TransportStrategy } from "./transport-strategy.js";

// A real, tiny in-process transport: a site that accepts one session token at a time. The core pipeline is
// tested through its two strategy seams; the HTTP transport has its own suite over real sockets.
function sessionSite(): { transport: TransportStrategy; sent: RpcRequest[]; expire(): void; current(): string } {
  let valid = "tok-1";
  const sent: RpcRequest[] = [];
  const transport: TransportStrategy = {
    name: "in-process test site",
    async send(req) {
      sent.push(req);
      await new Promise((r) => setTimeout(r, 1));
      if (req.method === "info") return { version: [8, 50, 0], user_authentication_method: "default" };
      if (req.method === "get_session_token") return { session_id: valid };
      const c = req.credentials;
      if (c?.kind !== "session" || c.sessionToken !== valid) throw new SgAuthError("session expired", { errorCode: 102 });
      if (req.method === "boom") throw new SgFault("bad filter", { errorCode: 103 });
      return { ok: req.method, payload: req.payload };
    },
  };
  return { transport, sent, expire: () => (valid = `tok-${Number(valid.slice(4)) + 1}`), current: () => valid };
}

function countingSessionAuth(): AuthStrategy & { refreshes: number; logins: number } {
  let cached: Promise<Credentials> | undefined;
  const strategy = {
    name: "test-session",
    refreshes: 0,
    logins: 0,
    credentials(ctx: Parameters<AuthStrategy["credentials"]>[0]): Promise<Credentials> {
      cached ??= (async () => {
        strategy.logins += 1;
        const r = (await ctx.call("get_session_token", undefined, { kind: "user", login: "a", password: "b" })) as { session_id: string };
        return { kind: "session", sessionToken: r.session_id } as Credentials;
      })();
      return cached;
    },
    async onRejected(_e: SgAuthError, _rejected: Credentials, ctx: Parameters<AuthStrategy["credentials"]>[0]): Promise<Credentials | undefined> {
      strategy.refreshes += 1;
      cached = undefined;
      return strategy.credentials(ctx);
    },
  };
  return strategy;
}

describe("createClient", () => {
  it("validates its options before anything is sent", () => {
    const { transport } = sessionSite();
    expect(() => createClient({ site: "gopher://x", transport })).toThrow(SgValidationError);
    expect(() => createClient({ site: "https://x.example.com", transport: {} as TransportStrategy })).toThrow(/transport: expected a TransportStrategy/);
    expect(() => createClient({ site: "https://x.example.com", transport, auth: 5 as unknown as AuthStrategy })).toThrow(/auth: expected an AuthStrategy/);
  });

  it("shares one refresh among 50 concurrent calls refused together, and re-sends each once", async () => {
    const site = sessionSite();
    const auth = countingSessionAuth();
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth });
    await sg.call("read", { n: -1 });
    site.expire();
    site.sent.length = 0;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => sg.call<{ payload: { n: number } }>("read", { n: i })));
    expect(results.map((r) => r.payload.n)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(auth.refreshes).toBe(1);
    expect(auth.logins).toBe(2);
    const reads = site.sent.filter((r) => r.method === "read");
    expect(reads).toHaveLength(100);
    expect(site.sent.filter((r) => r.method === "get_session_token")).toHaveLength(1);
  });

  it("re-sends at most once and then gives up with the site's error", async () => {
    const site = sessionSite();
    const strategy: AuthStrategy = {
      name: "stale",
      credentials: async () => ({ kind: "session", sessionToken: "never-valid" }),
      onRejected: async () => ({ kind: "session", sessionToken: "still-wrong" }),
    };
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth: strategy });
    await expect(sg.call("read")).rejects.toBeInstanceOf(SgAuthError);
    expect(site.sent.filter((r) => r.method === "read")).toHaveLength(2);
  });

  it("does not re-authenticate on other faults, and classifies reads and writes", async () => {
    const site = sessionSite();
    const auth = countingSessionAuth();
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth });
    await expect(sg.call("boom")).rejects.toBeInstanceOf(SgFault);
    expect(auth.refreshes).toBe(0);
    await sg.call("create", { type: "Shot" });
    await sg.call("read", {}, { timeoutMs: 5 });
    // The navigation RPCs only read, so a reset after sending may be retried.
    await sg.call("nav_expand", { path: "/Project/1" });
    await sg.call("nav_search", { root_path: "/Project/1" });
    const kinds = site.sent.filter((r) => r.method !== "get_session_token").map((r) => [r.method, r.kind, r.timeoutMs]);
    expect(kinds).toEqual([
      ["boom", "write", undefined],
      ["create", "write", undefined],
      ["read", "read", 5],
      ["nav_expand", "read", undefined],
      ["nav_search", "read", undefined],
    ]);
  });

  it("caches info and sends it without credentials", async () => {
    const site = sessionSite();
    const sg = createClient({ site: "https://x.example.com", transport: site.transport });
    const [a, b] = await Promise.all([sg.info(), sg.call("info")]);
    expect(a).toBe(b);
    expect(site.sent).toHaveLength(1);
    expect(site.sent[0]?.credentials).toBeUndefined();
  });

  it("one caller's abort never fails the others sharing the info request, and each caller's own abort is heard", async () => {
    // info waits until the test answers it, and fails at once when the signal it was sent with aborts
    const slowInfo = (): { transport: TransportStrategy; sent: RpcRequest[]; answer(): void } => {
      const sent: RpcRequest[] = [];
      const waiting: (() => void)[] = [];
      const transport: TransportStrategy = {
        name: "slow info",
        send: (req) =>
          new Promise((resolve, reject) => {
            sent.push(req);
            waiting.push(() => resolve({ version: [8, 50, 0] }));
            req.signal?.addEventListener("abort", () => reject(new SgAbortError("aborted on the wire")));
          }),
      };
      return { transport, sent, answer: () => waiting.forEach((w) => w()) };
    };
    const stillWaiting = (p: Promise<unknown>): Promise<unknown> => Promise.race([p, new Promise((r) => setTimeout(() => r("still waiting"), 200))]);

    // the caller that started the request aborts: the caller sharing it still gets the answer
    const a = slowInfo();
    const sgA = createClient({ site: "https://x.example.com", transport: a.transport });
    const first = new AbortController();
    const aborted = sgA.info({ signal: first.signal });
    const other = sgA.call("info");
    first.abort();
    await expect(aborted).rejects.toMatchObject({ code: "SG_ABORTED" });
    a.answer();
    await expect(other).resolves.toEqual({ version: [8, 50, 0] });
    expect(a.sent).toHaveLength(1);

    // a caller that joined a pending request aborts: it stops waiting at once
    const b = slowInfo();
    const sgB = createClient({ site: "https://x.example.com", transport: b.transport });
    const pending = sgB.info();
    const late = new AbortController();
    const joined = sgB.info({ signal: late.signal });
    late.abort();
    await expect(stillWaiting(joined)).rejects.toMatchObject({ code: "SG_ABORTED" });
    b.answer();
    await expect(pending).resolves.toEqual({ version: [8, 50, 0] });
    await expect(sgB.info({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "SG_ABORTED" });
    expect(b.sent).toHaveLength(1);
  });

  it("one caller's limits never shape the shared info request: its own deadline ends only its own wait", async () => {
    const sent: RpcRequest[] = [];
    let answer = (): void => {};
    const transport: TransportStrategy = {
      name: "slow info",
      send: (req) =>
        new Promise((resolve) => {
          sent.push(req);
          answer = () => resolve({ version: [8, 50, 0] });
        }),
    };
    const sg = createClient({ site: "https://x.example.com", transport, defaults: { timeoutMs: 7000 } });
    const hurried = sg.info({ deadlineMs: 20, timeoutMs: 5, retry: false });
    const patient = sg.info({ deadlineMs: 60_000 });
    const error = await hurried.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SG_TIMEOUT", scope: "deadline", timeoutMs: 20, maybeSent: true, method: "info" });
    expect((error as SgTimeoutError).reason).toBe("@sg/core: 'info' did not complete within its deadline of 20 ms: still waiting for the site's info");
    // The one request went with the client's defaults, not the first caller's limits, and goes on for the others.
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: "info", timeoutMs: 7000 });
    expect(sent[0]?.deadlineMs).toBeUndefined();
    expect(sent[0]?.retry).toBeUndefined();
    answer();
    await expect(patient).resolves.toEqual({ version: [8, 50, 0] });
    await expect(sg.info({ deadlineMs: -1 })).rejects.toMatchObject({ code: "SG_VALIDATION", path: ["deadlineMs"] });
  });

  it("cachedInfo: the cached info without sending; nothing before the answer, during a refresh or after a failed one", async () => {
    const site = sessionSite();
    let failInfo = false;
    const transport: TransportStrategy = {
      name: "info that can fail",
      send: (req, ctx) => (failInfo && req.method === "info" ? Promise.reject(new SgFault("site down", { errorCode: 1 })) : site.transport.send(req, ctx)),
    };
    const sg = createClient({ site: "https://x.example.com", transport });
    expect(sg.cachedInfo()).toBeUndefined();
    const first = sg.info();
    expect(sg.cachedInfo()).toBeUndefined();
    const value = await first;
    expect(sg.cachedInfo()).toBe(value);
    const refreshing = sg.info({ refresh: true });
    expect(sg.cachedInfo()).toBeUndefined();
    const fresh = await refreshing;
    expect(fresh).not.toBe(value);
    expect(sg.cachedInfo()).toBe(fresh);
    failInfo = true;
    await expect(sg.info({ refresh: true })).rejects.toThrow("site down");
    expect(sg.cachedInfo()).toBeUndefined();
    for (let i = 0; i < 3; i++) sg.cachedInfo();
    expect(site.sent.filter((r) => r.method === "info")).toHaveLength(2); // the two that answered; cachedInfo sent none
  });

  it("http() on a transport without it is refused before credentials are asked for; supportsHttp says so up front", async () => {
    const site = sessionSite();
    const auth = countingSessionAuth();
    const callsOnly = createClient({ site: "https://x.example.com", transport: site.transport, auth });
    expect(callsOnly.supportsHttp).toBe(false);
    const error = await callsOnly.http({ method: "POST", target: "/upload/upload_file", form: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgValidationError);
    expect((error as Error).message).toBe(
      "@sg/core: transport: expected a transport that supports plain HTTP exchanges (uploads, downloads), e.g. jsonRpcTransport() from @sg/transport, got in-process test site without http()",
    );
    expect(auth.logins).toBe(0);
    expect(site.sent).toHaveLength(0);
    const exchanged: string[] = [];
    const withHttp: TransportStrategy = {
      ...site.transport,
      async http(request) {
        exchanged.push(`${request.method} ${request.target} ${request.credentials?.kind ?? "anonymous"}`);
        return { status: 200, headers: new Headers(), body: new Uint8Array(0) };
      },
    };
    const full = createClient({ site: "https://x.example.com", transport: withHttp, auth });
    expect(full.supportsHttp).toBe(true);
    expect((await full.http({ method: "GET", target: "/thumbnail/1" })).status).toBe(200);
    expect(exchanged).toEqual(["GET /thumbnail/1 session"]);
  });

  it("http() hands responseBody to the transport and its stream back to the caller", async () => {
    const site = sessionSite();
    const asked: (string | undefined)[] = [];
    const transport: TransportStrategy = {
      ...site.transport,
      async http(request) {
        asked.push(request.responseBody);
        const body = new Uint8Array(0);
        return request.responseBody === "stream" ? { status: 200, headers: new Headers(), body, stream: new Blob(["streamed"]).stream() } : { status: 200, headers: new Headers(), body };
      },
    };
    const sg = createClient({ site: "https://x.example.com", transport, auth: countingSessionAuth() });
    const streamed = await sg.http({ method: "GET", target: "/file_serve/attachment/1", responseBody: "stream" });
    expect(await new Response(streamed.stream).text()).toBe("streamed");
    expect((await sg.http({ method: "GET", target: "/file_serve/attachment/1" })).stream).toBeUndefined();
    expect(asked).toEqual(["stream", undefined]);
  });

  it("explains a missing auth strategy", async () => {
    const sg = createClient({ site: "https://x.example.com", transport: sessionSite().transport });
    await expect(sg.call("read")).rejects.toMatchObject({ code: "SG_AUTH_MISSING", hint: expect.stringContaining("@sg/auth-script") });
  });

  it("prints without secrets", () => {
    const sg = createClient({ site: "https://u:pa55word@x.example.com", transport: sessionSite().transport, auth: countingSessionAuth() });
    expect(inspect(sg, { depth: 5 })).not.toContain("pa55word");
    expect(inspect(sg)).toContain("https://x.example.com");
  });

  it("client.site hides the URL's basic-auth password even from util.inspect with showHidden, while the transport reads it", async () => {
    const site = sessionSite();
    let seen: string | undefined;
    const transport: TransportStrategy = { ...site.transport, send: (req, ctx) => ((seen = ctx.site.basicAuth), site.transport.send(req, ctx)) };
    const sg = createClient({ site: "https://u:pa55word-x9@x.example.com", transport, auth: countingSessionAuth() });
    const b64 = Buffer.from("u:pa55word-x9").toString("base64");
    for (const shown of [inspect(sg.site, { showHidden: true }), inspect(sg.site, { showHidden: true, getters: true }), inspect(sg, { showHidden: true, depth: 9 })]) {
      expect(shown).not.toContain("pa55word-x9");
      expect(shown).not.toContain(b64);
    }
    expect(Reflect.ownKeys(sg.site)).not.toContain("basicAuth");
    expect(Object.getOwnPropertyNames(sg.site).map((k) => String((sg.site as unknown as Record<string, unknown>)[k]))).not.toContain(`Basic ${b64}`);
    await sg.info();
    expect(seen).toBe(`Basic ${b64}`);
  });
});

describe("createClient: the strategy's explain() for a refusal the client will not act on", () => {
  /**
   * A site that takes no credentials at all (every call is refused, as a sudo target is once a new session was
   * obtained), a strategy whose onRejected gives `fresh` (or `undefined`, or throws), and explain() recording what
   * it was asked.
   */
  function refusingSite(onRejected: AuthStrategy["onRejected"] | "none", explain?: AuthStrategy["explain"]) {
    const sent: RpcRequest[] = [];
    const rejections: Credentials[] = [];
    const explained: [SgAuthError, Credentials][] = [];
    const transport: TransportStrategy = {
      name: "refusing test site",
      async send(req) {
        sent.push(req);
        // `boom` is refused like any call, then its re-send fails with a fault.
        if (req.method === "boom" && sent.length > 1) throw new SgFault("bad filter", { errorCode: 103 });
        throw new SgAuthError(`refused #${sent.length}`, { errorCode: 102 });
      },
    };
    const first: Credentials = Object.freeze({ kind: "session", sessionToken: "tok-1", sudoAsLogin: "inactive" });
    const auth: AuthStrategy = {
      name: "test-explain",
      credentials: async () => first,
      ...(onRejected === "none"
        ? {}
        : {
            onRejected: (error: SgAuthError, rejected: Credentials, ctx: Parameters<AuthStrategy["credentials"]>[0]) => {
              rejections.push(rejected);
              return onRejected!(error, rejected, ctx);
            },
          }),
      ...(explain
        ? {
            explain: (error: SgAuthError, rejected: Credentials) => {
              explained.push([error, rejected]);
              return explain(error, rejected);
            },
          }
        : {}),
    };
    const sg = createClient({ site: "https://x.example.com", transport, auth });
    return { sg, sent, rejections, explained, first };
  }
  const fresh: Credentials = Object.freeze({ kind: "session", sessionToken: "tok-2", sudoAsLogin: "inactive" });
  const because = (error: SgAuthError): SgAuthError => new SgAuthError(`test-explain: the target was refused (${error.reason})`, { code: "TEST_SUDO_REFUSED", cause: error });

  it("a refusal of the re-sent call is explained, with the fresh credentials, and onRejected is not asked again", async () => {
    const site = refusingSite(async () => fresh, because);
    const error = await site.sg.call("read", {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TEST_SUDO_REFUSED", reason: "test-explain: the target was refused (refused #2)" });
    expect(site.sent.map((r) => r.credentials)).toEqual([site.first, fresh]);
    expect(site.rejections).toEqual([site.first]);
    expect(site.explained.map(([e, c]) => [e.reason, c])).toEqual([["refused #2", fresh]]);
  });

  it("a refusal onRejected gives up on, or that has no onRejected, is explained with the refused credentials", async () => {
    for (const onRejected of [async () => undefined, "none"] as const) {
      const site = refusingSite(onRejected, because);
      const error = await site.sg.call("read", {}).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "TEST_SUDO_REFUSED", reason: "test-explain: the target was refused (refused #1)" });
      expect(site.sent).toHaveLength(1);
      expect(site.explained.map(([e, c]) => [e.reason, c])).toEqual([["refused #1", site.first]]);
    }
  });

  it("without explain(), or when it returns undefined, the refusal is thrown as it is (a strategy written before explain)", async () => {
    for (const explain of [undefined, () => undefined]) {
      const site = refusingSite(async () => fresh, explain);
      const error = await site.sg.call("read", {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgAuthError);
      expect([(error as SgAuthError).code, (error as SgAuthError).reason]).toEqual(["SG_AUTH_FAILED", "refused #2"]);
    }
  });

  it("is not asked when onRejected throws its own error, nor for a re-sent call that failed otherwise", async () => {
    const own = new SgAuthError("test-explain: onRejected's own explanation", { code: "TEST_OWN" });
    const thrown = refusingSite(() => Promise.reject(own), because);
    expect(await thrown.sg.call("read", {}).catch((e: unknown) => e)).toBe(own);
    expect(thrown.explained).toEqual([]);
    const faulting = refusingSite(async () => fresh, because);
    expect(await faulting.sg.call("boom", {}).catch((e: unknown) => e)).toBeInstanceOf(SgFault);
    expect(faulting.sent).toHaveLength(2);
    expect(faulting.explained).toEqual([]);
  });
});

describe("createClient: refreshes that gave up are not remembered", () => {
  it("asks the strategy again, with the new error, when the same credentials are refused later", async () => {
    const site = sessionSite();
    const seen: string[] = [];
    const stable: Credentials = { kind: "session", sessionToken: "never-valid" };
    const strategy: AuthStrategy = {
      name: "gives-up",
      credentials: async () => stable,
      onRejected: async (error) => {
        seen.push(error.message);
        throw new SgAuthError(`explained: ${error.message} #${seen.length}`);
      },
    };
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth: strategy });
    await expect(sg.call("read")).rejects.toThrow("explained: session expired #1");
    await expect(sg.call("read")).rejects.toThrow("explained: session expired #2");
    expect(seen).toHaveLength(2);
  });

  it("asks again when onRejected gave up by answering with the very credentials refused (on a site on a real socket)", async () => {
    const s = await loopbackSite();
    try {
      const creds: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "bot-key-0123456789" });
      const fresh: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "bot-key-fresh-9876" });
      let asked = 0;
      const strategy: AuthStrategy = {
        name: "same-creds",
        credentials: async () => creds,
        // Nothing better the first time: the refused object itself; fresh credentials when asked again.
        onRejected: async (_error, rejected) => (++asked === 1 ? rejected : fresh),
      };
      const sg = createClient({ site: s.url, transport: fetchTransport(), auth: strategy });
      // The first call is re-sent with what onRejected answered, the refused credentials, and refused again.
      const first = sg.call("read", { n: 1 }).catch((e: unknown) => e);
      (await s.arrived(1)).fault(102, "session expired");
      (await s.arrived(2)).fault(102, "session expired");
      expect(await first).toMatchObject({ name: "SgAuthError", reason: "refused: session expired" });
      expect(asked).toBe(1);
      // A call sent later, refused again with the same credentials, asks the strategy again and re-sends with its answer.
      const second = sg.call("read", { n: 2 });
      (await s.arrived(3)).fault(102, "session expired");
      const resent = await s.arrived(4);
      expect(resent.payload).toEqual({ n: 2 });
      resent.answer("ok");
      expect(await second).toBe("ok");
      expect(asked).toBe(2);
    } finally {
      await s.close();
    }
  });
});

describe("createClient: a refresh that fails is shared by the calls refused together", () => {
  it("asks once for 20 concurrent refusals, then again for a call sent after it failed", async () => {
    const site = sessionSite();
    let asked = 0;
    const stable: Credentials = { kind: "session", sessionToken: "never-valid" };
    const strategy: AuthStrategy = {
      name: "failing-refresh",
      credentials: async () => stable,
      onRejected: async () => {
        asked += 1;
        await new Promise((r) => setTimeout(r, 5));
        throw new SgAuthError(`refresh failed #${asked}`);
      },
    };
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth: strategy });
    const together = await Promise.allSettled(Array.from({ length: 20 }, () => sg.call("read")));
    expect(asked).toBe(1);
    expect(together.every((r) => r.status === "rejected" && String(r.reason).includes("#1"))).toBe(true);
    await expect(sg.call("read")).rejects.toThrow("refresh failed #2");
  });
});

describe("client.http", () => {
  const httpRecorder = (seen: HttpRequest[]): TransportStrategy => ({
    name: "http-recorder",
    send: async () => null,
    http: async (req) => {
      seen.push(req);
      return { status: 200, headers: new Headers(), body: new Uint8Array() };
    },
  });

  it("sends the strategy's credentials, none when unauthenticated, or the explicit ones given", async () => {
    const exchanged: HttpRequest[] = [];
    const transport = httpRecorder(exchanged);
    const script: Credentials = { kind: "script", scriptName: "s", scriptKey: "k".repeat(20) };
    const sg = createClient({ site: "https://x.example.com", transport, auth: { name: "fixed", credentials: async () => script } });
    await sg.http({ method: "GET", target: "/a" });
    await sg.http({ method: "GET", target: "/b", authenticated: false });
    await sg.http({ method: "GET", target: "/c", credentials: { kind: "session", sessionToken: "tok-123456789" } });
    expect(exchanged.map((r) => r.credentials)).toEqual([script, undefined, { kind: "session", sessionToken: "tok-123456789" }]);
  });

  it("refuses a signal that is not an AbortSignal before credentials are asked for, like call()", async () => {
    const exchanged: HttpRequest[] = [];
    let asked = 0;
    const sg = createClient({ site: "https://x.example.com", transport: httpRecorder(exchanged), auth: { name: "counting", credentials: async () => (asked++, { kind: "session", sessionToken: "tok-123456789" }) } });
    const error = await sg.http({ method: "GET", target: "/a", signal: { aborted: false } as unknown as AbortSignal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "SgValidationError", path: ["signal"] });
    expect([asked, exchanged]).toEqual([0, []]);
  });

  it("refuses a bad deadlineMs before credentials are asked for (no login goes out), like call()", async () => {
    const exchanged: HttpRequest[] = [];
    let asked = 0;
    const sg = createClient({ site: "https://x.example.com", transport: httpRecorder(exchanged), auth: { name: "counting", credentials: async () => (asked++, { kind: "session", sessionToken: "tok-123456789" }) } });
    const error = await sg.http({ method: "GET", target: "/file_serve/attachment/1", deadlineMs: -1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "SgValidationError", path: ["deadlineMs"] });
    expect([asked, exchanged]).toEqual([0, []]);
  });

  it("a deadline bounds the wait for credentials too, and the transport gets what is left", async () => {
    const exchanged: HttpRequest[] = [];
    let release = (): void => {};
    const later = new Promise<Credentials>((resolve) => (release = () => resolve({ kind: "session", sessionToken: "tok-123456789" })));
    const sg = createClient({ site: "https://x.example.com", transport: httpRecorder(exchanged), auth: { name: "later", credentials: () => later } });
    const error = await sg.http({ method: "PUT", target: "/upload/1?sig=secret", deadlineMs: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect(error).toMatchObject({ scope: "deadline", timeoutMs: 30, maybeSent: false });
    expect((error as SgTimeoutError).reason).toBe("@sg/core: '/upload/1' did not complete within its deadline of 30 ms: still waiting for credentials");
    expect(exchanged).toEqual([]);
    const pending = sg.http({ method: "GET", target: "/file_serve/attachment/1", deadlineMs: 5000 });
    await new Promise((r) => setTimeout(r, 60));
    release();
    await pending;
    expect(exchanged[0]?.deadlineMs).toBeLessThanOrEqual(5000 - 50);
    expect(exchanged[0]?.deadlineMs).toBeGreaterThan(0);
    await sg.http({ method: "GET", target: "/b", deadlineMs: 5000, authenticated: false });
    expect(exchanged[1]?.deadlineMs).toBe(5000); // no credentials to wait for: the whole deadline
  });

  it("takes the defaults' signal when the request has none: it ends the wait for credentials and goes to the transport", async () => {
    const exchanged: HttpRequest[] = [];
    const stop = new AbortController();
    const own = new AbortController();
    let release = (): void => {};
    const later = new Promise<Credentials>((resolve) => (release = () => resolve({ kind: "session", sessionToken: "tok-123456789" })));
    const sg = createClient({ site: "https://x.example.com", transport: httpRecorder(exchanged), auth: { name: "later", credentials: () => later }, defaults: { signal: stop.signal, timeoutMs: 1000 } });
    const waiting = sg.http({ method: "POST", target: "/upload/upload_file", form: {} }).catch((e: unknown) => e);
    stop.abort();
    expect(await waiting).toBeInstanceOf(SgAbortError);
    expect(exchanged).toEqual([]);
    release();
    const fresh = new AbortController();
    const sg2 = createClient({ site: "https://x.example.com", transport: httpRecorder(exchanged), auth: { name: "now", credentials: async () => ({ kind: "session", sessionToken: "tok-123456789" }) }, defaults: { signal: fresh.signal, timeoutMs: 1000 } });
    await sg2.http({ method: "GET", target: "/a" });
    await sg2.http({ method: "GET", target: "/b", authenticated: false });
    await sg2.http({ method: "GET", target: "/c", signal: own.signal });
    expect(exchanged.map((r) => r.signal)).toEqual([fresh.signal, fresh.signal, own.signal]);
    // the defaults' time limits are for calls: a transfer keeps the transport's own
    expect(exchanged.map((r) => r.timeoutMs)).toEqual([undefined, undefined, undefined]);
  });

  it("without an auth strategy, refuses a presigned URL naming its path only: no query, fragment or user:pass@", async () => {
    const exchanged: HttpRequest[] = [];
    const sg = createClient({ site: "https://x.example.com", transport: httpRecorder(exchanged) });
    const targets = [
      "https://bucket.s3.example.com/media/f.mov?X-Amz-Credential=AKIAMARKER&X-Amz-Signature=sigMARKER123",
      "https://cdn.example.com/media/f.mov?Expires=1&Signature=sigMARKER123&Key-Pair-Id=K1",
      "https://blob.example.com/media/f.mov?sv=1&sig=sigMARKER123#token=sigMARKER123",
      "https://user:sigMARKER123@bucket.s3.example.com/media/f.mov",
    ];
    for (const target of targets) {
      const error = await sg.http({ method: "PUT", target, body: "x" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgAuthError);
      expect((error as SgAuthError).message).toMatch(/^@sg\/core: 'https:\/\/(\[REDACTED\]@)?[a-z0-9.]+\/media\/f\.mov' needs credentials/);
      for (const shown of [(error as Error).message, inspect(error, { depth: 5 }), JSON.stringify(error)]) {
        expect(shown).not.toMatch(/MARKER|Signature|sig=|token=|user:/);
      }
    }
    expect(exchanged).toEqual([]);
  });
});

describe("client.http: an answer that refuses the strategy's credentials (refused)", () => {
  /** A site whose plain exchanges accept one session token at a time and answer a stale one with HTTP 403. */
  function transferSite(): { transport: TransportStrategy; exchanged: HttpRequest[]; expire(): void } {
    const site = sessionSite();
    const exchanged: HttpRequest[] = [];
    const transport: TransportStrategy = {
      ...site.transport,
      async http(req) {
        exchanged.push(req);
        const c = req.credentials;
        const ok = c?.kind === "session" && c.sessionToken === site.current();
        return { status: ok ? 200 : 403, headers: new Headers(), body: new TextEncoder().encode(ok ? "file" : "Forbidden") };
      },
    };
    return { transport, exchanged, expire: site.expire };
  }
  const forbidden = (response: { status: number }): SgAuthError | undefined => (response.status === 403 ? new SgAuthError("test: the download was refused (HTTP 403)", { code: "TEST_403" }) : undefined);

  it("asks the strategy once (one refresh shared with the calls refused together) and re-sends the exchange once", async () => {
    const site = transferSite();
    const auth = countingSessionAuth();
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth });
    expect((await sg.http({ method: "GET", target: "/file_serve/attachment/1", refused: forbidden })).status).toBe(200);
    site.expire();
    const [a, b, call] = await Promise.all([
      sg.http({ method: "GET", target: "/file_serve/attachment/1", refused: forbidden }),
      sg.http({ method: "GET", target: "/file_serve/attachment/2", refused: forbidden }),
      sg.call<{ ok: string }>("read", {}),
    ]);
    expect([a.status, b.status, call.ok]).toEqual([200, 200, "read"]);
    expect(auth.refreshes).toBe(1);
    expect(site.exchanged.map((r) => [r.target, (r.credentials as { sessionToken: string }).sessionToken])).toEqual([
      ["/file_serve/attachment/1", "tok-1"],
      ["/file_serve/attachment/1", "tok-1"],
      ["/file_serve/attachment/2", "tok-1"],
      ["/file_serve/attachment/1", "tok-2"],
      ["/file_serve/attachment/2", "tok-2"],
    ]);
    // `refused` is the client's: the transport is not handed it
    expect(site.exchanged.every((r) => !("refused" in r))).toBe(true);
  });

  it("is handed, with each answer, the credentials it came to (the strategy's, then the re-send's fresh ones), to scrub their secrets", async () => {
    const site = transferSite();
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth: countingSessionAuth() });
    const seen: [number, string | undefined][] = [];
    const recording = (response: HttpResponse, credentials: Credentials): SgAuthError | undefined => {
      seen.push([response.status, credentials.kind === "session" ? credentials.sessionToken : undefined]);
      return forbidden(response);
    };
    await sg.http({ method: "GET", target: "/file_serve/attachment/1", refused: recording });
    site.expire();
    await sg.http({ method: "GET", target: "/file_serve/attachment/1", refused: recording, sessionUuid: "u-1" });
    expect(seen).toEqual([
      [200, "tok-1"],
      [403, "tok-1"],
      [200, "tok-2"],
    ]);
  });

  it("re-sends at most once, then rejects with the strategy's explain() of the refusal, or the refusal itself", async () => {
    const site = transferSite();
    const stale: Credentials = Object.freeze({ kind: "session", sessionToken: "never-valid" });
    const fresh: Credentials = Object.freeze({ kind: "session", sessionToken: "still-wrong" });
    const explained: [string, Credentials][] = [];
    const sg = createClient({
      site: "https://x.example.com",
      transport: site.transport,
      auth: { name: "stale", credentials: async () => stale, onRejected: async () => fresh, explain: (e, c) => (explained.push([e.reason, c]), undefined) },
    });
    const error = await sg.http({ method: "GET", target: "/file_serve/attachment/1", refused: forbidden }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TEST_403" });
    expect(site.exchanged).toHaveLength(2);
    expect(explained).toEqual([["test: the download was refused (HTTP 403)", fresh]]);
    const givesUp = createClient({ site: "https://x.example.com", transport: site.transport, auth: { name: "gives-up", credentials: async () => stale, onRejected: async () => undefined } });
    expect(await givesUp.http({ method: "GET", target: "/file_serve/attachment/1", refused: forbidden }).catch((e: unknown) => e)).toMatchObject({ code: "TEST_403" });
    expect(site.exchanged).toHaveLength(3);
  });

  it("is not consulted for explicit credentials or an unauthenticated exchange: their answers come back as they are", async () => {
    const site = transferSite();
    const auth = countingSessionAuth();
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth });
    const explicit = await sg.http({ method: "GET", target: "/a", credentials: { kind: "session", sessionToken: "other" }, refused: forbidden });
    const anonymous = await sg.http({ method: "GET", target: "/b", authenticated: false, refused: forbidden });
    expect([explicit.status, anonymous.status, auth.refreshes, site.exchanged.length]).toEqual([403, 403, 0, 2]);
  });
});

describe("sessionUuid", () => {
  // Records what the core hands the transport: RPC requests and plain HTTP exchanges.
  function recorder(): { transport: TransportStrategy; sent: RpcRequest[]; exchanged: HttpRequest[] } {
    const sent: RpcRequest[] = [];
    const exchanged: HttpRequest[] = [];
    const transport: TransportStrategy = {
      name: "recorder",
      send: async (req) => {
        sent.push(req);
        return req.method === "info" ? { version: [8, 50, 0] } : null;
      },
      http: async (req) => {
        exchanged.push(req);
        return { status: 200, headers: new Headers(), body: new Uint8Array() };
      },
    };
    return { transport, sent, exchanged };
  }
  const fixed = (credentials: Credentials): AuthStrategy & { asked: number } => {
    const strategy = { name: "fixed", asked: 0, credentials: async () => (strategy.asked++, credentials) };
    return strategy;
  };
  const script = (): Credentials => Object.freeze({ kind: "script", scriptName: "s", scriptKey: "k".repeat(20) });

  it("stamps a call's UUID on a frozen copy of the strategy's credentials, the same copy for the same pair", async () => {
    const { transport, sent } = recorder();
    const credentials = script();
    const sg = createClient({ site: "https://x.example.com", transport, auth: fixed(credentials) });
    await sg.call("update", {}, { sessionUuid: "uuid-a" });
    await sg.call("update", {}, { sessionUuid: "uuid-a" });
    await sg.call("update", {}, { sessionUuid: "uuid-b" });
    await sg.call("update", {});
    const [a1, a2, b, none] = sent.map((r) => r.credentials);
    expect(a1).toEqual({ ...credentials, sessionUuid: "uuid-a" });
    expect(Object.isFrozen(a1)).toBe(true);
    expect(a2).toBe(a1); // the transport works out auth params once per credentials object
    expect(b).toEqual({ ...credentials, sessionUuid: "uuid-b" });
    expect(none).toBe(credentials); // no UUID: the strategy's own object, untouched
    expect(credentials).not.toHaveProperty("sessionUuid");
  });

  it("applies defaults.sessionUuid to every call; a call's own wins, and either wins over the credentials' own", async () => {
    const { transport, sent } = recorder();
    const own: Credentials = Object.freeze({ kind: "session", sessionToken: "tok-123456789", sessionUuid: "from-strategy" });
    const sg = createClient({ site: "https://x.example.com", transport, auth: fixed(own), defaults: { sessionUuid: "tool-wide" } });
    await sg.call("create", {});
    await sg.call("read", {});
    await sg.call("update", {}, { sessionUuid: "this-ami" });
    expect(sent.map((r) => r.credentials?.sessionUuid)).toEqual(["tool-wide", "tool-wide", "this-ami"]);
    const plain = recorder();
    await createClient({ site: "https://x.example.com", transport: plain.transport, auth: fixed(own) }).call("read", {});
    expect(plain.sent[0]!.credentials).toBe(own);
  });

  it("copies credentials a strategy may change afresh for each call", async () => {
    const { transport, sent } = recorder();
    const mutable: { kind: "session"; sessionToken: string } = { kind: "session", sessionToken: "tok-1-aaaaaaaa" };
    const sg = createClient({ site: "https://x.example.com", transport, auth: fixed(mutable), defaults: { sessionUuid: "u" } });
    await sg.call("read", {});
    mutable.sessionToken = "tok-2-bbbbbbbb";
    await sg.call("read", {});
    expect(sent.map((r) => r.credentials)).toEqual([
      { kind: "session", sessionToken: "tok-1-aaaaaaaa", sessionUuid: "u" },
      { kind: "session", sessionToken: "tok-2-bbbbbbbb", sessionUuid: "u" },
    ]);
    expect(mutable).not.toHaveProperty("sessionUuid");
    // Left unfrozen like the strategy's object: a transport keeps what it works out for frozen credentials only.
    expect(sent.map((r) => Object.isFrozen(r.credentials))).toEqual([false, false]);
  });

  it("is never sent with info or other unauthenticated requests", async () => {
    const { transport, sent, exchanged } = recorder();
    const sg = createClient({ site: "https://x.example.com", transport, auth: fixed(script()), defaults: { sessionUuid: "u" } });
    await sg.call("info", undefined, { sessionUuid: "v" });
    await sg.info({ refresh: true, sessionUuid: "v" });
    await sg.http({ method: "GET", target: "/thumbnail/1", authenticated: false, sessionUuid: "v" });
    await sg.call("read", {});
    expect(sent.map((r) => [r.method, r.credentials?.sessionUuid])).toEqual([
      ["info", undefined],
      ["info", undefined],
      ["read", "u"],
    ]);
    expect(sent.slice(0, 2).map((r) => r.credentials)).toEqual([undefined, undefined]);
    expect(exchanged.map((r) => r.credentials)).toEqual([undefined]);
  });

  it("stamps the credentials of http() exchanges (uploads), defaults included, and keeps the option off the request", async () => {
    const { transport, exchanged } = recorder();
    const credentials = script();
    const sg = createClient({ site: "https://x.example.com", transport, auth: fixed(credentials), defaults: { sessionUuid: "tool-wide" } });
    await sg.http({ method: "POST", target: "/upload/upload_file", form: {} });
    await sg.http({ method: "POST", target: "/upload/upload_file", form: {}, sessionUuid: "this-ami" });
    await sg.http({ method: "GET", target: "/file_serve/attachment/1", credentials: { kind: "session", sessionToken: "tok-123456789" }, sessionUuid: "this-ami" });
    expect(exchanged.map((r) => r.credentials?.sessionUuid)).toEqual(["tool-wide", "this-ami", "this-ami"]);
    expect(exchanged.every((r) => !("sessionUuid" in r))).toBe(true);
    expect(credentials).not.toHaveProperty("sessionUuid");
  });

  it("refuses a bad UUID with SgValidationError before anything is sent, credentials included", async () => {
    const bad: unknown[] = ["", "a\nb", "tab\there", "del\u007f", "c1\u0085", 42, null, { uuid: "x" }];
    for (const value of bad) {
      expect(() => createClient({ site: "https://x.example.com", transport: recorder().transport, defaults: { sessionUuid: value as string } })).toThrow(
        expect.objectContaining({ name: "SgValidationError", path: ["defaults", "sessionUuid"] }),
      );
      const { transport, sent, exchanged } = recorder();
      const auth = fixed(script());
      const sg = createClient({ site: "https://x.example.com", transport, auth });
      const refusals = [
        await sg.call("update", {}, { sessionUuid: value as string }).catch((e: unknown) => e),
        await sg.call("info", undefined, { sessionUuid: value as string }).catch((e: unknown) => e),
        await sg.info({ sessionUuid: value as string }).catch((e: unknown) => e),
        await sg.http({ method: "POST", target: "/upload/upload_file", form: {}, sessionUuid: value as string }).catch((e: unknown) => e),
      ];
      for (const error of refusals) {
        expect(error).toBeInstanceOf(SgValidationError);
        expect(error).toMatchObject({ path: ["sessionUuid"], message: expect.stringMatching(/^@sg\/core: sessionUuid: expected a non-empty string without control characters, got /) });
      }
      expect([sent, exchanged, auth.asked]).toEqual([[], [], 0]);
    }
    const { transport, sent } = recorder();
    await createClient({ site: "https://x.example.com", transport, auth: fixed(script()) }).call("update", {}, { sessionUuid: "d6b1c0de-7c3a-4c0e-9d8e-2f1a3b4c5d6e" });
    expect(sent[0]!.credentials?.sessionUuid).toBe("d6b1c0de-7c3a-4c0e-9d8e-2f1a3b4c5d6e");
  });
});

describe("createClient: abort while the strategy logs in", () => {
  it("rejects at once with SgAbortError while credentials() or a refresh is still pending", async () => {
    const site = sessionSite();
    let release: (() => void) | undefined;
    const slowLogin: AuthStrategy = {
      name: "slow-login",
      credentials: () => new Promise<Credentials>((resolve) => (release = () => resolve({ kind: "session", sessionToken: "tok-1" }))),
    };
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth: slowLogin });
    const controller = new AbortController();
    const pending = sg.call("read", {}, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: "SG_ABORTED" });
    expect(site.sent).toHaveLength(0);
    release?.();

    const auth = countingSessionAuth();
    let releaseRefresh: (() => void) | undefined;
    const slowRefresh: AuthStrategy = {
      ...auth,
      name: "slow-refresh",
      credentials: (ctx) => auth.credentials(ctx),
      onRejected: (e, r, ctx) => new Promise((resolve) => (releaseRefresh = () => resolve(auth.onRejected!(e, r, ctx)))),
    };
    const sg2 = createClient({ site: "https://x.example.com", transport: site.transport, auth: slowRefresh });
    await sg2.call("read");
    site.expire();
    const c2 = new AbortController();
    const refused = sg2.call("read", {}, { signal: c2.signal });
    await new Promise((r) => setTimeout(r, 20));
    expect(releaseRefresh).toBeDefined();
    c2.abort();
    await expect(refused).rejects.toMatchObject({ code: "SG_ABORTED" });
    releaseRefresh?.();
  });
});

describe("createClient: a signal from AbortSignal.timeout", () => {
  it("ends the call with SgAbortError saying the signal timed out, the TimeoutError as its cause", async () => {
    const site = sessionSite();
    const never: AuthStrategy = { name: "never", credentials: () => new Promise<Credentials>(() => {}) };
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth: never });
    const error = await sg.call("read", {}, { signal: AbortSignal.timeout(20) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgAbortError);
    expect((error as SgAbortError).reason).toBe("the call was aborted: its signal timed out");
    expect(((error as SgAbortError).cause as Error).name).toBe("TimeoutError");
    // A plain abort keeps the plain words.
    const controller = new AbortController();
    const aborted = sg.call("read", {}, { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    expect(((await aborted) as SgAbortError).reason).toBe("the call was aborted");
  });
});

describe("createClient: client.defaults", () => {
  it("shows its defaults as client.defaults: the copy it checked and calls with, frozen, so that code calling with a signal of its own can tie it to defaults.signal", () => {
    const stop = new AbortController();
    const given: { signal?: AbortSignal; timeoutMs?: number } = { signal: stop.signal, timeoutMs: 1000 };
    const sg = createClient({ site: "https://x.example.com", transport: { name: "t", send: async () => ({}) }, defaults: given });
    given.timeoutMs = 5;
    delete given.signal;
    expect(sg.defaults).toEqual({ signal: stop.signal, timeoutMs: 1000 });
    expect(Object.isFrozen(sg.defaults)).toBe(true);
    expect(createClient({ site: "https://x.example.com", transport: { name: "t", send: async () => ({}) } }).defaults).toEqual({});
  });
});

describe("createClient: defaults.kind", () => {
  it("refuses a default 'read', which would let writes be retried after they may have landed; 'write' is taken", async () => {
    const site = sessionSite();
    const auth = countingSessionAuth();
    const thrown = (() => {
      try {
        // @ts-expect-error — the type refuses a default 'read' too (the assertion: this line fails to compile without the error)
        return createClient({ site: "https://x.example.com", transport: site.transport, auth, defaults: { kind: "read" } });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(SgValidationError);
    expect(thrown).toMatchObject({ path: ["defaults", "kind"], received: 'string "read"' });
    // Not "expected 'read' or 'write'" while refusing 'read': the defaults' message names only what they take.
    expect((thrown as Error).message).toBe(`@sg/core: defaults.kind: expected 'write' or nothing (set 'read' per call), got string "read"`);
    // A call's own kind keeps naming both.
    const perCall = await createClient({ site: "https://x.example.com", transport: site.transport, auth })
      // @ts-expect-error — not a kind
      .call("read", {}, { kind: "delete" })
      .catch((e: unknown) => e);
    expect((perCall as Error).message).toBe(`@sg/core: kind: expected 'read' or 'write' (in defaults only 'write': set 'read' per call), got string "delete"`);
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth, defaults: { kind: "write" } });
    // The defaults' type: every call option, but a kind of "write" only (a call's own options keep both kinds).
    expectTypeOf<NonNullable<DefaultCallOptions["kind"]>>().toEqualTypeOf<"write">();
    expectTypeOf<NonNullable<CallOptions["kind"]>>().toEqualTypeOf<"read" | "write">();
    expectTypeOf<Omit<DefaultCallOptions, "kind">>().toEqualTypeOf<Omit<CallOptions, "kind">>();
    expectTypeOf<NonNullable<ClientOptions["defaults"]>>().toEqualTypeOf<DefaultCallOptions>();
    const readDefaults: CallOptions = { kind: "read" };
    // @ts-expect-error — call options typed as CallOptions (whose kind may be "read") are no defaults as they are
    expect(() => createClient({ site: "https://x.example.com", transport: site.transport, defaults: readDefaults })).toThrow(SgValidationError);
    await sg.call("read");
    await sg.call("read", {}, { kind: "read" });
    expect(site.sent.filter((r) => r.method === "read").map((r) => r.kind)).toEqual(["write", "read"]);
  });
});

describe("createClient refuses an option it does not take, saying where one that belongs elsewhere goes", () => {
  /** What createClient throws for `extra` next to valid options (the test fails when it throws nothing). */
  function refusal(extra: Record<string, unknown>): SgValidationError {
    const { transport } = sessionSite();
    try {
      createClient({ site: "https://x.example.com", transport, auth: countingSessionAuth(), ...extra } as never);
    } catch (error) {
      expect(error).toBeInstanceOf(SgValidationError);
      return error as SgValidationError;
    }
    throw new Error(`createClient took ${Object.keys(extra).join(", ")}`);
  }
  const known = "no such option (known: site, transport, auth, logger, clock, allowInsecureHttp, defaults)";

  it("a call option (timeoutMs, as Python's timeout_secs would suggest) goes per call or in defaults; the limits and retry also to the transport", () => {
    const error = refusal({ timeoutMs: 5 });
    expect(error).toMatchObject({ code: "SG_VALIDATION", path: ["timeoutMs"], expected: known, received: "a number ([REDACTED])" });
    expect(error.message).toBe(
      `@sg/core: timeoutMs: expected ${known}, got a number ([REDACTED])\nHint: A call option: pass it per call or in defaults, or to the transport.`,
    );
    for (const name of ["deadlineMs", "retry"]) expect(refusal({ [name]: 1 }).hint).toBe("A call option: pass it per call or in defaults, or to the transport.");
    for (const name of ["signal", "kind", "sessionUuid"]) expect(refusal({ [name]: "x" }).hint).toBe("A call option: pass it per call or in defaults.");
  });

  it("a credential goes in the auth strategy, and is never echoed", () => {
    for (const name of ["scriptName", "scriptKey", "sessionToken", "loginName", "passwordHash", "apiKey", "authToken", "AuthToken"]) {
      const error = refusal({ [name]: "hunter2-s3cr3t" });
      expect(error).toMatchObject({ path: [name], received: "a string ([REDACTED])" });
      expect(error.hint).toMatch(/^Pass auth to createClient: scriptAuth\(\) from @sg\/auth-script, legacyLoginAuth\(\) from @sg\/auth-legacy-pat/);
      expect(`${error.message} ${JSON.stringify(error)} ${inspect(error)}`).not.toContain("hunter2");
    }
  });

  it("an option of the transport's (that createClient does not take) goes to jsonRpcTransport, and its value is never echoed", () => {
    // The options of @sg/transport's jsonRpcTransport other than timeoutMs, deadlineMs and retry (call options too, above).
    for (const name of ["userAgent", "localized", "fetch", "dispatcher", "maxResponseBytes", "maxRedirects", "transferTimeoutMs", "transferDeadlineMs"]) {
      const error = refusal({ [name]: "hunter2-s3cr3t" });
      expect(error).toMatchObject({ path: [name], expected: known, received: "a string ([REDACTED])" });
      expect(error.hint, name).toBe("Pass it to the transport: jsonRpcTransport({ … }) from @sg/transport.");
      expect(`${error.message} ${JSON.stringify(error)} ${inspect(error)}`).not.toContain("hunter2");
    }
    // Only the whole name: a longer one is not taken for it.
    expect(refusal({ fetchTimeout: 1 }).hint).toBeUndefined();
  });

  it("an argument of Python's Shotgun() says where it goes here, and its value is never echoed", () => {
    const where: Record<string, RegExp> = {
      base_url: /^Pass the site URL as site\.$/,
      http_proxy: /^Pass a proxy to the transport: jsonRpcTransport\(\{ dispatcher: new ProxyAgent\(url\) \}\), ProxyAgent from undici\.$/,
      ca_certs: /^Trust a CA with NODE_EXTRA_CA_CERTS=ca\.pem, or jsonRpcTransport\(\{ dispatcher: new Agent\(\{ connect: \{ ca \} \}\) \}\) \(with a proxy: new ProxyAgent\(\{ uri, requestTls: \{ ca \} \}\)\), from undici\.$/,
      script_name: /^Pass auth: scriptAuth\(\{ scriptName, scriptKey \}\) from @sg\/auth-script\.$/,
      api_key: /^Pass auth: scriptAuth\(\{ scriptName, scriptKey \}\) from @sg\/auth-script\.$/,
      login: /^Pass auth: legacyLoginAuth\(\{ login, password, authToken \}\) from @sg\/auth-legacy-pat\.$/,
      password: /^Pass auth: legacyLoginAuth\(\{ login, password, authToken \}\) from @sg\/auth-legacy-pat\.$/,
      auth_token: /^Pass auth: legacyLoginAuth\(\{ login, password, authToken \}\) from @sg\/auth-legacy-pat\.$/,
      session_token: /^Pass auth: sessionAuth\(\{ sessionToken \}\) from @sg\/auth-session\.$/,
      sudo_as_login: /^Pass it to the auth strategy: scriptAuth\(\), legacyLoginAuth\(\) and sessionAuth\(\) take sudoAsLogin\.$/,
      sudoAsLogin: /^Pass it to the auth strategy: scriptAuth\(\), legacyLoginAuth\(\) and sessionAuth\(\) take sudoAsLogin\.$/,
      connect: /^Not needed: the client connects on its first call\.$/,
      convert_datetimes_to_utc: /^Not needed: a Date is sent in UTC\.$/,
      ensure_ascii: /^Not needed: JSON is sent as UTF-8\.$/,
    };
    for (const [name, hint] of Object.entries(where)) {
      const error = refusal({ [name]: "hunter2-s3cr3t" });
      expect(error).toMatchObject({ path: [name], expected: known, received: "a string ([REDACTED])" });
      expect(error.hint, name).toMatch(hint);
      expect(error.message).toBe(`@sg/core: ${name}: expected ${known}, got a string ([REDACTED])\nHint: ${error.hint}`);
      expect(`${error.message} ${JSON.stringify(error)} ${inspect(error)}`).not.toContain("hunter2");
    }
    // The same hint where a call's options or the defaults get one.
    const { transport } = sessionSite();
    expect(() => createClient({ site: "https://x.example.com", transport, defaults: { api_key: "hunter2-s3cr3t" } as never })).toThrow(
      expect.objectContaining({ path: ["defaults", "api_key"], hint: expect.stringMatching(/^Pass auth: scriptAuth/) }),
    );
  });

  it("an option set to undefined is taken as absent, as in a call's options (createClient({ …, timeoutMs: undefined }))", () => {
    const { transport } = sessionSite();
    for (const extra of [{ timeoutMs: undefined }, { scriptKey: undefined, base_url: undefined }]) {
      expect(createClient({ site: "https://x.example.com", transport, ...extra } as never).site.href).toBe("https://x.example.com");
    }
    // defaults and a call's options stay strict, as @sg/entities' options are: an unknown key is refused whatever its value.
    expect(() => createClient({ site: "https://x.example.com", transport, defaults: { timeotMs: undefined } as never })).toThrow(
      expect.objectContaining({ path: ["defaults", "timeotMs"] }),
    );
  });

  it("any other name is refused with the options createClient takes; every one of those is taken", () => {
    expect(refusal({ allowInsecureHTTP: true })).toMatchObject({ path: ["allowInsecureHTTP"], expected: known, hint: undefined });
    expect(refusal({ timeout_secs: 30 })).toMatchObject({ path: ["timeout_secs"], hint: undefined });
    expect(refusal({ extra_auth_params: { product: "rv" } })).toMatchObject({ path: ["extra_auth_params"], hint: undefined });
    const { transport } = sessionSite();
    const all = { site: "http://x.example.com", transport, auth: countingSessionAuth(), logger: console, clock: undefined, allowInsecureHttp: true, defaults: {} };
    expect(createClient(all).site.href).toBe("http://x.example.com");
  });
});

describe("call options that are not what they claim are refused before anything is sent", () => {
  it("a signal that is not an AbortSignal, or a kind other than 'read'/'write', in a call, info or defaults", async () => {
    const site = sessionSite();
    const auth = countingSessionAuth();
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth });
    const notSignal = { aborted: false } as unknown as AbortSignal;
    await expect(sg.call("read", {}, { signal: notSignal })).rejects.toMatchObject({ name: "SgValidationError", path: ["signal"], expected: "this runtime's AbortSignal" });
    // one named AbortSignal that is not this runtime's (jsdom's under Node's globals): the message must not contradict itself
    const foreign = new (class AbortSignal {})() as unknown as globalThis.AbortSignal;
    await expect(sg.call("read", {}, { signal: foreign })).rejects.toThrow("signal: expected this runtime's AbortSignal, got an AbortSignal");
    await expect(sg.info({ signal: notSignal })).rejects.toMatchObject({ name: "SgValidationError", path: ["signal"] });
    await expect(sg.call("create", {}, { kind: "reed" as never })).rejects.toMatchObject({ name: "SgValidationError", path: ["kind"], received: 'string "reed"' });
    expect(() => createClient({ site: "https://x.example.com", transport: site.transport, auth, defaults: { signal: "stop" as never } })).toThrow(
      expect.objectContaining({ name: "SgValidationError", path: ["defaults", "signal"] }),
    );
    expect([auth.logins, site.sent]).toEqual([0, []]);
  });
});

describe("a bad timeoutMs or retry is refused before the login, not by the transport after it", () => {
  /** A strategy that logs in (a get_session_token, a 2FA prompt) on its first credentials(), counting the logins. */
  function loginCounting(): AuthStrategy & { logins: number } {
    const strategy = { name: "counting-login", logins: 0, credentials: async (): Promise<Credentials> => (strategy.logins++, { kind: "session", sessionToken: "tok-1" }) };
    return strategy;
  }
  const MS = "a positive number of milliseconds up to 2147483647 (Node fires a longer timer after 1 ms)";

  it("in a call, info and sg.http(): no login, nothing sent", async () => {
    const site = sessionSite();
    const auth = loginCounting();
    const exchanged: HttpRequest[] = [];
    const transport: TransportStrategy = { ...site.transport, http: async (r) => (exchanged.push(r), { status: 200, headers: new Headers(), body: new Uint8Array() }) };
    const sg = createClient({ site: "https://x.example.com", transport, auth });
    const refused: [CallOptions, (string | number)[], string][] = [
      [{ timeoutMs: 0 }, ["timeoutMs"], "number 0"],
      [{ timeoutMs: -5 }, ["timeoutMs"], "number -5"],
      [{ timeoutMs: Number.NaN }, ["timeoutMs"], "number NaN"],
      [{ timeoutMs: 2 ** 31 }, ["timeoutMs"], "number 2147483648"],
      [{ timeoutMs: "5000" as never }, ["timeoutMs"], 'string "5000"'],
      // each bad key or status by its own path, as @sg/transport names it (a misspelt key's value by type only)
      [{ retry: { maxAtempts: 2 } as never }, ["retry", "maxAtempts"], "a number ([REDACTED])"],
      [{ retry: { retryStatus: [500] } as never }, ["retry", "retryStatus"], "an array ([REDACTED])"],
      [{ retry: { maxAttempts: 0 } }, ["retry", "maxAttempts"], "number 0"],
      [{ retry: { maxAttempts: 1.5 } }, ["retry", "maxAttempts"], "number 1.5"],
      [{ retry: { retryWrites: "no" as never } }, ["retry", "retryWrites"], 'string "no"'],
      [{ retry: { retryStatuses: [600] } }, ["retry", "retryStatuses", 0], "number 600"],
      [{ retry: { retryStatuses: [500, 302] } }, ["retry", "retryStatuses", 1], "number 302"],
      [{ retry: { retryStatuses: [500, "x" as never] } }, ["retry", "retryStatuses", 1], 'string "x"'],
      [{ retry: { retryStatuses: 500 as never } }, ["retry", "retryStatuses"], "number 500"],
      [{ retry: { constructor: 1 } as never }, ["retry", "constructor"], "a number ([REDACTED])"],
      [{ retry: true as never }, ["retry"], "boolean true"],
      [{ retry: null as never }, ["retry"], "null"],
    ];
    for (const [options, path, received] of refused) {
      for (const attempt of [() => sg.call("create", {}, options), () => sg.info(options), () => sg.http({ method: "POST", target: "/upload/upload_file", ...options })]) {
        const error = await attempt().then(() => undefined, (e: unknown) => e);
        expect(error, JSON.stringify(options)).toBeInstanceOf(SgValidationError);
        expect(error).toMatchObject({ path, received });
      }
    }
    expect((await sg.call("read", {}, { timeoutMs: 0 }).catch((e: Error) => e) as Error).message).toBe(`@sg/core: timeoutMs: expected ${MS}, got number 0`);
    const message = async (retry: unknown): Promise<string> => ((await sg.call("read", {}, { retry: retry as never }).catch((e: Error) => e)) as Error).message;
    expect(await message({ maxAtempts: 2 })).toBe("@sg/core: retry.maxAtempts: expected no such option (known: maxAttempts, retryWrites, retryStatuses), got a number ([REDACTED])");
    expect(await message({ retryStatuses: [600] })).toBe("@sg/core: retry.retryStatuses[0]: expected an HTTP status from 400 to 599, got number 600");
    expect(await message({ retryStatuses: {} })).toBe("@sg/core: retry.retryStatuses: expected an array of HTTP statuses from 400 to 599, got an empty object");
    expect(await message({ retryWrites: 1 })).toBe("@sg/core: retry.retryWrites: expected a boolean, got number 1");
    expect(await message(true)).toBe("@sg/core: retry: expected false or { maxAttempts?, retryWrites?, retryStatuses? }, got boolean true");
    expect([auth.logins, site.sent, exchanged]).toEqual([0, [], []]);
    // What the transport takes goes through: false, any of the three keys (undefined ones too), the largest timer.
    for (const retry of [false, {}, { maxAttempts: 1, retryWrites: false, retryStatuses: [] }, { maxAttempts: 3, retryStatuses: [500, 599, 400] }, { maxAttempts: undefined }] as const) {
      await sg.call("read", {}, { retry, timeoutMs: 2 ** 31 - 1 });
    }
    expect(auth.logins).toBe(5);
    expect(site.sent.map((r) => r.retry)).toEqual([false, {}, { maxAttempts: 1, retryWrites: false, retryStatuses: [] }, { maxAttempts: 3, retryStatuses: [500, 599, 400] }, { maxAttempts: undefined }]);
  });

  it("in defaults: createClient throws", () => {
    const { transport } = sessionSite();
    expect(() => createClient({ site: "https://x.example.com", transport, defaults: { timeoutMs: 0 } })).toThrow(expect.objectContaining({ path: ["defaults", "timeoutMs"], expected: MS }));
    expect(() => createClient({ site: "https://x.example.com", transport, defaults: { retry: { maxAtempts: 2 } as never } })).toThrow(expect.objectContaining({ path: ["defaults", "retry", "maxAtempts"] }));
    expect(() => createClient({ site: "https://x.example.com", transport, defaults: { retry: { retryStatuses: [500, 600] } } })).toThrow(
      expect.objectContaining({ path: ["defaults", "retry", "retryStatuses", 1], expected: "an HTTP status from 400 to 599", received: "number 600" }),
    );
  });
});

describe("call options and defaults take only call options", () => {
  const known = "no such option (known: signal, timeoutMs, deadlineMs, retry, kind, sessionUuid)";

  it("createClient refuses a defaults key that is not a call option (a misspelt timeoutMs did nothing), and defaults that are no object", () => {
    const { transport } = sessionSite();
    const make = (defaults: unknown) => () => createClient({ site: "https://x.example.com", transport, defaults: defaults as never });
    expect(make({ timeotMs: 5 })).toThrow(expect.objectContaining({ name: "SgValidationError", path: ["defaults", "timeotMs"], expected: known, received: "a number ([REDACTED])" }));
    expect(make({ timeotMs: 5 })).toThrow(/^@sg\/core: defaults\.timeotMs: expected no such option \(known: signal, timeoutMs/);
    expect(make({ refresh: true })).toThrow(expect.objectContaining({ path: ["defaults", "refresh"] }));
    expect(make({ scriptKey: "hunter2-s3cr3t" })).toThrow(expect.objectContaining({ path: ["defaults", "scriptKey"], hint: expect.stringMatching(/^Pass auth to createClient/) }));
    expect(make({ scriptKey: "hunter2-s3cr3t" })).not.toThrow(/hunter2/);
    expect(make(5000)).toThrow(expect.objectContaining({ path: ["defaults"], expected: "call options (an object)", received: "number 5000" }));
    expect(make({ signal: new AbortController().signal, timeoutMs: 5, deadlineMs: 10, retry: false, kind: "write", sessionUuid: "u" })).not.toThrow();
  });

  it("a call or info refuses an unknown key before credentials are asked for or anything is sent; info also takes refresh", async () => {
    const site = sessionSite();
    const auth = countingSessionAuth();
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth });
    await expect(sg.call("read", {}, { timeotMs: 5 } as never)).rejects.toMatchObject({ name: "SgValidationError", path: ["timeotMs"], expected: known });
    await expect(sg.call("create", {}, { refresh: true } as never)).rejects.toMatchObject({ path: ["refresh"] });
    await expect(sg.info({ timeotMs: 5 } as never)).rejects.toMatchObject({ path: ["timeotMs"] });
    await expect(sg.call("read", {}, 5000 as never)).rejects.toMatchObject({ path: ["options"], expected: "call options (an object)", received: "number 5000" });
    expect([auth.logins, site.sent]).toEqual([0, []]);
    await sg.info({ refresh: true });
    await sg.call("info", undefined, { refresh: true } as never);
    await sg.call("read", {}, { signal: new AbortController().signal, timeoutMs: 5, deadlineMs: 1000, retry: { maxAttempts: 1 }, kind: "read", sessionUuid: "u" });
    expect(site.sent.map((r) => r.method)).toEqual(["info", "info", "get_session_token", "read"]);
  });
});

describe("createClient: deadlineMs bounds the whole call, waiting for credentials included", () => {
  /** A strategy whose credentials() settles only when released (a login on a slow site, a 2FA prompt). */
  function heldLogin(): { auth: AuthStrategy; release(): void } {
    let release = (): void => {};
    const held = new Promise<Credentials>((resolve) => (release = () => resolve({ kind: "session", sessionToken: "tok-1" })));
    return { auth: { name: "held-login", credentials: () => held }, release: () => release() };
  }

  it("a login that outlasts the deadline ends the call with SgTimeoutError (deadline, not sent); others still get the login", async () => {
    const site = sessionSite();
    const { auth, release } = heldLogin();
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth });
    const quick = sg.call("read", {}, { deadlineMs: 30 });
    const patient = sg.call("read", {});
    const error = await quick.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect(error).toMatchObject({ scope: "deadline", timeoutMs: 30, maybeSent: false, method: "read" });
    expect((error as SgTimeoutError).reason).toBe("@sg/core: 'read' did not complete within its deadline of 30 ms: still waiting for credentials");
    expect((error as SgTimeoutError).hint).toMatch(/raise deadlineMs, or await client\.credentials\(\) first/);
    expect(site.sent).toHaveLength(0);
    // The login itself was not cut short: a caller without a deadline gets it when it comes.
    release();
    await expect(patient).resolves.toMatchObject({ ok: "read" });
  });

  it("the defaults' deadline applies too", async () => {
    const site = sessionSite();
    const { auth, release } = heldLogin();
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth, defaults: { deadlineMs: 30 } });
    await expect(sg.call("read")).rejects.toMatchObject({ code: "SG_TIMEOUT", scope: "deadline", timeoutMs: 30 });
    release();
  });

  it("the transport gets what is left of the deadline after the wait, and the whole deadline when there was none", async () => {
    const site = sessionSite();
    let release = (): void => {};
    const later = new Promise<Credentials>((resolve) => (release = () => resolve({ kind: "session", sessionToken: "tok-1" })));
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth: { name: "later", credentials: () => later } });
    const pending = sg.call("read", {}, { deadlineMs: 5000 });
    await new Promise((r) => setTimeout(r, 60));
    release();
    await pending;
    const [first] = site.sent;
    expect(first?.deadlineMs).toBeLessThanOrEqual(5000 - 50);
    expect(first?.deadlineMs).toBeGreaterThan(0);
    await sg.call("read", {}, { deadlineMs: 5000 }); // credentials at hand: (almost) nothing was spent
    expect(site.sent[1]?.deadlineMs).toBeGreaterThan(4900);
    await sg.call("read");
    expect(site.sent[2]?.deadlineMs).toBeUndefined(); // no deadline given: the transport's own applies
  });

  it("a re-login after a refusal is bounded by the same deadline", async () => {
    const site = sessionSite();
    const auth = countingSessionAuth();
    let releaseRefresh = (): void => {};
    const slowRefresh: AuthStrategy = {
      name: "slow-refresh",
      credentials: (ctx) => auth.credentials(ctx),
      onRejected: (e, r, ctx) => new Promise((resolve) => (releaseRefresh = () => resolve(auth.onRejected!(e, r, ctx)))),
    };
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth: slowRefresh });
    await sg.call("read");
    site.expire();
    const error = await sg.call("read", {}, { deadlineMs: 80 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SG_TIMEOUT", scope: "deadline", maybeSent: false });
    expect((error as SgTimeoutError).reason).toMatch(/still waiting for fresh credentials after a refusal$/);
    releaseRefresh();
  });

  it("a call whose credentials come only once the deadline has passed is not sent at all", async () => {
    // credentials() and onRejected() are slow on the CPU (a big decrypt, a busy event loop) and hand back a
    // settled promise: it resolves before the deadline's timer gets to run, with no time left for the call.
    const busy = (ms: number): void => {
      const t = performance.now();
      while (performance.now() - t < ms);
    };
    const site = sessionSite();
    let credentialsBusyMs = 25;
    const session = (): Credentials => Object.freeze({ kind: "session", sessionToken: site.current() });
    let held = session();
    const cpuBound: AuthStrategy = {
      name: "cpu-bound",
      credentials: () => {
        busy(credentialsBusyMs);
        return Promise.resolve(held);
      },
      onRejected: () => {
        busy(150);
        held = session();
        return Promise.resolve(held);
      },
    };
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth: cpuBound });
    const error = await sg.call("create", {}, { deadlineMs: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect(error).toMatchObject({ scope: "deadline", timeoutMs: 5, maybeSent: false, method: "create" });
    expect((error as SgTimeoutError).reason).toMatch(/still waiting for credentials$/);
    expect(site.sent).toEqual([]);
    // The same after a refusal: no re-send once the wait for fresh credentials has used up the time.
    credentialsBusyMs = 0;
    site.expire();
    const refused = await sg.call("create", {}, { deadlineMs: 100 }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "SG_TIMEOUT", scope: "deadline", timeoutMs: 100, maybeSent: false });
    expect((refused as SgTimeoutError).reason).toMatch(/still waiting for fresh credentials after a refusal$/);
    expect(site.sent.map((r) => r.method)).toEqual(["create"]); // the refused one only
  });

  it("an abort while waiting clears the deadline's timer, which would otherwise hold the process until the deadline", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      const never: AuthStrategy = { name: "never", credentials: () => new Promise<Credentials>(() => {}) };
      const sg = createClient({ site: "https://x.example.com", transport: sessionSite().transport, auth: never });
      const controller = new AbortController();
      const pending = sg.call("read", {}, { signal: controller.signal, deadlineMs: 600_000 }).catch((e: unknown) => e);
      expect(vi.getTimerCount()).toBe(1); // the deadline's
      controller.abort();
      expect(await pending).toBeInstanceOf(SgAbortError);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a bad deadline is refused with SgValidationError before credentials are asked for (no login goes out)", async () => {
    const site = sessionSite();
    const auth = countingSessionAuth();
    const sg = createClient({ site: "https://x.example.com", transport: site.transport, auth });
    for (const deadlineMs of [-1, 0, 2 ** 31, Number.NaN, Number.POSITIVE_INFINITY, "5000", null]) {
      const error = await sg.call("read", {}, { deadlineMs: deadlineMs as number }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgValidationError);
      expect(error).toMatchObject({ path: ["deadlineMs"], message: expect.stringMatching(/^@sg\/core: deadlineMs: expected a positive number of milliseconds up to 2147483647/) });
      expect(() => createClient({ site: "https://x.example.com", transport: site.transport, defaults: { deadlineMs: deadlineMs as number } })).toThrow(
        expect.objectContaining({ name: "SgValidationError", path: ["defaults", "deadlineMs"] }),
      );
    }
    expect([auth.logins, site.sent]).toEqual([0, []]);
    // The longest a timer holds is fine; the transport gets what is left of it.
    await sg.call("read", {}, { deadlineMs: 2 ** 31 - 1 });
    const [read] = site.sent.filter((r) => r.method === "read");
    expect(read?.deadlineMs).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(read?.deadlineMs).toBeGreaterThan(2 ** 31 - 1 - 60_000);
  });
});

describe("onAbort", () => {
  it("adds one listener per signal however many subscribe, and calls each live subscriber once", async () => {
    const { onAbort } = await import("./abort-listeners.js");
    const controller = new AbortController();
    const calls: number[] = [];
    const stops = Array.from({ length: 50 }, (_, i) => onAbort(controller.signal, () => calls.push(i)));
    stops[3]?.();
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    expect(calls).toHaveLength(49);
    expect(calls).not.toContain(3);
    let late = 0;
    onAbort(controller.signal, () => (late += 1));
    expect(late).toBe(1);
  });

  it("removes its listener when the last subscriber leaves, so a long-lived signal keeps nothing of ended work", async () => {
    const { onAbort } = await import("./abort-listeners.js");
    const controller = new AbortController();
    for (let round = 0; round < 3; round += 1) {
      const stops = Array.from({ length: 20 }, () => onAbort(controller.signal, () => {}));
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
      for (const stop of stops) stop();
      stops[0]?.(); // unsubscribing twice changes nothing
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    }
    // AbortSignal.timeout(): Node holds a signal with a listener until it fires, however long that is.
    const timed = AbortSignal.timeout(600_000);
    onAbort(timed, () => {})();
    expect(getEventListeners(timed, "abort")).toHaveLength(0);
    // A subscriber after that is called as before, and one unsubscribing while the abort runs stops none of the others.
    const calls: string[] = [];
    const stopFirst = onAbort(controller.signal, () => {
      calls.push("first");
      stopFirst();
    });
    const stopSecond = onAbort(controller.signal, () => calls.push("second"));
    controller.abort();
    expect(calls).toEqual(["first", "second"]);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});
