/**
 * `client.info()` freezes what it hands out, but not the transport's own object: a custom transport that answers
 * `info` from a constant (a fixture, a cached answer) keeps it as it was. What it hands out is a copy as JSON data,
 * as `info` comes from the wire: an answer holding a method, a getter or binary data is handed out as plain data
 * rather than failing, and one that is not JSON data (a cycle, a BigInt) is refused with an `SgError`.
 */
import { describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { SgValidationError } from "./errors.js";
import type { TransportStrategy } from "./transport-strategy.js";

const SITE = "https://studio.example.com";
const answering = (value: unknown): TransportStrategy => ({ name: "fixture", send: async () => value as never });

describe("client.info() with a transport's own object", () => {
  it("freezes a copy: the transport's constant stays unfrozen and unchanged", async () => {
    const INFO = { version: [8, 0, 0], s3_uploads_enabled: true, nested: { list: [{ a: 1 }] } };
    const client = createClient({ site: SITE, transport: answering(INFO) });
    const info = await client.info();
    expect(info).toEqual(INFO);
    expect(info).not.toBe(INFO);
    expect([Object.isFrozen(INFO), Object.isFrozen(INFO.version), Object.isFrozen(INFO.nested.list[0])]).toEqual([false, false, false]);
    expect([Object.isFrozen(info), Object.isFrozen(info.version), Object.isFrozen((info["nested"] as typeof INFO.nested).list[0])]).toEqual([true, true, true]);
    INFO.version[0] = 9;
    expect(info.version).toEqual([8, 0, 0]);
    await client.close();
  });

  it("hands out an answer holding a typed array as JSON data, frozen through", async () => {
    const blob = new Uint8Array([1, 2]);
    const client = createClient({ site: SITE, transport: answering({ version: [8, 0, 0], blob }) });
    const info = await client.info();
    expect(Object.isFrozen(info)).toBe(true);
    expect(info["blob"]).toEqual({ 0: 1, 1: 2 });
    expect(Object.isFrozen(info["blob"])).toBe(true);
    await client.close();
  });

  it("hands out an answer holding a method, or an instance with getters, as plain data (it used to reject with a DataCloneError)", async () => {
    const withMethod = { version: [8, 50, 0], s3_uploads_enabled: true, toString: () => "site 8.50" };
    class Answer {
      version = [8, 50, 0];
      get major(): number {
        return this.version[0]!;
      }
    }
    for (const answer of [withMethod, new Answer()]) {
      const client = createClient({ site: SITE, transport: answering(answer) });
      const info = await client.info();
      expect(Object.getPrototypeOf(info)).toBe(Object.prototype);
      expect(info).toEqual(answer instanceof Answer ? { version: [8, 50, 0] } : { version: [8, 50, 0], s3_uploads_enabled: true });
      expect(Object.isFrozen(info)).toBe(true);
      expect(Object.isFrozen(answer)).toBe(false);
      await client.close();
    }
  });

  it("refuses an answer that is not JSON data (a cycle, a BigInt, no value) with SgValidationError naming the transport", async () => {
    const loop: Record<string, unknown> = { version: [8, 50, 0] };
    loop["self"] = loop;
    for (const answer of [loop, { version: [8, 50, 0], big: 1n }, undefined]) {
      const client = createClient({ site: SITE, transport: answering(answer) });
      const error = await client.info().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgValidationError);
      expect(error).toMatchObject({ path: ["transport"], expected: "an answer to info that is JSON data (no cycle, no BigInt)", site: "https://studio.example.com" });
      await client.close();
    }
  });
});
