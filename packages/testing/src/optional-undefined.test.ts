/**
 * `undefined` for an optional option is the same as leaving it out. This file is also type-checked with
 * `exactOptionalPropertyTypes: true` (`tsconfig.exact-optional.json`, part of `typecheck`): under that setting an
 * optional property takes `undefined` only when its type says `| undefined`. The `Unset<T>` literal names every
 * optional key of `T`. The runtime part checks that the conformance kit reports the same with them as without.
 */
import { describe, expect, it } from "vitest";
import type { SiteCardScript } from "@sg/emulator";
import { checkAuthStrategy, type AuthConformanceOptions, type ConformanceEnv, type ConformanceReport } from "./index.js";
import { SESSION_STRATEGY_NAME, sessionViaScript } from "./test-support/session-strategy.js";

/** The optional keys of `T`. */
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
/** Every optional key of `T`, each set to `undefined`: a literal of this type must name them all. */
type Unset<T> = { readonly [K in OptionalKeys<T>]: undefined };

const unset = { expire: undefined, emulator: undefined, probe: undefined, concurrency: undefined, sequentialCalls: undefined, timeoutMs: undefined } satisfies Unset<AuthConformanceOptions>;

const script = (env: ConformanceEnv): SiteCardScript => env.card.scripts[0]!;
const required: AuthConformanceOptions = {
  name: SESSION_STRATEGY_NAME,
  create: (env) => sessionViaScript({ scriptName: script(env).name, scriptKey: script(env).key }),
  invalidOptions: [() => sessionViaScript({ scriptName: "", scriptKey: "k".repeat(64) })],
  secrets: (env) => [script(env).key],
  refreshes: "never",
};
// The annotation is the assertion: it fails to compile under exactOptionalPropertyTypes without `| undefined`.
const options: AuthConformanceOptions = { ...required, ...unset };

/** A report without what differs from run to run (counts and timings in the details). */
const outcome = (report: ConformanceReport): unknown => ({ name: report.name, passed: report.passed, checks: report.checks.map((c) => [c.id, c.status]) });

describe("undefined options are the same as absent ones", { timeout: 120_000 }, () => {
  it("checkAuthStrategy reports the same, with the default emulator, probe, counts and time limit", async () => {
    const given = await checkAuthStrategy(options);
    expect(outcome(given)).toEqual(outcome(await checkAuthStrategy(required)));
    expect(given.checks.find((c) => c.id === "expiry-refresh")?.status).toBe("skipped");
  });
});
