import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseClockInstant } from './clock.js';
import { didYouMean, meantName } from './did-you-mean.js';
import { checkAllowedHosts } from './host-check.js';
import { OPTION_FLAGS } from './option-names.js';
import { OPTION_RANGES, inRange, type RangedOption } from './options-check.js';
import type { AuthMode, EmulatorOptions } from './types.js';

/** The usage line of `sg-emulator` (and of any command reusing {@link parseEmulatorArgs}). */
export const EMULATOR_USAGE: string =
  'usage: sg-emulator [--host 127.0.0.1] [--allow-host NAME]... [--port 0] [--fixtures demo|empty] [--rows N] [--latency-ms N] ' +
  '[--auth-mode default|identity|sso] [--data FILE] [--session-idle-seconds N] [--page-size N] ' +
  '[--no-app-session-launcher] [--query-cache-size N] [--clock ISO-DATETIME [--clock-frozen]] [--script NAME:KEY]... ' +
  '(the KEY of --script is never shown in an error)';

/**
 * Thrown by {@link parseEmulatorArgs}: a bad flag (`help` false; print `message` and `usage`, exit 2), or
 * `--help`/`-h` (`help` true; print `usage`, exit 0).
 */
export class EmulatorArgsError extends Error {
  /** Always `EmulatorArgsError`. */
  override readonly name: string = 'EmulatorArgsError';
  /** The usage line to print with the message. */
  readonly usage: string = EMULATOR_USAGE;
  /** True when `--help`/`-h` was given rather than a bad flag. */
  readonly help: boolean;
  /** The conventional exit code: 0 for `--help`, 2 for a bad flag. */
  readonly exitCode: 0 | 2;

  /**
   * @param message - What is wrong with the arguments (or the usage line for `--help`).
   * @param help - Whether this reports a `--help` request.
   */
  constructor(message: string, help = false) {
    super(message);
    this.help = help;
    this.exitCode = help ? 0 : 2;
  }
}

