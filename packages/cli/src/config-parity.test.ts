/**
 * The settings and integer options are checked with plain code (zod cost every `sg` run a tenth of a second to
 * load): the values kept and the messages must be exactly those of the zod rules they replaced, kept here.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { cleanTwoFactorCode, enumOption, intOption, readConnectionInput } from "./config.js";

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
const FLAGS = { site: "site", scriptName: "script-name", scriptKey: "script-key", login: "login", password: "password", twoFactorCode: "2fa-code", sessionToken: "session-token", sudoAs: "sudo-as" } as const;
const lines = (issues: readonly z.core.$ZodIssue[], label: (path: readonly PropertyKey[]) => string): string[] => issues.map((i) => `${label(i.path)} ${i.message.replace(/^Invalid input: /, "")}`.trim());

/** What the zod rules made of flags: the settings, or the error's message and hint. */
function byZod(values: Record<string, string>): unknown {
  const raw: Record<string, { value: string; source: string }> = {};
  for (const [key, flag] of Object.entries(FLAGS)) if (values[flag] !== undefined) raw[key] = { value: values[flag], source: `--${flag}` };
  const result = connectionSchema.safeParse(raw);
  if (result.success) return result.data;
  const l = lines(result.error.issues, (path) => raw[String(path[0])]?.source ?? "");
  return { message: l.join("; "), hint: l.length > 1 ? "Fix the settings above." : undefined };
}

function intByZod(name: string, value: string, range: { min: number; max?: number }): unknown {
  if (!/^\s*-?\d+\s*$/.test(value)) return { message: `--${name} must be a whole number in digits, got '${value}'` };
  let schema = z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(range.min, `must be at least ${range.min}`);
  if (range.max !== undefined) schema = schema.max(range.max, `must be at most ${range.max}`);
  const result = schema.safeParse(value);
  return result.success ? result.data : { message: lines(result.error.issues, () => `--${name}`).join("; ") + `, got '${value}'` };
}

/** What the code under test makes of it, in the same shape. */
function outcome(run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    const e = error as { message: string; hint?: string };
    return "hint" in e ? { message: e.message, hint: e.hint } : { message: e.message };
  }
}

const STRINGS = ["", " ", "\t\n", "\u00a0x\ufeff", " x ", "x", "a b", "12 3", "１２３", "５４９　５１０", "12-ab", "12_34", "!", "ftp://x", "http://", "https://", " https://a.example ", "http://[::1]:8000", "not a url", "https://u:p@h/x?y#z"];

describe("the settings' checks are the zod rules they replaced", () => {
  it("for each setting alone, and several together", () => {
    for (const flag of Object.values(FLAGS)) {
      for (const value of STRINGS) expect(outcome(() => readConnectionInput({ [flag]: value }, {})), `--${flag} '${value}'`).toEqual(byZod({ [flag]: value }));
    }
    const together = { site: " ", "script-name": "", "script-key": " k ", password: "", "2fa-code": "!" };
    expect(outcome(() => readConnectionInput(together, {}))).toEqual(byZod(together));
    const fine = { site: " https://a.example ", "script-name": " n ", "script-key": " k ", "sudo-as": " bob " };
    expect(outcome(() => readConnectionInput(fine, {}))).toEqual(byZod(fine));
  });

  it("for integer options", () => {
    const values = ["0", "-0", "1", " 5 ", "-1", "64", "65", "9007199254740991", "9007199254740992", "99999999999999999999", "-99999999999999999999", "9".repeat(400), "-" + "9".repeat(400), "1.5", "1e1", "0x10", "x", "", " "];
    for (const range of [{ min: 1 }, { min: 1, max: 64 }, { min: 0, max: 10 }]) {
      for (const value of values) expect(outcome(() => intOption("n", value, range)), `'${value}' in ${JSON.stringify(range)}`).toEqual(intByZod("n", value, range));
    }
    expect(intOption("n", undefined, { min: 1 }, 4)).toBe(4);
  });

  it("for word options", () => {
    expect(enumOption("format", "csv", ["json", "csv"])).toBe("csv");
    expect(enumOption("format", undefined, ["json", "csv"])).toBeUndefined();
    expect(() => enumOption("format", "CSV", ["json", "csv"])).toThrow("--format must be one of json, csv, got 'CSV'");
  });
});
