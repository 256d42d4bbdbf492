// createClient keeps a copy of its `defaults`: an app that reuses one options object and fills it in per request
// (one client per artist in a web backend) must not change the calls of the clients it made before. What each call
// carried is read from the requests the site received, over real sockets on 127.0.0.1.
import { describe, expect, it } from "vitest";
import { SgHttpError, createClient } from "@sg/core";
import type { AuthStrategy, Credentials, DefaultCallOptions } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { fail, json, text, useTestServers } from "./test-support/server.js";
import type { Recorded } from "./test-support/server.js";

const script: Credentials = Object.freeze({ kind: "script", scriptName: "portal", scriptKey: "KEY-marker-789" });
const staticAuth: AuthStrategy = { name: "static", credentials: async () => script };
const serve = useTestServers();
const methodOf = (req: Recorded): string => (req.json as { method_name: string }).method_name;
const authOf = (req: Recorded): Record<string, unknown> => (req.json as { params: Record<string, unknown>[] }).params[0]!;

describe("createClient's defaults, changed after the client was made", () => {
  it("change nothing the client sends: its session UUID and signal stay the ones it was given", async () => {
    const server = await serve((_req, res) => json(res, { results: { type: "Shot", id: 1 } }));
    const transport = jsonRpcTransport();
    const base: { site: string; transport: typeof transport; defaults: { -readonly [K in keyof DefaultCallOptions]: DefaultCallOptions[K] } } = { site: server.url, transport, defaults: {} };
    base.defaults.sessionUuid = "uuid-of-ann";
    base.defaults.signal = new AbortController().signal;
    const ann = createClient({ ...base, auth: staticAuth });
    const bobsRequest = new AbortController();
    base.defaults.sessionUuid = "uuid-of-bob";
    base.defaults.signal = bobsRequest.signal;
    const bob = createClient({ ...base, auth: staticAuth });
    bobsRequest.abort();

    await ann.call("update", { type: "Shot", id: 1, fields: [] });
    await ann.call("read", { type: "Shot" });
    expect(server.requests.map((r) => [methodOf(r), authOf(r)["session_uuid"]])).toEqual([
      ["update", "uuid-of-ann"],
      ["read", "uuid-of-ann"],
    ]);
    await ann.close();
    await bob.close();
  });

  it("a default kind 'read' set afterwards is not used: a create answered 502 goes out once", async () => {
    const server = await serve((req, res) => (methodOf(req) === "create" ? text(res, "<html>bad gateway</html>", 502, "text/html") : json(res, { results: [] })));
    const defaults: { kind?: string } = {};
    const sg = createClient({ site: server.url, transport: jsonRpcTransport({ retry: { baseDelayMs: 0 } }), auth: staticAuth, defaults: defaults as DefaultCallOptions });
    defaults.kind = "read"; // refused by createClient, as it would let a create be retried after it may have landed
    const error = await fail(sg.call("create", { type: "Shot", data: { code: "sh010" } }));
    expect(error).toBeInstanceOf(SgHttpError);
    expect(server.requests.map(methodOf)).toEqual(["create"]);
    await sg.close();
  });

  it("a default retry changed afterwards is not used: a read answered 502 keeps the one attempt it was given", async () => {
    const server = await serve((_req, res) => text(res, "<html>bad gateway</html>", 502, "text/html"));
    const retry: { maxAttempts: number; retryStatuses: number[] } = { maxAttempts: 1, retryStatuses: [] };
    const sg = createClient({ site: server.url, transport: jsonRpcTransport({ retry: { baseDelayMs: 0 } }), auth: staticAuth, defaults: { retry } });
    retry.maxAttempts = 3;
    const error = await fail(sg.call("read", { type: "Shot" }));
    expect(error).toBeInstanceOf(SgHttpError);
    expect(server.requests.map(methodOf)).toEqual(["read"]);
    await sg.close();
  });
});