/** The flags of `sg-emulator`, as `parseArgs` reads them. */
const FLAGS = {
  host: { type: 'string' },
  'allow-host': { type: 'string', multiple: true },
  port: { type: 'string' },
  fixtures: { type: 'string' },
  rows: { type: 'string' },
  'latency-ms': { type: 'string' },
  'auth-mode': { type: 'string' },
  data: { type: 'string' },
  'session-idle-seconds': { type: 'string' },
  'page-size': { type: 'string' },
  'app-session-launcher': { type: 'boolean' },
  'query-cache-size': { type: 'string' },
  clock: { type: 'string' },
  'clock-frozen': { type: 'boolean' },
  script: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/**
 * An unknown flag that is named in the message: dashes and words, lower-case or joined in camel case, the shape of a
 * mistyped flag (`--prot`, `--auth_mode`, `--dataFile`).
 */
const FLAG_SHAPED = /^--?[a-z]{1,24}(?:[-_][a-z]{1,24}|[A-Z][a-z]{1,23}){0,3}$/;

/** Every flag name, `--no-app-session-launcher` included. */
const FLAG_NAMES: readonly string[] = [...Object.keys(FLAGS), 'no-app-session-launcher'];
/** The start option each flag sets: its other spelling (`--dataFile` means `--data`). */
const OPTION_OF_FLAG = new Map(Object.entries(OPTION_FLAGS).map(([option, flag]) => [flag, option]));

/** `: did you mean --port?` for the flag an unknown one (`--prot`) most likely meant; '' when none or several fit. */
function meantFlag(rawName: string): string {
  return didYouMean(meantName(rawName.replace(/^--?/, ''), FLAG_NAMES, (flag) => [flag, OPTION_OF_FLAG.get(flag) ?? flag]), (flag) => `--${flag}`);
}

/** Whether a `--script` value is NAME:KEY, both parts there (the key may hold more colons). */
function isNameAndKey(value: string): boolean {
  const colon = value.indexOf(':');
  return colon > 0 && colon < value.length - 1;
}

/**
 * The message for an error of `parseArgs`. Node's quotes a stray argument (`Unexpected argument 'KEY'`) and an
 * unknown flag in full, which is the key of `--script pipeline KEY` (a space for the colon) or of
 * `--script pipeline: --KEY`: such an argument is told by its position (1 is the first after the command name),
 * and an unknown flag is named, with the flag it most likely meant, only when it has the shape of a flag and does not
 * come right after a `--script` value that lacks its key (the one argument that may be that key).
 */
function refusedArgument(err: unknown, argv: readonly string[]): string {
  const code = (err as { code?: unknown }).code;
  const message = (err as Error).message;
  if (code !== 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return message;
  // The same arguments read leniently: the tokens (and their positions) are those the strict read refused at.
  const { tokens } = parseArgs({ args: [...argv], strict: false, allowPositionals: true, allowNegative: true, options: FLAGS, tokens: true });
  const refused = tokens.find((t) => (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' ? t.kind === 'positional' : t.kind === 'option' && message === `Unknown option '${t.rawName}'`));
  if (refused === undefined) return code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' ? 'an argument is not a flag' : 'an argument is not a known flag';
  const at = `argument ${refused.index + 1}`;
  // The --script whose value (in the same argument or the one after it) ends right before the refused argument.
  const script = tokens.find((t) => t.kind === 'option' && t.name === 'script' && t.index + (t.value !== undefined && !t.inlineValue ? 1 : 0) === refused.index - 1);
  const mayBeKey = script?.kind === 'option' && !isNameAndKey(script.value ?? '');
  const hint = mayBeKey ? ' (a --script value is NAME:KEY, with no space)' : '';
  if (refused.kind === 'positional') {
    const before = tokens.find((t) => t.index === refused.index - 1);
    const boolean = before?.kind === 'option' && before.value === undefined && FLAGS[before.name as keyof typeof FLAGS]?.type === 'boolean';
    if (boolean) return `${at} is not a flag: ${before.rawName} takes no value${before.rawName === '--app-session-launcher' ? ' (--no-app-session-launcher turns it off)' : ''}`;
    return `${at} is not a flag${hint || ': each value goes after its flag, e.g. --port 8080'}`;
  }
  if (refused.kind === 'option' && !mayBeKey && FLAG_SHAPED.test(refused.rawName)) return `${at}, ${refused.rawName}, is not a known flag${meantFlag(refused.rawName)}`;
  return `${at} is not a known flag (not shown, as it may hold a key${mayBeKey ? '; a --script value is NAME:KEY, with no space' : ''})`;
}

/** The flag's value read against the range `startEmulator` enforces for `option` (one table serves both). */
function int(value: string | undefined, name: string, option: RangedOption): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new EmulatorArgsError(`--${name} expects an integer, got '${value}'`);
  const n = Number(value);
  const range = OPTION_RANGES[option];
  if (!inRange(n, range)) throw new EmulatorArgsError(`--${name} must be between ${range.min} and ${range.max}, got ${n}`);
  return n;
}

/**
 * Parses `sg-emulator` command-line flags (without the node and script paths) into {@link EmulatorOptions} for
 * `startEmulator`. The result holds only the flags given (defaults are `startEmulator`'s) and never a `logger`.
 * Flags: `--host`, `--allow-host NAME` (repeatable), `--port`, `--fixtures demo|empty`, `--rows`, `--latency-ms`, `--auth-mode default|identity|sso`,
 * `--data FILE`, `--session-idle-seconds`, `--page-size`, `--app-session-launcher` / `--no-app-session-launcher`,
 * `--query-cache-size`, `--clock ISO-DATETIME`, `--clock-frozen`, `--script NAME:KEY` (repeatable), `--help`/`-h`. Both `--flag value` and `--flag=value` work.
 *
 * @param argv - The arguments, e.g. `process.argv.slice(2)`.
 * @returns The options the flags describe.
 * @throws {@link EmulatorArgsError} on an unknown flag, a missing or invalid value, a positional argument, or `--help`.
 */
export function parseEmulatorArgs(argv: readonly string[]): EmulatorOptions {
  let values: Record<string, string | string[] | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], strict: true, allowPositionals: false, allowNegative: true, options: FLAGS }));
  } catch (err) {
    throw new EmulatorArgsError(refusedArgument(err, argv));
  }
  if (values['help'] === true) throw new EmulatorArgsError(EMULATOR_USAGE, true);
  if (values['help'] === false) throw new EmulatorArgsError("Unknown option '--no-help'");
  const options: EmulatorOptions = {};
  const host = values['host'] as string | undefined;
  if (host !== undefined) {
    if (host === '') throw new EmulatorArgsError('--host expects an interface address');
    options.host = host;
  }
  const allowed = values['allow-host'] as string[] | undefined;
  if (allowed !== undefined) {
    for (const name of allowed) {
      try {
        checkAllowedHosts([name]);
      } catch {
        throw new EmulatorArgsError(`--allow-host expects a host name or IP address without scheme or port (e.g. studio-dev.test), got '${name}'`);
      }
    }
    options.allowedHosts = allowed;
  }
  const fixtures = values['fixtures'] as string | undefined;
  if (fixtures !== undefined) {
    if (fixtures !== 'demo' && fixtures !== 'empty') throw new EmulatorArgsError(`--fixtures must be 'demo' or 'empty', got '${fixtures}'`);
    options.fixtures = fixtures;
  }
  const authMode = values['auth-mode'] as string | undefined;
  if (authMode !== undefined) {
    if (authMode !== 'default' && authMode !== 'identity' && authMode !== 'sso') throw new EmulatorArgsError(`--auth-mode must be 'default', 'identity' or 'sso', got '${authMode}'`);
    options.authMode = authMode satisfies AuthMode;
  }
  const data = values['data'] as string | undefined;
  if (data !== undefined) {
    if (data === '') throw new EmulatorArgsError('--data expects a file path');
    options.dataFile = data;
  }
  const port = int(values['port'] as string | undefined, 'port', 'port');
  if (port !== undefined) options.port = port;
  const rows = int(values['rows'] as string | undefined, 'rows', 'rows');
  if (rows !== undefined) options.rows = rows;
  const latency = int(values['latency-ms'] as string | undefined, 'latency-ms', 'latencyMs');
  if (latency !== undefined) options.latencyMs = latency;
  const idle = int(values['session-idle-seconds'] as string | undefined, 'session-idle-seconds', 'sessionIdleSeconds');
  if (idle !== undefined) options.sessionIdleSeconds = idle;
  const pageSize = int(values['page-size'] as string | undefined, 'page-size', 'pageSize');
  if (pageSize !== undefined) options.pageSize = pageSize;
  const cacheSize = int(values['query-cache-size'] as string | undefined, 'query-cache-size', 'queryCacheSize');
  if (cacheSize !== undefined) options.queryCacheSize = cacheSize;
  const clock = values['clock'] as string | undefined;
  if (clock !== undefined) {
    try {
      parseClockInstant(clock, '--clock');
    } catch (err) {
      throw new EmulatorArgsError((err as Error).message);
    }
    options.clock = clock;
  }
  const frozen = values['clock-frozen'];
  if (frozen === false) throw new EmulatorArgsError("Unknown option '--no-clock-frozen'");
  if (frozen === true) {
    if (clock === undefined) throw new EmulatorArgsError('--clock-frozen needs --clock: the instant to hold the clock at');
    options.clockFrozen = true;
  }
  const scripts = values['script'] as string[] | undefined;
  if (scripts !== undefined) {
    options.scripts = scripts.map((value) => {
      // The key is never shown: a refused flag's message may end up in a CI log.
      if (!isNameAndKey(value)) throw new EmulatorArgsError('--script expects NAME:KEY (a script name, a colon, then its key; e.g. --script pipeline:KEY)');
      const colon = value.indexOf(':');
      return { name: value.slice(0, colon), key: value.slice(colon + 1) };
    });
  }
  const launcher = values['app-session-launcher'];
  if (typeof launcher === 'boolean') options.appSessionLauncher = launcher;
  return options;
}
