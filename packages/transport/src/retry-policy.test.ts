import { describe, expect, it } from "vitest";
import { createRetryBudget } from "./retry-budget.js";
import { parseRetryAfter } from "./retry-after.js";
import { DEFAULT_RETRY_POLICY, backoffDelay, classify } from "./retry-policy.js";
import type { AttemptOutcome } from "./retry-policy.js";
import { SgTlsError, classifyNetworkError, networkError } from "./network-errors.js";

const P = DEFAULT_RETRY_POLICY;
const status = (s: number, retryAfterMs?: number): AttemptOutcome => ({ type: "status", status: s, retryAfterMs });

describe("classify: the architecture.md §4 table", () => {
  const cases: [string, AttemptOutcome, boolean, boolean][] = [
    // writes only with retryWrites: true (below): a gateway's 502/504 does not prove the write was not applied
    ["502", status(502), true, false],
    ["504", status(504), true, false],
    ["503", status(503), true, false],
    ["429", status(429), true, true],
    ["500", status(500), false, false],
    ["404", status(404), false, false],
    ["403", status(403), false, false],
    // a 401 and a redirect are the site's answer (credentials, the site URL): sending again cannot change it
    ["401", status(401), false, false],
    ["301", status(301), false, false],
    ["302", status(302), false, false],
    ["303", status(303), false, false],
    ["307", status(307), false, false],
    ["308", status(308), false, false],
    ["refused", { type: "not-sent", code: "ECONNREFUSED" }, true, true],
    ["DNS", { type: "not-sent", code: "ENOTFOUND" }, true, true],
    ["reset", { type: "maybe-sent", code: "ECONNRESET" }, true, false],
    ["timeout", { type: "maybe-sent", code: "SG_TIMEOUT", timeout: true }, true, false],
    ["TLS", { type: "fatal", code: "CERT_HAS_EXPIRED" }, false, false],
    ["fault", { type: "fatal", code: "SG_FAULT" }, false, false],
  ];
  it.each(cases)("%s: read %s, write %s", (_n, outcome, read, write) => {
    expect(classify(outcome, "read", 1, P).retry).toBe(read);
    expect(classify(outcome, "write", 1, P).retry).toBe(write);
  });
  it("retryWrites is off by default: 502/504 stop writes only, and say why", () => {
    expect(P.retryWrites).toBe(false);
    expect(classify(status(502), "write", 1, P)).toEqual({ retry: false, reason: "HTTP 502 on a write with retryWrites off", withheld: true });
    expect(classify(status(504), "read", 1, P).retry).toBe(true);
    expect(classify(status(429), "write", 1, P).retry).toBe(true);
    expect(classify({ type: "not-sent", code: "ECONNREFUSED" }, "write", 1, P).retry).toBe(true);
  });
  it("retryWrites: true retries writes on 502/504 (the Python client's behaviour), and on nothing else", () => {
    const p = { ...P, retryWrites: true };
    expect(classify(status(502), "write", 1, p)).toEqual({ retry: true, delayMs: 750, reason: "HTTP 502" });
    expect(classify(status(504), "write", 2, p)).toEqual({ retry: true, delayMs: 1500, reason: "HTTP 504" });
    expect(classify(status(504), "write", 3, p)).toMatchObject({ retry: false, reason: expect.stringContaining("no attempts left") });
    expect(classify(status(503), "write", 1, p).retry).toBe(false);
    expect(classify(status(500), "write", 1, p).retry).toBe(false);
    expect(classify({ type: "maybe-sent", code: "ECONNRESET" }, "write", 1, p).retry).toBe(false);
  });
  it("stops at maxAttempts", () => {
    expect(classify(status(502), "read", 2, P).retry).toBe(true);
    expect(classify(status(502), "read", 3, P)).toMatchObject({ retry: false, reason: expect.stringContaining("no attempts left") });
  });
  it("retryStatuses: a listed status is retried for reads only, like a 502 (Retry-After honoured), and says why", () => {
    const p = { ...P, retryStatuses: [500] };
    expect(classify(status(500), "read", 1, p)).toEqual({ retry: true, delayMs: 750, reason: "HTTP 500 (in retryStatuses)" });
    expect(classify(status(500, 2000), "read", 1, p)).toEqual({ retry: true, delayMs: 2000, reason: "HTTP 500 (in retryStatuses), Retry-After honoured" });
    expect(classify(status(500), "write", 1, p)).toEqual({ retry: false, reason: "HTTP 500 (in retryStatuses) on a write (never retried)", withheld: true });
    expect(classify(status(500), "read", 3, p)).toMatchObject({ retry: false, reason: expect.stringContaining("no attempts left") });
    // Statuses not listed keep their row; listing a status never makes a write retry it.
    expect(classify(status(501), "read", 1, p)).toEqual({ retry: false, reason: "HTTP 501 is never retried" });
    expect(classify(status(500), "read", 1, P)).toEqual({ retry: false, reason: "HTTP 500 is never retried" });
    expect(classify(status(503), "write", 1, { ...P, retryStatuses: [503] }).retry).toBe(false);
    expect(classify(status(502), "write", 1, { ...P, retryWrites: false, retryStatuses: [502] }).retry).toBe(false);
  });
  it("honours Retry-After up to maxRetryAfterMs", () => {
    expect(classify(status(503, 2000), "read", 1, P)).toEqual({ retry: true, delayMs: 2000, reason: expect.any(String) });
    expect(classify(status(429, 31_000), "read", 1, P).retry).toBe(false);
    // exactly the bound is waited for; only a longer one is not
    const p = { ...P, maxRetryAfterMs: 1000 };
    expect(classify(status(429, 1000), "read", 1, p)).toEqual({ retry: true, delayMs: 1000, reason: "HTTP 429, Retry-After honoured" });
    expect(classify(status(429, 1001), "read", 1, p)).toMatchObject({ retry: false, withheld: true });
  });
  it("says when a retry is withheld (a write's, a Retry-After over the cap), not when none would ever be made or none is left", () => {
    const withheld = (outcome: AttemptOutcome, kind: "read" | "write", attempt = 1) => (classify(outcome, kind, attempt, P) as { withheld?: true }).withheld;
    expect(withheld(status(502), "write")).toBe(true);
    expect(withheld(status(503), "write")).toBe(true);
    expect(withheld({ type: "maybe-sent", code: "ECONNRESET" }, "write")).toBe(true);
    expect(withheld(status(429, 31_000), "read")).toBe(true);
    expect(withheld(status(500), "read")).toBeUndefined();
    expect(withheld(status(404), "write")).toBeUndefined();
    expect(withheld({ type: "fatal", code: "SG_FAULT" }, "read")).toBeUndefined();
    expect(withheld(status(502), "read", 3)).toBeUndefined();
  });
});

