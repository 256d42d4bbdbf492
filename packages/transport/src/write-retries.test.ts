// Writes that may have landed: never sent again by default, and told so (`maybeSent: true`, a hint to check first)
// whatever cut them short after their request went out — a gateway's 502/504, another 5xx, an answer that is not
// the protocol's, close(), the deadline. Over real sockets on 127.0.0.1.
import { describe, expect, it } from "vitest";
import { SgAbortError, SgAuthError, SgHttpError, SgProtocolError, SgTimeoutError, createClient, systemClock } from "@sg/core";
import type { AuthStrategy, Clock, Credentials, SgError } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { contextFor, fail, fakeClock, freePort, json, text, useTestServers, watchedClock } from "./test-support/server.js";
import type { Recorded } from "./test-support/server.js";

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const serve = useTestServers();
const read = (extra: object = {}) => ({ method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const, ...extra });
const create = (extra: object = {}) => ({ method: "create", payload: { type: "Shot", data: { code: "sh010" } }, credentials: script, kind: "write" as const, ...extra });
const methodOf = (req: Recorded): string => (req.json as { method_name: string }).method_name;
/** The own `maybeSent` the transport puts on an SgHttpError, SgProtocolError or SgAbortError of a write that may have landed. */
const maybeSentOf = (error: SgError): unknown => (error as { maybeSent?: unknown }).maybeSent;

const LANDED = /the write may have been applied on the site\. Check \(e\.g\. find the entity\) before trying again/;
const RETRY_WRITES = "With retry: { retryWrites: true } it is sent again, as the Python client does, at the risk of a duplicate.";

/**
 * A site that applies every create (one row each) and a gateway in front of it that forwards every request and
 * hands back the site's answer, except that it answers `status` in place of the site's answer to the first
 * `failures` creates — after the site has applied them, as a gateway that stopped waiting for its backend does.
 */
async function siteBehindGateway(status: number, failures: number): Promise<{ url: string; rows: () => number; forwarded: () => number }> {
  let rows = 0;
  const site = await serve((req, res) => (methodOf(req) === "create" ? json(res, { results: { type: "Shot", id: ++rows } }) : json(res, { results: [] })));
  let creates = 0;
  const gateway = await serve(async (req, res) => {
    const answer = await fetch(`${site.url}${req.url}`, { method: "POST", headers: { "content-type": String(req.headers["content-type"]) }, body: req.body });
    const body = await answer.text();
    if (methodOf(req) === "create" && ++creates <= failures) return text(res, `<html><body><h1>${status} Gateway Time-out</h1></body></html>`, status, "text/html");
    return text(res, body, answer.status, answer.headers.get("content-type") ?? "application/json");
  });
  return { url: gateway.url, rows: () => rows, forwarded: () => gateway.requests.length };
}

