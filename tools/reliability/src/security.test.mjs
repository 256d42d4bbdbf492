// Security suite: planted marker secrets must never appear in anything the packages produce; plain http is
// refused unless loopback or opted in; redirects to another host never carry credentials; the emulator's admin
// endpoints answer loopback peers only. Every server here listens on loopback (127.0.0.1 / 127.0.0.2).
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgValidationError, createClient } from "@sg/core";
import { jsonRpcCallTransport, jsonRpcTransport } from "@sg/transport";
import { scriptAuth } from "@sg/auth-script";
import { authenticateHumanUser, legacyLoginAuth } from "@sg/auth-legacy-pat";
import { browserLogin, sessionAuth } from "@sg/auth-session";
import { entityApi } from "@sg/entities";
import { DEMO_SCRIPT_KEY, startEmulator } from "@sg/emulator";
import { closedPort, recordingFetch, settle, startEmulatorWithServer } from "./harness.mjs";
import { MARKERS, Secrets, capturingLogger, errorRenderings, formatFindings, logText, renderings } from "./scan.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const CLI_BIN = join(here, "..", "..", "..", "packages", "cli", "dist", "bin.js");
const BASIC_B64 = Buffer.from(`user:${MARKERS.basicAuthPassword}`).toString("base64");

/** `http://user:<marker>@127.0.0.1:port` for a site URL `http://127.0.0.1:port`. */
function withBasicAuth(url) {
  return url.replace("http://", `http://user:${MARKERS.basicAuthPassword}@`);
}

function expectNoFindings(findings) {
  expect(findings, formatFindings(findings)).toEqual([]);
}