describe("backoffDelay", () => {
  it("is incremental 750 × n, capped", () => {
    expect([1, 2, 3].map((n) => backoffDelay(n, P))).toEqual([750, 1500, 2250]);
    expect(backoffDelay(5, { ...P, maxDelayMs: 2000 })).toBe(2000);
  });
  it("jitters", () => {
    expect(backoffDelay(2, { ...P, jitter: "full" }, () => 0.5)).toBe(750);
    expect(backoffDelay(2, { ...P, jitter: "full" }, () => 0)).toBe(0);
    expect(backoffDelay(2, { ...P, jitter: "equal" }, () => 0)).toBe(750);
    expect(backoffDelay(2, { ...P, jitter: "equal" }, () => 0.999)).toBeGreaterThan(1490);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:05 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    // the three HTTP-date forms; anything else that Date.parse happens to read (as a past date) is no date
    expect(parseRetryAfter("Thursday, 01-Jan-26 00:00:07 GMT", now)).toBe(7000);
    const tz = process.env["TZ"];
    process.env["TZ"] = "America/New_York"; // asctime has no zone: it is GMT, not the machine's local time
    try {
      expect(parseRetryAfter("Thu Jan  1 00:00:09 2026", now)).toBe(9000);
    } finally {
      if (tz === undefined) delete process.env["TZ"];
      else process.env["TZ"] = tz;
    }
    for (const junk of ["-5", "+5", "1/2", "busy 3", "10, 20", "Thu"]) expect(parseRetryAfter(junk, now), junk).toBeUndefined();
    // a zone other than GMT (UTC, or none as in asctime) is no HTTP-date: the same instant in +0100 or PST was read as GMT
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 UTC", now)).toBe(5000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05", now)).toBe(5000);
    for (const zoned of ["Thu, 01 Jan 2026 01:00:05 +0100", "Wed, 31 Dec 2025 16:00:05 PST", "Thu, 01 Jan 2026 00:00:05 GMT+2"]) expect(parseRetryAfter(zoned, now), zoned).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("reads an HTTP-date against the answer's Date header (the site's clock) when that is an HTTP-date, else against now", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    // the site's clock 1 h behind, or ahead: the 5 s it asked for all the same
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:05 GMT", now, "Wed, 31 Dec 2025 23:00:00 GMT")).toBe(5000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 01:00:05 GMT", now, " Thu, 01 Jan 2026 01:00:00 GMT ")).toBe(5000);
    // delay-seconds need no date; a Date that is no HTTP-date is not read
    expect(parseRetryAfter("3", now, "Wed, 31 Dec 2025 23:00:00 GMT")).toBe(3000);
    for (const junk of ["", "yesterday", "1/2", null]) expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now, junk), String(junk)).toBe(5000);
  });
});

