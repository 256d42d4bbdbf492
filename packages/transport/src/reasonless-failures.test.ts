// A browser's fetch gives every failure — a refused connection, DNS, offline, a CORS refusal — as a bare
// `TypeError("Failed to fetch")`, with no code. Such a failure stays maybe sent (the safe side for a write), but its
// hint says that whether the request was sent is unknown, never that it was.
import { describe, expect, it } from "vitest";
import { SgNetworkError } from "@sg/core";
import type { Credentials } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import type { FetchFunction } from "./index.js";
import { contextFor, fail, fakeClock, freePort } from "./test-support/server.js";

const script: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "KEY-reasonless-1" });
// Node's fetch, its failures hidden as a browser hides them
const browserLike: FetchFunction = (input, init) =>
  fetch(input, init).catch(() => {
    throw new TypeError("Failed to fetch");
  });

describe("a failure fetch gives no reason for (a browser's 'Failed to fetch')", () => {
  it("stays maybeSent, with a hint that says it is unknown whether the request was sent, for a read and for a write", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const transport = jsonRpcTransport({ fetch: browserLike, retry: { maxAttempts: 1 } });
    const read = await fail(transport.send({ method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" }, contextFor(url, fakeClock())));
    const write = await fail(transport.send({ method: "create", payload: { type: "Shot" }, credentials: script, kind: "write" }, contextFor(url, fakeClock())));
    for (const err of [read, write]) {
      expect(err).toBeInstanceOf(SgNetworkError);
      expect(err).toMatchObject({ maybeSent: true, syscallCode: "ERR_NETWORK" });
      expect(err.hint).toMatch(/^Whether the request reached the site is unknown: fetch gave no reason \(in a browser also CORS, DNS, offline\)[.:]/);
      expect(err.hint).not.toMatch(/after the request was sent/);
    }
    expect(write.hint).toMatch(/\): the write may have been applied on the site\. Check \(e\.g\. find the entity\) before trying again\.$/);
    expect(read.hint).toMatch(/offline\)\.$/);
  });
});
