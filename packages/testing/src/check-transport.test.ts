import { describe, expect, it } from "vitest";
import { SgValidationError, type TransportStrategy } from "@sg/core";
import { jsonRpcCallTransport, jsonRpcTransport } from "@sg/transport";
import { assertTransport, checkTransport } from "./check-transport.js";
import { rejectionOf } from "./assertions.js";
import { TRANSPORT_CHECK_IDS, TransportConformanceError, formatTransportReport, type TransportCheckId, type TransportReport } from "./transport-report.js";

const failedIds = (report: TransportReport): TransportCheckId[] => report.checks.filter((c) => c.status === "failed").map((c) => c.id);

/** Sends through @sg/transport but hands it neither the call's signal and deadline nor the client's close signal. */
function ignoringStops(): TransportStrategy {
  const inner = jsonRpcTransport({ retry: false });
  return {
    name: "test: ignores its stops",
    send: (request, context) => inner.send({ ...request, signal: undefined, deadlineMs: undefined }, { ...context, signal: undefined }),
  };
}

/** Sends through @sg/transport but turns every error into a plain Error with the same message. */
function plainErrors(): TransportStrategy {
  const inner = jsonRpcTransport();
  const plain = (error: unknown): never => {
    throw new Error(error instanceof Error ? error.message : String(error));
  };
  return {
    name: "test: throws plain errors",
    send: (request, context) => inner.send(request, context).catch(plain),
    http: (request, context) => (inner.http as NonNullable<TransportStrategy["http"]>)(request, context).catch(plain),
  };
}

/** Honours its stops, but rejects 1 s late: past the kit's 500 ms, long after core's 50 ms grace gave the caller core's error. */
function lateStops(): TransportStrategy {
  const inner = jsonRpcTransport({ retry: false });
  return {
    name: "test: ends its calls late",
    send: (request, context) => inner.send(request, context).catch((error: unknown) => new Promise((_, reject) => setTimeout(reject, 1000, error))),
  };
}

describe("checkTransport", () => {
  it("passes jsonRpcTransport(), every check run (http() included)", async () => {
    const report = await checkTransport(() => jsonRpcTransport());
    expect(report.passed, formatTransportReport(report)).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual(TRANSPORT_CHECK_IDS);
    expect(report.checks.every((c) => c.status === "passed")).toBe(true);
    expect(report.name).toBe(jsonRpcTransport().name);
  }, 60_000);

  it("passes jsonRpcCallTransport(), given as one object; http-exchange is skipped as it has no http()", async () => {
    const report = await checkTransport(jsonRpcCallTransport(), { name: "calls only" });
    expect(report.passed, formatTransportReport(report)).toBe(true);
    expect(report.name).toBe("calls only");
    expect(report.checks.find((c) => c.id === "http-exchange")).toMatchObject({ status: "skipped", detail: "the transport has no http()" });
  }, 60_000);

  it("fails a transport that ignores its signal, deadline and close signal, on those checks only", async () => {
    const report = await checkTransport(() => ignoringStops());
    expect(failedIds(report), formatTransportReport(report)).toEqual(["ends-on-signal", "ends-on-deadline", "ends-on-close"]);
    const signal = report.checks.find((c) => c.id === "ends-on-signal");
    expect(signal?.detail).toMatch(/^the transport had not ended the call 2000 ms after its signal aborted; core ended it for the caller with SgAbortError/);
    expect(report.checks.find((c) => c.id === "ends-on-deadline")?.detail).toMatch(/core ended it for the caller with SgTimeoutError/);
    expect(report.checks.find((c) => c.id === "ends-on-close")?.detail).toMatch(/after its client was closed; core ended it for the caller with SgAbortError/);
  }, 60_000);

  it("fails a transport that throws plain errors, naming each check they break", async () => {
    const report = await checkTransport(() => plainErrors());
    // Every check but those where nothing fails.
    expect(failedIds(report), formatTransportReport(report)).toEqual(TRANSPORT_CHECK_IDS.filter((id) => id !== "answers" && id !== "http-exchange"));
    expect(report.checks.find((c) => c.id === "auth-refusal-typed")?.detail).toMatch(/^the transport rejected the refused credentials with a plain Error: .*not an SgAuthError/);
    expect(report.checks.find((c) => c.id === "errors-typed")?.detail).toMatch(/rejection\(s\) of the transport were not SgErrors/);
    expect(report.checks.find((c) => c.id === "answers")?.status).toBe("passed");
    expect(report.checks.find((c) => c.id === "http-exchange")?.status).toBe("passed");
  }, 60_000);

  it("fails a transport that ends its stopped calls late (1 s), saying core's grace answered the caller first", async () => {
    const report = await checkTransport(() => lateStops());
    expect(failedIds(report), formatTransportReport(report)).toEqual(["ends-on-signal", "ends-on-deadline", "ends-on-close"]);
    expect(report.checks.find((c) => c.id === "ends-on-signal")?.detail).toMatch(
      /^the transport ended the call \d+ ms after its signal aborted, more than 500 ms later; core's 50 ms grace had ended it for the caller with SgAbortError .*; the transport's own error was SgAbortError/,
    );
  }, 60_000);

  it("assertTransport throws a TransportConformanceError listing the failed checks, and no script key", async () => {
    const error = await rejectionOf(assertTransport(() => ignoringStops()));
    expect(error).toBeInstanceOf(TransportConformanceError);
    const e = error as TransportConformanceError;
    expect(e.message).toMatch(/^@sg\/testing: test: ignores its stops failed 3 of 9 transport conformance checks:\n- ends-on-signal: /);
    expect(e.failures.map((c) => c.id)).toEqual(["ends-on-signal", "ends-on-deadline", "ends-on-close"]);
    expect(e.message).not.toMatch(/[0-9a-f]{64}/);
  }, 60_000);

  it("fails, and does not hang on, a transport whose close() never settles, and stops its emulator", async () => {
    const urls: string[] = [];
    const report = await checkTransport((env) => {
      urls.push(env.url);
      const inner = jsonRpcTransport();
      // A graceful drain that never finishes.
      return { name: "test: close never settles", send: (request, context) => inner.send(request, context), http: inner.http, close: () => new Promise<void>(() => {}) };
    }, { timeoutMs: 1000 });
    expect(report.passed).toBe(false);
    const answers = report.checks.find((c) => c.id === "answers");
    expect(answers?.status).toBe("failed");
    expect(answers?.detail).toMatch(/close\(\) did not settle within 1000 ms/);
    // The kit's emulator was closed: its port no longer answers.
    expect(await fetch(urls[0]!).then(() => "answered", () => "refused")).toBe("refused");
  }, 40_000);

  it("refuses a transport without send() and bad options with SgValidationError before starting anything", async () => {
    const noSend = await rejectionOf(checkTransport({ name: "x" } as unknown as TransportStrategy));
    expect(noSend).toBeInstanceOf(SgValidationError);
    expect((noSend as SgValidationError).message).toMatch(/^@sg\/testing: .*transport\.send/);
    expect(await rejectionOf(checkTransport(jsonRpcTransport(), { timeoutMs: 0 }))).toBeInstanceOf(SgValidationError);
    expect(await rejectionOf(checkTransport(jsonRpcTransport(), { emulator: { port: -1 } }))).toBeInstanceOf(SgValidationError);
  });
});