describe("a write answered 502/504 by a gateway after the site applied it", () => {
  it.each([504, 502])("%i: not sent again by default; SgHttpError with maybeSent: true and a hint to check first; one row", async (status) => {
    const at = await siteBehindGateway(status, 1);
    const clock = fakeClock();
    const err = await fail(jsonRpcTransport().send(create(), contextFor(at.url, clock)));
    expect(err).toBeInstanceOf(SgHttpError);
    expect(err).toMatchObject({ status, method: "create" });
    expect(maybeSentOf(err)).toBe(true);
    expect(err.hint).toMatch(LANDED);
    expect(err.hint).toContain(RETRY_WRITES);
    expect(err.message).toContain(`Hint: ${err.hint}`);
    expect(err.toJSON()).toMatchObject({ maybeSent: true, status });
    expect(err.attempts.map((a) => [a.status, a.delayMs])).toEqual([[status, undefined]]);
    expect(clock.sleeps).toEqual([]);
    expect(at.forwarded()).toBe(1);
    expect(at.rows()).toBe(1);
  });

  it("a read answered 504 is still retried (3 attempts, 750 ms × n) and its error does not say maybeSent", async () => {
    const server = await serve((_req, res) => text(res, "gateway timeout", 504, "text/plain"));
    const clock = fakeClock();
    const err = await fail(jsonRpcTransport().send(read(), contextFor(server.url, clock)));
    expect(err.attempts).toHaveLength(3);
    expect(clock.sleeps).toEqual([750, 1500]);
    expect(maybeSentOf(err)).toBeUndefined();
    expect(err.hint).toBe("The site or a proxy in front of it failed to answer; this is usually transient, try again later.");
  });

  it("retryWrites: true (transport or call) sends it again, as the Python client does: the call succeeds and the site has two rows", async () => {
    for (const [options, request] of [[{ retry: { retryWrites: true } }, create()], [undefined, create({ retry: { retryWrites: true } })]] as const) {
      const at = await siteBehindGateway(504, 1);
      const clock = fakeClock();
      expect(await jsonRpcTransport(options).send(request, contextFor(at.url, clock))).toEqual({ type: "Shot", id: 2 });
      expect(clock.sleeps).toEqual([750]);
      expect(at.forwarded()).toBe(2);
      // the documented risk of retryWrites: the first create had been applied
      expect(at.rows()).toBe(2);
    }
  });

  it("retryWrites: true that runs out of attempts: maybeSent: true and the hint to check, without the retryWrites advice", async () => {
    const at = await siteBehindGateway(504, 3);
    const clock = fakeClock();
    const err = await fail(jsonRpcTransport({ retry: { retryWrites: true } }).send(create(), contextFor(at.url, clock)));
    expect(err).toBeInstanceOf(SgHttpError);
    expect(err.attempts.map((a) => a.status)).toEqual([504, 504, 504]);
    expect(clock.sleeps).toEqual([750, 1500]);
    expect(maybeSentOf(err)).toBe(true);
    expect(err.hint).toMatch(LANDED);
    expect(err.hint).not.toContain("retryWrites");
    expect(at.rows()).toBe(3);
  });
});

describe("other answers to a write that may have landed", () => {
  it.each([500, 503])("a write answered %i: maybeSent: true and the hint to check first; a read answered so is not", async (status) => {
    const server = await serve((_req, res) => text(res, "internal error", status, "text/plain"));
    const err = await fail(jsonRpcTransport().send(create(), contextFor(server.url, fakeClock())));
    expect(err).toBeInstanceOf(SgHttpError);
    expect(maybeSentOf(err)).toBe(true);
    expect(err.hint).toBe("The site or a proxy answered after the request was sent: the write may have been applied on the site. Check (e.g. find the entity) before trying again.");
    expect(err.hint).not.toMatch(/transient|retryWrites/);
    const readErr = await fail(jsonRpcTransport().send(read({ retry: false }), contextFor(server.url, fakeClock())));
    expect(maybeSentOf(readErr)).toBeUndefined();
    expect(readErr.hint ?? "").not.toMatch(LANDED);
  });

  it.each([
    ["invalid JSON", "application/json", '{"results": {"type": "Shot", "id": 1'],
    ["an HTML page", "text/html", "<html><body>Welcome</body></html>"],
  ])("a 200 with %s to a write: SgProtocolError with maybeSent: true and the hint to check first", async (_what, contentType, body) => {
    const server = await serve((_req, res) => text(res, body, 200, contentType));
    const err = await fail(jsonRpcTransport().send(create(), contextFor(server.url, fakeClock())));
    expect(err).toBeInstanceOf(SgProtocolError);
    expect(err).toMatchObject({ status: 200, method: "create" });
    expect(maybeSentOf(err)).toBe(true);
    expect(err.hint).toMatch(LANDED);
    expect(err.toJSON()).toMatchObject({ maybeSent: true });
    // a read: not maybe sent, the hint about what answered
    const readErr = await fail(jsonRpcTransport().send(read(), contextFor(server.url, fakeClock())));
    expect(readErr).toBeInstanceOf(SgProtocolError);
    expect(maybeSentOf(readErr)).toBeUndefined();
    expect(readErr.hint).toMatch(/instead of (the site|the API)/);
    expect(server.requests).toHaveLength(2);
  });
});

