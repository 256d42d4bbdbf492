import { expect, it } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import type { Credentials } from "./credentials.js";
import { fetchTransport, loopbackSites } from "./test-support/loopback-site.js";

const site = loopbackSites();
const CREDS: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "bot-key-0123456789" });
const FRESH: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "bot-key-fresh-9876" });

// Log queries select a package's lines by the prefix of their message: core's lines carry "@sg/core: " as every
// other package's carry its own name.
it("core's log lines start with its package name: the re-send after a refusal", async () => {
  const s = await site();
  const lines: string[] = [];
  const put = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  const logger = { debug: put("debug"), info: put("info"), warn: put("warn"), error: put("error") };
  const renewing: AuthStrategy = { name: "renewing", credentials: async () => CREDS, onRejected: async () => FRESH };
  const result = createClient({ site: s.url, transport: fetchTransport(), auth: renewing, logger }).call("read", {});
  (await s.arrived(1)).fault(102, "bad script key");
  (await s.arrived(2)).answer("ok");
  expect(await result).toBe("ok");
  expect(lines).toEqual(["debug @sg/core: re-sending once with fresh credentials"]);
});
