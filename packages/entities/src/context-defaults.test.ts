/**
 * A context's `defaults` are checked when it is made, as `createClient` checks its own: a bad value used to be taken,
 * then refused by every call as if that call had passed it (path `timeoutMs`), or ignored when the call gave its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, SgValidationError, type DefaultCallOptions } from "@sg/core";
import { entityApi, entityContext, find } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site.close();
});

/** What `make` throws (or `undefined`). */
function thrownBy(make: () => unknown): unknown {
  try {
    make();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("entityApi / entityContext defaults", () => {
  it.each<[string, Record<string, unknown>]>([
    ["a zero timeoutMs", { timeoutMs: 0 }],
    ["a negative deadlineMs", { deadlineMs: -1 }],
    ["a signal that is no AbortSignal", { signal: {} }],
    ["an empty sessionUuid", { sessionUuid: "" }],
    ["a retry of zero attempts", { retry: { maxAttempts: 0 } }],
    ["a misspelt retry key", { retry: { retryStatus: [500] } }],
  ])("refuses %s when made, as createClient does, naming options.defaults", async (_name, defaults) => {
    const { client, sent } = site.freshClient();
    // What core says of the same defaults: the context says the same of its own, under `options`.
    const core = thrownBy(() => createClient({ site: site.emulator.url, transport: client.transport, defaults: defaults as DefaultCallOptions })) as SgValidationError;
    expect(core).toBeInstanceOf(SgValidationError);
    expect(core.path[0]).toBe("defaults");
    for (const make of [() => entityApi(client, { defaults: defaults as never }), () => entityContext(client, { defaults: defaults as never })]) {
      const thrown = thrownBy(make);
      expect(thrown).toBeInstanceOf(SgValidationError);
      expect(thrown).toMatchObject({ path: ["options", ...core.path], expected: core.expected, received: core.received });
      expect((thrown as Error).message).toMatch(/^@sg\/entities: options\.defaults\./);
    }
    expect(sent).toEqual([]);
  });

  it("still applies a valid default to every call, under the call's own value", async () => {
    const { client, sent } = site.freshClient();
    const sg = entityContext(client, { defaults: { timeoutMs: 7_000, retry: { maxAttempts: 1 } } });
    await find(sg, "Shot", [], ["code"], { limit: 1 });
    await find(sg, "Shot", [], ["code"], { limit: 1, timeoutMs: 9_000 });
    const reads = sent.filter((r) => r.method === "read");
    expect(reads.map((r) => [r.timeoutMs, r.retry])).toEqual([
      [7_000, { maxAttempts: 1 }],
      [9_000, { maxAttempts: 1 }],
    ]);
  });
});
