/**
 * `undefined` for an optional option is the same as leaving it out. This file is also type-checked with
 * `exactOptionalPropertyTypes: true` (`tsconfig.exact-optional.json`, part of `typecheck`): under that setting an
 * optional property takes `undefined` only when its type says `| undefined`, so `sudoAsLogin: maybe` (a
 * `string | undefined`) compiles only if the option's type allows it. Each `Unset<T>` literal names every optional
 * key of `T`. The runtime part checks against the emulator that the strategy acts exactly as without them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgFault, createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { explainScriptFault, scriptAuth, scriptAuthHint, withScriptHints, type ScriptAuthOptions, type ScriptFaultContext } from "./index.js";

/** The optional keys of `T`. */
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
/** Every optional key of `T`, each set to `undefined`: a literal of this type must name them all. */
type Unset<T> = { readonly [K in OptionalKeys<T>]: undefined };

const unsetOptions = { sudoAsLogin: undefined } satisfies Unset<ScriptAuthOptions>;
const unsetContext = { scriptName: undefined, sudoAsLogin: undefined, secrets: undefined } satisfies Unset<ScriptFaultContext>;
// The annotations are the assertions: each fails to compile under exactOptionalPropertyTypes without `| undefined`.
const context: ScriptFaultContext = unsetContext;

let emulator: Awaited<ReturnType<typeof startEmulator>>;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});

const READ = { type: "Project", filters: { logical_operator: "and", conditions: [] }, return_fields: ["id"], return_only: "active", paging: { entities_per_page: 1, current_page: 1 } };

describe("undefined options are the same as absent ones", () => {
  it("scriptAuth({ sudoAsLogin: undefined }) acts as the script itself, as without it", async () => {
    const script = emulator.card.scripts[0]!;
    const maybe: string | undefined = process.env["SG_TEST_NEVER_SET_SUDO"];
    const options: ScriptAuthOptions = { scriptName: script.name, scriptKey: script.key, ...unsetOptions, sudoAsLogin: maybe };
    const unset = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: scriptAuth(options) });
    const plain = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) });
    expect(await unset.credentials()).toStrictEqual(await plain.credentials());
    expect(JSON.stringify(unset.auth)).toBe(JSON.stringify(plain.auth));
    expect(await unset.call("read", READ)).toEqual(await plain.call("read", READ));
    const [a, b] = emulator.requests().slice(-2);
    expect([a!.auth, a!.principal, a!.sudoAsLogin]).toEqual([b!.auth, b!.principal, b!.sudoAsLogin]);
    expect(a!.sudoAsLogin).toBeNull();
  });

  it("explainScriptFault, scriptAuthHint and withScriptHints read an undefined context field as absent", async () => {
    const fault = new SgFault("Cannot 'sudo' - inactive user account: 'gone'", { errorCode: 102, serverMessage: "Cannot 'sudo' - inactive user account: 'gone'" });
    const plain = explainScriptFault(fault, {});
    expect(explainScriptFault(fault, context)).toEqual(plain);
    expect(explainScriptFault(fault, context).message).toBe(plain.message);
    expect(scriptAuthHint(fault, context)).toBe(scriptAuthHint(fault));
    const script = emulator.card.scripts[0]!;
    const client = createClient({ site: emulator.url, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: script.name, scriptKey: script.key }) });
    expect(await withScriptHints(client, context).call("read", READ)).toEqual(await withScriptHints(client).call("read", READ));
  });
});
