import { machineName } from "#machine-name";
import { SgAbortError, SgValidationError, abortErrorFrom, cutText, describeValue, guardLogger, parseSite } from "@sg/core";
import type { AuthStrategy, Logger, Site } from "@sg/core";
import { PACKAGE, SessionErrorCode, SgBrowserLoginError } from "./session-errors.js";
import type { BrowserLoginErrorCode } from "./session-errors.js";
import { boundSessionAuth } from "./session-auth.js";

/** Options of {@link browserLogin}. */
export interface BrowserLoginOptions {
  /** The site URL, e.g. `https://mystudio.shotgrid.autodesk.com` (http only for loopback hosts unless `allowInsecureHttp`). */
  readonly site: string;
  /** Your application's name, shown to the person on the approval page. */
  readonly appName: string;
  /**
   * Open the approval URL, e.g. in the default browser. Not awaited: polling starts at once, and `timeoutMs` and
   * `signal` end the login whether or not it has settled. Errors it throws or rejects with while the login goes on are
   * logged and the login goes on; later ones are ignored.
   */
  readonly open?: ((url: string) => void | Promise<void>) | undefined;
  /** Show the approval URL to the person. Default: one line on stderr when neither `open` nor `onUrl` is given. */
  readonly onUrl?: ((url: string) => void) | undefined;
  /**
   * How long to wait for the approval, in milliseconds. Default 180000 (3 minutes, as the site's own tools). When it
   * runs out, the request is polled once more, by a poll that starts after that moment (after the poll under way, if
   * any, has answered; given at most min(timeoutMs, 10 s) in all), so an approval given in the last interval is not lost.
   */
  readonly timeoutMs?: number | undefined;
  /** Pause between two polls, in milliseconds. Default 2000. */
  readonly pollIntervalMs?: number | undefined;
  /** The `fetch` to use. Default: the global one. */
  readonly fetch?: typeof globalThis.fetch | undefined;
  /** Cancels the login at once. */
  readonly signal?: AbortSignal | undefined;
  /** Identifies this machine on the approval page. Default: the host name (under Node; elsewhere it must be given). */
  readonly machineId?: string | undefined;
  /**
   * Where to log progress (never the token, nor the approval request's id: the URL is logged with `<id>` in its
   * place). A logger whose methods throw or return rejected promises does not change the login's outcome.
   */
  readonly logger?: Logger | undefined;
  /** Allow `http://` to a host that is not loopback. */
  readonly allowInsecureHttp?: boolean | undefined;
}

/** What {@link browserLogin} resolves to. `sessionToken` is not enumerable, so printing the result does not show it. */
export interface BrowserLoginResult {
  /** A `sessionAuth` strategy for the new session, ready for `createClient`, bound to `site` from the start. */
  readonly auth: AuthStrategy;
  /** The new session token, to store if you want to reuse it (e.g. in an OS keychain). Secret. */
  readonly sessionToken: string;
  /** The login of the person who approved. */
  readonly userLogin: string;
}

/** Transient failures (5xx, connection errors) are retried this many times per request. */
const TRANSIENT_RETRIES = 3;

const KNOWN = new Set(["site", "appName", "open", "onUrl", "timeoutMs", "pollIntervalMs", "fetch", "signal", "machineId", "logger", "allowInsecureHttp"]);

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

/** The longest delay a Node timer can hold; a longer one fires after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;

function positive(o: Record<string, unknown>, name: string, fallback: number, min: number): number {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > MAX_TIMER_MS) {
    throw new SgValidationError(PACKAGE, {
      path: ["browserLogin", name],
      expected: `a number of milliseconds from ${min} to ${MAX_TIMER_MS} (about 24 days)`,
      received: describeValue(v),
      ...(typeof v === "number" && v > MAX_TIMER_MS ? { hint: "Timers cannot wait longer; a larger value would fire at once." } : {}),
    });
  }
  return v;
}

/**
 * The approval URL as logged: its origin and path, with a path segment that is the request id shown as `<id>` (the
 * emulator's request log does the same), and no query or fragment. Polling with the id hands out the session once
 * a person approves, and logs are read by more people than the one approving. Just the origin when the id would
 * still show, or the URL does not parse.
 */
