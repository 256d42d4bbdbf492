/**
 * A prompt and a line redrawn in place (the progress display) on the same terminal. The redraw goes back to the start
 * of the line and erases it, so one drawn while a prompt waits would wipe out the question, and the person would not
 * see that `sg` waits for them. A prompt therefore announces itself on its output, and what redraws on that output
 * holds off until the answer.
 *
 * @packageDocumentation
 */
import type { CliOutput } from "./io.js";

/** What a line redrawn on an output does around a prompt on that same output. */
export interface PromptPauseListener {
  /** A prompt is about to be written: leave the cursor at the start of an empty line, and draw nothing until resumed. */
  pause(): void;
  /** The prompt has ended (answered, or given up) and the cursor is at the start of a fresh line: draw again. */
  resume(): void;
}

const listeners = new WeakMap<CliOutput, Set<PromptPauseListener>>();

/**
 * Have `listener` paused while a prompt waits on `output` (the same stream object the prompt writes to).
 *
 * @returns a function that stops listening.
 */
export function onPromptOn(output: CliOutput, listener: PromptPauseListener): () => void {
  let set = listeners.get(output);
  if (!set) listeners.set(output, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

/**
 * Pause what redraws on `output`, run `ask` (which writes the question, waits for the answer and ends the line), then
 * resume it, whether `ask` succeeded or not.
 */
export async function whilePrompting<T>(output: CliOutput, ask: () => Promise<T>): Promise<T> {
  const paused = [...(listeners.get(output) ?? [])];
  for (const listener of paused) listener.pause();
  try {
    return await ask();
  } finally {
    for (const listener of paused) listener.resume();
  }
}