describe("close() while a call is in flight", () => {
  it("a write whose request went out: SgAbortError with maybeSent: true and the hint to check first", async () => {
    const server = await serve(() => {}); // never answers
    const t = jsonRpcTransport();
    const p = fail(t.send(create(), contextFor(server.url)));
    await expect.poll(() => server.requests.length).toBe(1);
    await t.close?.();
    const err = await p;
    expect(err).toBeInstanceOf(SgAbortError);
    expect(err.reason).toBe("the transport was closed while the call was in flight");
    expect(maybeSentOf(err)).toBe(true);
    expect(err.hint).toMatch(LANDED);
    expect(err.method).toBe("create");
  });

  it("a read: no maybeSent, no hint", async () => {
    const server = await serve(() => {});
    const t = jsonRpcTransport();
    const p = fail(t.send(read(), contextFor(server.url)));
    await expect.poll(() => server.requests.length).toBe(1);
    await t.close?.();
    const err = await p;
    expect(err).toBeInstanceOf(SgAbortError);
    expect(maybeSentOf(err)).toBeUndefined();
    expect(err.hint).toBeUndefined();
  });

  it("a write closed during the backoff after a 504 (retryWrites: true) may have landed; after a refused connection it did not", async () => {
    const server = await serve((_req, res) => text(res, "gateway timeout", 504, "text/plain"));
    for (const [url, landed] of [[server.url, true], [`http://127.0.0.1:${await freePort()}`, false]] as const) {
      const t = jsonRpcTransport({ retry: { retryWrites: true, baseDelayMs: 5000 } });
      const clock = watchedClock();
      const p = fail(t.send(create(), contextFor(url, clock)));
      expect(await clock.sleeping).toBe(5000);
      await t.close?.();
      const err = await p;
      expect(err).toBeInstanceOf(SgAbortError);
      expect(maybeSentOf(err)).toBe(landed);
      expect(err.hint ?? "").toMatch(landed ? LANDED : /^$/);
    }
  });
});

describe("deadlineMs passing after a write was sent", () => {
  it("says first that the write may have been applied, like the per-attempt timeout does", async () => {
    const server = await serve(() => {}); // never answers
    const deadline = await fail(jsonRpcTransport().send(create({ deadlineMs: 100 }), contextFor(server.url)));
    expect(deadline).toBeInstanceOf(SgTimeoutError);
    expect(deadline).toMatchObject({ scope: "deadline", maybeSent: true });
    expect(deadline.hint).toBe("The call ran out of time after the request was sent: the write may have been applied on the site. Check (e.g. find the entity) before trying again, or raise deadlineMs.");
    const attempt = await fail(jsonRpcTransport().send(create({ timeoutMs: 100 }), contextFor(server.url)));
    expect(attempt).toMatchObject({ scope: "attempt", maybeSent: true });
    expect(attempt.hint).toBe("No answer came after the request was sent: the write may have been applied on the site. Check (e.g. find the entity) before trying again, or raise timeoutMs.");
    // a read's deadline keeps its hint
    const readDeadline = await fail(jsonRpcTransport().send(read({ deadlineMs: 100 }), contextFor(server.url)));
    expect(readDeadline).toMatchObject({ scope: "deadline", maybeSent: true });
    expect(readDeadline.hint).toMatch(/^The site is slow or retries took too long; raise deadlineMs/);
  });

  it("a write whose deadline passes in the backoff after a refused connection was never sent: maybeSent false, no check hint", async () => {
    // A backoff that would pass the deadline is not slept; this clock's sleeps overrun (a machine suspended
    // mid-sleep), so that the deadline passes during one.
    const overrunning: Clock = { now: () => systemClock.now(), sleep: (ms, signal) => systemClock.sleep(ms * 20, signal) };
    const t = jsonRpcTransport({ retry: { baseDelayMs: 50 } });
    const err = await fail(t.send(create({ deadlineMs: 300 }), contextFor(`http://127.0.0.1:${await freePort()}`, overrunning)));
    expect(err).toBeInstanceOf(SgTimeoutError);
    expect(err).toMatchObject({ scope: "deadline", maybeSent: false });
    expect(err.hint).not.toMatch(LANDED);
  });
});