function loggedUrl(url: string, requestId: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "(not shown: the approval URL did not parse)";
  }
  const ids = [requestId, encodeURIComponent(requestId)];
  const path = parsed.pathname
    .split("/")
    .map((segment) => (ids.includes(segment) ? "<id>" : segment))
    .join("/");
  return requestId === "" || ids.some((id) => path.includes(id)) ? parsed.origin : parsed.origin + path;
}

/** `text` with the request id (as given and URL-encoded) shown as `<id>`. */
function withoutId(text: string, requestId: string): string {
  if (requestId === "") return text;
  return text.split(requestId).join("<id>").split(encodeURIComponent(requestId)).join("<id>");
}

function fail(code: BrowserLoginErrorCode, message: string, hint: string, status?: number, cause?: unknown): SgBrowserLoginError {
  return new SgBrowserLoginError(`${PACKAGE}: ${message}`, { code, hint, ...(status === undefined ? {} : { status }), ...(cause === undefined ? {} : { cause }) });
}

function notEnabled(site: Site, status?: number): SgBrowserLoginError {
  return fail(
    SessionErrorCode.BROWSER_LOGIN_NOT_ENABLED,
    `${site.href} does not offer login by browser approval (the App Session Launcher is not enabled)`,
    "Ask a site admin to enable it, or use another way in: a session token from a logged-in browser's _session_id cookie with sessionAuth(), " +
      "a legacy login + passphrase with @sg/auth-legacy-pat (sites without SSO), or a script key with @sg/auth-script.",
    status,
  );
}

/**
 * Log in without a password: ask the site for an approval request, show its URL (and open it when `open` is
 * given), poll politely until a person logged in to the site in a browser approves it, and return a
 * {@link sessionAuth} for the session it yields. This is how the site's own desktop tools log in, and the way
 * in for people on SSO or Autodesk Identity sites who have no passphrase and no PAT. Node only.
 *
 * Errors are {@link SgBrowserLoginError}s: `SG_BROWSER_LOGIN_REJECTED` (denied, or expired after about 5
 * minutes — the site does not say which), `SG_BROWSER_LOGIN_NOT_ENABLED`, `SG_BROWSER_LOGIN_TIMEOUT`,
 * `SG_BROWSER_LOGIN_FAILED`; an aborted `signal` rejects with `SgAbortError`.
 */
