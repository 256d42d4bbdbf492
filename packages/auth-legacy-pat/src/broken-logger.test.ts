import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "@sg/core";
import type { Logger } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { legacyLoginAuth } from "./index.js";
import { READ_SHOTS, count, passwordOf } from "./test-support/demo-site.js";
import type { Emulator } from "./test-support/demo-site.js";

describe("legacyLoginAuth with a logger that throws", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ authMode: "default", fixtures: "demo" });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("logs in once and every call succeeds when info() throws on 'logged in as' (a failing log file)", async () => {
    const written: string[] = [];
    const logger: Logger = {
      debug: () => undefined,
      warn: () => undefined,
      error: () => undefined,
      info: (message) => {
        written.push(message);
        if (message.includes("logged in as")) throw new Error("EIO: write to log file failed");
      },
    };
    const sg = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: legacyLoginAuth({ login: "coord", password: passwordOf(emulator, "coord") }), logger });
    for (let i = 0; i < 3; i += 1) await expect(sg.call("read", READ_SHOTS)).resolves.toHaveProperty("entities");
    await sg.close();
    expect(written.filter((line) => line.includes("logged in as"))).toHaveLength(1);
    expect(count(emulator, "get_session_token")).toBe(1);
    expect(count(emulator, "read")).toBe(3);
  });
});
