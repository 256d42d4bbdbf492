/**
 * Writing a download into a named pipe (FIFO) without holding a thread of Node's pool. A plain `open(fifo, "w")`
 * blocks a pool thread until some program opens the pipe for reading, and Node waits for its pool threads at exit:
 * a download given up (its `signal`, its `deadlineMs`) would leave the process unable to exit, and four of them would
 * stall every file-system call. So the pipe is opened non-blocking (`O_WRONLY | O_NONBLOCK`, which fails at once
 * with `ENXIO` while no one reads), retried on a short timer, and written through a `net.Socket` on the event loop,
 * which the call's limits can destroy at any moment.
 *
 * @packageDocumentation
 */
import type { CallOptions } from "@sg/core";
import { within } from "./context.js";
import type { NodeBuiltins } from "./node-builtins.js";

/**
 * Write the chunks `read` gives (`undefined` at the end) into the FIFO `path`, waiting for a reader to open it, then
 * for it to take each chunk ('drain'), and for the pipe to be closed. `opened` is called once the pipe is open (from
 * then on part of the download may have been written). The call's `signal` and `deadlineMs` end every wait at once
 * (`what` names it in the timeout), and leave nothing open or blocked. A write error (`EPIPE`: the reader went away) is
 * thrown as Node's.
 */
export async function writeFifo(b: NodeBuiltins, path: string, read: () => Promise<Uint8Array | undefined>, call: CallOptions, what: string, opened: () => void): Promise<void> {
  const { fs, net } = b;
  let end!: () => void;
  let socket: import("node:net").Socket | undefined;
  let stopped = false;
  const limit = within(new Promise<void>((resolve) => (end = resolve)), call.signal, call.deadlineMs, what, "pipe", false);
  // given up: the pipe is closed (if open); an open that succeeds after that is closed at once
  limit.catch(() => ((stopped = true), socket?.destroy()));
  const bounded = <T>(work: Promise<T>): Promise<T> => Promise.race([work, limit as Promise<never>]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    let fd: number | undefined;
    for (let wait = 50; fd === undefined; wait = Math.min(wait * 2, 250)) {
      fd = await bounded(
        new Promise<number | undefined>((resolve, reject) =>
          fs.open(path, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK, (error, fd) => {
            if (stopped && !error) fs.close(fd, () => {});
            // ENXIO: no reader yet
            else if (error?.code === "ENXIO") resolve(undefined);
            else if (error) reject(error);
            else resolve(fd);
          }),
        ),
      );
      if (fd === undefined) await bounded(new Promise((resolve) => (timer = setTimeout(resolve, wait))));
    }
    const out = (socket = new net.Socket({ fd, readable: false }));
    opened();
    let broken: unknown;
    out.on("error", (error) => (broken = error));
    const closed = new Promise<void>((resolve) => out.once("close", () => resolve()));
    for (let chunk; !broken && (chunk = await bounded(read())) !== undefined; ) {
      if (!out.write(chunk)) await bounded(Promise.race([new Promise((resolve) => out.once("drain", resolve)), closed]));
    }
    if (!broken) out.end();
    await bounded(closed);
    if (broken) throw broken;
  } finally {
    clearTimeout(timer);
    end();
    socket?.destroy();
  }
}
