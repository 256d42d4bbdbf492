// The work one client's callers share — the schema_field_read behind date decoding, the download session token — goes
// with the client's defaults only: one caller's deadlineMs, timeoutMs or retry must not end it for the others (a web
// backend serving many artists with one client each, and many requests at once). Each caller's own deadline ends only
// its own wait. Over a node:http site on 127.0.0.1 that holds the shared request until the test lets it go.
import { afterEach, describe, expect, it } from "vitest";
import { SgTimeoutError } from "@sg/core";
import { entityApi, getSessionToken } from "./index.js";
import { startLoopbackSite, type LoopbackSite } from "./test-support/loopback.js";

const sites: LoopbackSite[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((s) => s.close()));
});

/** A request the site holds: `arrived` resolves when it came in, and `release(value)` answers it. */
function held<T>(): { arrived: Promise<void>; answer: () => Promise<T>; release: (value: T) => void } {
  let arrive!: () => void;
  let release!: (value: T) => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const answer = new Promise<T>((resolve) => (release = resolve));
  return {
    arrived,
    answer: () => {
      arrive();
      return answer;
    },
    release,
  };
}

/** The rejection of `promise`, or a failure if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("expected a rejection"),
    (error: unknown) => error,
  );
}

describe("shared work goes with the client's defaults, and a caller's deadline ends only its own wait", () => {
  it("schema_field_read: caller A's deadline passes while the read is slow; caller B, without one, gets its dates", async () => {
    const schema = held<unknown>();
    const site = await startLoopbackSite((method) => {
      if (method === "info") return { version: [8, 50, 0] };
      if (method === "read") return { entities: [{ type: "Shot", id: 1, created_at: "2026-01-05T09:00:00Z" }], paging_info: { entity_count: 1 } };
      if (method === "schema_field_read") return schema.answer();
      return null;
    });
    sites.push(site);
    const api = entityApi(site.client);
    const a = rejection(api.find("Shot", [], ["created_at"], { deadlineMs: 1000, timeoutMs: 900, retry: false }));
    await schema.arrived; // A asked for the field types first: the one read in flight is the one A started
    const b = api.find("Shot", [], ["created_at"]);
    const error = await a;
    schema.release({ created_at: { data_type: { value: "date_time" } } });
    expect((await b)[0]!["created_at"]).toEqual(new Date("2026-01-05T09:00:00Z"));
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect(error).toMatchObject({
      scope: "deadline",
      timeoutMs: 1000,
      method: "schema_field_read",
      message: "@sg/entities: reading the field types of Shot to decode its dates (schema_field_read) did not complete within its deadline of 1000 ms",
    });
    expect(site.methods.filter((m) => m === "schema_field_read")).toHaveLength(1);
  });

  it("get_session_token: caller A's timeoutMs, retry and deadline do not go with the shared request; B gets the token", async () => {
    const token = held<unknown>();
    const site = await startLoopbackSite((method) => (method === "get_session_token" ? token.answer() : null));
    sites.push(site);
    const a = rejection(getSessionToken(site.client, { deadlineMs: 1000, timeoutMs: 100, retry: false }));
    const b = getSessionToken(site.client);
    await token.arrived;
    const error = await a;
    token.release({ session_id: "sess-abcdef123456" });
    expect(await b).toBe("sess-abcdef123456");
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect(error).toMatchObject({ scope: "deadline", timeoutMs: 1000, method: "get_session_token", message: "@sg/entities: 'get_session_token' did not complete within its deadline of 1000 ms" });
    expect(site.methods.filter((m) => m === "get_session_token")).toHaveLength(1);
  });
});
