import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { legacyLoginAuth } from "./index.js";
import { READ_SHOTS, passwordOf } from "./test-support/demo-site.js";
import type { Emulator } from "./test-support/demo-site.js";

// `defaults: { kind: "write" }` is for the app's calls: the strategy's login (get_session_token, a read) is not one.
describe("a client with defaults: { kind: 'write' }", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ authMode: "default", fixtures: "demo" });
  });
  afterAll(() => emulator.close());

  it("sends the login as a read: retried after a 502, not reported as a write that may have been applied", async () => {
    const sg = createClient({
      site: emulator.url,
      transport: jsonRpcTransport({ retry: { baseDelayMs: 1 } }),
      auth: legacyLoginAuth({ login: "coord", password: passwordOf(emulator, "coord") }),
      defaults: { kind: "write" },
    });
    emulator.injectFault({ method: "get_session_token", status: 502 });
    try {
      const found = (await sg.call("read", READ_SHOTS)) as { entities: unknown[] };
      expect(found.entities.length).toBeGreaterThan(0);
      expect(emulator.requests().map((r) => `${r.method_name}:${r.status}`)).toEqual(["get_session_token:502", "get_session_token:200", "read:200"]);
    } finally {
      await sg.close();
    }
  });
});
