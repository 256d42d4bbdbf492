import { describe, expect, it } from "vitest";
import { SgProtocolError, SgValidationError, type HttpRequest, type HttpResponse, type TransportContext, type TransportStrategy } from "@sg/core";
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

/** `@sg/transport`'s transport, its `send()`, `http()` and `close()` passed on as they are, but for what `change` gives. */
function jsonRpcWith(name: string, change: (inner: TransportStrategy, http: NonNullable<TransportStrategy["http"]>) => Partial<TransportStrategy>): TransportStrategy {
  const inner = jsonRpcTransport();
  const http = inner.http as NonNullable<TransportStrategy["http"]>;
  return {
    name,
    send: (request, context) => inner.send(request, context),
    http: (request, context) => http(request, context),
    close: () => (inner.close as () => Promise<void>)(),
    ...change(inner, http),
  };
}

/** A transport whose streamed bodies are cut once the exchange's timeoutMs has passed, as if it bounded the whole body. */
function cutsStreams(): TransportStrategy {
  return jsonRpcWith("test: cuts streamed bodies at timeoutMs", (_inner, http) => ({
    http: (request: HttpRequest, context: TransportContext): Promise<HttpResponse> => {
      if (request.responseBody !== "stream" || request.timeoutMs === undefined) return http(request, context);
      const whole = AbortSignal.timeout(request.timeoutMs);
      return http({ ...request, signal: request.signal ? AbortSignal.any([request.signal, whole]) : whole }, context);
    },
  }));
}

/** A transport that hands the exchange's signal on for bodies read whole only: a stop mid-stream does not end a streamed body. */
function streamsIgnoreSignal(): TransportStrategy {
  return jsonRpcWith("test: streamed bodies ignore their signal", (_inner, http) => ({
    http: (request, context) => http(request.responseBody === "stream" ? { ...request, signal: undefined } : request, context),
  }));
}

/** A transport that reads every body whole and only then compares it with maxBytes. */
function buffersWhole(): TransportStrategy {
  return jsonRpcWith("test: buffers bodies whole before maxBytes", (_inner, http) => ({
    http: async (request, context) => {
      const response = await http({ ...request, maxBytes: undefined }, context);
      if (request.maxBytes !== undefined && response.status < 300 && response.body.length > request.maxBytes) {
        throw new SgProtocolError("test: the body is over maxBytes", { status: response.status, code: "SG_RESPONSE_TOO_LARGE" });
      }
      return response;
    },
  }));
}

/** A transport that drops the per-attempt timeoutMs: only the deadline ends an attempt. */
function noAttemptTimeout(): TransportStrategy {
  return jsonRpcWith("test: no timeoutMs per attempt", (inner) => ({ send: (request, context) => inner.send({ ...request, timeoutMs: undefined }, context) }));
}

/** A transport that sends a write again when it was answered 502, whatever the call said. */
function resendsWrites(): TransportStrategy {
  return jsonRpcWith("test: re-sends writes answered 502", (inner) => ({
    send: (request, context) =>
      inner.send(request, context).catch((error: unknown) => {
        if (request.kind === "write" && (error as { status?: unknown }).status === 502) return inner.send(request, context);
        throw error;
      }),
  }));
}

/** A transport whose close() aborts nothing. */
function closeDoesNothing(): TransportStrategy {
  return jsonRpcWith("test: close() aborts nothing", () => ({ close: async () => undefined }));
}

