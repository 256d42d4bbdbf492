// A process with no file descriptor left (a burst of calls on one client under a container's `nofile` limit of 1024:
// one connection per call in flight) cannot open a socket: `connect EMFILE`. Nothing was sent, so a write that failed
// so must not say it may have been applied, and it is retried like a refused connection. Run in a child process
// whose limit `ulimit -n` sets low, with every descriptor then taken, against a node:http site on 127.0.0.1.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startServer } from "./test-support/server.js";

const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const core = fileURLToPath(new URL("../../core/dist/index.js", import.meta.url));

/** The child: takes every descriptor left, then sends one `update` and prints what it rejected with. */
const child = (site: string): string => `
import { openSync } from "node:fs";
const { createClient } = await import(${JSON.stringify(core)});
const { jsonRpcTransport } = await import(${JSON.stringify(dist)});
const auth = { name: "fixed-session", credentials: async () => ({ kind: "session", sessionToken: "t" }) };
const sg = createClient({ site: ${JSON.stringify(site)}, auth, transport: jsonRpcTransport({ retry: { baseDelayMs: 1, maxDelayMs: 1 } }) });
const held = [];
try { for (;;) held.push(openSync("/dev/null", "r")); } catch (error) { if (error.code !== "EMFILE") throw error; }
const error = await sg.call("update", { type: "Shot", id: 1, fields: [] }).then(() => undefined, (e) => e);
console.log(JSON.stringify({ code: error?.code, syscallCode: error?.syscallCode, maybeSent: error?.maybeSent, attempts: error?.attempts?.length, message: error?.message, hint: error?.hint }));
`;

describe.runIf(existsSync("/bin/sh") && process.platform === "linux")("no file descriptor left for a connection (EMFILE)", () => {
  it("fails a write as not sent, retried like a refused connection, with a hint about the limit", async () => {
    const site = await startServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ results: { version: [8, 50, 0] } }));
    });
    try {
      const out = await new Promise<string>((resolve, reject) =>
        execFile("/bin/sh", ["-c", `ulimit -n 128 && exec "${process.execPath}" --input-type=module -e "$0"`, child(site.url)], { timeout: 60_000 }, (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        ),
      );
      const result = JSON.parse(out) as { code: string; syscallCode: string; maybeSent: boolean; attempts: number; message: string; hint: string };
      expect(result.syscallCode).toBe("EMFILE");
      expect(result.maybeSent).toBe(false);
      expect(result.attempts).toBeGreaterThan(1);
      expect(result.message).toContain("(EMFILE)");
      expect(result.hint).toMatch(/^Nothing was sent: .*ulimit -n.*connections: 64/);
      // the update never reached the site
      expect(site.requests.filter((r) => (r.json as { method_name?: string }).method_name === "update")).toHaveLength(0);
    } finally {
      await site.close();
    }
  }, 90_000);
});
