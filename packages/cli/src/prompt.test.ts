import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { prompt } from "./prompt.js";

// The order of what the terminal is told cannot be caught through a real pseudo-terminal without a race (tty.test.ts
// saw a 2FA code echoed once, on a loaded machine); the CLI's own input and output seam records it exactly.
/** A terminal made of a real stream for the keyboard, recording what the prompt tells it, in order. */
function terminal(): { input: PassThrough & { isTTY: true; setRawMode(on: boolean): void }; output: { isTTY: true; write(chunk: string | Uint8Array): void }; told: string[] } {
  const told: string[] = [];
  const input = Object.assign(new PassThrough(), { isTTY: true as const, setRawMode: (on: boolean) => void told.push(on ? "echo off" : "echo on") });
  const output = { isTTY: true as const, write: (chunk: string | Uint8Array) => void told.push(`show ${JSON.stringify(String(chunk))}`) };
  return { input, output, told };
}

describe("prompt() with hidden input", () => {
  it("turns echo off before the question shows, so an answer typed as soon as it appears is never echoed", async () => {
    const { input, output, told } = terminal();
    const answer = prompt(input, output, "Two-factor code: ", true);
    input.write("123456\r");
    expect(await answer).toBe("123456");
    expect(told).toEqual(["echo off", 'show "Two-factor code: "', "echo on", 'show "\\n"']);
  });

  it("leaves echo alone for a question whose answer may show", async () => {
    const { input, output, told } = terminal();
    const answer = prompt(input, output, "Login: ");
    input.write("artist\n");
    expect(await answer).toBe("artist");
    expect(told).toEqual(['show "Login: "', 'show "\\n"']);
  });
});
