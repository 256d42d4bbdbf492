#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startEmulator } from './server.js';
import type { AuthMode, EmulatorOptions } from './types.js';

const USAGE = 'usage: sg-emulator [--host 127.0.0.1] [--port 0] [--fixtures demo|empty] [--rows N] [--latency-ms N] [--auth-mode default|identity|sso] [--data FILE] [--session-idle-seconds N] [--page-size N]';

function fail(message: string): never {
  process.stderr.write(`sg-emulator: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function int(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`--${name} expects an integer, got '${value}'`);
  const n = Number(value);
  if (n < min || n > max) fail(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** Parses the command line into emulator options; exits with code 2 on bad flags. */
export function parseCli(argv: string[]): EmulatorOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        fixtures: { type: 'string' },
        rows: { type: 'string' },
        'latency-ms': { type: 'string' },
        'auth-mode': { type: 'string' },
        data: { type: 'string' },
        'session-idle-seconds': { type: 'string' },
        'page-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values['help']) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const fixtures = values['fixtures'] as string | undefined;
  if (fixtures !== undefined && fixtures !== 'demo' && fixtures !== 'empty') fail(`--fixtures must be 'demo' or 'empty', got '${fixtures}'`);
  const authMode = values['auth-mode'] as string | undefined;
  if (authMode !== undefined && !['default', 'identity', 'sso'].includes(authMode)) fail(`--auth-mode must be 'default', 'identity' or 'sso', got '${authMode}'`);
  const data = values['data'] as string | undefined;
  if (data === '') fail('--data expects a file path');
  const options: EmulatorOptions = {
    host: (values['host'] as string | undefined) ?? '127.0.0.1',
    port: int(values['port'] as string | undefined, 'port', 0, 65535) ?? 0,
    fixtures: (fixtures as 'demo' | 'empty' | undefined) ?? 'demo',
    rows: int(values['rows'] as string | undefined, 'rows', 0, 10_000_000) ?? 0,
    latencyMs: int(values['latency-ms'] as string | undefined, 'latency-ms', 0, 600_000) ?? 0,
    authMode: (authMode as AuthMode | undefined) ?? 'default',
    logger: (line) => process.stderr.write(`[sg-emulator] ${line}\n`),
  };
  if (data !== undefined) options.dataFile = data;
  const idle = int(values['session-idle-seconds'] as string | undefined, 'session-idle-seconds', 1, 31_536_000);
  if (idle !== undefined) options.sessionIdleSeconds = idle;
  const pageSize = int(values['page-size'] as string | undefined, 'page-size', 1, 100_000);
  if (pageSize !== undefined) options.pageSize = pageSize;
  return options;
}

async function main(): Promise<void> {
  const options = parseCli(process.argv.slice(2));
  const handle = await startEmulator(options);
  process.stdout.write(`${JSON.stringify(handle.card)}\n`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    options.logger?.(`${signal}: shutting down`);
    handle.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`sg-emulator: ${(err as Error).message}\n`);
  process.exit(1);
});