describe("retry budget", () => {
  it("spends tokens on retries, refuses when empty, refills on success", () => {
    const b = createRetryBudget({ capacity: 12, retryCost: 5, timeoutRetryCost: 10, successRefill: 1 });
    expect(b.acquire(false)).toBe(5);
    expect(b.acquire(false)).toBe(5);
    expect(b.acquire(false)).toBeUndefined();
    b.recordSuccess(0);
    expect(b.available()).toBe(3);
    b.recordSuccess(10);
    expect(b.available()).toBe(12);
    expect(b.acquire(true)).toBe(10);
    b.refund(10);
    b.refund(10);
    expect(b.available()).toBe(12);
  });
});

describe("classifyNetworkError", () => {
  const wrap = (code: string): Error => new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code }) });
  it.each([
    ["ECONNREFUSED", "not-sent"],
    ["ENOTFOUND", "not-sent"],
    ["EAI_AGAIN", "not-sent"],
    ["ECONNRESET", "maybe-sent"],
    ["UND_ERR_SOCKET", "maybe-sent"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "fatal"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "fatal"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", "fatal"],
    ["EPROTO", "fatal"],
    // Node's other certificate verification codes
    ["INVALID_PURPOSE", "fatal"],
    ["PATH_LENGTH_EXCEEDED", "fatal"],
    ["ERROR_IN_CERT_NOT_AFTER_FIELD", "fatal"],
    ["CRL_HAS_EXPIRED", "fatal"],
  ])("%s → %s", (code, type) => expect(classifyNetworkError(wrap(code)).type).toBe(type));
  it("an HTTP parse error on a TLS record is plain HTTP sent to a port that speaks TLS; on anything else it stays maybe sent", () => {
    const parseError = (data: string): Error => new TypeError("fetch failed", { cause: Object.assign(new Error("Response does not match the HTTP/1.1 protocol (Expected HTTP/)"), { code: "HPE_INVALID_CONSTANT", data }) });
    // undici keeps the bytes it could not parse as a string: an alert (0x15) or a handshake (0x16) record of TLS 1.x
    expect(classifyNetworkError(parseError("\x15\x03\x03\x00\x02\x02\x46"))).toEqual({ type: "fatal", code: "ERR_SSL_HTTP_REQUEST" });
    expect(classifyNetworkError(parseError("\x16\x03\x01\x00\x2a"))).toEqual({ type: "fatal", code: "ERR_SSL_HTTP_REQUEST" });
    expect(classifyNetworkError(parseError("SSH-2.0-OpenSSH_9.6\r\n"))).toEqual({ type: "maybe-sent", code: "HPE_INVALID_CONSTANT" });
    // the same bytes on another error are not read as TLS
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", data: "\x15\x03\x03" });
    expect(classifyNetworkError(new TypeError("fetch failed", { cause: reset }))).toEqual({ type: "maybe-sent", code: "ECONNRESET" });
  });
  it("an error without a code is treated as maybe sent", () => expect(classifyNetworkError(new Error("?")).type).toBe("maybe-sent"));
  it("undici's words for a proxy's refusal count with their own code only, whole, and with undici 5's status-less wording too", () => {
    const undici = (code: string, message: string): Error => new TypeError("fetch failed", { cause: Object.assign(new Error(message), { code }) });
    // undici 5 did not say the status: not sent, and not retried (a refusal it cannot tell from a 407)
    expect(classifyNetworkError(undici("UND_ERR_ABORTED", "Proxy response !== 200 when HTTP Tunneling"))).toEqual({ type: "fatal", code: "ERR_PROXY_TUNNEL", proxyStatus: 0 });
    expect(networkError(new Error("x"), { type: "fatal", code: "ERR_PROXY_TUNNEL", proxyStatus: 0 }, { method: "create", kind: "write", secrets: [] }).reason).toBe(
      "Network error calling 'create': the proxy refused the request (ERR_PROXY_TUNNEL)",
    );
    expect(classifyNetworkError(undici("UND_ERR_ABORTED", "Proxy response (502) !== 200 when HTTP Tunneling"))).toEqual({ type: "not-sent", code: "ERR_PROXY_TUNNEL", proxyStatus: 502 });
    for (const [code, message] of [
      ["UND_ERR_SOCKET", "Proxy response (407) !== 200 when HTTP Tunneling"],
      ["UND_ERR_ABORTED", "Request aborted"],
      ["UND_ERR_ABORTED", "x Proxy response (407) !== 200 when HTTP Tunneling"],
      ["UND_ERR_INVALID_ARG", "invalid content-length header"],
      ["UND_ERR_SOCKET", "Proxy Authentication Required (407)"],
    ]) {
      expect(classifyNetworkError(undici(code!, message!))).toEqual({ type: "maybe-sent", code });
    }
    // fetch's network error without a reason (one is a 407 answered in the site's place) is not taken for a proxy's
    // refusal: an error that says nothing stays maybe sent
    expect(classifyNetworkError(new TypeError("fetch failed", { cause: new Error() }))).toEqual({ type: "maybe-sent", code: "ERR_NETWORK" });
    expect(classifyNetworkError(new Error())).toEqual({ type: "maybe-sent", code: "ERR_NETWORK" });
    expect(classifyNetworkError(new TypeError("fetch failed", { cause: new Error("", { cause: new Error("x") }) }))).toEqual({ type: "maybe-sent", code: "ERR_NETWORK" });
  });
  it.each(["read", "write"])("a never-sent code from a %s on an open connection is maybe sent", (syscall) => {
    for (const code of ["EHOSTUNREACH", "ENETUNREACH", "ECONNREFUSED"]) {
      const cause = Object.assign(new Error(`${syscall} ${code}`), { code, syscall });
      expect(classifyNetworkError(new TypeError("fetch failed", { cause }))).toEqual({ type: "maybe-sent", code });
    }
  });
  it("a TLS failure raised by a read or write on an open connection may come after the request went out", () => {
    const cause = (syscall?: string): Error => Object.assign(new Error("bad record mac"), { code: "ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC", ...(syscall ? { syscall } : {}) });
    for (const syscall of ["read", "write"]) {
      const outcome = classifyNetworkError(new TypeError("fetch failed", { cause: cause(syscall) }));
      expect(outcome).toEqual({ type: "maybe-sent", code: "ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC" });
      const error = networkError(cause(syscall), outcome, { method: "create", kind: "write", secrets: [] });
      expect(error).toMatchObject({ maybeSent: true });
      expect(error.hint).toMatch(/may have been applied/);
      expect(error.hint).not.toMatch(/Nothing was sent/);
    }
    // during the handshake (no read or write of the request yet): not sent, never retried
    expect(classifyNetworkError(new TypeError("fetch failed", { cause: cause() }))).toEqual({ type: "fatal", code: "ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC" });
  });
  it("the same codes from connect or a DNS lookup stay not sent", () => {
    const cause = (code: string, syscall: string): Error => Object.assign(new Error(`${syscall} ${code}`), { code, syscall });
    expect(classifyNetworkError(new TypeError("fetch failed", { cause: cause("EHOSTUNREACH", "connect") })).type).toBe("not-sent");
    expect(classifyNetworkError(new TypeError("fetch failed", { cause: cause("ENOTFOUND", "getaddrinfo") })).type).toBe("not-sent");
  });
});

