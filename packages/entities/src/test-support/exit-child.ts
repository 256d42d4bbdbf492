/**
 * Test helper: a child node process that runs a script against a site and never calls close(), to see whether what
 * it leaves behind (a request no one waits for) holds it alive. Run from this package's folder, so that the other
 * `@sg/*` packages resolve to their builds, as an app's would; the script imports this package's own build by the
 * path in {@link ENTITIES_DIST} (a package never imports itself by name: the boundary gate).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { onTestFinished } from "vitest";

/** This package's build, as a module specifier a child's script imports (a JSON string literal). */
export const ENTITIES_DIST: string = JSON.stringify(new URL("../../dist/index.js", import.meta.url).href);

/** A running child: what it sent first over IPC, its exit code, and a way to send it a message. */
export interface ExitChild {
  readonly reported: Promise<unknown>;
  readonly exited: Promise<number | null>;
  send(message: string): void;
}

/**
 * Start `script` (an ES module's text; `process.env.SITE` is `site`) in a child process with an IPC channel, killed
 * when the test ends. A script that is done should `process.disconnect()`, so that only what it left holds it.
 */
export function exitChild(script: string, site: string): ExitChild {
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    env: { ...process.env, SITE: site },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  onTestFinished(() => void child.kill());
  return {
    reported: new Promise((resolve) => child.once("message", resolve)),
    exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
    send: (message) => void child.send(message),
  };
}
