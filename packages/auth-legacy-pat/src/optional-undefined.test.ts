/**
 * `undefined` for an optional option is the same as leaving it out. This file is also type-checked with
 * `exactOptionalPropertyTypes: true` (`tsconfig.exact-optional.json`, part of `typecheck`): under that setting an
 * optional property takes `undefined` only when its type says `| undefined`, so `sudoAsLogin: maybe` (a
 * `string | undefined`) compiles only if the option's type allows it. Each `Unset<T>` literal names every optional
 * key of `T`. The runtime part checks against the emulator that the strategy, authenticateHumanUser and the sudo
 * hints act exactly as without them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SgAuthError, createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { authenticateHumanUser, explainSudoFault, legacyLoginAuth, withSudoHints, type HumanUserCredentials, type LegacyLoginOptions, type SudoContext } from "./index.js";
import { READ_SHOTS, count, passwordOf, type Emulator } from "./test-support/demo-site.js";

/** The optional keys of `T`. */
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
/** Every optional key of `T`, each set to `undefined`: a literal of this type must name them all. */
type Unset<T> = { readonly [K in OptionalKeys<T>]: undefined };

const unsetOptions = { authToken: undefined, twoFactor: undefined, keepSession: undefined, retryRefusedLoginAfterMs: undefined, sudoAsLogin: undefined } satisfies Unset<LegacyLoginOptions>;
const unsetHuman = { authToken: undefined } satisfies Unset<HumanUserCredentials>;
const unsetSudo = { login: undefined, sudoAsLogin: undefined, secrets: undefined } satisfies Unset<SudoContext>;
// The annotations are the assertions: each fails to compile under exactOptionalPropertyTypes without `| undefined`.
const sudo: SudoContext = unsetSudo;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
beforeEach(() => emulator.reset());
afterAll(async () => {
  await emulator.close();
});

describe("undefined options are the same as absent ones", () => {
  it("legacyLoginAuth: one session login, the same credentials and calls", async () => {
    const password = passwordOf(emulator, "coord");
    const maybe: string | undefined = process.env["SG_TEST_NEVER_SET_SUDO"];
    const options: LegacyLoginOptions = { login: "coord", password, ...unsetOptions, sudoAsLogin: maybe };
    const unset = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: legacyLoginAuth(options) });
    const plain = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: legacyLoginAuth({ login: "coord", password }) });
    expect(JSON.stringify(unset.auth)).toBe(JSON.stringify(plain.auth));
    expect(await unset.call("read", READ_SHOTS)).toEqual(await plain.call("read", READ_SHOTS));
    // keepSession undefined is its default (true): each strategy exchanged its login for a session once.
    expect(count(emulator, "get_session_token")).toBe(2);
    const [a, b] = emulator.requests().filter((r) => r.method_name === "read");
    expect([a!.auth, a!.principal, a!.sudoAsLogin]).toEqual([b!.auth, b!.principal, b!.sudoAsLogin]);
    expect(a!.auth).toBe("session");
    expect(Object.keys(await unset.credentials()).sort()).toEqual(Object.keys(await plain.credentials()).sort());
  });

  it("authenticateHumanUser: authToken undefined is no code", async () => {
    const password = passwordOf(emulator, "coord");
    const client = createClient({ site: emulator.url, transport: jsonRpcTransport() });
    const given = await authenticateHumanUser(client, { login: "coord", password, ...unsetHuman });
    expect(given).toEqual(await authenticateHumanUser(client, { login: "coord", password }));
    expect(given?.login).toBe("coord");
  });

  it("explainSudoFault and withSudoHints read an undefined context field as absent", async () => {
    const fault = new SgAuthError("Cannot 'sudo' - inactive user account: 'gone'", { errorCode: 102, serverMessage: "Cannot 'sudo' - inactive user account: 'gone'" });
    const plain = explainSudoFault(fault, {});
    expect(explainSudoFault(fault, sudo)).toEqual(plain);
    expect(explainSudoFault(fault, sudo).message).toBe(plain.message);
    const client = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: legacyLoginAuth({ login: "coord", password: passwordOf(emulator, "coord") }) });
    expect(await withSudoHints(client, sudo).call("read", READ_SHOTS)).toEqual(await withSudoHints(client).call("read", READ_SHOTS));
  });
});
