// An sg-emulator in a child process for the benches: its memory and CPU are not counted in the bench's
// process, and the bench never blocks it (nothing here waits synchronously).
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const emulatorCli = join(dirname(fileURLToPath(import.meta.resolve("@sg/emulator"))), "cli.js");

/** The child processes this process started and that have not exited yet. */
const living = new Set();
const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };
let watching = false;

/** Stop every child still running: on exit, whatever the cause (the end, process.exit, an uncaught error). */
function stopAll() {
  for (const child of living) child.kill("SIGTERM");
  living.clear();
}

/**
 * Count `child` as this process's own: it is sent SIGTERM when this process exits — at its end, on an uncaught
 * error, or on SIGINT, SIGTERM or SIGHUP — so that a bench that fails leaves no server running. Returns `child`.
 */
export function ownChild(child) {
  if (!watching) {
    watching = true;
    process.on("exit", stopAll);
    for (const [signal, number] of Object.entries(SIGNALS)) {
      process.once(signal, () => {
        stopAll();
        process.exit(128 + number);
      });
    }
  }
  living.add(child);
  child.once("exit", () => living.delete(child));
  return child;
}

/**
 * Start `sg-emulator --port 0 …args` and resolve once it has printed its site card. `admin(path, body)` POSTs
 * to one of its `/__emulator/*` endpoints (faults, latency, clock) and rejects on a non-2xx answer; `close()`
 * stops it with SIGTERM and resolves when it has exited. The child is stopped when this process exits, if it has
 * not been closed by then (see ownChild), and when it fails to start.
 */
export async function startEmulatorChild(args = []) {
  const child = ownChild(spawn(process.execPath, [emulatorCli, "--port", "0", ...args], { stdio: ["ignore", "pipe", "ignore"] }));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  let card;
  try {
    card = await new Promise((resolve, reject) => {
      let buf = "";
      child.stdout.on("data", (d) => {
        buf += d;
        const nl = buf.indexOf("\n");
        if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
      });
      child.once("exit", (code) => reject(new Error(`sg-emulator exited with ${code}`)));
    });
  } catch (error) {
    await close();
    throw error;
  }
  const admin = async (path, body) => {
    const response = await fetch(`${card.url}/__emulator/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST /__emulator/${path}: HTTP ${response.status} ${text}`);
    return text;
  };
  return { card, url: card.url, pid: child.pid, admin, close };
}
