import { SgValidationError, describeValue, type AuthStrategy, type Credentials } from "@sg/core";

/** Options of {@link envScriptAuth}: where the script name and key come from. */
export interface EnvScriptAuthOptions {
  /** Variables to read. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const NAME = "@acme/sg-auth-env";

/** Script credentials from `SG_SCRIPT_NAME` and `SG_SCRIPT_KEY`, read and checked once, at construction. */
export function envScriptAuth(options: EnvScriptAuthOptions = {}): AuthStrategy {
  const env = options.env ?? process.env;
  const read = (variable: string, secret: boolean): string => {
    const value = env[variable]?.trim();
    if (!value) {
      throw new SgValidationError(NAME, { path: ["env", variable], expected: "a non-empty variable", received: describeValue(env[variable], secret) });
    }
    return value;
  };
  const credentials: Credentials = Object.freeze({ kind: "script", scriptName: read("SG_SCRIPT_NAME", false), scriptKey: read("SG_SCRIPT_KEY", true) });
  return Object.freeze({ name: NAME, credentials: async (): Promise<Credentials> => credentials });
}
