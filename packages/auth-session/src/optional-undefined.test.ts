/**
 * `undefined` for an optional option is the same as leaving it out. This file is also type-checked with
 * `exactOptionalPropertyTypes: true` (`tsconfig.exact-optional.json`, part of `typecheck`): under that setting an
 * optional property takes `undefined` only when its type says `| undefined`. Each `Unset<T>` literal names every
 * optional key of `T`. The runtime part checks against the emulator that the strategy, the browser login and
 * the sudo hints act exactly as without them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgAuthError, createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import {
  SessionErrorCode,
  SgBrowserLoginError,
  browserLogin,
  explainSudoFault,
  sessionAuth,
  withSudoHints,
  type BrowserLoginOptions,
  type SessionAuthOptions,
  type SudoContext,
} from "./index.js";
import { IDLE, READ_SHOTS, loginFor, type Emulator } from "./test-support/session-site.js";

/** The optional keys of `T`. */
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
/** Every optional key of `T`, each set to `undefined`: a literal of this type must name them all. */
type Unset<T> = { readonly [K in OptionalKeys<T>]: undefined };

const unsetSession = { refresh: undefined, onToken: undefined, retryFailedRefreshAfterMs: undefined, sudoAsLogin: undefined } satisfies Unset<SessionAuthOptions>;
const unsetLogin = {
  open: undefined, onUrl: undefined, timeoutMs: undefined, pollIntervalMs: undefined, fetch: undefined, signal: undefined, machineId: undefined,
  logger: undefined, allowInsecureHttp: undefined,
} satisfies Unset<BrowserLoginOptions>;
const unsetSudo = { sudoAsLogin: undefined, secrets: undefined } satisfies Unset<SudoContext>;
// The annotations are the assertions: each fails to compile under exactOptionalPropertyTypes without `| undefined`.
const sudo: SudoContext = unsetSudo;
const loginError = new SgBrowserLoginError("m", { code: SessionErrorCode.BROWSER_LOGIN_FAILED, status: undefined });

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ sessionIdleSeconds: IDLE });
});
afterAll(async () => {
  await emulator.close();
});

describe("undefined options are the same as absent ones", () => {
  it("sessionAuth: the same credentials, calls and refusal of an expired token", async () => {
    const token = await loginFor(emulator);
    const options: SessionAuthOptions = { sessionToken: token, ...unsetSession };
    const unset = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: sessionAuth(options) });
    const plain = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: sessionAuth({ sessionToken: token }) });
    expect(await unset.credentials()).toStrictEqual(await plain.credentials());
    expect(JSON.stringify(unset.auth)).toBe(JSON.stringify(plain.auth));
    expect(await unset.call("read", READ_SHOTS)).toEqual(await plain.call("read", READ_SHOTS));
    const [a, b] = emulator.requests().slice(-2);
    expect([a!.auth, a!.principal, a!.sudoAsLogin]).toEqual([b!.auth, b!.principal, b!.sudoAsLogin]);
    emulator.advanceClock(IDLE + 1);
    const refusals = await Promise.all([unset, plain].map((c) => c.call("read", READ_SHOTS).catch((e: unknown) => e)));
    expect(refusals[0]).toBeInstanceOf(SgAuthError);
    expect((refusals[0] as SgAuthError).code).toBe(SessionErrorCode.EXPIRED);
    expect((refusals[0] as Error).message).toBe((refusals[1] as Error).message);
  });

  it("browserLogin: undefined options take their defaults", async () => {
    const result = await browserLogin({
      site: emulator.url,
      appName: "optional-undefined test",
      ...unsetLogin,
      pollIntervalMs: 20,
      onUrl: (url) => emulator.approve(decodeURIComponent(new URL(url).pathname.split("/").pop() ?? ""), "coord"),
    });
    expect(result.userLogin).toBe("coord");
    const pending = emulator.requests().filter((r) => r.path === "/internal_api/app_session_request" && r.httpMethod === "POST");
    expect(pending.length).toBeGreaterThanOrEqual(1);
  });

  it("explainSudoFault and withSudoHints read an undefined context field as absent", async () => {
    const fault = new SgAuthError("Cannot 'sudo' - inactive user account: 'gone'", { errorCode: 102, serverMessage: "Cannot 'sudo' - inactive user account: 'gone'" });
    const plain = explainSudoFault(fault, {});
    expect(explainSudoFault(fault, sudo)).toEqual(plain);
    expect(explainSudoFault(fault, sudo).message).toBe(plain.message);
    const client = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: sessionAuth({ sessionToken: await loginFor(emulator) }) });
    expect(await withSudoHints(client, sudo).call("read", READ_SHOTS)).toEqual(await withSudoHints(client).call("read", READ_SHOTS));
    expect(loginError.status).toBeUndefined();
  });
});