export async function browserLogin(options: BrowserLoginOptions): Promise<BrowserLoginResult> {
  if (options === null || typeof options !== "object") {
    throw new SgValidationError(PACKAGE, { path: ["browserLogin"], expected: "an object { site, appName, open?, … }", received: describeValue(options) });
  }
  const o = options as unknown as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) {
      // Never echo the value: a misplaced option is often a secret (sessionToken, password, a 2FA code as a number, …).
      throw new SgValidationError(PACKAGE, {
        path: ["browserLogin", key],
        expected: `no such option (known: ${[...KNOWN].join(", ")})`,
        received: describeValue(o[key], true),
      });
    }
  }
  const site = parseSite(options.site, { allowInsecureHttp: options.allowInsecureHttp === true, prefix: PACKAGE });
  if (typeof options.appName !== "string" || options.appName.trim() === "") {
    throw new SgValidationError(PACKAGE, { path: ["browserLogin", "appName"], expected: "your application's name (a non-empty string), shown on the approval page", received: describeValue(options.appName) });
  }
  for (const name of ["open", "onUrl", "fetch"] as const) {
    if (o[name] !== undefined && typeof o[name] !== "function") {
      throw new SgValidationError(PACKAGE, { path: ["browserLogin", name], expected: "a function, or undefined", received: describeValue(o[name]) });
    }
  }
  if (o["machineId"] !== undefined && (typeof o["machineId"] !== "string" || o["machineId"].trim() === "")) {
    throw new SgValidationError(PACKAGE, { path: ["browserLogin", "machineId"], expected: "a non-empty string naming this machine, or undefined (the host name)", received: describeValue(o["machineId"]) });
  }
  if (o["signal"] !== undefined && !(o["signal"] instanceof AbortSignal)) {
    throw new SgValidationError(PACKAGE, { path: ["browserLogin", "signal"], expected: "an AbortSignal, or undefined", received: describeValue(o["signal"]) });
  }
  const givenLogger = o["logger"] as Partial<Record<keyof Logger, unknown>> | null | undefined;
  if (givenLogger !== undefined && (givenLogger === null || (typeof givenLogger !== "object" && typeof givenLogger !== "function") || (["debug", "info", "warn", "error"] as const).some((level) => typeof givenLogger[level] !== "function"))) {
    throw new SgValidationError(PACKAGE, { path: ["browserLogin", "logger"], expected: "a Logger (an object or function with debug, info, warn and error functions), or undefined", received: describeValue(givenLogger) });
  }
  const timeoutMs = positive(o, "timeoutMs", 180_000, 1);
  const pollIntervalMs = positive(o, "pollIntervalMs", 2_000, 10);
  const doFetch = options.fetch ?? globalThis.fetch;
  const logger = guardLogger(options.logger);
  const machineId = options.machineId ?? machineName();
  if (machineId === undefined) {
    throw new SgValidationError(PACKAGE, { path: ["browserLogin", "machineId"], expected: "a name for this machine, shown on the approval page (outside Node the host name is not known)", received: describeValue(undefined) });
  }
  if (options.signal?.aborted) throw abortErrorFrom(options.signal);

  // One signal for everything: the caller's abort, or our own timeout.
  const controller = new AbortController();
  const timedOut = (): SgBrowserLoginError =>
    fail(
      SessionErrorCode.BROWSER_LOGIN_TIMEOUT,
      `nobody approved the login request within ${timeoutMs / 1000} s`,
      "Open the URL that was shown, log in to the site in that browser and click Approve; then run the login again (pass a larger timeoutMs to wait longer).",
    );
  /** Set once polling has started: the time running out then ends the pause for one last poll (see `timer`). */
  let polling = false;
  /** How many polls have started. */
  let polls = 0;
  /**
   * Set when the time ran out while polling: the number of the last poll, the first to start after that moment (the
   * one the pause is cut short for, or the one after a poll under way, sent without a pause), 0 before.
   */
  let lastPoll = 0;
  /** Ends the current pause at once (when one is under way). */
  let cut = (): void => undefined;
  // An approval given after the last poll that fitted in timeoutMs is still seen: the request is polled once more,
  // within at most min(timeoutMs, 10 s), before giving up.
  let timer = setTimeout(() => {
    if (!polling) return controller.abort(timedOut());
    lastPoll = polls + 1;
    cut();
    timer = setTimeout(() => controller.abort(timedOut()), Math.min(timeoutMs, 10_000));
  }, timeoutMs);
  const onAbort = (): void => controller.abort(abortErrorFrom(options.signal));
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const signal = controller.signal;
  const stopped = (): Error => (signal.reason instanceof Error ? signal.reason : new SgAbortError("the login was aborted"));

  const sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(stopped());
      const end = (error?: Error): void => {
        clearTimeout(t);
        signal.removeEventListener("abort", wake);
        cut = () => undefined;
        if (error) reject(error);
        else resolve();
      };
      const t = setTimeout(end, ms);
      const wake = (): void => end(stopped());
      signal.addEventListener("abort", wake, { once: true });
      cut = end;
    });

  /**
   * One exchange; 5xx and connection errors are retried a few times with a growing pause (tk-core does the same).
   * `requestId`, when the path holds it, is sent but shown as `<id>` in the retry line and the error.
   */
  const exchange = async (method: "GET" | "POST" | "PUT", path: string, form?: Record<string, string>, requestId?: string): Promise<Answer> => {
    const where = requestId === undefined ? `${site.href}${path}` : loggedUrl(`${site.href}${path}`, requestId);
    for (let attempt = 1; ; attempt += 1) {
      let failure: unknown;
      try {
        const response = await doFetch(`${site.href}${path}`, {
          method,
          signal,
          redirect: "manual",
          headers: { accept: "application/json", ...(site.basicAuth ? { authorization: site.basicAuth } : {}) },
          ...(form ? { body: new URLSearchParams(form) } : {}),
        });
        const text = await response.text();
        if (response.status < 500 || attempt > TRANSIENT_RETRIES) {
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          return { status: response.status, body, text };
        }
        failure = `HTTP ${response.status}`;
      } catch (error) {
        if (signal.aborted) throw stopped();
        failure = error;
        if (attempt > TRANSIENT_RETRIES) {
          throw fail(
            SessionErrorCode.BROWSER_LOGIN_FAILED,
            `could not reach ${where}`,
            "Check the site URL and the network (proxy, VPN), then try again.",
            undefined,
            error,
          );
        }
      }
      logger.debug(`${PACKAGE}: ${method} ${where} failed, retrying`, { attempt, failure: failure instanceof Error ? failure.name : String(failure) });
      await sleep(750 * attempt);
    }
  };

  /** The error for an answer not understood, quoting its text with the request id (when known) shown as `<id>`. */
  const unexpected = (what: string, answer: Answer, requestId = ""): SgBrowserLoginError =>
    fail(
      SessionErrorCode.BROWSER_LOGIN_FAILED,
      `unexpected answer to ${what}: HTTP ${answer.status} ${cutText(withoutId(answer.text, requestId).replace(/\s+/g, " "), 200, [])}`,
      "Check the site URL (scheme, host and base path); if it is right, the site may not support browser approval.",
      answer.status,
    );

  /** Set once the login has ended, after which a late failure of `open()` is not reported. */
  let ended = false;
  try {
    // 1. Does the site offer it at all? Only an explicit `false` is believed; the POST's 403 says the rest.
    try {
      const about = await exchange("GET", "/api/v1");
      const info = about.body as Record<string, unknown> | undefined;
      const flags = [info, info?.["data"] as Record<string, unknown> | undefined];
      if (about.status === 200 && flags.some((f) => f && typeof f === "object" && f["authentication_app_session_launcher_enabled"] === false)) {
        throw notEnabled(site);
      }
    } catch (error) {
      if (error instanceof SgBrowserLoginError && error.code === SessionErrorCode.BROWSER_LOGIN_NOT_ENABLED) throw error;
      if (signal.aborted) throw stopped();
      logger.debug(`${PACKAGE}: GET /api/v1 failed; asking for the approval request anyway`);
    }

    // 2. Ask for an approval request.
    const created = await exchange("POST", "/internal_api/app_session_request", { appName: options.appName, machineId });
    if (created.status === 403) throw notEnabled(site, 403);
    const request = created.body as { sessionRequestId?: unknown; url?: unknown } | undefined;
    const requestId = request?.sessionRequestId;
    const url = request?.url;
    if (created.status !== 200 && created.status !== 201) throw unexpected("the approval request", created);
    if ((typeof requestId !== "string" && typeof requestId !== "number") || typeof url !== "string" || !/^https?:\/\//i.test(url)) {
      throw unexpected("the approval request (no sessionRequestId or http(s) url)", created, typeof requestId === "string" || typeof requestId === "number" ? String(requestId) : "");
    }
    const idText = String(requestId);
    // The approval page is the site's own: a URL elsewhere (a hostile or spoofed site) is neither shown nor opened,
    // since the person would approve, or type their password, on a page the site does not own.
    let origin: string | undefined;
    try {
      origin = new URL(url).origin;
    } catch {
      // Refused below, and shown as not parsing.
    }
    if (origin !== site.origin) {
      throw fail(
        SessionErrorCode.BROWSER_LOGIN_FAILED,
        `the approval URL the site returned is not on the site's origin ${site.origin}: got ${loggedUrl(url, idText)}; it was not opened`,
        "Check the site URL (a proxy or a look-alike site may have answered); the site's own approval page is on its own origin. If that other address is your site's own (its canonical name, reached here through an alias), use it as the site URL.",
      );
    }

    // 3. Show the URL: the real one to the person, one without the request id to the logs.
    logger.info(`${PACKAGE}: approve the login in a browser`, { url: loggedUrl(url, idText) });
    options.onUrl?.(url);
    if (options.open) {
      // Not awaited: polling starts at once, so an open() that settles late or never (one that waits for the browser
      // to exit) neither holds the login past timeoutMs or the signal nor lets the request expire unpolled.
      const open = options.open;
      void (async () => {
        try {
          await open(url);
        } catch (error) {
          if (ended) return; // The login is over: nothing to open by hand any more.
          // open()'s error may quote the URL (a command line that failed), so the id goes from its message too.
          const reason = error instanceof Error ? error.message : String(error);
          logger.warn(`${PACKAGE}: open() failed; open the URL by hand`, { url: loggedUrl(url, idText), error: withoutId(reason, idText) });
          if (!options.onUrl) process.stderr.write(`To log in to ${site.href}, open ${url} in a browser and approve.\n`);
        }
      })().catch(() => undefined); // An error whose message cannot be read: never an unhandled rejection.
    } else if (!options.onUrl) {
      process.stderr.write(`To log in to ${site.href}, open ${url} in a browser and approve.\n`);
    }

    // 4. Poll until approved, refused, or out of time.
    const pollPath = `/internal_api/app_session_request/${encodeURIComponent(String(requestId))}`;
    polling = true;
    for (;;) {
      if (!lastPoll) await sleep(pollIntervalMs);
      polls += 1;
      const answer = await exchange("PUT", pollPath, undefined, idText);
      if (answer.status === 404) {
        throw fail(
          SessionErrorCode.BROWSER_LOGIN_REJECTED,
          "the login request was denied in the browser, or it expired (requests live about 5 minutes)",
          "Run the login again and click Approve on the page it opens, within a few minutes; if you did not start this login, ignore it.",
          404,
        );
      }
      if (answer.status === 403) throw notEnabled(site, 403);
      if (answer.status !== 200) throw unexpected("a poll of the approval request", answer, idText);
      const body = answer.body as { approved?: unknown; sessionToken?: unknown; userLogin?: unknown } | undefined;
      if (body?.approved === true) {
        if (typeof body.sessionToken !== "string" || body.sessionToken === "") throw unexpected("the approval (approved without a sessionToken)", answer, idText);
        const sessionToken = body.sessionToken;
        const userLogin = typeof body.userLogin === "string" ? body.userLogin : "";
        logger.info(`${PACKAGE}: login approved`, { userLogin });
        // Bound to this site from the start: a client of another site is refused before anything is sent.
        const result = { auth: boundSessionAuth({ sessionToken }, site.href), userLogin };
        Object.defineProperty(result, "sessionToken", { value: sessionToken, enumerable: false });
        Object.defineProperty(result, Symbol.for("nodejs.util.inspect.custom"), {
          enumerable: false,
          value: (): string => `BrowserLoginResult { userLogin: '${userLogin}', sessionToken: [REDACTED] }`,
        });
        return Object.freeze(result) as BrowserLoginResult;
      }
      if (polls === lastPoll) throw timedOut();
      logger.debug(`${PACKAGE}: still waiting for the approval`);
    }
  } finally {
    ended = true;
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

