import { describe, expect, it } from 'vitest';
import { EMULATOR_USAGE, EmulatorArgsError, parseEmulatorArgs } from './index.js';
import { OPTION_FLAGS } from './option-names.js';

const fails = (argv: string[]): EmulatorArgsError => {
  try {
    parseEmulatorArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(EmulatorArgsError);
    return err as EmulatorArgsError;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to be refused`);
};

describe('parseEmulatorArgs', () => {
  it('returns only the flags given, without a logger', () => {
    expect(parseEmulatorArgs([])).toEqual({});
    expect(
      parseEmulatorArgs([
        '--host', '0.0.0.0', '--port=8080', '--fixtures', 'empty', '--rows', '10', '--latency-ms', '5', '--auth-mode', 'identity',
        '--data', 'site.json', '--session-idle-seconds', '60', '--page-size', '50', '--query-cache-size', '0',
      ]),
    ).toEqual({ host: '0.0.0.0', port: 8080, fixtures: 'empty', rows: 10, latencyMs: 5, authMode: 'identity', dataFile: 'site.json', sessionIdleSeconds: 60, pageSize: 50, queryCacheSize: 0 });
  });

  it('switches the browser approval login with --[no-]app-session-launcher', () => {
    expect(parseEmulatorArgs(['--no-app-session-launcher'])).toEqual({ appSessionLauncher: false });
    expect(parseEmulatorArgs(['--app-session-launcher'])).toEqual({ appSessionLauncher: true });
    // The stray value is not repeated (it could be a key): the flag before it is named.
    expect(fails(['--app-session-launcher', 'false']).message).toBe('argument 2 is not a flag: --app-session-launcher takes no value (--no-app-session-launcher turns it off)');
  });

  it('throws a typed error with the usage line on bad flags, and exit code 0 for --help', () => {
    const bad = fails(['--auth-mode', 'ldap']);
    expect(bad).toMatchObject({ name: 'EmulatorArgsError', help: false, exitCode: 2, usage: EMULATOR_USAGE });
    expect(bad.message).toContain("--auth-mode must be 'default', 'identity' or 'sso'");
    expect(fails(['--bogus']).message).toContain('--bogus');
    expect(fails(['--port', '70000']).message).toContain('--port must be between 0 and 65535');
    expect(fails(['--rows', 'ten']).message).toContain('--rows expects an integer');
    expect(fails(['--data', '']).message).toContain('--data expects a file path');
    expect(fails(['stray']).exitCode).toBe(2);
    expect(fails(['--port'])).toMatchObject({ exitCode: 2 });
    expect(fails(['-h'])).toMatchObject({ help: true, exitCode: 0, message: EMULATOR_USAGE });
    expect(EMULATOR_USAGE).toContain('--no-app-session-launcher');
  });

  it('names an unknown flag as given, with the flag it most likely meant', () => {
    expect(fails(['--prot', '8080']).message).toBe('argument 1, --prot, is not a known flag: did you mean --port?');
    expect(fails(['--port', '0', '--auth_mode', 'sso']).message).toBe('argument 3, --auth_mode, is not a known flag: did you mean --auth-mode?');
    expect(fails(['--latency', '5']).message).toBe('argument 1, --latency, is not a known flag: did you mean --latency-ms?');
    expect(fails(['--dataFile', 'f.json']).message).toBe('argument 1, --dataFile, is not a known flag: did you mean --data?');
    expect(fails(['--allow-hosts', 'a.test']).message).toBe('argument 1, --allow-hosts, is not a known flag: did you mean --allow-host?');
    expect(fails(['--no-app-session-launch']).message).toBe('argument 1, --no-app-session-launch, is not a known flag: did you mean --no-app-session-launcher?');
    // Nothing near: named, with no guess.
    expect(fails(['--bogus']).message).toBe('argument 1, --bogus, is not a known flag');
  });

  // The unknown-option hints of startEmulator name each option's flag from OPTION_FLAGS: it must be the flag that sets it.
  it('sets each start option from the flag OPTION_FLAGS names for it', () => {
    const values: Record<string, string | undefined> = { host: '::1', 'allow-host': 'studio.test', fixtures: 'empty', 'auth-mode': 'sso', data: 'f.json', script: 'pipeline:key-1', clock: '2026-01-12T09:00:00Z', 'clock-frozen': undefined, 'app-session-launcher': undefined };
    for (const [option, flag] of Object.entries(OPTION_FLAGS)) {
      if (flag === null) continue;
      const argv = flag === 'clock-frozen' ? ['--clock', '2026-01-12T09:00:00Z', '--clock-frozen'] : flag in values && values[flag] === undefined ? [`--${flag}`] : [`--${flag}`, values[flag] ?? '1'];
      expect(Object.keys(parseEmulatorArgs(argv)), flag).toContain(option);
    }
  });
});
