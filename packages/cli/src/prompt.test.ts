import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { InterruptedError, UsageError } from "./exit-codes.js";
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
    // The terminal echoed the Enter itself: another newline would leave an empty line.
    expect(told).toEqual(['show "Login: "']);
  });
});

describe("prompt() and the end of input", () => {
  it("refuses at once, before the question shows, when a - argument already read standard input to its end", async () => {
    const { input, output, told } = terminal();
    input.end('[["id", "is", 1]]\n');
    // What a `-` argument does: read until the end (Ctrl-D).
    for await (const _chunk of input) void _chunk;
    const error = await prompt(input, output, "Passphrase for admin: ", true, undefined, "Pass --password or set SG_PASSWORD.").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe("cannot ask for passphrase for admin: standard input was already read to its end (by a - argument) or closed");
    expect((error as UsageError).hint).toBe("Pass --password or set SG_PASSWORD.");
    expect(told).toEqual([]);
  });

  it("Ctrl-D at a question with echo on (the input ends) cancels it: an interrupt that says how to skip the prompt", async () => {
    const { input, output, told } = terminal();
    const answer = prompt(input, output, "Login: ", false, undefined, "Pass --login.");
    input.end();
    const error = await answer.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).message).toBe("cancelled at the prompt (Ctrl-D: end of input)");
    expect((error as InterruptedError).hint).toBe("Pass --login.");
    // No Enter was echoed: the line is ended so that the message does not follow the question.
    expect(told).toEqual(['show "Login: "', 'show "\\n"']);
  });
});

describe("prompt() editing keys with echo off", () => {
  const typed = async (keys: string): Promise<string> => {
    const { input, output } = terminal();
    const answer = prompt(input, output, "Passphrase for admin: ", true, undefined, "Pass --password.");
    input.write(keys);
    return answer;
  };

  it("Ctrl-U clears what was typed, Ctrl-W erases the last word", async () => {
    expect(await typed("typo-here\u0015right\r")).toBe("right");
    expect(await typed("one two  \u0017three\r")).toBe("one three");
    expect(await typed("one\u0017\u0017two\r")).toBe("two");
  });

  it("Ctrl-D on an empty answer cancels (130 with how to skip the prompt); after something was typed it is ignored", async () => {
    const error = await typed("\u0004").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect((error as InterruptedError).hint).toBe("Pass --password.");
    expect(await typed("ab\u0004cd\r")).toBe("abcd");
  });
});
