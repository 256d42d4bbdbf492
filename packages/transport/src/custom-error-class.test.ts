/**
 * An `SgError` of a class of its own, thrown by a custom `fetch` (an instrumented wrapper that refuses a token) on the
 * attempt after a write's 502: the write may have landed, and the error says so (`maybeSent: true`, the hint to check
 * the site) on a copy of it of the same class, with its fields, made without calling its class's constructor (which may
 * take other arguments). Real node:http servers on 127.0.0.1.
 */
import { describe, expect, it } from "vitest";
import { SgAuthError } from "@sg/core";
import type { Credentials } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { contextFor, fail, text, useTestServers } from "./test-support/server.js";

const serve = useTestServers();
const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const create = { method: "create", payload: { type: "Shot", data: { code: "sh010" } }, credentials: script, kind: "write" as const, retry: { retryWrites: true } };
const LANDED = /the write may have been applied on the site\. Check \(e\.g\. find the entity\) before trying again/;

/** A refusal that names the token refused: its constructor checks its first argument. */
class TokenRefused extends SgAuthError {
  readonly tokenId: number;
  constructor(tokenId: number) {
    if (typeof tokenId !== "number") throw new TypeError("TokenRefused: tokenId must be a number");
    super(`token #${tokenId} was refused`, { code: "ACME_TOKEN_REFUSED" });
    this.tokenId = tokenId;
  }
}

/** One that builds its message from its first argument, whatever it is. */
class TokenRefusedLoose extends SgAuthError {
  readonly tokenId: unknown;
  constructor(tokenId: unknown) {
    super(`token #${String(tokenId)} was refused`, { code: "ACME_TOKEN_REFUSED" });
    this.tokenId = tokenId;
  }
}

describe("a custom fetch's own SgError class after a write's 502", () => {
  it.each([
    ["TokenRefused", () => new TokenRefused(7)],
    ["TokenRefusedLoose", () => new TokenRefusedLoose(7)],
  ])("%s: the same class, message and fields, and that the write may have been applied", async (_name, refusal) => {
    const server = await serve((_req, res) => text(res, "bad gateway", 502, "text/plain"));
    let fetches = 0;
    const transport = jsonRpcTransport({ fetch: (input, init) => (fetches++ === 0 ? fetch(input, init) : Promise.reject(refusal())) });
    const error = await fail(transport.send(create, contextFor(server.url)));
    expect(error).toBeInstanceOf(refusal().constructor);
    expect(error).toMatchObject({ name: refusal().name, code: "ACME_TOKEN_REFUSED", tokenId: 7, maybeSent: true, reason: "token #7 was refused" });
    expect(error.message).toMatch(/^token #7 was refused\nHint: /);
    expect(error.hint).toMatch(LANDED);
    expect(error.attempts.map((a) => a.status ?? a.code)).toEqual([502, "ACME_TOKEN_REFUSED"]);
    expect(server.requests).toHaveLength(1);
  });
});
