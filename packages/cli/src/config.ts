import { z } from "zod";
import { UsageError } from "./exit-codes.js";

/** A value and where it came from (`--site` or `SG_SITE`), for error messages. */
export interface Sourced {
  readonly value: string;
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

const nonEmpty = z.string().trim().min(1, "must not be empty");
const siteUrl = nonEmpty.refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}, "must be an http(s) URL such as https://mystudio.shotgrid.autodesk.com");

const sourced = (value: z.ZodType<string>) => z.object({ value, source: z.string() }).optional();

const connectionSchema = z.object({
  site: sourced(siteUrl),
  scriptName: sourced(nonEmpty),
  scriptKey: sourced(nonEmpty),
  login: sourced(nonEmpty),
  password: sourced(z.string().min(1, "must not be empty")),
  twoFactorCode: sourced(z.string().transform(cleanTwoFactorCode).pipe(nonEmpty.regex(/^[0-9A-Za-z-]+$/, "must be the digits of the code"))),
  sessionToken: sourced(nonEmpty),
  sudoAs: sourced(nonEmpty),
});

/** zod issues as one readable line each, naming the flag or environment variable (never its value). */
export function describeIssues(issues: readonly z.core.$ZodIssue[], label: (path: readonly PropertyKey[]) => string): string[] {
  return issues.map((issue) => `${label(issue.path)} ${issue.message.replace(/^Invalid input: /, "")}`.trim());
}

/** Collect the connection settings from flags (first) and the environment (second), and validate them. */
export function readConnectionInput(values: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>): ConnectionInput {
  const raw: Record<string, Sourced> = {};
  for (const [key, { flag, env: envName }] of Object.entries(CONNECTION_SOURCES)) {
    const fromFlag = values[flag];
    if (typeof fromFlag === "string") raw[key] = { value: fromFlag, source: `--${flag}` };
    else if (envName && env[envName] !== undefined && env[envName] !== "") raw[key] = { value: env[envName] ?? "", source: envName };
  }
  const result = connectionSchema.safeParse(raw);
  if (!result.success) {
    const lines = describeIssues(result.error.issues, (path) => raw[String(path[0])]?.source ?? String(path[0]));
    throw new UsageError(lines.join("; "), lines.length > 1 ? "Fix the settings above." : undefined);
  }
  return result.data as ConnectionInput;
}

/** Parse an integer option with zod, or throw a usage error naming it. */
export function intOption(name: string, value: unknown, range: { readonly min: number; readonly max?: number }, fallback: number): number;
export function intOption(name: string, value: unknown, range: { readonly min: number; readonly max?: number }): number | undefined;
export function intOption(name: string, value: unknown, range: { readonly min: number; readonly max?: number }, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  let schema = z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(range.min, `must be at least ${range.min}`);
  if (range.max !== undefined) schema = schema.max(range.max, `must be at most ${range.max}`);
  // Digits only: Number() would also take "1e1", "0x10" or "0b1", which no one means as a count.
  if (typeof value === "string" && !/^\s*-?\d+\s*$/.test(value)) throw new UsageError(`--${name} must be a whole number in digits, got '${value}'`);
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(describeIssues(result.error.issues, () => `--${name}`).join("; ") + `, got '${String(value)}'`);
  return result.data;
}

/** Parse an option that takes one of a few words. */
export function enumOption<T extends string>(name: string, value: unknown, choices: readonly [T, ...T[]]): T | undefined {
  if (value === undefined) return undefined;
  const result = z.enum(choices).safeParse(value);
  if (!result.success) throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got '${String(value)}'`);
  return result.data;
}
