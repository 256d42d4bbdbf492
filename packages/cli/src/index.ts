/**
 * `@sg/cli`: the `sg` command line for ShotGrid, and its programmatic pieces.
 *
 * @packageDocumentation
 */
export { runCli } from "./cli.js";
export type { RunCliOptions } from "./cli.js";
export { processIo } from "./io.js";
export type { CliInput, CliIo, CliOutput } from "./io.js";
export { generateSchemaTypes, fieldValueType } from "./typegen.js";
export type { GenerateSchemaTypesOptions, RawEntitySchema, RawFieldSchema, RawSiteSchema, SchemaProperty } from "./typegen.js";
export { CredentialsStore, configDir } from "./credentials-store.js";
export type { CredentialsFileWarning, SavedSession } from "./credentials-store.js";
export {
  EXIT_API_ERROR,
  EXIT_AUTH,
  EXIT_DOCTOR_FAILED,
  EXIT_FAILURE,
  EXIT_INTERRUPTED,
  EXIT_MAYBE_APPLIED,
  EXIT_NOT_FOUND,
  EXIT_OK,
  EXIT_TERMINATED,
  EXIT_UNAVAILABLE,
  EXIT_USAGE,
  CredentialsFileError,
  CredentialsMissingError,
  UsageError,
  exitCodeFor,
} from "./exit-codes.js";
export type { ExitContext } from "./exit-codes.js";
export { explainAuthFailure } from "./doctor.js";
export type { DoctorCheck, DoctorReport, Explanation } from "./doctor.js";
export type { AuthChoice } from "./connection.js";
export type { Sourced } from "./config.js";
export type { NetworkContext } from "./network-advice.js";
export type { ProxyEndpoint, ProxySettings } from "./proxy/proxy-settings.js";
export type { NoProxyEntry } from "./proxy/no-proxy.js";
export { createWriter, cellText, csvField } from "./format/index.js";
export type { OutputFormat, OutputRecord, RecordWriter, WriterOptions } from "./format/index.js";
export { createProgress } from "./progress.js";
export type { Progress, ProgressOptions } from "./progress.js";
