import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejectionOf } from "@sg/testing";
import { createClient } from "@sg/core";
import type { Logger } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { ScriptErrorCode, SgScriptAuthError, scriptAuth } from "./index.js";

const READ_ONE_SHOT = { type: "Shot", filters: { logical_operator: "and", conditions: [] }, return_fields: ["id"], paging: { entities_per_page: 1, current_page: 1 }, return_only: "active" };

describe("scriptAuth with a logger that throws", () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  beforeAll(async () => {
    emulator = await startEmulator({ fixtures: "demo" });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("still explains a refused key with SgScriptAuthError (the logger's error goes nowhere)", async () => {
    const written: string[] = [];
    const broken = (message: string): void => {
      written.push(message);
      throw new Error("logger broke");
    };
    const logger: Logger = { debug: broken, info: broken, warn: broken, error: broken };
    const { name } = emulator.card.scripts[0]!;
    const sg = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: name, scriptKey: "0".repeat(64) }), logger });
    const error = await rejectionOf(sg.call("read", READ_ONE_SHOT));
    await sg.close();
    expect(error).toBeInstanceOf(SgScriptAuthError);
    expect((error as SgScriptAuthError).code).toBe(ScriptErrorCode.REJECTED);
    // The strategy did write its line about the refusal: the logger threw there, and nothing came of it.
    expect(written.some((line) => line.startsWith("@sg/auth-script: the site refused the script's credentials"))).toBe(true);
    expect(emulator.requests().filter((r) => r.method_name === "read")).toHaveLength(1);
  });
});
