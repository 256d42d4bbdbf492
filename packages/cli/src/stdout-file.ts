/**
 * Whether an `--out` path is to be written through stdout, as `--out /dev/stdout` under `>> log` is.
 *
 * @packageDocumentation
 */
import { fstatSync, type Stats } from "node:fs";
import type { CommandContext } from "./command-context.js";

/**
 * Whether an `--out` path that leads to `info` (followed through links; undefined when missing) is the file behind
 * this run's stdout (the same device and inode as stdout's file descriptor) and not a terminal. Such a path is written
 * through stdout, as `--out -` is, never opened again: a file that `>` or `>>` opened would be truncated or replaced,
 * losing what the shell wrote before and after, and a socket (a Node parent's pipe) cannot be opened by path. A
 * terminal keeps the device route.
 */
export function isStdout(ctx: CommandContext, info: Stats | undefined): boolean {
  const fd = (ctx.io.stdout as { fd?: unknown }).fd;
  if (!info || info.isCharacterDevice() || typeof fd !== "number") return false;
  try {
    const out = fstatSync(fd);
    return out.dev === info.dev && out.ino === info.ino;
  } catch {
    return false;
  }
}
