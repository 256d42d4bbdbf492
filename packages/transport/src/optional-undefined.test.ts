/**
 * `undefined` for an optional option is the same as leaving it out. This file is also type-checked with
 * `exactOptionalPropertyTypes: true` (`tsconfig.exact-optional.json`, part of `typecheck`): under that setting an
 * optional property takes `undefined` only when its type says `| undefined`. Each `Unset<T>` literal names every
 * optional key of `T` (a key added later without `| undefined` fails here). The runtime part checks, over real
 * sockets, that the transport sends and retries exactly as it does without them — for its own options, for the
 * request fields core hands it and for the optional fields of credentials.
 */
import { describe, expect, it } from "vitest";
import type { Credentials, HttpRequest, RpcRequest } from "@sg/core";
import {
  DEFAULT_RETRY_BUDGET,
  classify,
  createRetryBudget,
  jsonRpcCallTransport,
  jsonRpcTransport,
  DEFAULT_RETRY_POLICY,
  type AttemptOutcome,
  type JsonRpcCallTransportOptions,
  type JsonRpcTransportOptions,
  type RetryBudgetOptions,
  type RetryOptions,
} from "./index.js";
import { contextFor, fakeClock, json, useTestServers, type Recorded } from "./test-support/server.js";

/** The optional keys of `T`. */
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
/** Every optional key of `T`, each set to `undefined`: a literal of this type must name them all. */
type Unset<T> = { readonly [K in OptionalKeys<T>]: undefined };

const budget = { capacity: undefined, retryCost: undefined, timeoutRetryCost: undefined, successRefill: undefined } satisfies Unset<RetryBudgetOptions>;
const retry = {
  maxAttempts: undefined, baseDelayMs: undefined, maxDelayMs: undefined, jitter: undefined, maxRetryAfterMs: undefined, retryWrites: undefined,
  budget: undefined, onRetry: undefined, random: undefined,
} satisfies Unset<RetryOptions>;
const callOnly = { userAgent: undefined, localized: undefined, timeoutMs: undefined, deadlineMs: undefined, retry: undefined, fetch: undefined, dispatcher: undefined, maxResponseBytes: undefined } satisfies Unset<JsonRpcCallTransportOptions>;
const all = { ...callOnly, transferTimeoutMs: undefined, transferDeadlineMs: undefined, maxRedirects: undefined } satisfies Unset<JsonRpcTransportOptions>;

// The annotations are the assertions: each fails to compile under exactOptionalPropertyTypes without `| undefined`.
const budgetOptions: RetryBudgetOptions = budget;
const retryOptions: RetryOptions = { ...retry, budget };
const callOptions: JsonRpcCallTransportOptions = { ...callOnly, retry: retryOptions };
const options: JsonRpcTransportOptions = { ...all, retry: retryOptions };
const outcome: AttemptOutcome = { type: "maybe-sent", code: "ECONNRESET", timeout: undefined };

const serve = useTestServers();
const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const unsetCredentials: Credentials = { ...script, sudoAsLogin: undefined, sessionUuid: undefined, extra: undefined };
const unsetRequest = { signal: undefined, timeoutMs: undefined, deadlineMs: undefined, retry: undefined } as const;
/** What the site saw of a request, without what differs between two connections. */
const seen = (r: Recorded): unknown => ({ method: r.method, url: r.url, body: r.body.toString("utf8"), headers: { ...r.headers, connection: undefined } });

