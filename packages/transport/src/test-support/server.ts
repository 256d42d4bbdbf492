import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createTcpServer } from "node:net";
import type { AddressInfo } from "node:net";
import { abortErrorFrom, parseSite, silentLogger, systemClock } from "@sg/core";
import type { Clock, Logger, SgError, Site, TransportContext } from "@sg/core";
import { afterEach } from "vitest";

/** One request the test server received, body included. */
export interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly json: unknown;
}

/** Answers a recorded request; `n` is its 1-based index. */
export type Handler = (req: Recorded, res: ServerResponse, raw: IncomingMessage, n: number) => unknown;

/** A node:http server on 127.0.0.1, port 0. */
export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly requests: Recorded[];
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
  readonly server: Server;
}

/** Start a server that records every request and hands it to `handler` once its body has been read. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: Recorded[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      let json: unknown;
      try {
        json = JSON.parse(body.toString("utf8"));
      } catch {
        json = undefined;
      }
      const rec: Recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, rawHeaders: req.rawHeaders, body, json };
      requests.push(rec);
      Promise.resolve(handler(rec, res, req, requests.length)).catch((e: unknown) => {
        res.statusCode = 599;
        res.end(String(e));
      });
    });
  });
  server.on("connection", () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connections,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago): connecting to it is refused. */
export async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Reply with JSON. */
export function json(res: ServerResponse, value: unknown, status = 200, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(body);
}

/** What {@link flood} has sent, and whether the client dropped the connection before the end. */
export interface Flood {
  written(): number;
  dropped(): boolean;
}

/**
 * Write `chunk` to `res` (its head already written) again and again, as fast as the client reads, up to `max` bytes
 * (then `last` ends it): a client that stops reading at a limit drops the connection long before.
 */
export function flood(res: ServerResponse, chunk: Buffer, max: number, last = ""): Flood {
  let written = 0;
  let dropped = false;
  res.on("close", () => (dropped = !res.writableFinished));
  const more = (): void => {
    while (!res.destroyed && written < max) {
      written += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", more);
    }
    if (!res.destroyed) res.end(last);
  };
  more();
  return { written: () => written, dropped: () => dropped };
}

/** Reply with any text. */
export function text(res: ServerResponse, body: string, status: number, contentType: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": contentType, ...headers });
  res.end(body);
}

/** A clock whose sleeps return at once and are recorded; `now()` advances by the time slept. */
export interface FakeClock extends Clock {
  readonly sleeps: number[];
}

/** Make a {@link FakeClock}. */
export function fakeClock(start = 1_700_000_000_000): FakeClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: (ms: number, signal?: AbortSignal): Promise<void> => {
      if (signal?.aborted) return Promise.reject(abortErrorFrom(signal));
      sleeps.push(ms);
      t += ms;
      return Promise.resolve();
    },
  };
}

/** A clock whose sleeps are watched: tests wait for a backoff to start and see how it ended, instead of timing it. */
export interface WatchedClock extends Clock {
  /** How each sleep ended: `"slept"` when it ran its full length, `"cut"` when its signal ended it early. */
  readonly outcomes: ("slept" | "cut")[];
  /** Resolves with the requested length when the first sleep starts. */
  readonly sleeping: Promise<number>;
}

/** Wrap `inner` (real time by default) in a {@link WatchedClock}. */
export function watchedClock(inner: Clock = systemClock): WatchedClock {
  const outcomes: ("slept" | "cut")[] = [];
  let started: (ms: number) => void = () => {};
  const sleeping = new Promise<number>((resolve) => (started = resolve));
  return {
    outcomes,
    sleeping,
    now: () => inner.now(),
    sleep: (ms: number, signal?: AbortSignal): Promise<void> => {
      started(ms);
      return inner.sleep(ms, signal).then(
        () => void outcomes.push("slept"),
        (e: unknown) => {
          outcomes.push("cut");
          throw e;
        },
      );
    },
  };
}

/** A logger that keeps every line (message + JSON of data) for secret checks. */
export interface CapturingLogger extends Logger {
  readonly lines: string[];
}

/** Make a {@link CapturingLogger}. */
export function capturingLogger(): CapturingLogger {
  const lines: string[] = [];
  const put =
    (level: string) =>
    (message: string, data?: Readonly<Record<string, unknown>>): void => {
      lines.push(`${level} ${message} ${data ? JSON.stringify(data) : ""}`);
    };
  return { lines, debug: put("debug"), info: put("info"), warn: put("warn"), error: put("error") };
}

/** A transport context for `site` with a fake clock. */
export function contextFor(site: string | Site, clock: Clock = fakeClock(), logger: Logger = silentLogger): TransportContext {
  return { site: typeof site === "string" ? parseSite(site) : site, clock, logger };
}

/**
 * Start test servers that are all closed after each test (registers a vitest `afterEach`). Call once at the
 * top of a test file: `const serve = useTestServers();`.
 */
export function useTestServers(): (handler: Handler) => Promise<TestServer> {
  const servers: TestServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (handler: Handler): Promise<TestServer> => {
    const s = await startServer(handler);
    servers.push(s);
    return s;
  };
}

/** The error a promise rejects with; fails the test when it fulfils. */
export function fail(promise: Promise<unknown>): Promise<SgError> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e as SgError,
  );
}
