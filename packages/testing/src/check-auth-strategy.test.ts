import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SgValidationError, type Credentials } from "@sg/core";
import { startEmulator, type SiteCardScript } from "@sg/emulator";
import { describe, expect, it } from "vitest";
import {
  AUTH_CHECK_IDS,
  AuthConformanceError,
  DEFAULT_PROBE,
  assertAuthStrategy,
  checkAuthStrategy,
  expireSessions,
  formatReport,
  type AuthCheckId,
  type AuthConformanceOptions,
  type ConformanceEnv,
  type ConformanceReport,
} from "./index.js";
import { SESSION_STRATEGY_NAME, sessionViaScript, type Flaws } from "./test-support/session-strategy.js";

// The conformance kit starts an emulator and makes hundreds of calls, and gives each check 20 s of its own:
// vitest's 5 s default would cut it short on a busy CI machine. This is a bound for hangs, not a speed check.
const KIT = { timeout: 60_000 };

const script = (env: ConformanceEnv): SiteCardScript => env.card.scripts[0]!;

function options(flaws: Flaws = {}, overrides: Partial<AuthConformanceOptions> = {}): AuthConformanceOptions {
  return {
    name: SESSION_STRATEGY_NAME,
    create: (env) => sessionViaScript({ scriptName: script(env).name, scriptKey: script(env).key }, flaws),
    invalidOptions: [
      () => sessionViaScript({ scriptName: "", scriptKey: "k".repeat(64) }, flaws),
      () => sessionViaScript({} as never, flaws),
      (env) => sessionViaScript({ scriptName: "x", scriptKey: 42 as never, extra: script(env).key } as never, flaws),
    ],
    secrets: (env) => [script(env).key],
    expire: expireSessions,
    refreshes: "once",
    emulator: { sessionIdleSeconds: 60 },
    ...overrides,
  };
}

const check = (report: ConformanceReport, id: AuthCheckId) => report.checks.find((c) => c.id === id)!;
const failedIds = (report: ConformanceReport): AuthCheckId[] => report.checks.filter((c) => c.status === "failed").map((c) => c.id);

/** Every report and error message must itself be free of the script key (the card's key is deterministic). */
async function keyOf(): Promise<string> {
  const { DEMO_SCRIPT_KEY } = await import("@sg/emulator");
  return DEMO_SCRIPT_KEY;
}

