/**
 * `@sg/emulator`: a local ShotGrid-compatible site (JSON-RPC `/api3/json`, uploads, downloads, browser approval
 * login, auth modes, fault injection) to test ShotGrid clients against.
 */
export { startEmulator } from './server.js';
export { FaultCode } from './errors.js';
export { DEMO_SCRIPT_KEY } from './fixtures.js';
export { DEFAULT_REVERSE_LINKS } from './reverse-link-table.js';
export { EMULATOR_USAGE, EmulatorArgsError, parseEmulatorArgs } from './cli-args.js';
export { EmulatorOptionError } from './option-error.js';
export { EmulatorClosedError } from './closed-error.js';
export type {
  AuthKind,
  AuthMode,
  EmulatorHandle,
  EmulatorOptions,
  EmulatorStats,
  FaultSpec,
  PatState,
  PayloadSummary,
  RecordedRequest,
  ReverseLinkSpec,
  SiteCard,
  SiteCardProject,
  SiteCardScript,
  SiteCardUser,
} from './types.js';
