import { describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { SgNetworkError } from "./errors.js";

const KEY = "Zq9v8XkLmN2pQrSt";

describe("a cause's code and syscallCode are scrubbed of the error's secrets", () => {
  it("toJSON() and the kept cause show no secret in a code, at any level; a system code stays", () => {
    const error = new SgNetworkError("boom", {
      maybeSent: true,
      secrets: [KEY],
      syscallCode: `E_AUTH:${KEY}`,
      cause: Object.assign(new Error("outer"), { code: KEY, cause: Object.assign(new Error("inner"), { code: `X${KEY}`, cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }) }) }),
    });
    expect(JSON.stringify(error.toJSON())).not.toContain(KEY);
    expect(error.syscallCode).toBe("E_AUTH:[REDACTED]");
    expect(error.toJSON()).toMatchObject({ cause: { code: "[REDACTED]", cause: { code: "X[REDACTED]", cause: { code: "ECONNRESET" } } } });
    expect((error.cause as { code?: unknown }).code).toBe("[REDACTED]");
  });

  it("a transport's error whose code echoes the script key: syscallCode and toJSON() keep it out", async () => {
    const sg = createClient({
      site: "https://studio.example.com",
      transport: { name: "custom", send: async () => Promise.reject(Object.assign(new Error("fetch failed"), { cause: Object.assign(new Error("x"), { code: `E_AUTH:${KEY}` }) })) },
      auth: { name: "fixed", credentials: async () => ({ kind: "script", scriptName: "bot", scriptKey: KEY }) },
    });
    const error = (await sg.call("read", { entity_type: "Shot" }).catch((e: unknown) => e)) as SgNetworkError;
    expect(error).toBeInstanceOf(SgNetworkError);
    expect(error.syscallCode).toBe("E_AUTH:[REDACTED]");
    expect(JSON.stringify(error.toJSON())).not.toContain(KEY);
    // Node's own codes are kept as they are.
    const node = createClient({
      site: "https://studio.example.com",
      transport: { name: "custom", send: async () => Promise.reject(Object.assign(new Error("fetch failed"), { cause: Object.assign(new Error("x"), { code: "ERR_SSL_WRONG_VERSION_NUMBER" }) })) },
      auth: { name: "fixed", credentials: async () => ({ kind: "script", scriptName: "bot", scriptKey: KEY }) },
    });
    expect(await node.call("read", {}).catch((e: unknown) => e)).toMatchObject({ syscallCode: "ERR_SSL_WRONG_VERSION_NUMBER" });
  });
});
