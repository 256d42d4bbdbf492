// An sg-emulator in a child process for the benches: its memory and CPU are not counted in the bench's
// process, and the bench never blocks it (nothing here waits synchronously).
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const emulatorCli = join(dirname(fileURLToPath(import.meta.resolve("@sg/emulator"))), "cli.js");

/**
 * Start `sg-emulator --port 0 …args` and resolve once it has printed its site card. `admin(path, body)` POSTs
 * to one of its `/__emulator/*` endpoints (faults, latency, clock) and rejects on a non-2xx answer; `close()`
 * stops it with SIGTERM and resolves when it has exited.
 */
export async function startEmulatorChild(args = []) {
  const child = spawn(process.execPath, [emulatorCli, "--port", "0", ...args], { stdio: ["ignore", "pipe", "ignore"] });
  const card = await new Promise((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (d) => {
      buf += d;
      const nl = buf.indexOf("\n");
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
    });
    child.once("exit", (code) => reject(new Error(`sg-emulator exited with ${code}`)));
  });
  const admin = async (path, body) => {
    const response = await fetch(`${card.url}/__emulator/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST /__emulator/${path}: HTTP ${response.status} ${text}`);
    return text;
  };
  return {
    card,
    url: card.url,
    pid: child.pid,
    admin,
    close: () => new Promise((resolve) => { child.once("exit", resolve); child.kill("SIGTERM"); }),
  };
}