describe("checkAuthStrategy against a correct session strategy", KIT, () => {
  it("passes every check, none skipped", async () => {
    const report = await checkAuthStrategy(options());
    expect(failedIds(report), formatReport(report)).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual(AUTH_CHECK_IDS);
    expect(report.checks.every((c) => c.status === "passed")).toBe(true);
    expect(check(report, "single-flight").detail).toBe(
      "50 concurrent first calls: 50 resolved; 1 login (get_session_token), 1 credentials object carried, 0 onRejected() calls; 1 auth request besides the calls (emulator saw get_session_token ×1, read ×50)",
    );
    expect(check(report, "expiry-refresh").detail).toMatch(/50 requests? refused with fault 102; at most 2 sends per call; 1 login \(get_session_token\), 2 credentials objects carried, 1 onRejected\(\) call; 1 auth request/);
    expect(check(report, "resend-bounded").detail).toMatch(/at most 2 sends per call/);
    // Whether the stopped login reached the site before close() aborted it depends on timing: 1 or 2 logins.
    expect(check(report, "login-stopped-by-close").detail).toMatch(/^the client was closed while the answer to the strategy's first own request was held back; the next call resolved \([12] logins? in all\)$/);
    expect(check(report, "no-secret-in-errors").detail).toMatch(/scanned \d+ errors, searched for [2-9]\d* secrets/);
  });

  // The kit counted every request besides its calls as a login: the read failed four checks, with advice on late
  // refusals there was no sign of.
  it("passes a strategy whose login is two requests (get_session_token, then a read with the new session)", async () => {
    const report = await checkAuthStrategy(options({ readAfterLogin: true }, { concurrency: 10 }));
    expect(failedIds(report), formatReport(report)).toEqual([]);
    expect(check(report, "credentials-cached").detail).toBe(
      "5 sequential calls: 5 resolved; 1 login (get_session_token), 1 credentials object carried, 0 onRejected() calls; 2 auth requests besides the calls (emulator saw get_session_token ×1, read ×6)",
    );
    expect(check(report, "expiry-refresh").detail).toMatch(/; 1 login \(get_session_token\), 2 credentials objects carried, 1 onRejected\(\) call; 2 auth requests besides the calls/);
  });

  it("assertAuthStrategy resolves", async () => {
    await expect(assertAuthStrategy(options({}, { concurrency: 10 }))).resolves.toBeUndefined();
  });

  it("a strategy that gives up on refusal passes with refreshes 'never'", async () => {
    const report = await checkAuthStrategy(options({ noRefresh: true }, { refreshes: "never", concurrency: 10 }));
    expect(failedIds(report), formatReport(report)).toEqual([]);
    expect(check(report, "expiry-refresh").detail).toMatch(/10 rejected \(first: SgAuthError/);
  });
});

/** Each deliberately broken strategy must fail the named check for the stated reason. */
const broken: Array<{ flaw: keyof Flaws; fails: AuthCheckId; reason: RegExp; passes?: AuthCheckId[]; overrides?: Partial<AuthConformanceOptions> }> = [
  { flaw: "lazyValidation", fails: "options-validated", reason: /invalidOptions\[0\] did not throw \(it returned a strategy\): validate options in the factory/, passes: ["credentials-cached"] },
  { flaw: "plainValidationError", fails: "options-validated", reason: /threw TypeError: .*expected an SgValidationError/ },
  { flaw: "wrongPrefix", fails: "options-validated", reason: /message does not start with '@test\/session-via-script'/ },
  { flaw: "loginEveryCall", fails: "credentials-cached", reason: /5 sequential calls: 5 resolved; 5 logins .*get_session_token ×5.*\n5 logins: expected at most 1: cache/s },
  { flaw: "noSingleFlight", fails: "single-flight", reason: /50 auth requests besides the calls .*get_session_token ×50.*single-flight/s, passes: ["credentials-cached"] },
  { flaw: "refreshEveryRejection", fails: "expiry-refresh", reason: /\n(\d{2}) logins and \1 onRejected\(\) calls after the refusal: expected at most 1 refresh/ },
  // A new object per call is a contract breach of its own (one refresh per refused object), seen without a refusal.
  { flaw: "refreshEveryRejection", fails: "credentials-cached", reason: /5 sequential calls: 5 resolved; 1 login \(get_session_token\), 5 credentials objects carried, 0 onRejected\(\) calls.*\nthe calls carried 5 different credentials objects with 0 refusals to renew one: expected one object/s },
  { flaw: "refreshLateRejections", fails: "expiry-refresh", reason: /answers of 5 were held back.*\n\d+ logins? and 10 onRejected\(\) calls after the refusal: expected at most 1 refresh .*; 5 onRejected\(\) calls came for refusals held back until the other calls had settled, after the refresh had finished/s },
  { flaw: "refreshLateRejections", fails: "resend-bounded", reason: /answers of 5 were held back.*\n\d+ logins? and 10 onRejected\(\) calls while refused: expected at most 1 refresh .*; 5 onRejected\(\) calls came for refusals held back/s },
  { flaw: "noRefresh", fails: "expiry-refresh", reason: /refreshes is 'once' but some calls failed after the credentials expired/ },
  { flaw: "noRefresh", fails: "strategy-shape", reason: /refreshes is 'once' but the strategy has no onRejected\(\)/ },
  { flaw: "explainNotFunction", fails: "strategy-shape", reason: /^explain is string, expected a function or undefined$/ },
  { flaw: "keyInLoginError", fails: "no-secret-in-errors", reason: /secrets\(env\)\[0\] in the message of an error from login refused \(fault 102\).*\[SECRET\]/, passes: ["no-secret-in-logs"] },
  { flaw: "plainLoginError", fails: "login-failure-typed", reason: /login refused \(fault 102\): rejected with Error: @test\/session-via-script: login failed; expected an SgAuthError/, passes: ["no-secret-in-errors"] },
  { flaw: "retryFailedLogin", fails: "login-failure-typed", reason: /^login refused \(fault 102\): 6 login requests \(get_session_token\) for one call: expected 1, a failed login rejects the call and is not retried\nlogin refused \(fault 102\): the call resolved after 6 login requests \(get_session_token\), although the login was refused: expected a rejection\nlogin refused \(HTTP 500\): 6 login requests/, passes: ["credentials-cached", "single-flight", "expiry-refresh", "resend-bounded"] },
  { flaw: "stoppedLoginCached", fails: "login-stopped-by-close", reason: /; the next call rejected with SgAuthError .*\na login stopped by close\(\) \(its AuthContext.signal aborted\) must reject and not stay cached/s, passes: ["credentials-cached", "single-flight", "expiry-refresh", "resend-bounded", "login-failure-typed"] },
  { flaw: "keyInLog", fails: "no-secret-in-logs", reason: /secrets\(env\)\[0\] in log line \d+: debug logging in .*"key":"\[SECRET\]"/, passes: ["no-secret-in-errors"] },
  { flaw: "optionsOnStrategy", fails: "no-secret-in-strategy", reason: /secrets\(env\)\[0\] in util.inspect of strategy #1: .*scriptKey: '\[SECRET\]'/ },
  { flaw: "keyInScriptName", fails: "no-secret-in-emulator-log", reason: /in emulator request #\d+ \(get_session_token\): .*"principal":"[^"]+#\[SECRET\]"/ },
];

describe("checkAuthStrategy against deliberately broken strategies", KIT, () => {
  it.each(broken)("$flaw fails $fails", async ({ flaw, fails, reason, passes, overrides }) => {
    const report = await checkAuthStrategy(options({ [flaw]: true }, { concurrency: flaw === "noSingleFlight" || flaw === "refreshEveryRejection" ? 50 : 10, ...overrides }));
    expect(report.passed).toBe(false);
    const result = check(report, fails);
    expect(result.status, formatReport(report)).toBe("failed");
    expect(result.detail).toMatch(reason);
    for (const id of passes ?? []) expect(check(report, id).status, formatReport(report)).toBe("passed");
    expect(formatReport(report)).not.toContain(await keyOf());
  });

  // Work outside the site (a secrets store asked on every call) made no request the kit saw, so nothing failed.
  it("a strategy that builds new credentials on every credentials() and onRejected() call fails the caching and refusal checks", async () => {
    let built = 0;
    const report = await checkAuthStrategy(
      options({}, {
        create: (env) => {
          const make = async (): Promise<Credentials> => {
            built += 1;
            return { kind: "script", scriptName: script(env).name, scriptKey: script(env).key };
          };
          return { name: SESSION_STRATEGY_NAME, credentials: make, onRejected: make };
        },
        expire: undefined,
        refreshes: "never",
        concurrency: 10,
      }),
    );
    expect(check(report, "credentials-cached").detail).toBe(
      "5 sequential calls: 5 resolved; 0 logins (get_session_token), 5 credentials objects carried, 0 onRejected() calls; 0 auth requests besides the calls (emulator saw read ×5)\n" +
        "the calls carried 5 different credentials objects with 0 refusals to renew one: expected one object, cached and handed to every caller (a new object per call is work the site does not see, such as a secrets store asked on every call, and makes each refusal a refresh of its own)",
    );
    expect(check(report, "single-flight").detail).toMatch(/\nthe calls carried 10 different credentials objects with 0 refusals/);
    expect(check(report, "resend-bounded").detail).toMatch(/\n0 logins and 10 onRejected\(\) calls while refused: expected at most 1 refresh shared by all 10 calls/);
    expect(failedIds(report)).toEqual(["credentials-cached", "single-flight", "resend-bounded"]);
    expect(built).toBeGreaterThan(30);
  });

  // The sends the transport refused before sending were subtracted from the site's requests as if they had
  // reached it, which hid the strategy's own requests.
  it("counts only the sends that reached the site as the kit's own requests", async () => {
    let n = 0;
    const probe = { method: "read", payload: (): unknown => ({ ...(DEFAULT_PROBE.payload() as object), ...(n++ % 2 ? { unsendable: 1n } : {}) }) };
    const report = await checkAuthStrategy(options({ readAfterLogin: true }, { probe, concurrency: 4 }));
    expect(check(report, "credentials-cached").detail).toMatch(/^5 sequential calls: 3 resolved, 2 rejected \(first: .*\); 1 login \(get_session_token\), 1 credentials object carried, 0 onRejected\(\) calls; 2 auth requests besides the calls \(emulator saw get_session_token ×1, read ×4\)/);
  });

  it("assertAuthStrategy throws one error listing every failed check, without the secret", async () => {
    const error = await assertAuthStrategy(options({ loginEveryCall: true, keyInLog: true }, { concurrency: 10 })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthConformanceError);
    const e = error as AuthConformanceError;
    expect(e.message).toMatch(/^@sg\/testing: @test\/session-via-script failed \d+ of 12 auth strategy conformance checks:/);
    expect(e.failures.map((f) => f.id)).toEqual(expect.arrayContaining(["credentials-cached", "single-flight", "no-secret-in-logs"]));
    for (const f of e.failures) expect(e.message).toContain(`- ${f.id}: `);
    expect(e.message).not.toContain(await keyOf());
  });

  it("does not pass vacuously: no invalid options, no secrets, an expire that expires nothing", async () => {
    const report = await checkAuthStrategy(options({}, { invalidOptions: [], secrets: () => [], expire: () => undefined, concurrency: 5 }));
    expect(check(report, "options-validated").detail).toMatch(/invalidOptions is empty/);
    expect(check(report, "expiry-refresh").detail).toMatch(/expire\(env\) did not make the site refuse the credentials/);
    // Session tokens seen on the wire are still searched for, so the secret checks have something to look for.
    expect(check(report, "no-secret-in-logs").status).toBe("passed");
  });

  // options-validated ran before any credential was sent, so its detail was masked without the key the kit
  // learned later on the wire, and printed it.
  it("masks in every detail a secret learned after the detail was written", async () => {
    const report = await checkAuthStrategy(
      options({}, {
        secrets: () => [],
        invalidOptions: [(env) => sessionViaScript({ scriptName: "", scriptKey: script(env).key }, { wrongPrefix: true }), (env) => { throw new SgValidationError("acme-auth", { path: ["scriptName"], expected: "a name", received: `nothing (key was ${script(env).key})` }); }],
        concurrency: 5,
      }),
    );
    expect(check(report, "options-validated").detail).toMatch(/invalidOptions\[1\] threw a validation error whose message does not start with .*\(key was \[SECRET\]\)/);
    expect(formatReport(report)).not.toContain(await keyOf());
  });

  it("a secrets(env) that throws fails the no-secret checks, saying so, instead of passing them", async () => {
    const report = await checkAuthStrategy(
      options({}, {
        secrets: (env) => {
          throw new Error(`no vault entry next to ${script(env).key}`);
        },
        concurrency: 5,
      }),
    );
    for (const id of ["no-secret-in-errors", "no-secret-in-strategy", "no-secret-in-logs", "no-secret-in-emulator-log"] as const) {
      expect(check(report, id), formatReport(report)).toMatchObject({ status: "failed", detail: expect.stringMatching(/^secrets\(env\) threw: Error: no vault entry next to \[SECRET\]: the declared secrets could not be searched for/) });
    }
    expect(check(report, "credentials-cached").status).toBe("passed");
    expect(formatReport(report)).not.toContain(await keyOf());
  });

  // A declared secret under 8 characters was silently dropped while the detail said the declared ones were searched for.
  it("says how many declared secrets were too short to be searched for, without failing for it", async () => {
    const report = await checkAuthStrategy(options({}, { secrets: (env) => [script(env).key, "123456", "pin"], concurrency: 5 }));
    for (const id of ["no-secret-in-errors", "no-secret-in-strategy", "no-secret-in-logs", "no-secret-in-emulator-log"] as const) {
      expect(check(report, id), formatReport(report)).toMatchObject({ status: "passed", detail: expect.stringMatching(/searched for \d+ secrets \(the declared ones and every credential seen on the wire; 2 declared secrets shorter than 8 characters not searched for\)$/) });
    }
    const one = await checkAuthStrategy(options({}, { secrets: (env) => [script(env).key, "123456"], concurrency: 5 }));
    expect(check(one, "no-secret-in-logs").detail).toMatch(/; 1 declared secret shorter than 8 characters not searched for\)$/);
    expect(check(report, "credentials-cached").status).toBe("passed");
  });

  it("refreshes 'once' without expire() fails instead of skipping", async () => {
    const report = await checkAuthStrategy(options({}, { expire: undefined, concurrency: 5 }));
    expect(check(report, "expiry-refresh")).toMatchObject({ status: "failed", detail: expect.stringMatching(/no expire\(env\) was given/) });
  });

  it("a factory that throws fails strategy-shape and the checks that need a strategy", async () => {
    const report = await checkAuthStrategy(
      options({}, {
        create: (env) => {
          throw new Error(`cannot build with ${script(env).key}`);
        },
      }),
    );
    expect(check(report, "strategy-shape").detail).toMatch(/^create\(env\) threw Error: cannot build with \[SECRET\]$/);
    expect(check(report, "credentials-cached").detail).toMatch(/not run/);
    expect(check(report, "no-secret-in-errors").detail).toMatch(/in the message of an error from create\(env\)/);
  });

  // The time limit of the provoked login failure was swallowed: the check passed ("no login") after waiting
  // twice the time limit, once per provoked fault.
  it("a login that never settles when it fails fails login-failure-typed, after one time limit", async () => {
    let created = 0;
    const report = await checkAuthStrategy(
      options({ loginNeverSettlesOnFailure: true }, {
        create: (env) => {
          created += 1;
          return sessionViaScript({ scriptName: script(env).name, scriptKey: script(env).key }, { loginNeverSettlesOnFailure: true });
        },
        concurrency: 5,
        timeoutMs: 1500,
      }),
    );
    expect(check(report, "login-failure-typed"), formatReport(report)).toMatchObject({
      status: "failed",
      detail: "login refused (fault 102): the call did not settle within 1500 ms: a failed login must reject the call (and its pending login), not wait or retry for ever\nthe HTTP 500 login failure was not provoked: the first did not settle",
    });
    for (const id of ["credentials-cached", "single-flight", "expiry-refresh", "resend-bounded", "no-secret-in-errors"] as const) expect(check(report, id).status, formatReport(report)).toBe("passed");
    expect(check(report, "login-stopped-by-close").detail).toBe("not run: calls in login-failure-typed did not settle within 1500 ms (see there)");
    // strategy-shape, the four session checks and one provoked fault: the HTTP 500 was not waited for.
    expect(created).toBe(6);
  });

  it("an expire(env) that never settles fails expiry-refresh on the time limit instead of hanging the kit", async () => {
    const report = await checkAuthStrategy(options({}, { expire: () => new Promise<void>(() => undefined), concurrency: 5, timeoutMs: 1500 }));
    expect(check(report, "expiry-refresh")).toMatchObject({ status: "failed", detail: "expire(env) did not settle within 1500 ms: it must return (or resolve) once the site refuses the credentials held now" });
    for (const id of ["resend-bounded", "login-failure-typed"] as const) expect(check(report, id).status, formatReport(report)).toBe("passed");
  });

  it("a strategy that never resolves fails on the time limit instead of hanging", async () => {
    const report = await checkAuthStrategy(
      options({}, { create: () => ({ name: SESSION_STRATEGY_NAME, credentials: () => new Promise(() => undefined), onRejected: async () => undefined }), timeoutMs: 300 }),
    );
    expect(check(report, "credentials-cached").detail).toMatch(/calls did not settle within 300 ms/);
  });

  it("a strategy that never resolves costs one time limit, not one per check, so the suite's own timeout does not hide the report", async () => {
    let created = 0;
    const report = await checkAuthStrategy(
      options({}, {
        create: () => {
          created += 1;
          return { name: SESSION_STRATEGY_NAME, credentials: () => new Promise(() => undefined), onRejected: async () => undefined };
        },
        timeoutMs: 300,
      }),
    );
    expect(check(report, "credentials-cached").detail).toMatch(/calls did not settle within 300 ms/);
    for (const id of ["single-flight", "expiry-refresh", "resend-bounded"] as const) {
      expect(check(report, id), formatReport(report)).toMatchObject({ status: "failed", detail: expect.stringMatching(/^not run: calls in credentials-cached did not settle within 300 ms/) });
    }
    // strategy-shape's and credentials-cached's strategies only: no further check waited on the time limit.
    expect(created).toBe(2);
  });
});

describe("checkAuthStrategy options", () => {
  it("rejects malformed options with an @sg/testing SgValidationError", async () => {
    await expect(checkAuthStrategy({} as never)).rejects.toThrow(SgValidationError);
    await expect(checkAuthStrategy({ ...options(), refreshes: "always" as never })).rejects.toThrow(/^@sg\/testing: options\.refreshes: expected 'once' or 'never'/);
    await expect(checkAuthStrategy({ ...options(), concurrency: 0 })).rejects.toThrow(/^@sg\/testing: options\.concurrency: expected a positive integer/);
  });

  // A bad emulator option came out as startEmulator's plain Error, though malformed options are an SgValidationError.
  it("rejects an emulator option startEmulator refuses with an @sg/testing SgValidationError at options.emulator, keeping its message", async () => {
    const port = await checkAuthStrategy({ ...options(), emulator: { port: "x" as never } }).catch((e: unknown) => e);
    expect(port).toBeInstanceOf(SgValidationError);
    expect((port as SgValidationError).path).toEqual(["options", "emulator", "port"]);
    expect((port as Error).message).toBe('@sg/testing: options.emulator.port: expected an option startEmulator accepts (port must be an integer from 0 to 65535), got string "x"');
    // The emulator says what it got after a comma, a semicolon or a colon: never twice in the kit's message.
    for (const emulator of [{ clock: "yesterday" }, { basePath: "/api3/json" }]) {
      const refused = await checkAuthStrategy({ ...options(), emulator }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(SgValidationError);
      expect((refused as Error).message.match(/\bgot\b/g)).toHaveLength(1);
    }
    const mode = await checkAuthStrategy({ ...options(), emulator: { authMode: "nope" as never } }).catch((e: unknown) => e);
    expect(mode).toBeInstanceOf(SgValidationError);
    expect((mode as Error).message).toMatch(/^@sg\/testing: options\.emulator\.authMode: expected .*Invalid authMode "nope"/);
    // The kit wraps the emulator's logger in its own, so startEmulator never sees this one: the kit checks it.
    await expect(checkAuthStrategy({ ...options(), emulator: { logger: "stderr" as never } })).rejects.toThrow(/^@sg\/testing: options\.emulator\.logger: expected a function/);
  });

  // startEmulator ignored unknown keys, so `emulator: { data: file }` ran the checks on a site that saved nothing.
  it("rejects an unknown emulator option at options.emulator.<key>, with the emulator's hint and without echoing its value", async () => {
    const refused = await checkAuthStrategy({ ...options(), emulator: { data: "/tmp/site-secret-path.json" } as never }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SgValidationError);
    expect((refused as SgValidationError).path).toEqual(["options", "emulator", "data"]);
    expect((refused as Error).message).toMatch(/^@sg\/testing: options\.emulator\.data: expected an option startEmulator accepts \(Unknown option "data": did you mean dataFile\?/);
    expect((refused as Error).message).not.toContain("site-secret-path");
  });

  it("lets a start failure that is no option refusal (a data file in use, a port taken) through as it is", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-testing-emulator-"));
    const held = await startEmulator({ dataFile: join(dir, "site.json") });
    try {
      const locked = await checkAuthStrategy({ ...options(), emulator: { dataFile: join(dir, "site.json") } }).catch((e: unknown) => e);
      expect(locked).toBeInstanceOf(Error);
      expect(locked).not.toBeInstanceOf(SgValidationError);
      expect((locked as Error).message).toMatch(/is in use by another sg-emulator/);
      const taken = await checkAuthStrategy({ ...options(), emulator: { port: Number(new URL(held.url).port) } }).catch((e: unknown) => e);
      expect(taken).not.toBeInstanceOf(SgValidationError);
      expect((taken as NodeJS.ErrnoException).code).toBe("EADDRINUSE");
    } finally {
      await held.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects a secrets(env) that returns no array with an @sg/testing SgValidationError, not a TypeError", async () => {
    const error = await checkAuthStrategy({ ...options(), secrets: () => "a-single-secret-string" as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgValidationError);
    expect((error as Error).message).toMatch(/^@sg\/testing: options\.secrets: expected secrets\(env\) to return an array of secret strings, got a string/);
    expect((error as Error).message).not.toContain("a-single-secret-string");
    await expect(checkAuthStrategy({ ...options(), secrets: () => undefined as never })).rejects.toThrow(/^@sg\/testing: options\.secrets: expected secrets\(env\) to return an array of secret strings, got undefined/);
  });
});