// ---------------------------------------------------------------------------------------------------------
describe("marker secrets never leak from the library packages", () => {
  const secrets = new Secrets();
  /** `[where, text]` of every error rendering. */
  const errorTexts = [];
  /** `[where, text]` of every client / strategy rendering. */
  const objectTexts = [];
  /** Every client built: `{ label, client, auth, rec, siteOrigin }`. */
  const clients = [];
  const log = capturingLogger();
  const emulatorLines = [];
  let emu;
  let emulatorLogJson = "";
  const outcomes = {};

  secrets.add(DEMO_SCRIPT_KEY, "fixture script key");
  secrets.add("coord-pass-1", "fixture passphrase coord");
  secrets.add("artist-pass-1", "fixture passphrase artist");
  secrets.add("MRKshortkey1", "marker short script key");

  function makeClient(label, auth, { site = emu.url, transport = {}, factory = jsonRpcTransport } = {}) {
    const rec = recordingFetch();
    const client = createClient({
      site,
      auth,
      logger: log.logger,
      transport: factory({ retry: { baseDelayMs: 1 }, ...transport, fetch: rec.fetch }),
    });
    clients.push({ label, client, auth, rec, siteOrigin: new URL(site).origin });
    return { client, sg: entityApi(client) };
  }

  async function attempt(label, fn) {
    const r = await settle(fn);
    outcomes[label] = r.ok ? "ok" : (r.error?.code ?? String(r.error));
    if (!r.ok) errorTexts.push(...errorRenderings(r.error, `error of '${label}'`));
    return r;
  }

  function sync(label, fn) {
    try {
      fn();
      outcomes[label] = "no error";
    } catch (error) {
      outcomes[label] = error?.code ?? String(error);
      errorTexts.push(...errorRenderings(error, `error of '${label}'`));
    }
  }

  beforeAll(async () => {
    emu = await startEmulator({ fixtures: "demo", sessionIdleSeconds: 60, logger: (line) => emulatorLines.push(line) });
    const basicSite = withBasicAuth(emu.url);

    // Script auth: a wrong marker key, and the fixture key behind a basic-auth proxy URL.
    const wrongKey = makeClient("script, wrong marker key", scriptAuth({ scriptName: "emulator_script", scriptKey: MARKERS.scriptKey }), { site: basicSite });
    await attempt("script wrong key: find", () => wrongKey.sg.find("Project", [], ["name"]));
    await attempt("script wrong key: create", () => wrongKey.sg.create("Shot", { code: "sec-1", project: { type: "Project", id: 1 } }));

    const good = makeClient("script, fixture key, basic auth site", scriptAuth({ scriptName: "emulator_script", scriptKey: DEMO_SCRIPT_KEY }), { site: basicSite, transport: { timeoutMs: 5000, deadlineMs: 10_000 } });
    // Short limits only where a timeout is the point: with 100 ms on every call, a loaded machine timed out an
    // injected echo page's attempt and the retry got a normal answer.
    const hasty = makeClient("script, fixture key, basic auth site, short limits", scriptAuth({ scriptName: "emulator_script", scriptKey: DEMO_SCRIPT_KEY }), { site: basicSite, transport: { timeoutMs: 100, deadlineMs: 2000 } });
    await attempt("script good key: find", () => good.sg.find("Project", [], ["name"]));
    // A proxy page that echoes the request (some do), a fault that quotes the key, an HTML page quoting it.
    const echo = `script_key=${DEMO_SCRIPT_KEY}&user_password=${MARKERS.passphrase} Authorization: Basic ${BASIC_B64} pw ${MARKERS.basicAuthPassword} key ${DEMO_SCRIPT_KEY}`;
    emu.injectFault({ method: "read", status: 502, times: 3, body: echo });
    await attempt("502 page echoing the secrets", () => good.sg.find("Project", [], ["name"]));
    emu.injectFault({ method: "read", status: 500, html: true, body: `<html><pre>${echo}</pre></html>` });
    await attempt("500 HTML page echoing the secrets", () => good.sg.find("Project", [], ["name"]));
    emu.injectFault({ method: "read", status: 200, html: true, body: `<html><pre>${echo}</pre></html>` });
    await attempt("200 HTML page echoing the secrets", () => good.sg.find("Project", [], ["name"]));
    emu.injectFault({ method: "read", errorCode: 102, message: `Authentication failed for key ${DEMO_SCRIPT_KEY} (${MARKERS.basicAuthPassword})` });
    await attempt("fault 102 quoting the key", () => good.sg.find("Project", [], ["name"]));
    emu.injectFault({ method: "read", errorCode: 103, message: `Bad request {"script_key":"${DEMO_SCRIPT_KEY}"} ${DEMO_SCRIPT_KEY}` });
    await attempt("fault 103 quoting the key", () => good.sg.find("Project", [], ["name"]));
    emu.injectFault({ method: "create", dropConnection: true, when: "after" });
    await attempt("dropped connection on create", () => good.sg.create("Shot", { code: "sec-2", project: { type: "Project", id: 1 } }));
    emu.injectFault({ method: "read", delayMs: 300 });
    emu.injectFault({ method: "read", delayMs: 300 });
    emu.injectFault({ method: "read", delayMs: 300 });
    await attempt("attempt timeouts", () => hasty.sg.find("Project", [], ["name"]));
    emu.injectFault({ method: "read", delayMs: 300 });
    await attempt("deadline", () => hasty.sg.find("Project", [], ["name"], { deadlineMs: 50 }));
    await attempt("http() download with basic auth", () => good.client.http({ method: "GET", target: "/file_serve/attachment/999999" }));

    // The calls-only transport shares the call path: the same echoes must be scrubbed there too.
    const lean = makeClient("script, fixture key, basic auth site, calls-only transport", scriptAuth({ scriptName: "emulator_script", scriptKey: DEMO_SCRIPT_KEY }), { site: basicSite, factory: jsonRpcCallTransport });
    emu.injectFault({ method: "read", status: 502, times: 3, body: echo });
    await attempt("calls-only: 502 page echoing the secrets", () => lean.sg.find("Project", [], ["name"]));
    emu.injectFault({ method: "read", errorCode: 103, message: `Bad request {"script_key":"${DEMO_SCRIPT_KEY}"} ${MARKERS.basicAuthPassword}` });
    await attempt("calls-only: fault 103 quoting the key", () => lean.sg.find("Project", [], ["name"]));
    await attempt("calls-only: download refused before sending", () => lean.sg.downloadAttachment(999999));

    // Connection refused, with every secret in play.
    const port = await closedPort();
    const refused = makeClient("refused", scriptAuth({ scriptName: "emulator_script", scriptKey: MARKERS.scriptKey }), { site: withBasicAuth(`http://127.0.0.1:${port}`) });
    await attempt("connection refused", () => refused.sg.find("Project", [], ["name"]));

    // Legacy login: wrong marker passphrase, wrong marker 2FA code, the right code then an expired session.
    const wrongPass = makeClient("legacy, wrong passphrase", legacyLoginAuth({ login: "coord", password: MARKERS.passphrase }));
    await attempt("legacy wrong passphrase", () => wrongPass.sg.find("Project", [], ["name"]));
    const wrong2fa = makeClient("legacy, wrong 2FA", legacyLoginAuth({ login: "artist", password: "artist-pass-1", authToken: MARKERS.twoFactorCode }));
    await attempt("legacy wrong 2FA code", () => wrong2fa.sg.find("Project", [], ["name"]));
    // A 2FA code is one-time: the site issues a fresh one for each login that uses one.
    const goodCode = emu.issueTwoFactorCode("artist");
    secrets.add(goodCode, "fixture 2FA code (legacy login)");
    const good2fa = makeClient("legacy, 2FA ok", legacyLoginAuth({ login: "artist", password: "artist-pass-1", authToken: goodCode }));
    await attempt("legacy good 2FA code", () => good2fa.sg.find("Project", [], ["name"]));
    const artistSession = await good2fa.client.credentials();
    secrets.add(artistSession.sessionToken, "artist's real session token");
    emu.advanceClock(120);
    await attempt("legacy re-login needs a fresh 2FA code", () => good2fa.sg.find("Project", [], ["name"]));

    // Checking a person's login through a script client behind a basic-auth proxy URL: the one-off client
    // shares the transport and logger, so its refusals and log lines are scanned with the rest.
    await attempt("authenticateHumanUser wrong passphrase", () => authenticateHumanUser(good.client, { login: "coord", password: MARKERS.passphrase }));
    await attempt("authenticateHumanUser wrong 2FA code", () => authenticateHumanUser(good.client, { login: "artist", password: "artist-pass-1", authToken: MARKERS.twoFactorCode }));
    const humanCode = emu.issueTwoFactorCode("artist");
    secrets.add(humanCode, "fixture 2FA code (authenticateHumanUser)");
    await attempt("authenticateHumanUser good 2FA code", () => authenticateHumanUser(good.client, { login: "artist", password: "artist-pass-1", authToken: humanCode }));
    await attempt("authenticateHumanUser password with newline", () => authenticateHumanUser(good.client, { login: "coord", password: `${MARKERS.passphrase}\n` }));

    // Session auth: a marker token; a real token whose refresh() returns the (refused) marker.
    const markerSession = makeClient("session, marker token", sessionAuth({ sessionToken: MARKERS.sessionToken }));
    await attempt("session marker token", () => markerSession.sg.find("Project", [], ["name"]));
    const coord = makeClient("legacy coord", legacyLoginAuth({ login: "coord", password: "coord-pass-1" }));
    await attempt("legacy coord", () => coord.sg.find("Project", [], ["name"]));
    const coordToken = (await coord.client.credentials()).sessionToken;
    secrets.add(coordToken, "coord's real session token");
    const refreshing = makeClient("session, refresh to marker", sessionAuth({ sessionToken: coordToken, refresh: async () => MARKERS.sessionToken }));
    await attempt("session valid token", () => refreshing.sg.find("Project", [], ["name"]));
    emu.advanceClock(120);
    await attempt("session expired, refresh returns a refused token", () => refreshing.sg.find("Project", [], ["name"]));
    const failingRefresh = makeClient("session, refresh throws", sessionAuth({ sessionToken: MARKERS.sessionToken, refresh: async () => { throw new Error(`keychain said ${MARKERS.sessionToken}`); } }));
    await attempt("session refresh throws quoting the token", () => failingRefresh.sg.find("Project", [], ["name"]));
    await attempt("session http() download", () => refreshing.client.http({ method: "GET", target: "/file_serve/attachment/999999" }));

    // Browser login: the token it returns is a secret too.
    const browser = await attempt("browserLogin", () =>
      browserLogin({
        site: emu.url,
        appName: "reliability suite",
        pollIntervalMs: 10,
        timeoutMs: 10_000,
        logger: log.logger,
        onUrl: (url) => setTimeout(() => emu.approve(decodeURIComponent(url.split("/").pop()), "coord"), 20),
      }),
    );
    if (browser.ok) {
      secrets.add(browser.value.sessionToken, "browserLogin session token");
      objectTexts.push(...renderings(browser.value, "browserLogin result"));
      objectTexts.push(...renderings(browser.value.auth, "browserLogin auth"));
    }

    // A gateway page, an HTML page and a fault quoting the session token or the 2FA code bare (not as a
    // `session_token=` or `auth_token=` parameter): scrubbed because they are the call's credentials.
    const tokenEcho = `Bad gateway; session ${MARKERS.sessionToken} upstream down`;
    emu.injectFault({ method: "read", status: 502, times: 3, body: tokenEcho });
    await attempt("502 page echoing the session token", () => markerSession.sg.find("Project", [], ["name"]));
    emu.injectFault({ method: "read", status: 200, html: true, body: `<html><pre>${tokenEcho}</pre></html>` });
    await attempt("HTML page echoing the session token", () => markerSession.sg.find("Project", [], ["name"]));
    emu.injectFault({ method: "read", errorCode: 103, message: `Session ${MARKERS.sessionToken} is not valid for this request` });
    await attempt("fault 103 quoting the session token", () => markerSession.sg.find("Project", [], ["name"]));
    // A fresh client for each: a 2FA code is one-time, and a client whose login with it failed does not send it again.
    const codeEcho = `Bad gateway; one-time code ${MARKERS.twoFactorCode} for artist upstream down`;
    for (const [label, fault] of [
      ["502 page echoing the 2FA code", { status: 502, body: codeEcho }],
      ["HTML page echoing the 2FA code", { status: 200, html: true, body: `<html><pre>${codeEcho}</pre></html>` }],
      ["fault 103 quoting the 2FA code", { errorCode: 103, message: `Bad request: one-time code ${MARKERS.twoFactorCode} for artist could not be checked` }],
    ]) {
      const echoed = makeClient(`legacy, ${label}`, legacyLoginAuth({ login: "artist", password: "artist-pass-1", authToken: MARKERS.twoFactorCode }));
      emu.injectFault({ method: "get_session_token", ...fault });
      await attempt(label, () => echoed.sg.find("Project", [], ["name"]));
    }

    // Validation errors quoting secrets.
    sync("scriptAuth short key", () => scriptAuth({ scriptName: "emulator_script", scriptKey: "MRKshortkey1" }));
    sync("scriptAuth key with newline", () => scriptAuth({ scriptName: "emulator_script", scriptKey: `${MARKERS.scriptKey}\n` }));
    sync("scriptAuth api_key alias", () => scriptAuth({ scriptName: "emulator_script", api_key: MARKERS.scriptKey }));
    sync("scriptAuth key as name", () => scriptAuth({ scriptName: 42, scriptKey: MARKERS.scriptKey }));
    sync("legacy passphrase alias", () => legacyLoginAuth({ login: "coord", passphrase: MARKERS.passphrase }));
    sync("legacy password with newline", () => legacyLoginAuth({ login: "coord", password: `${MARKERS.passphrase}\n` }));
    sync("legacy 2FA code with a space", () => legacyLoginAuth({ login: "coord", password: "x", authToken: `${MARKERS.twoFactorCode} 1` }));
    sync("legacy auth_token alias", () => legacyLoginAuth({ login: "coord", password: "x", auth_token: MARKERS.twoFactorCode }));
    sync("session cookie prefix", () => sessionAuth({ sessionToken: `_session_id=${MARKERS.sessionToken}` }));
    sync("session token alias", () => sessionAuth({ token: MARKERS.sessionToken }));
    sync("session token with spaces", () => sessionAuth({ sessionToken: ` ${MARKERS.sessionToken} ` }));
    sync("createClient ftp site with user:pass", () => createClient({ site: `ftp://user:${MARKERS.basicAuthPassword}@127.0.0.1/`, transport: jsonRpcTransport() }));
    sync("createClient insecure remote site with user:pass", () => createClient({ site: `http://user:${MARKERS.basicAuthPassword}@sg.example.com`, transport: jsonRpcTransport() }));
    sync("createClient malformed site with user:pass", () => createClient({ site: `http://user:${MARKERS.basicAuthPassword}@[bad`, transport: jsonRpcTransport() }));
    await attempt("http() target with user:pass", () => good.client.http({ method: "GET", target: `http://user:${MARKERS.basicAuthPassword}@127.0.0.1/x` }));

    // Everything a person could print.
    for (const c of clients) {
      objectTexts.push(...renderings(c.client, `client '${c.label}'`));
      objectTexts.push(...renderings(c.auth, `auth strategy '${c.label}'`));
      objectTexts.push(...renderings(c.client.transport, `transport '${c.label}'`));
      objectTexts.push(...renderings(c.client.site, `client.site '${c.label}'`));
      objectTexts.push([`Object.keys(client.site) '${c.label}'`, JSON.stringify(Object.entries(c.client.site))]);
    }
    emulatorLogJson = await (await fetch(`${emu.url}/__emulator/requests`)).text();
  }, 30_000);

  afterAll(async () => {
    for (const c of clients) await c.client.close();
    await emu?.close();
  });

  it("the scenarios ran as intended (wrong secrets refused, right ones accepted)", () => {
    expect(outcomes).toMatchObject({
      "script wrong key: find": expect.stringMatching(/^SG_(AUTH|SCRIPT)/),
      "script good key: find": "ok",
      "502 page echoing the secrets": "SG_HTTP",
      "calls-only: 502 page echoing the secrets": "SG_HTTP",
      "calls-only: fault 103 quoting the key": "SG_FAULT",
      "calls-only: download refused before sending": "SG_VALIDATION",
      "502 page echoing the session token": "SG_HTTP",
      "HTML page echoing the session token": "SG_PROTOCOL",
      "fault 103 quoting the session token": "SG_FAULT",
      "502 page echoing the 2FA code": "SG_HTTP",
      "HTML page echoing the 2FA code": "SG_PROTOCOL",
      "fault 103 quoting the 2FA code": "SG_FAULT",
      "200 HTML page echoing the secrets": "SG_PROTOCOL",
      "connection refused": "SG_NETWORK",
      "attempt timeouts": "SG_TIMEOUT",
      "deadline": "SG_TIMEOUT",
      "legacy good 2FA code": "ok",
      "authenticateHumanUser wrong passphrase": "SG_LEGACY_BAD_PASSWORD",
      "authenticateHumanUser wrong 2FA code": "SG_LEGACY_2FA_INVALID",
      "authenticateHumanUser good 2FA code": "ok",
      "authenticateHumanUser password with newline": "SG_VALIDATION",
      "legacy coord": "ok",
      "session valid token": "ok",
      browserLogin: "ok",
      "scriptAuth short key": "SG_VALIDATION",
      "createClient insecure remote site with user:pass": "SG_VALIDATION",
      "http() target with user:pass": "SG_VALIDATION",
    });
    expect(outcomes["legacy wrong passphrase"]).not.toBe("ok");
    expect(outcomes["legacy wrong 2FA code"]).not.toBe("ok");
    expect(outcomes["session marker token"]).not.toBe("ok");
    expect(outcomes["session expired, refresh returns a refused token"]).not.toBe("ok");
  });

  it("the scanner finds a planted marker (positive control)", () => {
    expect(secrets.scan(`x ${MARKERS.scriptKey} y`, "control")).toHaveLength(1);
    expect(secrets.scan(`code 918273.`, "control")).toHaveLength(1);
    expect(secrets.scan(`ts 19182734`, "control")).toHaveLength(0);
    expect(secrets.scan(BASIC_B64, "control")).toHaveLength(1);
  });

  it("error messages, String(err), toJSON(), util.inspect(err, {depth: 10}) and stacks hold no secret", () => {
    expect(errorTexts.length).toBeGreaterThan(100);
    expectNoFindings(errorTexts.flatMap(([where, text]) => secrets.scan(text, where)));
  });

  it("util.inspect / String / JSON of every client, auth strategy, transport and site holds no secret", () => {
    expectNoFindings(objectTexts.flatMap(([where, text]) => secrets.scan(text, where)));
  });

  it("the transport logs every attempt at debug level, and no log line holds a secret", () => {
    const debugAttempts = log.lines.filter((l) => l.level === "debug" && /attempt \d+/.test(l.message));
    expect(debugAttempts.length).toBeGreaterThan(10);
    expect(log.lines.some((l) => l.level === "info" && /retrying/.test(l.message))).toBe(true);
    expectNoFindings(secrets.scan(logText(log.lines), "library log lines (captured Logger)"));
  });

  it("the emulator's request log (GET /__emulator/requests) and its own log lines hold no secret", () => {
    expect(JSON.parse(emulatorLogJson).length).toBeGreaterThan(20);
    expectNoFindings([...secrets.scan(emulatorLogJson, "GET /__emulator/requests"), ...secrets.scan(emulatorLines.join("\n"), "emulator logger lines")]);
  });

  it("no URL the client requested holds a secret or user:pass@; credential headers go to the site only", () => {
    const findings = [];
    let requests = 0;
    for (const c of clients) {
      for (const e of c.rec.seen) {
        requests += 1;
        findings.push(...secrets.scan(e.url, `URL requested by '${c.label}'`));
        if (new URL(e.url).username || new URL(e.url).password) findings.push({ where: `URL requested by '${c.label}'`, secret: "user:pass@", excerpt: e.url.replace(/\/\/[^@]*@/, "//«userinfo»@") });
        const onSite = new URL(e.url).origin === c.siteOrigin;
        for (const [name, value] of Object.entries(e.headers)) {
          if (onSite && (name === "authorization" || name === "cookie")) continue;
          findings.push(...secrets.scan(value, `header '${name}' sent by '${c.label}' to ${new URL(e.url).origin}`));
        }
        if (!onSite) findings.push(...secrets.scan(e.bodyText, `body sent by '${c.label}' off-site`));
      }
    }
    expect(requests).toBeGreaterThan(20);
    expectNoFindings(findings);
  });
});

