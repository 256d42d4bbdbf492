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
    for (const read of ["HTTP GET /file_serve/attachment/7", "HTTP PUT /bucket/key", "HTTP HEAD /thumbnail/1"]) expect(advise(read), read).toMatch(/^The site did not answer in time\./);
    expect(advise("HTTP POST /upload/upload_file")).toMatch(/the write may have been applied/);
  });

  it("names the proxy it went through", () => {
    const advice = networkAdvice(timeout("read"), { site, proxy: readProxySettings(undefined, { HTTPS_PROXY: "http://proxy.studio:3128" }) });
    expect(advice).toContain("It went through the proxy http://proxy.studio:3128 (from HTTPS_PROXY)");
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
