import { afterEach, describe, expect, it } from "vitest";
import { SgAuthError, SgFault, SgHttpError, SgIdentitySiteError, SgProtocolError, SgSsoSiteError, SgTwoFactorRequiredError } from "@sg/core";
import type { Credentials } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { contextFor, fakeClock, json, startServer, text } from "./test-support/server.js";
import type { TestServer } from "./test-support/server.js";

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("send: envelope and response", () => {
  it("posts the envelope and unwraps results", async () => {
    server = await startServer((_req, res) => json(res, { results: [{ type: "Shot", id: 1 }] }));
    const t = jsonRpcTransport();
    const out = await t.send({ method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" }, contextFor(server.url));
    expect(out).toEqual([{ type: "Shot", id: 1 }]);
    const req = server.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/api3/json");
    expect(req.json).toEqual({ method_name: "read", params: [{ script_name: "bot", script_key: "KEY-marker-123" }, { type: "Shot" }] });
  });

  it.each([
    [102, SgAuthError],
    [106, SgTwoFactorRequiredError],
    [108, SgSsoSiteError],
    [110, SgIdentitySiteError],
    [104, SgFault],
  ])("maps fault %i", async (code, cls) => {
    server = await startServer((_req, res) => json(res, { exception: true, error_code: code, message: `boom ${code}` }));
    const err = await jsonRpcTransport()
      .send({ method: "read", payload: { a: 1 }, credentials: script, kind: "read" }, contextFor(server.url))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(cls);
    expect((err as SgFault).errorCode).toBe(code);
    expect(server.requests).toHaveLength(1);
  });

  it("retries 502 with 750 then 1500 ms and gives up after 3 attempts", async () => {
    server = await startServer((_req, res) => text(res, "<html><body><h1>502 Bad Gateway</h1></body></html>", 502, "text/html"));
    const clock = fakeClock();
    const err = await jsonRpcTransport()
      .send({ method: "create", payload: { a: 1 }, credentials: script, kind: "write" }, contextFor(server.url, clock))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SgHttpError);
    expect((err as SgHttpError).status).toBe(502);
    expect((err as SgHttpError).bodySnippet).toContain("502 Bad Gateway");
    expect((err as SgHttpError).attempts.map((a) => [a.attempt, a.status, a.delayMs])).toEqual([
      [1, 502, 750],
      [2, 502, 1500],
      [3, 502, undefined],
    ]);
    expect(clock.sleeps).toEqual([750, 1500]);
    expect(server.requests).toHaveLength(3);
  });

  it("an HTML 200 page is a protocol error", async () => {
    server = await startServer((_req, res) => text(res, "<html>login</html>", 200, "text/html; charset=utf-8"));
    const err = await jsonRpcTransport()
      .send({ method: "read", credentials: script, kind: "read" }, contextFor(server.url))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SgProtocolError);
  });
});
