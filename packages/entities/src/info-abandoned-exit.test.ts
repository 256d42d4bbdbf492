import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

// Run from this package's folder, so that the other @sg/* packages resolve to their builds, as an app's would; this
// package's own build is imported by its path (a package never imports itself by name: the boundary gate).
const here = dirname(fileURLToPath(import.meta.url));

/**
 * A process whose first call (a find, which asks for `info` first) is aborted while `info` is unanswered, and which
 * never calls close(): it reports the call's error code, then has nothing left to do.
 */
const CHILD = `
import { createClient } from "@sg/core";
import { entityApi } from ${JSON.stringify(new URL("../dist/index.js", import.meta.url).href)};
import { jsonRpcTransport } from "@sg/transport";
const sg = createClient({ site: process.env.SITE, transport: jsonRpcTransport(), auth: { name: "test", credentials: async () => ({ kind: "script", scriptName: "s", scriptKey: "k".repeat(16) }) } });
const stop = new AbortController();
const found = entityApi(sg).find("Shot", [], ["code"], { signal: stop.signal }).then(() => "ok", (error) => error.code);
process.once("message", () => {
  stop.abort();
  found.then((code) => {
    process.send(code);
    process.disconnect();
  });
});
`;

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const undo of cleanup.splice(0)) undo();
});

describe("a process that aborted its first call without close()", () => {
  it("exits while the site still has not answered info: the shared request ended with its only caller", async () => {
    let arrived = (): void => {};
    const infoArrived = new Promise<void>((resolve) => (arrived = resolve));
    // A site that never answers.
    const server: Server = createServer((req) => {
      req.resume();
      arrived();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => {
      server.closeAllConnections();
      server.close();
    });
    const child: ChildProcess = spawn(process.execPath, ["--input-type=module", "-e", CHILD], {
      cwd: here,
      env: { ...process.env, SITE: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    cleanup.push(() => child.kill());
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const reported = new Promise<unknown>((resolve) => child.once("message", resolve));
    await infoArrived;
    child.send("abort");
    expect(await reported).toBe("SG_ABORTED");
    // No time limit of its own: without the fix the process stays until the transport's timeout (120 s), past this
    // test's timeout.
    expect(await exited).toBe(0);
  }, 30_000);
});
