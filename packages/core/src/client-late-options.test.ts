// call() and http() take the caller's options as they are when called: an app that reuses one options object and
// changes it right after the call (while the call waits for credentials) changes neither how that call is retried,
// nor its kind or session, nor which signal ends it. Over a node:http site on 127.0.0.1; the strategy's login (a
// `read` the site holds) keeps the call waiting for credentials while the options are changed.
import { describe, expect, it } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import { SgAbortError } from "./errors.js";
import { fetchTransport, loopbackSites } from "./test-support/loopback-site.js";
import type { HttpRequest, RpcRequest } from "./transport-strategy.js";

const site = loopbackSites();

/** A strategy that logs in once through the client (a `read` the site holds until answered). */
const loggingIn: AuthStrategy = {
  name: "login",
  credentials: async (ctx) => {
    await ctx.call("read", { type: "HumanUser" }, undefined);
    return { kind: "session", sessionToken: "tok-1" };
  },
};

/** The loopback transport, recording every request as it is handed over. */
function recording(): { transport: ReturnType<typeof fetchTransport>; sent: (RpcRequest | HttpRequest)[] } {
  const transport = fetchTransport();
  const sent: (RpcRequest | HttpRequest)[] = [];
  const send = transport.send.bind(transport);
  const http = transport.http!.bind(transport);
  transport.send = (request, context) => (sent.push(structuredClone({ ...request, signal: undefined, hadSignal: request.signal !== undefined })), send(request, context));
  transport.http = (request, context) => (sent.push(structuredClone({ ...request, signal: undefined, hadSignal: request.signal !== undefined })), http(request, context));
  return { transport, sent };
}

type Mutable = { signal?: AbortSignal; retry: { maxAttempts: number; retryWrites?: boolean; retryStatuses: number[] }; kind?: "read" | "write"; sessionUuid?: string };

/** Change every option of `options` in place, as an app reusing the object would. */
function change(options: Mutable): void {
  options.retry.maxAttempts = 4;
  options.retry.retryWrites = true;
  options.retry.retryStatuses.push(503);
  options.kind = "read";
  options.sessionUuid = "late";
  delete options.signal;
}

describe("options changed after the call", () => {
  it("call(): the create goes with the options as they were, and the caller's signal still ends it", async () => {
    const s = await site();
    const { transport, sent } = recording();
    const sg = createClient({ site: s.url, transport, auth: loggingIn });
    const stop = new AbortController();
    const options: Mutable = { signal: stop.signal, retry: { maxAttempts: 1, retryStatuses: [500] } };
    const call = sg.call("create", { type: "Shot", data: {} }, options).catch((e: unknown) => e);
    change(options);
    (await s.arrived(1)).answer([]);
    await s.arrived(2);
    const create = sent.find((r) => r.method === "create") as RpcRequest & { hadSignal?: unknown };
    expect(create).toMatchObject({ kind: "write", retry: { maxAttempts: 1, retryStatuses: [500] } });
    expect(create.retry).not.toHaveProperty("retryWrites");
    expect(create.credentials).not.toHaveProperty("sessionUuid");
    expect(create.hadSignal).toBe(true);
    stop.abort();
    expect(await call).toBeInstanceOf(SgAbortError);
  });

  it("http(): the exchange goes with the options as they were, and the caller's signal still ends it", async () => {
    const s = await site();
    const { transport, sent } = recording();
    const sg = createClient({ site: s.url, transport, auth: loggingIn });
    const stop = new AbortController();
    const request: Mutable & { method: "GET"; target: string } = { method: "GET", target: "/file/1", signal: stop.signal, retry: { maxAttempts: 1, retryStatuses: [500] }, kind: "write" };
    const exchange = sg.http(request).catch((e: unknown) => e);
    change(request);
    (await s.arrived(1)).answer([]);
    await s.arrived(2);
    const get = sent.find((r) => r.method === "GET") as HttpRequest & { hadSignal?: unknown };
    expect(get).toMatchObject({ kind: "write", retry: { maxAttempts: 1, retryStatuses: [500] }, hadSignal: true });
    expect(get.retry).not.toHaveProperty("retryWrites");
    expect(get.credentials).not.toHaveProperty("sessionUuid");
    stop.abort();
    expect(await exchange).toBeInstanceOf(SgAbortError);
  });
});

describe("what the client keeps or is handed cannot be changed from outside", () => {
  it("client.defaults is frozen through, its retry and retryStatuses too: a create goes with the defaults as given", async () => {
    const s = await site();
    const { transport, sent } = recording();
    const sg = createClient({ site: s.url, transport, auth: loggingIn, defaults: { retry: { maxAttempts: 1, retryStatuses: [502] } } });
    // What a plugin handed the client would do to "tune" it in place.
    const retry = sg.defaults!.retry as Mutable["retry"];
    expect(() => (retry.maxAttempts = 4)).toThrow(TypeError);
    expect(() => (retry.retryWrites = true)).toThrow(TypeError);
    expect(() => retry.retryStatuses.push(503)).toThrow(TypeError);
    const call = sg.call("create", { type: "Shot", data: {} });
    (await s.arrived(1)).answer([]);
    (await s.arrived(2)).answer({ type: "Shot", id: 1 });
    await call;
    const create = sent.find((r) => r.method === "create")!;
    expect(create.retry).toStrictEqual({ maxAttempts: 1, retryStatuses: [502] });
  });

  it("http(): the form and headers go as they were when called, though the app reuses its objects for the next upload", async () => {
    const s = await site();
    const { transport, sent } = recording();
    const sg = createClient({ site: s.url, transport, auth: loggingIn });
    const form = { entity_type: "Shot", entity_id: "1" };
    const headers = { "x-entity": "Shot#1" };
    const upload = sg.http({ method: "POST", target: "/upload/upload_file", form, headers });
    form.entity_id = "2";
    headers["x-entity"] = "Shot#2";
    (await s.arrived(1)).answer([]);
    (await s.arrived(2)).answer(1);
    expect((await upload).status).toBe(200);
    expect(sent.find((r) => r.method === "POST")).toMatchObject({ form: { entity_type: "Shot", entity_id: "1" }, headers: { "x-entity": "Shot#1" } });
  });
});