describe("networkError: which part of TLS failed", () => {
  const context = { method: "read", kind: "write" as const, secrets: [] };
  const errorFor = (code: string) => networkError(new Error(code), classifyNetworkError(Object.assign(new Error(code), { code })), context);
  it.each([
    ["ERR_SSL_WRONG_VERSION_NUMBER", "protocol"],
    ["ERR_SSL_PACKET_LENGTH_TOO_LONG", "protocol"],
    ["ERR_SSL_HTTP_REQUEST", "protocol"],
    ["ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION", "protocol"],
    ["EPROTO", "protocol"],
    ["CERT_HAS_EXPIRED", "certificate"],
    ["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "certificate"],
    ["UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "certificate"],
    ["SELF_SIGNED_CERT_IN_CHAIN", "certificate"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "certificate"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "certificate"],
    ["HOSTNAME_MISMATCH", "certificate"],
    ["INVALID_CA", "certificate"],
  ])("%s → tls: %s, not sent, with that kind's hint", (code, tls) => {
    const err = errorFor(code);
    expect(err).toBeInstanceOf(SgTlsError);
    expect(err).toMatchObject({ code: "SG_NETWORK", tls, maybeSent: false, syscallCode: code });
    expect(err.hint).toMatch(tls === "certificate" ? /^The site's TLS certificate was not accepted\./ : /^Nothing was sent\. Check the site URL's scheme and port/);
  });
  it.each(["ECONNREFUSED", "ECONNRESET", "UND_ERR_SOCKET", "ERR_BAD_PORT", "HPE_INVALID_CONSTANT"])("%s is no TLS failure", (code) => {
    const err = errorFor(code);
    expect(err).not.toBeInstanceOf(SgTlsError);
    expect("tls" in err).toBe(false);
  });
});
