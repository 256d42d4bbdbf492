import { SgNetworkError, SgTimeoutError } from "@sg/core";
import { describe, expect, it } from "vitest";
import { networkAdvice } from "./network-advice.js";
import { readProxySettings } from "./proxy/proxy-settings.js";

// The advice for each kind of timeout, checked on the error the transport builds (timeout.test.ts runs sg against a
// site that never answers, with --timeout-ms).
describe("the advice for a timeout", () => {
  const site = "https://sg.example.com";
  const timeout = (method: string): SgTimeoutError =>
    new SgTimeoutError(`Attempt 1 of '${method}' got no answer within 120000 ms`, { timeoutMs: 120_000, scope: "attempt", method, hint: "… or raise timeoutMs." });

  it("never names the transport's timeoutMs/deadlineMs, and warns about a write only for a write", () => {
    const read = networkAdvice(timeout("read"), { site, proxy: readProxySettings(undefined, {}), command: "find" });
    expect(read).toBe(
      "The site did not answer in time. A large read may need a narrower request (filters, --fields, --limit). --timeout-ms N (or SG_TIMEOUT_MS) sets how long a call may take (120000 ms this time).",
    );
    const write = networkAdvice(timeout("create"), { site, proxy: readProxySettings(undefined, {}) });
    expect(write).toMatch(/^The request was sent but no answer came in time: the write may have been applied on the site, so check before trying again\./);
    for (const text of [read, write]) expect(text).not.toMatch(/timeoutMs|deadlineMs/);
  });

  it("tells to narrow only a read that takes filters, fields or a limit, not info, a schema read or a write", () => {
    const advise = (method: string, command: string): string | undefined => networkAdvice(timeout(method), { site, proxy: readProxySettings(undefined, {}), command });
    for (const [method, command] of [["read", "find"], ["summarize", "count"], ["summarize", "summarize"]] as const) expect(advise(method, command)).toContain("narrower request");
    for (const [method, command] of [["info", "find"], ["info", "doctor"], ["read", "whoami"], ["schema_read", "typegen"], ["create", "create"], ["read", "update"]] as const) {
      expect(advise(method, command), `${method} of ${command}`).not.toContain("narrower request");
    }
  });

  it("takes a download's GET and a storage PUT for reads, and an upload's POST for a write", () => {
    const advise = (method: string): string | undefined => networkAdvice(timeout(method), { site, proxy: readProxySettings(undefined, {}) });
    for (const read of ["HTTP GET /file_serve/attachment/7", "HTTP PUT /bucket/key", "HTTP HEAD /thumbnail/1"]) expect(advise(read), read).not.toMatch(/may have been applied/);
    expect(advise("HTTP POST /upload/upload_file")).toMatch(/it may have been applied on the site/);
  });

  it("names the proxy it went through", () => {
    const advice = networkAdvice(timeout("read"), { site, proxy: readProxySettings(undefined, { HTTPS_PROXY: "http://proxy.studio:3128" }) });
    expect(advice).toContain("It went through the proxy http://proxy.studio:3128 (from HTTPS_PROXY)");
  });
});