// ---------------------------------------------------------------------------------------------------------
describe("the sg CLI prints no secret (spawned with --debug)", () => {
  const cliExists = existsSync(CLI_BIN);
  const secrets = new Secrets();
  secrets.add(DEMO_SCRIPT_KEY, "fixture script key");
  secrets.add("artist-pass-1", "fixture passphrase artist");
  secrets.add("coord-pass-1", "fixture passphrase coord");
  // A proxy login in --proxy, SG_PROXY or HTTPS_PROXY: sent as Proxy-Authorization only, never printed.
  const proxyPassword = "MRKproxypw7c3e9a2b";
  secrets.add(proxyPassword, "marker proxy password");
  secrets.add(Buffer.from(`proxyuser:${proxyPassword}`).toString("base64"), "marker proxy password (base64 header value)");
  let emu;
  let configDir;
  const runs = [];

  // At most four CLIs at a time, each given 60 s: twenty-two started at once on a loaded 2-core machine took one past
  // a 20 s limit (killed, exit 143) in a whole-repo run, which failed the exit-status test for no fault of the CLI.
  let running = 0;
  const waiting = [];
  async function runCli(label, args, env = {}) {
    // a slot freed is handed to the next waiter as it is, so no fifth CLI starts in between
    if (running >= 4) await new Promise((go) => waiting.push(go));
    else running += 1;
    try {
      return await spawnCli(label, args, env);
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  }

  function spawnCli(label, args, env) {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI_BIN, ...args],
        { env: { PATH: process.env.PATH ?? "", HOME: configDir, SG_CONFIG_DIR: configDir, NO_COLOR: "1", ...env }, cwd: configDir, timeout: 60_000 },
        (error, stdout, stderr) => {
          const run = { label, args, code: error ? (error.code ?? 1) : 0, stdout, stderr };
          runs.push(run);
          resolve(run);
        },
      );
    });
  }

  beforeAll(async () => {
    // nx builds @sg/cli (a devDependency) before this suite. A missing bin is a broken setup, not a reason to
    // skip: skipping turned the CLI secret checks off silently and left an empty test passing in their place.
    if (!cliExists) throw new Error(`${CLI_BIN} does not exist: build @sg/cli first (npx nx run @sg/cli:build)`);
    configDir = mkdtempSync(join(tmpdir(), "sg-reliability-cli-"));
    emu = await startEmulator({ fixtures: "demo" });
    const site = emu.url;
    const basicSite = withBasicAuth(site);
    const port = await closedPort();
    const key = (k) => ["--script-name", "emulator_script", "--script-key", k];
    const coordToken = (await createClient({ site, transport: jsonRpcTransport(), auth: legacyLoginAuth({ login: "coord", password: "coord-pass-1" }) }).credentials()).sessionToken;
    secrets.add(coordToken, "coord's real session token");
    const twoFactorCode = emu.issueTwoFactorCode("artist"); // one-time, good for 30 s of emulator clock
    secrets.add(twoFactorCode, "fixture 2FA code");
    await Promise.all([
      runCli("find, wrong marker script key", ["find", "Project", "--site", site, ...key(MARKERS.scriptKey), "--debug"]),
      runCli("find, fixture script key", ["find", "Project", "--site", site, ...key(DEMO_SCRIPT_KEY), "--debug"]),
      runCli("find, fixture key, basic-auth marker in the site URL", ["find", "Project", "--site", basicSite, ...key(DEMO_SCRIPT_KEY), "--debug"]),
      runCli("find, wrong key + basic-auth marker, nothing listening", ["find", "Project", "--site", withBasicAuth(`http://127.0.0.1:${port}`), ...key(MARKERS.scriptKey), "--debug"]),
      runCli("find, wrong marker passphrase", ["find", "Project", "--site", site, "--login", "coord", "--password", MARKERS.passphrase, "--debug"]),
      runCli("find, wrong marker 2FA code", ["find", "Project", "--site", site, "--login", "artist", "--password", "artist-pass-1", "--2fa-code", MARKERS.twoFactorCode, "--debug"]),
      runCli("find, right 2FA code", ["find", "Project", "--site", site, "--login", "artist", "--password", "artist-pass-1", "--2fa-code", twoFactorCode, "--debug"]),
      runCli("find, marker session token", ["find", "Project", "--site", site, "--session-token", MARKERS.sessionToken, "--debug"]),
      runCli("whoami, real session token", ["whoami", "--site", site, "--session-token", coordToken, "--debug"]),
      runCli("doctor, wrong marker script key", ["doctor", "--site", basicSite, ...key(MARKERS.scriptKey), "--debug"]),
      runCli("doctor, wrong marker passphrase", ["doctor", "--site", site, "--login", "coord", "--password", MARKERS.passphrase, "--debug"]),
      runCli("doctor, marker session token", ["doctor", "--site", site, "--session-token", MARKERS.sessionToken, "--debug"]),
      runCli("find, secrets from SG_* env", ["find", "Project", "--debug"], { SG_SITE: basicSite, SG_SCRIPT_NAME: "emulator_script", SG_SCRIPT_KEY: MARKERS.scriptKey }),
      runCli("find, password from SG_PASSWORD", ["find", "Project", "--debug"], { SG_SITE: site, SG_LOGIN: "coord", SG_PASSWORD: MARKERS.passphrase }),
      runCli("usage error with a key and a token together", ["find", "Project", "--site", site, ...key(MARKERS.scriptKey), "--session-token", MARKERS.sessionToken, "--debug"]),
      runCli("bad JSON filter next to secrets", ["find", "Project", `{"script_key": "${MARKERS.scriptKey}"`, "--site", site, ...key(MARKERS.scriptKey), "--debug"]),
      runCli("batch, wrong marker script key", ["batch", '[{"request_type":"create","entity_type":"Shot","data":{"code":"sec-batch"}}]', "--site", site, ...key(MARKERS.scriptKey), "--debug"]),
      runCli("batch, bad request next to secrets", ["batch", `[{"request_type":"create","entity_type":"Shot","data":{"code":"x"},"script_key":"${MARKERS.scriptKey}"}]`, "--site", site, ...key(MARKERS.scriptKey), "--debug"]),
      runCli("summarize, marker session token", ["summarize", "Shot", "id:count", "--site", site, "--session-token", MARKERS.sessionToken, "--debug"]),
      runCli("find through a --proxy with the marker password, nothing listening", ["find", "Project", "--site", site, ...key(DEMO_SCRIPT_KEY), "--proxy", `http://proxyuser:${proxyPassword}@127.0.0.1:${port}`, "--debug"]),
      runCli("doctor through SG_PROXY with the marker password, nothing listening", ["doctor", "--site", site, ...key(DEMO_SCRIPT_KEY), "--debug"], { SG_PROXY: `proxyuser:${proxyPassword}@127.0.0.1:${port}` }),
      runCli("malformed HTTPS_PROXY holding the marker password", ["find", "Project", "--site", site, ...key(DEMO_SCRIPT_KEY), "--debug"], { HTTPS_PROXY: `proxyuser:${proxyPassword}@127.0.0.1:99999` }),
    ]);
    // Faults are global to the emulator: these run one after the other.
    // (The echo holds only what the CLI sends: it drops user:pass@ from --site, see the Basic-header test below.)
    emu.injectFault({ method: "read", status: 502, times: 3, body: `echo script_key=${DEMO_SCRIPT_KEY} key ${DEMO_SCRIPT_KEY}` });
    await runCli("find through 502 ×3 echoing secrets", ["find", "Project", "--site", basicSite, ...key(DEMO_SCRIPT_KEY), "--debug"]);
    emu.injectFault({ method: "create", dropConnection: true, when: "after" });
    await runCli("create, dropped connection", ["create", "Shot", `{"code":"sec-cli","project":{"type":"Project","id":1}}`, "--site", basicSite, ...key(DEMO_SCRIPT_KEY), "--debug"]);
  }, 240_000);

  afterAll(async () => {
    await emu?.close();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  it("ran every command (good credentials exit 0, bad ones non-zero) with --debug output", () => {
    const byLabel = Object.fromEntries(runs.map((r) => [r.label, r]));
    expect(byLabel["find, fixture script key"].code, byLabel["find, fixture script key"].stderr).toBe(0);
    expect(byLabel["find, right 2FA code"].code, byLabel["find, right 2FA code"].stderr).toBe(0);
    expect(byLabel["find, fixture key, basic-auth marker in the site URL"].code).toBe(0);
    expect(byLabel["whoami, real session token"].code).toBe(0);
    expect(byLabel["find, wrong marker script key"].code).not.toBe(0);
    expect(byLabel["find, wrong marker passphrase"].code).not.toBe(0);
    expect(byLabel["find, marker session token"].code).not.toBe(0);
    expect(byLabel["find through 502 ×3 echoing secrets"].code).not.toBe(0);
    // exit statuses (packages/cli README): 3 credentials refused, 2 bad input, 5 nothing applied (safe to retry)
    expect(byLabel["batch, wrong marker script key"].code).toBe(3);
    expect(byLabel["batch, bad request next to secrets"].code).toBe(2);
    expect(byLabel["summarize, marker session token"].code).toBe(3);
    expect(byLabel["find through a --proxy with the marker password, nothing listening"].code).toBe(5);
    expect(byLabel["doctor through SG_PROXY with the marker password, nothing listening"].stdout).toMatch(/proxy +http:\/\/127\.0\.0\.1:\d+ \(from SG_PROXY, with credentials\)/);
    expect(byLabel["malformed HTTPS_PROXY holding the marker password"].code).toBe(2);
    expect(byLabel["find, fixture script key"].stderr).toMatch(/\[debug\]/);
  });

  it("stdout and stderr of every run hold no secret", () => {
    expect(runs.length).toBe(24);
    const findings = runs.flatMap((r) => [...secrets.scan(r.stdout, `stdout of 'sg' (${r.label})`), ...secrets.scan(r.stderr, `stderr of 'sg' (${r.label})`)]);
    expectNoFindings(findings);
  });

  // `sg` keeps the user:pass@ of --site for the client only (a basic-auth proxy in front of the site), and
  // scrubs the password and its base64 header value from everything it prints.
  it("sends the Authorization: Basic header of a --site URL with user:pass@", async () => {
    const headers = [];
    const server = createServer((req, res) => {
      headers.push(req.headers.authorization ?? "(none)");
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: { entities: [], paging_info: { entity_count: 0 } } }));
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const site = withBasicAuth(`http://127.0.0.1:${server.address().port}`);
      const run = await runCli("basic-auth header check", ["find", "Project", "--site", site, "--script-name", "emulator_script", "--script-key", DEMO_SCRIPT_KEY]);
      expect(run.code, run.stderr).toBe(0);
      for (const text of [run.stdout, run.stderr]) for (const secret of [BASIC_B64]) expect(text).not.toContain(secret);
      expect(headers.length).toBeGreaterThan(0);
      expect(headers.every((h) => h === `Basic ${BASIC_B64}`), `Authorization headers received: ${headers.join(", ")}`).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
describe("scrubbing never shows which of the library's own words a weak secret is", () => {
  // Scrubbing a secret's value out of the library's fixed sentences gave it away: a password "wrong" turned
  // "the login or password is wrong" into "… is [REDACTED]", and a password equal to the login blanked the login.
  // Only outside text (the site's words, causes, the caller's values) has secret values scrubbed out.
  let emu;
  beforeAll(async () => {
    emu = await startEmulator({ fixtures: "demo" });
  });
  afterAll(async () => {
    await emu?.close();
  });

  it.each([
    ["a word of the message", "wrong"],
    ["a word of the message and hint", "password"],
    ["the login itself", "coord"],
  ])("a refused legacy login whose password is %s keeps the message whole", async (_what, password) => {
    const client = createClient({ site: emu.url, transport: jsonRpcCallTransport({ retry: false }), auth: legacyLoginAuth({ login: "coord", password }) });
    const r = await settle(() => entityApi(client).find("Project", [], ["name"]));
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe("SG_LEGACY_BAD_PASSWORD");
    expect(r.error.reason).toBe("@sg/auth-legacy-pat: the site refused the login 'coord': the login or password is wrong, or the account is inactive");
    for (const text of errorRenderings(r.error, "error").map(([, t]) => t)) expect(text).not.toContain("[REDACTED]");
  });

  it("a session token pasted with its cookie name gets a hint that keeps its quotes", () => {
    const thrown = (() => {
      try {
        sessionAuth({ sessionToken: "_session_id=abc123" });
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(SgValidationError);
    expect(thrown.hint).toBe("Pass only what follows '_session_id=' (and stop at the next ';').");
  });
});

describe("plain http:// sites", () => {
  const transport = jsonRpcTransport();
  // Look-alikes that end (or start) like a loopback name. `studio.localhost` too: core takes only the names its README
  // lists (`localhost`, `localhost.`, `127.x.x.x`, `::1`), not every `*.localhost` name RFC 6761 reserves.
  const refused = ["http://sg.example.com", "http://10.0.0.5", "http://0.0.0.0:8080", "http://localhost.example.com", "http://127.0.0.1.nip.io", "http://[::ffff:a00:5]", "http://user:pw@sg.example.com", "http://notlocalhost", "http://sg-localhost", "http://x127.0.0.1.example", "http://studio.localhost"];
  const allowed = ["http://127.0.0.1:1", "http://127.5.6.7", "http://localhost:8080", "http://LOCALHOST", "http://[::1]:9000", "https://sg.example.com"];

  it.each(refused)("%s is refused by createClient (no request is made)", (site) => {
    let error;
    try {
      createClient({ site, transport });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SgValidationError);
    expect(error.message).toMatch(/https/);
    expect(error.message).not.toContain("pw@");
  });

  it.each(refused)("%s is accepted with allowInsecureHttp: true", (site) => {
    expect(createClient({ site, transport, allowInsecureHttp: true }).site.insecure).toBe(true);
  });

  it.each(allowed)("%s (loopback or https) is accepted without the opt-in", (site) => {
    expect(() => createClient({ site, transport })).not.toThrow();
  });

  it("browserLogin refuses a plain-http remote site before sending anything", async () => {
    const rec = recordingFetch();
    const r = await settle(() => browserLogin({ site: "http://sg.example.com", appName: "x", fetch: rec.fetch, onUrl: () => {} }));
    expect(r.ok).toBe(false);
    expect(r.error.code).toBe("SG_VALIDATION");
    expect(rec.seen).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------------------
describe("redirects to another host never carry credentials", () => {
  /** Two loopback servers with different host names: the site (127.0.0.1) and elsewhere (127.0.0.2). */
  let site;
  let elsewhere;
  /** Another service on the site's own host name (127.0.0.1), on another port: another origin. */
  let otherPort;
  const received = [];

  function recordRequest(server, req, body) {
    received.push({ server, method: req.method, url: req.url, host: req.headers.host, authorization: req.headers.authorization, cookie: req.headers.cookie, body });
  }

  function listen(handler, host) {
    return new Promise((resolve) => {
      const server = createServer((req, res) => {
        const chunks = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => handler(req, res, Buffer.concat(chunks).toString("utf8")));
      });
      server.listen(0, host, () => resolve({ server, url: `http://${host}:${server.address().port}` }));
    });
  }

  beforeAll(async () => {
    elsewhere = await listen((req, res, body) => {
      recordRequest("elsewhere", req, body);
      if (req.url.startsWith("/back-home")) {
        res.writeHead(302, { location: `${site.url}/home-again` }).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: [] }));
    }, "127.0.0.2");
    otherPort = await listen((req, res, body) => {
      recordRequest("other-port", req, body);
      res.writeHead(200, { "content-type": "application/octet-stream" }).end("data");
    }, "127.0.0.1");
    site = await listen((req, res, body) => {
      recordRequest("site", req, body);
      const to = (path, status) => res.writeHead(status, { location: `${elsewhere.url}${path}` }).end();
      if (req.url === "/api3/json") return to("/api3/json", Number(req.headers["x-test-status"] ?? 307));
      if (req.url === "/rpc308/api3/json") return to("/api3/json", 308);
      if (req.url === "/download") return to("/file", 302);
      if (req.url === "/download-and-back") return to("/back-home", 302);
      if (req.url === "/download-other-port") return res.writeHead(302, { location: `${otherPort.url}/file` }).end();
      if (req.url === "/local-hop") return res.writeHead(302, { location: "/local-target" }).end();
      if (req.url === "/upload") return to("/upload", 307);
      if (req.url === "/userinfo") return res.writeHead(302, { location: `http://user:pw@127.0.0.2:1/x` }).end();
      res.writeHead(200, { "content-type": "application/octet-stream" }).end("data");
    }, "127.0.0.1");
  });

  afterAll(async () => {
    for (const s of [site, elsewhere, otherPort]) await new Promise((resolve) => s?.server.close(resolve));
  });

  function clientWith(auth, path = "") {
    const rec = recordingFetch();
    return { rec, client: createClient({ site: withBasicAuth(site.url) + path, auth, transport: jsonRpcTransport({ retry: false, fetch: rec.fetch }) }) };
  }

  const credentialsIn = (r) => [r.authorization, r.cookie, r.body].filter(Boolean).join(" ");

  it("RPC POST answered 307 is not followed: nothing reaches the other host", async () => {
    received.length = 0;
    const { client } = clientWith(scriptAuth({ scriptName: "emulator_script", scriptKey: MARKERS.scriptKey }));
    const r = await settle(() => client.call("read", { type: "Project", filters: { logical_operator: "and", conditions: [] }, return_fields: ["id"], paging: { entities_per_page: 1, current_page: 1 }, return_only: "active" }));
    expect(r.ok).toBe(false);
    expect(received.filter((x) => x.server === "site")).toHaveLength(1);
    // Positive control: the site itself got the credentials.
    expect(received[0].body).toContain(MARKERS.scriptKey);
    expect(received[0].authorization).toBe(`Basic ${BASIC_B64}`);
    expect(received.filter((x) => x.server === "elsewhere")).toEqual([]);
  });

  it("RPC POST answered 308 (site under a base path) is not followed either", async () => {
    received.length = 0;
    const { client } = clientWith(sessionAuth({ sessionToken: MARKERS.sessionToken }), "/rpc308");
    const r = await settle(() => client.call("read", { type: "Project" }));
    expect(r.ok).toBe(false);
    expect(received.filter((x) => x.server === "site")).toHaveLength(1);
    expect(received[0].body).toContain(MARKERS.sessionToken);
    expect(received.filter((x) => x.server === "elsewhere")).toEqual([]);
  });

  it("http() GET download answered 302 to another host: followed without the session cookie or Authorization", async () => {
    received.length = 0;
    const { client } = clientWith(sessionAuth({ sessionToken: MARKERS.sessionToken }));
    const res = await client.http({ method: "GET", target: "/download" });
    expect(res.status).toBe(200);
    const [first, second] = received;
    expect(first.server).toBe("site");
    expect(first.cookie).toContain(MARKERS.sessionToken); // positive control
    expect(first.authorization).toBe(`Basic ${BASIC_B64}`);
    expect(second.server).toBe("elsewhere");
    expect(credentialsIn(second)).toBe("");
    expect(second.url).not.toContain(MARKERS.sessionToken);
  });

  it("http() GET download answered 302 to the same host on another port: followed without the session cookie or Authorization", async () => {
    received.length = 0;
    const { client } = clientWith(sessionAuth({ sessionToken: MARKERS.sessionToken }));
    const res = await client.http({ method: "GET", target: "/download-other-port" });
    expect(res.status).toBe(200);
    expect(received.map((r) => r.server)).toEqual(["site", "other-port"]);
    expect(received[0].cookie).toContain(MARKERS.sessionToken); // positive control
    expect(credentialsIn(received[1])).toBe("");
  });

  it("http() GET whose absolute target is another host: sent without the session cookie or Authorization", async () => {
    received.length = 0;
    const { client } = clientWith(sessionAuth({ sessionToken: MARKERS.sessionToken }));
    const res = await client.http({ method: "GET", target: `${elsewhere.url}/file` });
    expect(res.status).toBe(200);
    expect(received.map((r) => r.server)).toEqual(["elsewhere"]);
    expect(credentialsIn(received[0])).toBe("");
    expect(received[0].url).not.toContain(MARKERS.sessionToken);
  });

  it("once a download has left the site, credentials do not come back when it is redirected home", async () => {
    received.length = 0;
    const { client } = clientWith(sessionAuth({ sessionToken: MARKERS.sessionToken }));
    await client.http({ method: "GET", target: "/download-and-back" });
    expect(received.map((r) => `${r.server} ${r.url}`)).toEqual(["site /download-and-back", "elsewhere /back-home", "site /home-again"]);
    expect(credentialsIn(received[1])).toBe("");
    expect(credentialsIn(received[2])).toBe("");
  });

  it("a same-host redirect keeps the credentials (the check above is not vacuous)", async () => {
    received.length = 0;
    const { client } = clientWith(sessionAuth({ sessionToken: MARKERS.sessionToken }));
    await client.http({ method: "GET", target: "/local-hop" });
    expect(received.map((r) => r.url)).toEqual(["/local-hop", "/local-target"]);
    expect(received[1].cookie).toContain(MARKERS.sessionToken);
  });

  it("http() form POST answered 307 is not followed (the form carries credentials)", async () => {
    received.length = 0;
    const { client } = clientWith(scriptAuth({ scriptName: "emulator_script", scriptKey: MARKERS.scriptKey }));
    const res = await client.http({ method: "POST", target: "/upload", form: { entity_type: "Shot", entity_id: "1" } });
    expect(res.status).toBe(307);
    expect(received.map((r) => r.server)).toEqual(["site"]);
    expect(received[0].body).toContain(MARKERS.scriptKey);
  });

  it("a redirect to a URL with user:pass@ is not followed", async () => {
    received.length = 0;
    const { client, rec } = clientWith(sessionAuth({ sessionToken: MARKERS.sessionToken }));
    const res = await client.http({ method: "GET", target: "/userinfo" });
    expect(res.status).toBe(302);
    expect(rec.seen).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------------------
/** Every `case '<METHOD> /__emulator/<name>'` route of the emulator's admin.ts: `[method, path]`. */
const ADMIN_ROUTES = [...readFileSync(join(here, "..", "..", "..", "packages", "emulator", "src", "admin.ts"), "utf8").matchAll(/case '(GET|POST) (\/__emulator\/[\w-]+)'/g)].map((m) => [m[1], m[2]]);

/** A body each POST route would act on (one that changes something), so a 403 is the guard's and not a 400. */
const ADMIN_BODIES = {
  "/__emulator/faults": JSON.stringify({ method: "read", status: 500, times: 5 }),
  "/__emulator/latency": JSON.stringify({ ms: 5000 }),
  "/__emulator/clock": JSON.stringify({ advanceSeconds: 99999 }),
  "/__emulator/pat": JSON.stringify({ login: "admin", state: "revoked" }),
  "/__emulator/approve": JSON.stringify({ requestId: "1", login: "admin" }),
  "/__emulator/deny": JSON.stringify({ requestId: "1" }),
  "/__emulator/2fa": JSON.stringify({ login: "artist" }),
};

describe("the emulator's admin endpoints answer loopback peers only", () => {
  let emu;
  let server;
  /** Remote address the next connections will report (undefined = the real one, 127.0.0.1). */
  let fakePeer;

  beforeAll(async () => {
    // The emulator decides with `isLoopback(req.socket.remoteAddress)` (packages/emulator/src/server.ts). Capture
    // its http.Server while it starts, then make accepted sockets report a non-loopback peer. All traffic stays
    // on 127.0.0.1; only the address the server sees is changed.
    ({ emu, server } = await startEmulatorWithServer({ fixtures: "demo" }));
    server.prependListener("connection", (socket) => {
      if (fakePeer !== undefined) Object.defineProperty(socket, "remoteAddress", { value: fakePeer, configurable: true });
    });
  });

  afterAll(async () => {
    await emu?.close();
  });

  /** One request on a fresh connection (so the peer address applies), as `{ status, text }`. */
  async function request(path, init = {}, peer) {
    fakePeer = peer;
    try {
      const res = await fetch(`${emu.url}${path}`, { ...init, headers: { connection: "close", ...(init.headers ?? {}) } });
      return { status: res.status, text: await res.text() };
    } finally {
      fakePeer = undefined;
    }
  }

  const rpcRead = () =>
    request("/api3/json", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ method_name: "read", params: [{ script_name: "emulator_script", script_key: DEMO_SCRIPT_KEY }, { type: "Project", filters: { logical_operator: "and", conditions: [] }, return_fields: ["name"], paging: { entities_per_page: 10, current_page: 1 }, return_only: "active" }] }),
    }, "203.0.113.7");

  it("the probe covers every route admin.ts handles (a new route cannot be missed)", () => {
    expect(ADMIN_ROUTES.length).toBeGreaterThanOrEqual(12);
    for (const route of ["GET /__emulator/requests", "GET /__emulator/stats", "POST /__emulator/2fa", "POST /__emulator/deny", "POST /__emulator/faults"]) {
      expect(ADMIN_ROUTES.map(([method, path]) => `${method} ${path}`)).toContain(route);
    }
  });

  // Non-loopback peers, including ones that merely contain "127" (a guard must look at the address, not a substring).
  it.each(["203.0.113.7", "10.0.0.2", "::ffff:192.0.2.1", "2001:db8::1", "128.0.0.1", "10.127.0.9", "192.0.2.127", "::ffff:10.127.0.1", "2001:db8::127"])(
    "a peer at %s gets 403 from every admin endpoint, and nothing changes",
    async (peer) => {
      for (const [method, path] of ADMIN_ROUTES) {
        const body = method === "POST" ? ADMIN_BODIES[path] : undefined;
        const r = await request(path, { method, ...(body ? { body, headers: { "content-type": "application/json", "x-forwarded-for": "127.0.0.1" } } : { headers: { "x-forwarded-for": "127.0.0.1" } }) }, peer);
        expect(r.status, `${method} ${path} from ${peer}`).toBe(403);
        expect(r.text).not.toMatch(/"seq"|"scripts"|"users"|"now"|"code"|"sessions"|"denied"/);
        // The 2FA endpoint minted no code the site would take: any six digits in its answer fail a login.
        for (const code of path === "/__emulator/2fa" ? (r.text.match(/\d{6}/g) ?? []) : []) {
          const client = createClient({ site: emu.url, transport: jsonRpcTransport({ retry: false }), auth: legacyLoginAuth({ login: "artist", password: "artist-pass-1", authToken: code }) });
          const used = await settle(() => client.call("read", { type: "Project", filters: { logical_operator: "and", conditions: [] }, return_fields: ["name"], paging: { entities_per_page: 1, current_page: 1 }, return_only: "active" }));
          await client.close();
          expect(used.ok, `the code ${code} a remote peer got from /__emulator/2fa logged in`).toBe(false);
        }
      }
      // The fault and latency were not queued: an RPC from the same peer is answered normally and fast.
      const read = await rpcRead();
      expect(read.status).toBe(200);
      expect(JSON.parse(read.text).results.entities.length).toBeGreaterThan(0);
    },
  );

  it.each(["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])("a loopback peer at %s is answered", async (peer) => {
    const r = await request("/__emulator/clock", {}, peer);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).now).toMatch(/^\d{4}-/);
  });

  it("the fake peer address really reaches the server (control: a remote peer's RPC is logged, the admin call is not)", async () => {
    emu.reset();
    await rpcRead();
    await request("/__emulator/requests", {}, "203.0.113.7");
    const log = await request("/__emulator/requests");
    const entries = JSON.parse(log.text);
    expect(entries.map((e) => e.method_name)).toEqual(["read"]);
  });
});

