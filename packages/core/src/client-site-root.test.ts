import { describe, expect, it } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import { SgValidationError } from "./errors.js";
import { fetchTransport, loopbackSites } from "./test-support/loopback-site.js";

// A user copying the site from the REST API's docs passes its root (`/api/v1`): taken as a base path, every call
// would go to `/api/v1/api3/json`. It is refused as the RPC endpoint is, naming the site's root.

const site = loopbackSites();
const auth: AuthStrategy = { name: "script", credentials: async () => ({ kind: "script", scriptName: "bot", scriptKey: "bot-key-0123456789" }) };

describe("createClient and a site URL that is an API root, not the site's", () => {
  it("refuses the REST API root (/api/v1, /api/v1.1, a trailing slash) as it refuses /api3/json, naming the site's root; nothing is sent", async () => {
    const s = await site();
    for (const [path, suffix, root] of [
      ["/api/v1", "/api/v1", s.url],
      ["/api/v1/", "/api/v1", s.url],
      ["/api/v1.1", "/api/v1.1", s.url],
      ["/sg/API/V1", "/API/V1", `${s.url}/sg`],
      ["/api3/json", "/api3/json", s.url],
    ] as const) {
      let error: unknown;
      try {
        createClient({ site: s.url + path, transport: fetchTransport(), auth });
      } catch (e) {
        error = e;
      }
      expect(error, path).toBeInstanceOf(SgValidationError);
      expect(error).toMatchObject({ path: ["site"], received: `one ending in ${suffix}`, hint: `Pass ${root}: the client adds /api3/json.` });
    }
    expect(s.received).toEqual([]);
  });

  it("still takes a base path that only looks like one, and calls under it", async () => {
    const s = await site();
    for (const path of ["/api", "/api/v12", "/api/v2", "/api/v1x", "/sg"]) {
      const sg = createClient({ site: s.url + path, transport: fetchTransport(), auth });
      const read = sg.call("read", { type: "Shot" });
      const held = await s.arrived(s.received.length + 1);
      expect(held.method).toBe("read");
      held.answer({ entities: [], paging_info: { entity_count: 0 } });
      await read;
    }
  });
});
