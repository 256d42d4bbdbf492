/**
 * `client.info()` freezes what it hands out, but not the transport's own object: a custom transport that answers
 * `info` from a constant (a fixture, a cached answer) keeps it as it was, and an answer holding binary data (which
 * cannot be frozen) is handed out, frozen around it, rather than failing.
 */
import { describe, expect, it } from "vitest";
import { createClient } from "./client.js";
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

  it("hands out an answer holding a typed array, a copy of it", async () => {
    const blob = new Uint8Array([1, 2]);
    const client = createClient({ site: SITE, transport: answering({ version: [8, 0, 0], blob }) });
    const info = await client.info();
    expect(Object.isFrozen(info)).toBe(true);
    expect(info["blob"]).toEqual(new Uint8Array([1, 2]));
    expect(info["blob"]).not.toBe(blob);
    await client.close();
  });
});
