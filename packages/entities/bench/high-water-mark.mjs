// The kernel's peak resident set of this process (VmHWM), for the memory benches: it counts every page touched,
// also between two samples of process.memoryUsage(). Linux only; elsewhere the benches fall back to samples.
import { readFileSync, writeFileSync } from "node:fs";

/** The peak RSS of this process since it started or since {@link resetHighWaterMark}, in bytes; undefined without /proc. */
export function highWaterMark() {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Restart the peak from the current RSS (Linux ≥ 4.0); false where it cannot be reset. */
export function resetHighWaterMark() {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}
