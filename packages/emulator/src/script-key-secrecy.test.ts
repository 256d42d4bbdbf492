import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EmulatorArgsError, parseEmulatorArgs } from './cli-args.js';
import { EmulatorOptionError } from './option-error.js';
import { startEmulator } from './server.js';
import type { EmulatorOptions } from './types.js';

/** A key planted in every refused value: it must appear in no form of the error. */
const MARKER = 'PlantedKey7f3a9c2e41b8d6';
const cli = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/cli.js');

/** Every way an error is commonly shown: its message, `String()`, JSON and `util.inspect`. */
function forms(err: unknown): string[] {
  const e = err as Error;
  return [e.message, String(e), JSON.stringify(e), JSON.stringify({ ...e }), inspect(e, { depth: 5 }), e.stack ?? ''];
}

/**
 * Expect the flags parser to refuse `argv` with `message` (the whole message when a string), `hidden` in no form of
 * the error.
 */
function expectRefused(argv: string[], message: RegExp | string, hidden: string = MARKER): void {
  let err: unknown;
  try {
    parseEmulatorArgs(argv);
  } catch (e) {
    err = e;
  }
  expect(err, argv.join(' ')).toBeInstanceOf(EmulatorArgsError);
  if (typeof message === 'string') expect((err as Error).message, argv.join(' ')).toBe(message);
  else expect((err as Error).message, argv.join(' ')).toMatch(message);
  for (const form of forms(err)) expect(form, argv.join(' ')).not.toContain(hidden);
}

describe('a refused script key is never shown', () => {
  // A security review: a `scripts` value given as "name:KEY" (the flag's form) was quoted in full in the error.
  it('by the scripts start option, whatever shape holds it', async () => {
    const cases: [unknown, RegExp][] = [
      [`pipeline:${MARKER}`, /^scripts must be a list of \{ name, key \}, got a string of 33 characters$/],
      [[`pipeline:${MARKER}`], /^scripts\[0\] must be an object \{ name, key \}, got a string of 33 characters$/],
      [[{ name: 'p', key: 918273645 }], /^scripts\[0\]\.key must be a string .*, got a number$/],
      [[{ name: 'p', key: `${MARKER} x` }], /^scripts\[0\]\.key must be a string .*, got a string of 26 characters$/],
      [918273645, /^scripts must be a list of \{ name, key \}, got a number$/],
      [[918273645], /^scripts\[0\] must be an object \{ name, key \}, got a number$/],
      [[{ name: 'p', key: [MARKER] }], /^scripts\[0\]\.key must be .*, got an array$/],
    ];
    for (const [scripts, message] of cases) {
      const err = await startEmulator({ scripts } as EmulatorOptions).then(async (h) => h.close(), (e: unknown) => e);
      expect(err, inspect(scripts)).toBeInstanceOf(EmulatorOptionError);
      expect((err as Error).message).toMatch(message);
      for (const form of forms(err)) {
        expect(form).not.toContain(MARKER);
        expect(form).not.toContain('918273645');
      }
    }
  });

  // `--script pipeline KEY` (a space for the colon): Node's parser named the key as an unexpected argument.
  it('by the flags parser, when the key is a stray argument or looks like a flag', () => {
    const cases: [string[], RegExp][] = [
      [['--script', 'pipeline', MARKER], /^argument 3 is not a flag \(a --script value is NAME:KEY, with no space\)/],
      [['--script', 'pipeline:', MARKER], /^argument 3 is not a flag \(a --script value is NAME:KEY, with no space\)/],
      [['--port', '0', '--script=pipeline', MARKER], /^argument 4 is not a flag/],
      [['--script', 'pipeline:', `--${MARKER}`], /^argument 3 is not a known flag/],
      [['--script', 'pipeline:', `-${MARKER}`], /^argument 3 is not a known flag/],
      [['--script', 'pipeline:', `--no-${MARKER}`], /^argument 3 is not a known flag/],
      [['--script', `-${MARKER}`], /argument is ambiguous/],
      [['--clock-frozen=' + MARKER], /does not take an argument/],
    ];
    for (const [argv, message] of cases) expectRefused(argv, message);
    // A mistyped flag with nothing before it that may hold a key is still named, to be told apart.
    expect(() => parseEmulatorArgs(['--prot', '8080'])).toThrow(/^argument 1, --prot, is not a known flag/);
  });

  // Only the argument right after a --script value without its key may be that key: a mistyped flag after a whole
  // NAME:KEY is named (the key stays out), and the NAME:KEY advice is not given for it.
  it('names a mistyped flag after a whole --script NAME:KEY, without the key or the --script advice', () => {
    const cases: [string[], string][] = [
      [['--script', `a:${MARKER}`, '--prot', '8080'], 'argument 3, --prot, is not a known flag: did you mean --port?'],
      [[`--script=a:${MARKER}`, '--auth_mode', 'sso'], 'argument 2, --auth_mode, is not a known flag: did you mean --auth-mode?'],
      [['--port', '0', '--script', `a:${MARKER}`, '--script', `b:${MARKER}`, '--fixture', 'demo'], 'argument 7, --fixture, is not a known flag: did you mean --fixtures?'],
      [['--scripts', `pipeline:${MARKER}`], 'argument 1, --scripts, is not a known flag: did you mean --script?'],
      [[`--scripts=pipeline:${MARKER}`], 'argument 1, --scripts, is not a known flag: did you mean --script?'],
    ];
    for (const [argv, message] of cases) expectRefused(argv, message);
  });

  // A key of lower-case words and dashes has the shape of a flag: right after a --script value that lacks it, it is not named.
  it('still hides a flag-shaped argument right after a --script value without its key', () => {
    const hidden = 'not a known flag (not shown, as it may hold a key; a --script value is NAME:KEY, with no space)';
    expectRefused(['--script', 'pipeline:', '--secret-key-words'], `argument 3 is ${hidden}`, 'secret-key-words');
    expectRefused(['--script', 'pipeline', '--secret-key-words'], `argument 3 is ${hidden}`, 'secret-key-words');
    expectRefused(['--script=:', '--secret-key-words'], `argument 2 is ${hidden}`, 'secret-key-words');
  });

  it('on the stderr of sg-emulator', () => {
    for (const argv of [['--script', 'pipeline', MARKER], ['--script', 'pipeline:', MARKER], ['--script', 'pipeline:', `--${MARKER}`], ['--scripts', `pipeline:${MARKER}`]]) {
      const r = spawnSync(process.execPath, [cli, ...argv], { encoding: 'utf8' });
      expect(r.status, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^sg-emulator: argument \d/);
      expect(r.stderr + r.stdout).not.toContain(MARKER);
    }
  });

  it('says so in --help', () => {
    expect(() => parseEmulatorArgs(['--help'])).toThrow(/--script NAME:KEY.*KEY of --script is never shown/);
  });
});
