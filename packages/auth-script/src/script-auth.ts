import { SgAuthError, secretsOf } from "@sg/core";
import type { AuthContext, AuthStrategy, Credentials, ScriptCredentials } from "@sg/core";
import { explainScriptFault } from "./explain.js";
import { PACKAGE, validateScriptOptions } from "./options.js";
import type { ScriptAuthOptions } from "./options.js";

/**
 * Authenticate as a script (ApiUser) with its name and application key, optionally acting as a person
 * (`sudoAsLogin`). Options are validated at once; nothing is sent until the client's first call.
 *
 * A script's key does not change while the process runs, so a refusal is never retried: the strategy's
 * `onRejected` turns it into an {@link SgScriptAuthError} that says what to check (wrong name/key, or which of
 * the sudo refusals). A call redirected to the site's SSO login stays an `SgAuthError` with code
 * `SG_SSO_SESSION_EXPIRED`, whose hint points at the site URL or a proxy enforcing SSO, not at the key. The Identity rule "scripts may not activate HumanUsers" is a permission fault, not an
 * auth fault; see {@link explainScriptFault} and {@link withScriptHints}.
 *
 * @example
 * ```ts
 * const client = createClient({ site, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "ingest", scriptKey: process.env.SG_KEY! }) });
 * ```
 */
export function scriptAuth(options: ScriptAuthOptions): AuthStrategy {
  const { scriptName, scriptKey, sudoAsLogin } = validateScriptOptions(options);
  const credentials: ScriptCredentials = Object.freeze({
    kind: "script",
    scriptName,
    scriptKey,
    ...(sudoAsLogin === undefined ? {} : { sudoAsLogin }),
  });
  const context = { scriptName, sudoAsLogin };
  const describe = (): string => `ScriptAuth { name: '${PACKAGE}', scriptName: '${scriptName}'${sudoAsLogin ? `, sudoAsLogin: '${sudoAsLogin}'` : ""} }`;

  const strategy: AuthStrategy = {
    name: PACKAGE,
    credentials: (_context: AuthContext): Promise<Credentials> => Promise.resolve(credentials),
    onRejected: (error: SgAuthError, rejected: Credentials, ctx: AuthContext): Promise<Credentials | undefined> => {
      // Every secret of the refused call, which the site's words may echo: the key, and the site URL's Basic auth
      // (its password and header value), which the transport sent with it.
      const { basicAuth, basicAuthSecret } = ctx.site;
      const secrets = [...secretsOf(rejected), basicAuthSecret ?? "", basicAuth?.replace(/^Basic\s+/i, "") ?? ""];
      const explained = explainScriptFault(error, { ...context, secrets });
      ctx.logger.warn(`${PACKAGE}: the site refused the script's credentials; not retrying (the key will not change)`, {
        script: scriptName,
        code: explained.code,
      });
      return Promise.reject(explained);
    },
  };
  Object.defineProperty(strategy, Symbol.for("nodejs.util.inspect.custom"), { enumerable: false, value: describe });
  Object.defineProperty(strategy, "toJSON", { enumerable: false, value: () => ({ name: PACKAGE, scriptName, ...(sudoAsLogin ? { sudoAsLogin } : {}) }) });
  Object.defineProperty(strategy, "toString", { enumerable: false, value: describe });
  return Object.freeze(strategy);
}