describe("undefined options are the same as absent ones", () => {
  it("the factories' options, the request fields and the credentials' fields: the same bytes on the wire", async () => {
    const server = await serve((_req, res) => json(res, { results: { ok: true } }));
    const context = contextFor(server.url);
    const plain: RpcRequest = { method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" };
    const unset: RpcRequest = { ...plain, credentials: unsetCredentials, ...unsetRequest };
    expect(await jsonRpcTransport(options).send(unset, context)).toEqual(await jsonRpcTransport().send(plain, context));
    expect(await jsonRpcCallTransport(callOptions).send(unset, context)).toEqual(await jsonRpcCallTransport().send(plain, context));
    const user: Credentials = { kind: "user", login: "ann", password: "pass-marker-1" };
    const session: Credentials = { kind: "session", sessionToken: "token-marker-1" };
    await jsonRpcTransport().send({ ...plain, credentials: user }, context);
    await jsonRpcTransport().send({ ...plain, credentials: { ...user, authToken: undefined } }, context);
    await jsonRpcTransport().send({ ...plain, credentials: session }, context);
    await jsonRpcTransport().send({ ...plain, credentials: { ...session, rejectIfExpired: undefined } }, context);
    const [a, b, c, d, e, f, g, h] = server.requests.map(seen);
    expect(a).toEqual(b);
    expect(c).toEqual(d);
    expect(e).toEqual(f);
    expect(g).toEqual(h);
    expect((server.requests[0]!.json as { params: unknown[] }).params[0]).toEqual({ script_name: "bot", script_key: "KEY-marker-123" });
  });

  it("http(): undefined request fields send the same exchange", async () => {
    const server = await serve((_req, res) => json(res, { ok: true }));
    const context = contextFor(server.url);
    const http = jsonRpcTransport(options).http!;
    const plain: HttpRequest = { method: "POST", target: "/upload/upload_file", form: { a: "b" }, credentials: script, kind: "write" };
    const unset: HttpRequest = { ...plain, body: undefined, headers: undefined, credentials: unsetCredentials, ...unsetRequest, responseBody: undefined, maxBytes: undefined };
    const answers = [await jsonRpcTransport().http!(plain, context), await http(unset, context)];
    expect(answers[1]!.status).toBe(answers[0]!.status);
    const get: HttpRequest = { method: "GET", target: "/thumbnail/1", kind: "read" };
    await jsonRpcTransport().http!(get, context);
    await http({ ...get, form: undefined, body: undefined, headers: undefined, credentials: undefined, ...unsetRequest, responseBody: undefined, maxBytes: undefined }, context);
    const [a, b, c, d] = server.requests.map(seen);
    // A multipart boundary would differ; a url-encoded form does not.
    expect(a).toEqual(b);
    expect(c).toEqual(d);
  });

  it("retry options of undefined retry as the defaults do", async () => {
    const run = async (transportOptions: JsonRpcTransportOptions | undefined, retryOverride: RpcRequest["retry"]): Promise<number[]> => {
      const server = await serve((req, res, _raw, n) => (n < 3 ? json(res, {}, 502) : json(res, { results: [] })));
      const clock = fakeClock();
      await jsonRpcTransport(transportOptions).send({ method: "read", payload: {}, credentials: script, kind: "read", retry: retryOverride }, contextFor(server.url, clock));
      return [server.requests.length, ...clock.sleeps];
    };
    const defaults = await run(undefined, undefined);
    expect(defaults).toEqual([3, 750, 1500]);
    expect(await run(options, { maxAttempts: undefined, retryWrites: undefined, retryStatuses: undefined })).toEqual(defaults);
  });

  it("createRetryBudget: an option of undefined takes its default", () => {
    const given = createRetryBudget(budgetOptions);
    const omitted = createRetryBudget();
    expect(given.available()).toBe(DEFAULT_RETRY_BUDGET.capacity);
    for (const expensive of [false, true, false]) expect(given.acquire(expensive)).toBe(omitted.acquire(expensive));
    given.recordSuccess(0);
    omitted.recordSuccess(0);
    expect(given.available()).toBe(omitted.available());
    expect(createRetryBudget({ ...budget, capacity: 7 }).available()).toBe(7);
  });

  it("classify: a maybe-sent outcome with timeout undefined is one without it", () => {
    const { timeout: _timeout, ...without } = outcome as AttemptOutcome & { timeout?: boolean };
    expect(classify(outcome, "read", 1, DEFAULT_RETRY_POLICY, () => 0)).toEqual(classify(without as AttemptOutcome, "read", 1, DEFAULT_RETRY_POLICY, () => 0));
  });
});