// transfer-timeout.test.ts runs sg upload and download with --transfer-timeout-ms; these are the other cases of the hint.
describe("the advice for a transfer that ran out of time", () => {
  const site = "https://sg.example.com";
  const proxy = readProxySettings(undefined, {});
  const transferTimeout = (method: string, scope: "attempt" | "deadline", timeoutMs: number, maybeSent = true): SgTimeoutError =>
    new SgTimeoutError(`'${method}' ran out of time`, { timeoutMs, scope, method, maybeSent, hint: "… raise timeoutMs." });

  it("says that an upload's body may still have been being sent, names the attempt's limit and --transfer-timeout-ms, never --timeout-ms", () => {
    const advice = networkAdvice(transferTimeout("HTTP POST /upload/upload_file", "attempt", 600_000), { site, proxy, command: "upload" });
    expect(advice).toBe(
      "The upload ran out of time, perhaps while the file was still being sent (a large file on a slow link), perhaps waiting for the answer: it may have been applied on the site, so check before trying again. The limit that ran out is one attempt's: 600000 ms. --transfer-timeout-ms N (or SG_TRANSFER_TIMEOUT_MS) sets how long an upload or download may take, each attempt and in all (by default 600000 ms an attempt, 1800000 ms in all).",
    );
    expect(advice).not.toMatch(/--timeout-ms|no answer came|timeoutMs|deadlineMs/);
  });

  it("names the whole transfer's limit for a deadline, and does not call a storage PUT a write of the site", () => {
    const advice = networkAdvice(transferTimeout("HTTP PUT /bucket/key", "deadline", 1_800_000), { site, proxy, command: "upload" });
    expect(advice).toMatch(/^The upload to the site's storage ran out of time, perhaps while the file was still being sent .*\. The limit that ran out is the whole transfer's, retries included: 1800000 ms\. --transfer-timeout-ms N /);
    expect(advice).not.toContain("may have been applied");
  });

  it("says when nothing was sent, and that only upload and download take the flag when another command made the transfer", () => {
    const early = networkAdvice(transferTimeout("HTTP POST /upload/upload_file", "deadline", 5_000, false), { site, proxy, command: "upload" });
    expect(early).toMatch(/^The transfer ran out of time before its request was sent\. /);
    const other = networkAdvice(transferTimeout("HTTP POST /upload/publish_thumbnail", "attempt", 600_000), { site, proxy, command: "create" });
    expect(other).toMatch(/ Only sg upload and sg download can change that limit \(--transfer-timeout-ms\); here it is the default, 600000 ms an attempt, 1800000 ms in all\.$/);
  });

});

// runtime-limits.test.ts runs sg with such a limit ended a call; these are the transfers' cases.
describe("the advice for the runtime's own time limit", () => {
  const site = "https://sg.example.com";
  const proxy = readProxySettings(undefined, {});
  const cut = (method: string, code: string): SgTimeoutError =>
    new SgTimeoutError(`'${method}' got no data within the runtime's own time limit (${code})`, {
      timeoutMs: 300_012,
      scope: "attempt",
      method,
      maybeSent: true,
      attempts: [{ attempt: 1, code, elapsedMs: 300_012 }],
      hint: "… pass dispatcher: new Agent({ headersTimeout: 0, bodyTimeout: 0 }) from undici.",
    });

  it("never tells a transfer to raise --transfer-timeout-ms, and warns of an upload's POST only", () => {
    const download = networkAdvice(cut("HTTP GET /file_serve/attachment/7", "UND_ERR_BODY_TIMEOUT"), { site, proxy, command: "download" });
    expect(download).toMatch(/^No answer came\. Node's own HTTP client stopped waiting after 300012 ms without data \(UND_ERR_BODY_TIMEOUT\), a limit of its own that --timeout-ms and --transfer-timeout-ms do not change: /);
    const upload = networkAdvice(cut("HTTP POST /upload/upload_file", "UND_ERR_HEADERS_TIMEOUT"), { site, proxy, command: "upload" });
    expect(upload).toMatch(/^No answer came: the write may have been applied on the site, so check before trying again\. /);
    for (const text of [download, upload]) expect(text).not.toMatch(/sets how long|new Agent/);
  });

  it("is not given when another limit ended the last attempt", () => {
    const error = cut("read", "UND_ERR_HEADERS_TIMEOUT");
    error.attempts = [{ attempt: 1, code: "UND_ERR_HEADERS_TIMEOUT" }, { attempt: 2, code: "SG_TIMEOUT" }];
    expect(networkAdvice(error, { site, proxy, command: "find" })).toMatch(/--timeout-ms N \(or SG_TIMEOUT_MS\) sets how long a call may take/);
  });
});

describe("the advice for other network errors", () => {
  it("keeps the transport's own hint for a port fetch refuses and for an unproxied drop after sending", () => {
    const site = "http://127.0.0.1:6000";
    const proxy = readProxySettings(undefined, {});
    expect(networkAdvice(new SgNetworkError("bad port", { maybeSent: false, syscallCode: "ERR_BAD_PORT" }), { site, proxy })).toBeUndefined();
    expect(networkAdvice(new SgNetworkError("reset", { maybeSent: true, syscallCode: "ECONNRESET" }), { site, proxy })).toBeUndefined();
    expect(networkAdvice(new Error("not a network error"), { site, proxy })).toBeUndefined();
  });
});
