import { describe, expect, it } from "vitest";
import { SgFault, createClient } from "@sg/core";
import type { AuthStrategy, Credentials } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { fail, json, useTestServers } from "./test-support/server.js";

const serve = useTestServers();
const KEY = "SCRIPTKEY-long9";
const script: AuthStrategy = { name: "test script", credentials: async (): Promise<Credentials> => Object.freeze({ kind: "script", scriptName: "bot", scriptKey: KEY }) };

// A site's fault message echoes the bad value it refused, however long. Scrubbed whole, a 64 KB run of `shot-shot-…`
// blocked the event loop for seconds (the scrubbing patterns restarted at every word of the run), and the write
// after it found its keep-alive connection closed.
describe("a fault whose message echoes a 64 KB value", () => {
  it("arrives at once with the start of the message, scrubbed and marked as cut, and the next call goes through", async () => {
    const echo = "shot-".repeat(12_800);
    const said = `Invalid value for sg_status_list from bot (key ${KEY}): ${echo}`;
    const server = await serve((req, res) => {
      const method = (req.json as { method_name?: string }).method_name;
      if (method === "read") return json(res, { results: { entities: [], paging_info: { entity_count: 0 } } });
      json(res, { exception: true, error_code: 103, message: said });
    });
    const sg = createClient({ site: server.url, allowInsecureHttp: true, transport: jsonRpcTransport({ retry: false }), auth: script });
    const error = await fail(sg.call("create", { type: "Shot", fields: [{ field_name: "sg_status_list", value: echo }] }));
    expect(error).toBeInstanceOf(SgFault);
    const fault = error as SgFault;
    expect(fault.errorCode).toBe(103);
    // The key scrubbed, then the first 4,096 characters, and `…` for the cut.
    expect(fault.serverMessage).toBe(`${said.replace(KEY, "[REDACTED]").slice(0, 4096)}…`);
    expect(fault.message.length).toBeLessThan(4096 + 500);
    expect(JSON.stringify(fault)).not.toContain(KEY);
    await expect(sg.call("read", { type: "Shot" })).resolves.toMatchObject({ entities: [] });
  });
});
