import { SgValidationError, describeValue, checkOptionsObject } from "@sg/core";

/** The package name, used as the prefix of every message this package writes. */
export const PACKAGE = "@sg/auth-script";

/** Options of {@link scriptAuth}. */
export interface ScriptAuthOptions {
  /** The script name, exactly as listed under Admin → Scripts (sent as `script_name`). */
  readonly scriptName: string;
  /** The script's application key, shown once when the script is created under Admin → Scripts. Secret. */
  readonly scriptKey: string;
  /** Act with the permissions of this HumanUser login (`sudo_as_login`). */
  readonly sudoAsLogin?: string | undefined;
}

const KNOWN = ["scriptName", "scriptKey", "sudoAsLogin"];

/** Option names people bring from the Python client or the REST API, and what they are called here. */
const ALIASES: Readonly<Record<string, string>> = {
  script_name: "scriptName",
  name: "scriptName",
  script: "scriptName",
  clientId: "scriptName",
  client_id: "scriptName",
  api_key: "scriptKey",
  apiKey: "scriptKey",
  script_key: "scriptKey",
  key: "scriptKey",
  applicationKey: "scriptKey",
  clientSecret: "scriptKey",
  client_secret: "scriptKey",
  sudo_as_login: "sudoAsLogin",
  sudo: "sudoAsLogin",
};

/** Shortest key accepted: anything shorter is a name, a password or a placeholder, not an application key. */
export const MIN_KEY_LENGTH = 16;

/** The shape of an application key on older sites; a script name never looks like this. */
const LEGACY_KEY = /^[0-9a-f]{64}$/i;

const KEY_HINT =
  "Copy the application key from Admin → Scripts (it is shown once when the script is created; generate a new one there if it is lost). " +
  "Keys are long random strings (64 hex characters on older sites), never the script name or a person's password: " +
  "a person logs in with legacyLoginAuth from @sg/auth-legacy-pat.";

/** Validate {@link ScriptAuthOptions} synchronously. Throws {@link SgValidationError}; never echoes the key. */
export function validateScriptOptions(options: unknown): ScriptAuthOptions {
  const o = checkOptionsObject(PACKAGE, options, { factory: "scriptAuth", expected: "an object { scriptName, scriptKey, sudoAsLogin? }", known: KNOWN, aliases: ALIASES });
  const scriptName = o["scriptName"];
  if (typeof scriptName !== "string" || scriptName.trim() === "") {
    throw new SgValidationError(PACKAGE, {
      path: ["scriptName"],
      expected: "the script name as listed under Admin → Scripts (a non-empty string)",
      received: describeValue(scriptName),
    });
  }
  if (LEGACY_KEY.test(scriptName.trim())) {
    // Never echoed: this is a key put in the wrong field.
    throw new SgValidationError(PACKAGE, { path: ["scriptName"], expected: "the script name, not its application key", received: "64 hex characters (not shown; swapped with scriptKey?)" });
  }
  if (scriptName !== scriptName.trim()) {
    throw new SgValidationError(PACKAGE, {
      path: ["scriptName"],
      expected: "a name without leading or trailing spaces",
      received: describeValue(scriptName),
      hint: "Trim the value; the site compares script names exactly.",
    });
  }
  const scriptKey = o["scriptKey"];
  if (typeof scriptKey !== "string" || scriptKey === "") {
    throw new SgValidationError(PACKAGE, {
      path: ["scriptKey"],
      expected: "the script's application key (a non-empty string)",
      received: describeValue(scriptKey, true),
      hint: KEY_HINT,
    });
  }
  if (/\s/.test(scriptKey)) {
    throw new SgValidationError(PACKAGE, {
      path: ["scriptKey"],
      expected: "a key without spaces or line breaks",
      received: `a string of ${scriptKey.length} characters containing whitespace`,
      hint: "The key was probably copied with a trailing newline or space (e.g. read from a file or an environment variable); trim it.",
      secrets: [scriptKey],
    });
  }
  if (scriptKey === scriptName) {
    throw new SgValidationError(PACKAGE, {
      path: ["scriptKey"],
      expected: "the application key, not the script name",
      received: "the same value as scriptName",
      hint: KEY_HINT,
    });
  }
  if (scriptKey.length < MIN_KEY_LENGTH) {
    throw new SgValidationError(PACKAGE, {
      path: ["scriptKey"],
      expected: `an application key of at least ${MIN_KEY_LENGTH} characters`,
      received: `a string of ${scriptKey.length} characters`,
      hint: KEY_HINT,
      secrets: [scriptKey],
    });
  }
  const sudoAsLogin = o["sudoAsLogin"];
  if (sudoAsLogin !== undefined && (typeof sudoAsLogin !== "string" || sudoAsLogin.trim() === "" || sudoAsLogin !== sudoAsLogin.trim())) {
    throw new SgValidationError(PACKAGE, {
      path: ["sudoAsLogin"],
      expected: "a HumanUser login (a non-empty string without surrounding spaces), or undefined",
      received: describeValue(sudoAsLogin),
    });
  }
  return Object.freeze({ scriptName, scriptKey, ...(sudoAsLogin === undefined ? {} : { sudoAsLogin }) });
}