describe("checkTransport", () => {
  it("passes jsonRpcTransport(), every check run (http() included)", async () => {
    const report = await checkTransport(() => jsonRpcTransport());
    expect(report.passed, formatTransportReport(report)).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual(TRANSPORT_CHECK_IDS);
    expect(report.checks.every((c) => c.status === "passed")).toBe(true);
    expect(report.name).toBe(jsonRpcTransport().name);
  }, 60_000);

  it("passes jsonRpcCallTransport(), given as one object; the http() checks are skipped as it has no http()", async () => {
    const report = await checkTransport(jsonRpcCallTransport(), { name: "calls only" });
    expect(report.passed, formatTransportReport(report)).toBe(true);
    expect(report.name).toBe("calls only");
    const skipped = report.checks.filter((c) => c.status === "skipped");
    expect(skipped.map((c) => c.id)).toEqual(["http-exchange", "http-stream", "http-max-bytes"]);
    expect(skipped.every((c) => c.detail === "the transport has no http()")).toBe(true);
    expect(report.checks.find((c) => c.id === "transport-close")?.status).toBe("passed");
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
    // Every check but those where nothing fails (a streamed body's errors are the stream's, which it passes on as they
    // are), and transport-close, skipped as it has no close().
    const unbroken: readonly TransportCheckId[] = ["answers", "http-exchange", "http-stream", "transport-close"];
    expect(failedIds(report), formatTransportReport(report)).toEqual(TRANSPORT_CHECK_IDS.filter((id) => !unbroken.includes(id)));
    expect(report.checks.find((c) => c.id === "transport-close")?.status).toBe("skipped");
    expect(report.checks.find((c) => c.id === "auth-refusal-typed")?.detail).toMatch(/^the transport rejected the refused credentials with a plain Error: .*not an SgAuthError/);
    expect(report.checks.find((c) => c.id === "errors-typed")?.detail).toMatch(/rejection\(s\) of the transport were not SgErrors/);
    expect(report.checks.find((c) => c.id === "answers")?.status).toBe("passed");
    expect(report.checks.find((c) => c.id === "http-exchange")?.status).toBe("passed");
  }, 60_000);

  it("fails a transport that ends its stopped calls late (1 s), saying core's grace answered the caller first", async () => {
    const report = await checkTransport(() => lateStops());
    // Its timed-out attempts end 1 s late too.
    expect(failedIds(report), formatTransportReport(report)).toEqual(["ends-on-signal", "ends-on-deadline", "ends-on-close", "timeout-per-attempt"]);
    expect(report.checks.find((c) => c.id === "ends-on-signal")?.detail).toMatch(
      /^the transport ended the call \d+ ms after its signal aborted, more than 500 ms later; core's 50 ms grace had ended it for the caller with SgAbortError .*; the transport's own error was SgAbortError/,
    );
  }, 60_000);

  // One deliberately bad transport per check that the kit's other checks pass: it fails that check only, saying why.
  it.each([
    {
      bad: "cuts a streamed body at timeoutMs",
      make: cutsStreams,
      id: "http-stream",
      detail: /^a streamed body still flowing \(chunks 100 ms apart\) errored with SgAbortError.* after \d+ of 131072 bytes, \d+ ms in: the exchange was cut while its body was read/,
    },
    {
      bad: "keeps a streamed body open after its stop",
      make: streamsIgnoreSignal,
      id: "http-stream",
      detail: "a streamed body was still open 2000 ms after its signal aborted mid-body: a stop must end the stream (with an SgAbortError) and let its connection go",
    },
    {
      bad: "reads a body whole before it applies maxBytes",
      make: buffersWhole,
      id: "http-max-bytes",
      detail: /^a body that sends 81920 bytes at once and then stalls, asked with maxBytes 65536 and deadlineMs 2000, was refused \d+ ms later with SgTimeoutError.*, not SG_RESPONSE_TOO_LARGE: the transport read on past maxBytes/,
    },
    {
      bad: "applies no timeoutMs to an attempt",
      make: noAttemptTimeout,
      id: "timeout-per-attempt",
      detail: /^a read with timeoutMs 200 and deadlineMs 2000 ended \d+ ms after it was handed over, with 1 request\(s\): timeoutMs was not applied to the attempt/,
    },
    {
      bad: "sends a write answered 502 again",
      make: resendsWrites,
      id: "write-not-resent",
      detail: "a create answered 502 (after the site applied it) resolved: it was sent again (the site saw 2 creates) though the call said retryWrites: false",
    },
    {
      bad: "leaves its calls in flight on close()",
      make: closeDoesNothing,
      id: "transport-close",
      detail: "the transport had not ended the read in flight 2000 ms after its close(), which must abort the calls in flight",
    },
  ] satisfies { bad: string; make: () => TransportStrategy; id: TransportCheckId; detail: string | RegExp }[])("fails a transport that $bad, on $id only", async ({ make, id, detail }) => {
    const report = await checkTransport(() => make());
    expect(failedIds(report), formatTransportReport(report)).toEqual([id]);
    const got = report.checks.find((c) => c.id === id)?.detail;
    if (typeof detail === "string") expect(got).toBe(detail);
    else expect(got).toMatch(detail);
  }, 60_000);

  it("assertTransport throws a TransportConformanceError listing the failed checks, and no script key", async () => {
    const error = await rejectionOf(assertTransport(() => ignoringStops()));
    expect(error).toBeInstanceOf(TransportConformanceError);
    const e = error as TransportConformanceError;
    expect(e.message).toMatch(/^@sg\/testing: test: ignores its stops failed 3 of 14 transport conformance checks:\n- ends-on-signal: /);
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

  it("fails every check of a factory that throws, returns, and leaves no server of its own listening", async () => {
    // A closed server's handle is released on a later turn of the event loop: count once those of earlier tests are.
    const settle = (): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, 50));
    const listening = (): number => process.getActiveResourcesInfo().filter((r) => r === "TCPServerWrap").length;
    await settle();
    const before = listening();
    let calls = 0;
    const report = await checkTransport(() => {
      calls += 1;
      throw new Error("factory bug");
    }, { timeoutMs: 2000 });
    expect(report.checks.map((c) => c.id)).toEqual(TRANSPORT_CHECK_IDS);
    expect(report.checks.filter((c) => c.status !== "failed"), formatTransportReport(report)).toEqual([]);
    expect(report.checks.every((c) => c.detail.startsWith("the check failed: Error: factory bug"))).toBe(true);
    expect(calls).toBeGreaterThanOrEqual(TRANSPORT_CHECK_IDS.length);
    // The kit's own server (of timeout-per-attempt, http-stream, http-max-bytes) and the emulator are closed.
    await settle();
    expect(listening()).toBe(before);
  }, 30_000);

  it("refuses a transport without send() and bad options with SgValidationError before starting anything", async () => {
    const noSend = await rejectionOf(checkTransport({ name: "x" } as unknown as TransportStrategy));
    expect(noSend).toBeInstanceOf(SgValidationError);
    expect((noSend as SgValidationError).message).toMatch(/^@sg\/testing: .*transport\.send/);
    expect(await rejectionOf(checkTransport(jsonRpcTransport(), { timeoutMs: 0 }))).toBeInstanceOf(SgValidationError);
    expect(await rejectionOf(checkTransport(jsonRpcTransport(), { emulator: { port: -1 } }))).toBeInstanceOf(SgValidationError);
  });
});
