// HTTP 413 (Payload Too Large): a gateway's or the site's body limit refused the request before processing it, as a
// batch of 2,000 creates can hit. Nothing was applied, the same request would be refused again, so it is never retried
// and the hint says to send smaller requests; a write's error does not say maybeSent (as a 429's does not), unless an
// earlier attempt may have landed. Real node:http servers on 127.0.0.1.
import { describe, expect, it } from "vitest";
import { SgHttpError } from "@sg/core";
import type { Credentials, SgError } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { contextFor, fail, fakeClock, text, useTestServers } from "./test-support/server.js";

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const serve = useTestServers();
const requests = Array.from({ length: 2000 }, (_, i) => ({ request_type: "create", entity_type: "Version", data: { code: `v${i}`, project: { type: "Project", id: 1 } } }));
const batch = (extra: object = {}) => ({ method: "batch", payload: { requests }, credentials: script, kind: "write" as const, ...extra });
const read = { method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const };
const NGINX_413 = "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
const TOO_LARGE = /^The site or a proxy in front of it refused the request as too large \(HTTP 413\): nothing was applied\. Send smaller requests: fewer requests per batch, fewer or shorter values, or a smaller upload\.$/;
const LANDED = /the write may have been applied on the site\. Check \(e\.g\. find the entity\) before trying again/;

describe("HTTP 413 Payload Too Large", () => {
  it("a batch write: SgHttpError 413, sent once (never retried, even with retryWrites), a hint to send less, no maybeSent", async () => {
    const server = await serve((_req, res) => text(res, NGINX_413, 413, "text/html"));
    const clock = fakeClock();
    const err = await fail(jsonRpcTransport({ retry: { retryWrites: true } }).send(batch(), contextFor(server.url, clock)));
    expect(err).toBeInstanceOf(SgHttpError);
    expect(err).toMatchObject({ status: 413, method: "batch", code: "SG_HTTP" });
    expect(err.hint).toMatch(TOO_LARGE);
    expect(err.message).toContain(`Hint: ${err.hint}`);
    expect(Object.hasOwn(err, "maybeSent")).toBe(false);
    expect(err.toJSON()).not.toHaveProperty("maybeSent");
    expect(err.attempts.map((a) => a.status)).toEqual([413]);
    expect(clock.sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("a read gets the same hint, and is not retried either", async () => {
    const server = await serve((_req, res) => text(res, "Request Entity Too Large", 413, "text/plain"));
    const err = await fail(jsonRpcTransport().send(read, contextFor(server.url)));
    expect(err).toMatchObject({ name: "SgHttpError", status: 413 });
    expect(err.hint).toMatch(TOO_LARGE);
    expect(server.requests).toHaveLength(1);
  });

  it("a write answered 502 (retried with retryWrites), then 413: the 502 may have landed, so it says maybeSent and not 'nothing was applied'", async () => {
    const server = await serve((_req, res, _raw, n) => (n === 1 ? text(res, "bad gateway", 502, "text/plain") : text(res, NGINX_413, 413, "text/html")));
    const err: SgError = await fail(jsonRpcTransport({ retry: { retryWrites: true } }).send(batch(), contextFor(server.url)));
    expect(err).toMatchObject({ name: "SgHttpError", status: 413, maybeSent: true });
    expect(err.hint).toMatch(LANDED);
    expect(err.attempts.map((a) => a.status)).toEqual([502, 413]);
  });
});
