import { parseSite, SgValidationError } from "@sg/core";
import { readEnv } from "./env-utf8.js";
import { UsageError } from "./exit-status.js";

/** A value and where it came from (`--site` or `SG_SITE`), for error messages. */
export interface Sourced {
  /** The value as given. */
  readonly value: string;
  /** Where it came from, as a message names it: a flag (`--site`), an environment variable (`SG_SITE`), … */
  readonly source: string;
}

/** The connection settings given on the command line or in the environment, validated. */
export interface ConnectionInput {
  readonly site?: Sourced;
  readonly scriptName?: Sourced;
  readonly scriptKey?: Sourced;
  readonly login?: Sourced;
  readonly password?: Sourced;
  readonly twoFactorCode?: Sourced;
  readonly sessionToken?: Sourced;
  readonly sudoAs?: Sourced;
}

/** Which flag and which environment variable feed each connection setting. */
export const CONNECTION_SOURCES: Readonly<Record<keyof ConnectionInput, { readonly flag: string; readonly env?: string }>> = {
  site: { flag: "site", env: "SG_SITE" },
  scriptName: { flag: "script-name", env: "SG_SCRIPT_NAME" },
  scriptKey: { flag: "script-key", env: "SG_SCRIPT_KEY" },
  login: { flag: "login", env: "SG_LOGIN" },
  password: { flag: "password", env: "SG_PASSWORD" },
  twoFactorCode: { flag: "2fa-code" },
  sessionToken: { flag: "session-token", env: "SG_SESSION_TOKEN" },
  sudoAs: { flag: "sudo-as", env: "SG_SUDO_AS" },
};

/**
 * A two-factor code as typed: full-width digits (`５４９５１０`, from a Japanese or Chinese input method) made ASCII
 * by NFKC, and spaces removed (`123 456`, as authenticator apps show it), as @sg/auth-legacy-pat's authToken does.
 * The one cleaning of `--2fa-code` and of the code typed at the prompt.
 */
export function cleanTwoFactorCode(code: string): string {
  return code.normalize("NFKC").replace(/\s+/g, "");
}

const EMPTY = "must not be empty";
const NOT_URL = "must be an http(s) URL such as https://mystudio.shotgrid.autodesk.com";

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * One setting checked: the value kept (trimmed, except a passphrase; a 2FA code cleaned) and what is wrong with it,
 * in the order the checks run. Plain code, not zod: loading zod cost every `sg` run about a tenth of a second.
 */
function checkSetting(key: string, raw: string): { value: string; problems: string[]; hint?: string } {
  if (key === "password") return { value: raw, problems: raw.length < 1 ? [EMPTY] : [] };
  const value = (key === "twoFactorCode" ? cleanTwoFactorCode(raw) : raw).trim();
  const problems = value.length < 1 ? [EMPTY] : [];
  if (key === "twoFactorCode" && !/^[0-9A-Za-z-]+$/.test(value)) problems.push("must be the digits of the code");
  if (key === "site" && !isHttpUrl(value)) return { value, problems: [...problems, NOT_URL], hint: siteHint(value) };
  return { value, problems };
}

/** The library's hint for a site it refuses (`mystudio.example.com` → the https:// URL to pass), if it has one. */
function siteHint(value: string): string | undefined {
  try {
    parseSite(value, { allowInsecureHttp: true });
  } catch (error) {
    return error instanceof SgValidationError ? error.hint : undefined;
  }
  return undefined;
}

/** Collect the connection settings from flags (first) and the environment (second), and validate them. */
export function readConnectionInput(values: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>): ConnectionInput {
  const raw: Record<string, Sourced> = {};
  for (const [key, { flag, env: envName }] of Object.entries(CONNECTION_SOURCES)) {
    const fromFlag = values[flag];
    if (typeof fromFlag === "string") raw[key] = { value: fromFlag, source: `--${flag}` };
    else if (envName && readEnv(env, envName) !== undefined && env[envName] !== "") raw[key] = { value: env[envName] ?? "", source: envName };
  }
  const input: Record<string, Sourced> = {};
  const lines: string[] = [];
  let hint: string | undefined;
  for (const [key, { value, source }] of Object.entries(raw)) {
    const checked = checkSetting(key, value);
    input[key] = { value: checked.value, source };
    hint ??= checked.hint;
    for (const problem of checked.problems) lines.push(`${source} ${problem}`);
  }
  if (lines.length > 0) throw new UsageError(lines.join("; "), lines.length > 1 ? `Fix the settings above.${hint ? ` ${hint}` : ""}` : hint);
  return input as ConnectionInput;
}

/** Parse an integer option (digits only), or throw a usage error naming it. */
export function intOption(name: string, value: unknown, range: { readonly min: number; readonly max?: number }, fallback: number): number;
export function intOption(name: string, value: unknown, range: { readonly min: number; readonly max?: number }): number | undefined;
export function intOption(name: string, value: unknown, range: { readonly min: number; readonly max?: number }, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  // Digits only: Number() would also take "1e1", "0x10" or "0b1", which no one means as a count.
  if (typeof value === "string" && !/^\s*-?\d+\s*$/.test(value)) throw new UsageError(`--${name} must be a whole number in digits, got '${value}'`);
  const n = Number(value);
  const problems = !Number.isFinite(n)
    ? ["must be a number"]
    : [
        ...(Number.isSafeInteger(n) ? [] : ["must be a whole number"]),
        ...(n < range.min ? [`must be at least ${range.min}`] : []),
        ...(range.max !== undefined && n > range.max ? [`must be at most ${range.max}`] : []),
      ];
  if (problems.length > 0) throw new UsageError(problems.map((p) => `--${name} ${p}`).join("; ") + `, got '${String(value)}'`);
  return n;
}

/** Parse an option that takes one of a few words. */
export function enumOption<T extends string>(name: string, value: unknown, choices: readonly [T, ...T[]]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly unknown[]).includes(value)) throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got '${String(value)}'`);
  return value as T;
}