describe("retryWrites: true, a write answered 502 and then not retried: the first attempt may have landed", () => {
  const created = /^An earlier attempt failed after the request was sent: the write may have been applied on the site\. Check \(e\.g\. find the entity\) before trying again\.$/;
  const retrying = (budget?: object) => jsonRpcTransport({ retry: { retryWrites: true, ...(budget ? { budget } : {}) } });

  it("502, then the site stops listening (refused): SgNetworkError with maybeSent: true and the hint to check, not 'not sent'", async () => {
    const server = await serve((_req, res, raw) => {
      text(res, "<h1>502</h1>", 502, "text/html", { connection: "close" });
      raw.socket.once("close", () => server.server.close());
      server.server.closeAllConnections();
    });
    const err = await fail(retrying().send(create(), contextFor(server.url)));
    expect(err).toMatchObject({ name: "SgNetworkError", syscallCode: "ECONNREFUSED", maybeSent: true, method: "create" });
    expect(err.hint).toMatch(created);
    expect(err.message).toContain(`Hint: ${err.hint}`);
    expect(err.message).not.toContain("not sent");
    expect(err.attempts.map((a) => a.status ?? a.code)).toEqual([502, "ECONNREFUSED", "ECONNREFUSED"]);
    expect(server.requests).toHaveLength(1);
  });

  it("502, then 429 until no attempts are left: SgHttpError 429 with maybeSent: true (an own property) and the hint to check", async () => {
    const server = await serve((_req, res, _raw, n) => text(res, "busy", n === 1 ? 502 : 429, "text/plain", { "retry-after": "0" }));
    const err = await fail(retrying().send(create(), contextFor(server.url)));
    expect(err).toBeInstanceOf(SgHttpError);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 0, method: "create" });
    expect(maybeSentOf(err)).toBe(true);
    expect(err.toJSON()).toMatchObject({ maybeSent: true, status: 429 });
    expect(err.hint).toMatch(created);
    expect(err.attempts.map((a) => a.status)).toEqual([502, 429, 429]);
    // a read answered so is not a write: its 429 keeps the rate-limit hint and no maybeSent
    const readErr = await fail(retrying().send(read(), contextFor(server.url)));
    expect(maybeSentOf(readErr)).toBeUndefined();
    expect(readErr.hint ?? "").not.toMatch(LANDED);
  });

  it("502, then 429 when the retry budget is spent, or when Retry-After would pass the deadline: maybeSent: true", async () => {
    const site = () => serve((_req, res, _raw, n) => (n === 1 ? text(res, "bad gateway", 502, "text/plain") : text(res, "busy", 429, "text/plain", { "retry-after": "5" })));
    const spent = await fail(retrying({ capacity: 5, retryCost: 5 }).send(create(), contextFor((await site()).url)));
    expect(spent).toMatchObject({ status: 429 });
    expect(spent.attempts.map((a) => [a.status, a.budgetExhausted])).toEqual([[502, undefined], [429, true]]);
    expect(maybeSentOf(spent)).toBe(true);
    expect(spent.hint).toMatch(created);
    // the fake clock's 750 ms backoff after the 502 takes no real time, but the Retry-After of 5 s would pass 3 s
    const late = await fail(retrying().send(create({ deadlineMs: 3000 }), contextFor((await site()).url)));
    expect(late).toMatchObject({ status: 429 });
    expect(late.attempts.map((a) => a.status)).toEqual([502, 429]);
    expect(maybeSentOf(late)).toBe(true);
    expect(late.hint).toMatch(created);
  });

  it("502, then the session refused on the second attempt: through createClient, the strategy refreshes but the write that may have landed is not re-sent", async () => {
    // The auth fault (102) refuses only the second attempt: the first, answered 502, may have created the row. Core
    // refreshes and re-sends a refused call; this one is refreshed (the next call gets the new token), not re-sent.
    const server = await serve((req, res, _raw, n) =>
      methodOf(req) !== "create" ? json(res, { results: [] }) : n === 1 ? text(res, "bad gateway", 502, "text/plain") : json(res, { exception: true, error_code: 102, message: "session expired" }),
    );
    let refreshes = 0;
    const explained: unknown[][] = [];
    const first: Credentials = { kind: "session", sessionToken: "tok-1" };
    const auth: AuthStrategy = {
      name: "session",
      credentials: () => Promise.resolve(first),
      onRejected: () => (refreshes++, Promise.resolve({ kind: "session", sessionToken: "tok-2" })),
      explain: (...args) => (explained.push(args), undefined),
    };
    const sg = createClient({ site: server.url, transport: retrying(), auth });
    const err = await fail(sg.call("create", { type: "Shot", data: { code: "sh010" } }));
    expect(err).toMatchObject({ name: "SgAuthError", errorCode: 102, method: "create" });
    expect(maybeSentOf(err)).toBe(true);
    expect(err.hint).toMatch(created);
    expect(refreshes).toBe(1);
    // the fresh token was not sent, so explain() is not told that it was refused
    expect(explained).toEqual([]);
    expect(server.requests.filter((r) => methodOf(r) === "create")).toHaveLength(2);
    // A read refused the same way is refreshed and re-sent once, as before.
    const reader = await serve((req, res, _raw, n) => (n === 1 ? json(res, { exception: true, error_code: 102, message: "session expired" }) : json(res, { results: { entities: [], paging_info: { entity_count: 0 } } })));
    await createClient({ site: reader.url, transport: retrying(), auth }).call("read", { type: "Shot" });
    expect(refreshes).toBe(2);
    expect(reader.requests).toHaveLength(2);
  });

  it("502, then the key refused on the second attempt: the strategy's explained error leaves as a copy with maybeSent: true (an own property), and nothing is re-sent", async () => {
    const server = await serve((_req, res, _raw, n) => (n === 1 ? text(res, "bad gateway", 502, "text/plain") : json(res, { exception: true, error_code: 102, message: "Can't authenticate script 'bot'" })));
    class ExplainedRefusal extends SgAuthError {}
    const seen: SgAuthError[] = [];
    const explained: SgAuthError[] = [];
    const auth: AuthStrategy = {
      name: "script",
      credentials: () => Promise.resolve(script),
      onRejected: (error) => {
        seen.push(error);
        explained.push(new ExplainedRefusal("the key is wrong", { code: "SG_SCRIPT_REJECTED", cause: error }));
        return Promise.reject(explained[0]);
      },
    };
    const err = await fail(createClient({ site: server.url, transport: retrying(), auth }).call("create", { type: "Shot", data: { code: "sh010" } }));
    expect(err).toBeInstanceOf(ExplainedRefusal);
    expect(err).toMatchObject({ code: "SG_SCRIPT_REJECTED", message: expect.stringContaining("the key is wrong") });
    expect(Object.getOwnPropertyDescriptor(err, "maybeSent")?.value).toBe(true);
    // onRejected's error is one for every call refused with that key (a read among them): a copy leaves, and the
    // strategy's object is left as it was; the refusal it explains (with the landed hint) is the cause.
    expect(err).not.toBe(explained[0]);
    expect(maybeSentOf(explained[0]!)).toBeUndefined();
    expect(err.cause).toBe(seen[0]);
    expect(seen[0]).toMatchObject({ method: "create", hint: expect.stringMatching(created) });
    expect(seen.map((e) => [e.errorCode, maybeSentOf(e)])).toEqual([[102, true]]);
    expect(server.requests).toHaveLength(2);
    // A strategy that gives up: its explain() is asked about the refusal and the credentials that carried it.
    const giveUp = await serve((_req, res, _raw, n) => (n === 1 ? text(res, "bad gateway", 502, "text/plain") : json(res, { exception: true, error_code: 102, message: "Can't authenticate script 'bot'" })));
    const asked: unknown[][] = [];
    const quiet: AuthStrategy = {
      name: "script",
      credentials: () => Promise.resolve(script),
      onRejected: () => Promise.resolve(undefined),
      explain: (error, rejected) => (asked.push([error.errorCode, maybeSentOf(error), rejected]), new ExplainedRefusal("explained", { code: "SG_SCRIPT_REJECTED" })),
    };
    const gaveUp = await fail(createClient({ site: giveUp.url, transport: retrying(), auth: quiet }).call("create", { type: "Shot", data: { code: "sh010" } }));
    expect(gaveUp).toBeInstanceOf(ExplainedRefusal);
    expect(maybeSentOf(gaveUp)).toBe(true);
    expect(asked).toEqual([[102, true, script]]);
    expect(giveUp.requests).toHaveLength(2);
  });

  it("502, then a fault on the second attempt (the site refused that attempt, not the first): the fault's class, maybeSent: true", async () => {
    const server = await serve((_req, res, _raw, n) =>
      n === 1 ? text(res, "bad gateway", 502, "text/plain") : json(res, { exception: true, error_code: 103, message: "code sh010 is already taken" }),
    );
    const err = await fail(retrying().send(create(), contextFor(server.url)));
    expect(err).toMatchObject({ name: "SgFault", code: "SG_FAULT", errorCode: 103, serverMessage: "code sh010 is already taken", method: "create" });
    expect(maybeSentOf(err)).toBe(true);
    expect(err.hint).toMatch(created);
    expect(err.attempts.map((a) => a.status)).toEqual([502, 200]);
  });
});
