import { didYouMean, meantName, squash } from './did-you-mean.js';
import { EmulatorOptionError } from './option-error.js';
import type { EmulatorOptions } from './types.js';

/**
 * Every start option of {@link EmulatorOptions}, with the `sg-emulator` flag that sets it (null: none). The type
 * makes an option added to `EmulatorOptions` fail to compile until it is listed here, so the unknown-key check
 * and its hints follow the real options.
 */
export const OPTION_FLAGS: { readonly [K in keyof Required<EmulatorOptions>]: string | null } = {
  host: 'host',
  allowedHosts: 'allow-host',
  basePath: null,
  port: 'port',
  fixtures: 'fixtures',
  rows: 'rows',
  latencyMs: 'latency-ms',
  authMode: 'auth-mode',
  dataFile: 'data',
  sessionIdleSeconds: 'session-idle-seconds',
  clock: 'clock',
  clockFrozen: 'clock-frozen',
  pageSize: 'page-size',
  appSessionLauncher: 'app-session-launcher',
  queryCacheSize: 'query-cache-size',
  reverseLinks: null,
  scripts: 'script',
  logger: null,
};

const OPTION_NAMES = Object.keys(OPTION_FLAGS) as (keyof EmulatorOptions)[];

/**
 * The option an unknown key most likely meant: the option whose name or CLI flag it is (`datafile`, `auth-mode`,
 * `allowHost`), else the one option it begins (`latency`, `auth`, `sessionIdle`), else the one option at most two
 * letters away (`pageSise`); undefined when none or several fit.
 */
function meantOption(key: string): keyof EmulatorOptions | undefined {
  return meantName(key, OPTION_NAMES, (o) => [o, OPTION_FLAGS[o] ?? o]);
}

/**
 * Refuses a key of `options` that is no start option (an `undefined` value too), with an {@link EmulatorOptionError}
 * naming it and the option it most likely meant: an unknown key was ignored, so `{ data: file }` (the CLI's flag
 * name) started a site that saved nothing.
 */
export function checkOptionNames(options: object): void {
  for (const key of Object.keys(options)) {
    if (Object.prototype.hasOwnProperty.call(OPTION_FLAGS, key)) continue;
    const meant = meantOption(key);
    if (meant === undefined) throw new EmulatorOptionError(key, `Unknown option ${JSON.stringify(key)}; startEmulator takes: ${OPTION_NAMES.join(', ')}`, true);
    const flag = OPTION_FLAGS[meant];
    const isFlag = flag !== null && squash(flag) === squash(key) && squash(flag) !== squash(meant);
    throw new EmulatorOptionError(key, `Unknown option ${JSON.stringify(key)}${didYouMean(meant, (option) => option)}${isFlag ? ` (--${flag} is the sg-emulator flag; startEmulator takes ${meant})` : ''}`, true);
  }
}
