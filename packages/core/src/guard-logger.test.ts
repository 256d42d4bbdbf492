import { afterEach, describe, expect, it } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import { SgAuthError, SgValidationError } from "./errors.js";
import { guardLogger } from "./guard-logger.js";
import { silentLogger, type Logger } from "./logger.js";
import type { TransportStrategy } from "./transport-strategy.js";

const LEVELS = ["debug", "info", "warn", "error"] as const;

/** A logger whose every method throws. */
const throwing: Logger = Object.fromEntries(
  LEVELS.map((level) => [
    level,
    (): void => {
      throw new Error(`logger broke (${level})`);
    },
  ]),
) as unknown as Logger;

/** A logger whose every method returns a promise that rejects (a collector that is down). */
const rejecting: Logger = Object.fromEntries(LEVELS.map((level) => [level, async (): Promise<void> => Promise.reject(new Error(`collector down (${level})`))])) as unknown as Logger;

/** Unhandled rejections seen while a test ran, and a wait long enough for Node to report them. */
const unhandled: unknown[] = [];
const record = (reason: unknown): void => void unhandled.push(reason);
const reported = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));
afterEach(() => {
  process.off("unhandledRejection", record);
  unhandled.length = 0;
});

/**
 * A site in process whose first session token is refused: the transport and the strategy log on every step (as the
 * real ones do), and the client logs its re-send after the refresh.
 */
function refusingOnce(): { transport: TransportStrategy; auth: AuthStrategy } {
  const transport: TransportStrategy = {
    name: "in-process site",
    async send(request, context) {
      context.logger.debug("attempt 1", { method: request.method });
      const c = request.credentials;
      if (c?.kind !== "session" || c.sessionToken !== "fresh") throw new SgAuthError("session expired", { errorCode: 102 });
      return { ok: request.method };
    },
  };
  const auth: AuthStrategy = {
    name: "test-session",
    credentials: async (ctx) => {
      ctx.logger.info("using the held session");
      return { kind: "session", sessionToken: "stale" };
    },
    onRejected: async (_error, _rejected, ctx) => {
      ctx.logger.warn("the session was refused; renewing");
      return { kind: "session", sessionToken: "fresh" };
    },
  };
  return { transport, auth };
}

describe("guardLogger", () => {
  it("swallows a method that throws or rejects, and writes nothing for a missing one", async () => {
    process.on("unhandledRejection", record);
    for (const logger of [throwing, rejecting, {}, { info: undefined }]) {
      const safe = guardLogger(logger);
      for (const level of LEVELS) expect(safe[level]("a line", { n: 1 })).toBeUndefined();
    }
    await reported();
    expect(unhandled).toEqual([]);
  });

  it("calls each method on the logger, with the arguments as given, looked up when a line is written", () => {
    const lines: unknown[][] = [];
    const logger = {
      prefix: "app",
      debug(this: { prefix: string }, ...line: unknown[]): void {
        lines.push([this.prefix, ...line]);
      },
    };
    const safe = guardLogger(logger);
    safe.debug("no data");
    safe.debug("with data", { n: 1 });
    // A logger that swaps its methods (e.g. on a level change) is followed.
    logger.debug = function (this: { prefix: string }, ...line: unknown[]): void {
      lines.push(["swapped", this.prefix, ...line]);
    };
    safe.debug("after the swap");
    expect(lines).toEqual([["app", "no data"], ["app", "with data", { n: 1 }], ["swapped", "app", "after the swap"]]);
  });

  it("returns silentLogger for none, and a guarded logger as it is", () => {
    expect(guardLogger(undefined)).toBe(silentLogger);
    expect(guardLogger(silentLogger)).toBe(silentLogger);
    const safe = guardLogger(console);
    expect(safe).not.toBe(console);
    expect(guardLogger(safe)).toBe(safe);
    expect(Object.isFrozen(safe)).toBe(true);
  });
});

describe("createClient's logger", () => {
  it.each<[string, unknown]>([
    ["a number", 42],
    ["a string", "console"],
    ["null", null],
    ["a method that is no function", { debug: "yes" }],
    ["one bad method beside good ones", { info: () => undefined, warn: 1 }],
  ])("refuses %s before anything is sent", (_what, logger) => {
    const sent: string[] = [];
    const transport: TransportStrategy = { name: "t", send: async (request) => void sent.push(request.method) };
    let thrown: unknown;
    try {
      createClient({ site: "https://x.example.com", transport, logger: logger as unknown as Logger });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SgValidationError);
    expect(thrown).toMatchObject({ path: ["logger"] });
    expect((thrown as Error).message).toMatch(/^@sg\/core: logger: expected a Logger \(debug, info, warn and error each a function or absent\), or undefined, got /);
    expect(sent).toEqual([]);
  });

  it("takes console and a logger with only some methods, and hands out the guarded one", () => {
    const { transport } = refusingOnce();
    const sg = createClient({ site: "https://x.example.com", transport, logger: console });
    expect(sg.logger).not.toBe(console);
    expect(guardLogger(sg.logger)).toBe(sg.logger);
    const partial = createClient({ site: "https://x.example.com", transport, logger: { info: () => undefined } as unknown as Logger });
    expect(Object.keys(partial.logger)).toEqual([...LEVELS]);
    expect(createClient({ site: "https://x.example.com", transport }).logger).toBe(silentLogger);
  });

  it("takes a logger that is a function with the level methods attached, and writes through them", async () => {
    const lines: string[] = [];
    const write =
      (level: string) =>
      (message: unknown): void =>
        void lines.push(`${level} ${String(message)}`);
    const logger: Logger = Object.assign((message: unknown) => void lines.push(`called ${String(message)}`), {
      debug: write("debug"),
      info: write("info"),
      warn: write("warn"),
      error: write("error"),
    });
    const { transport, auth } = refusingOnce();
    const sg = createClient({ site: "https://x.example.com", transport, auth, logger });
    await expect(sg.call("read", {})).resolves.toEqual({ ok: "read" });
    expect(lines).toEqual(expect.arrayContaining(["debug attempt 1", "info using the held session", "warn the session was refused; renewing"]));
    expect(lines.some((line) => line.startsWith("called "))).toBe(false);
  });

  it("still refuses a function whose level method is no function", () => {
    const logger = Object.assign(() => undefined, { info: "yes" });
    expect(() => createClient({ site: "https://x.example.com", transport: refusingOnce().transport, logger: logger as unknown as Logger })).toThrow(
      /^@sg\/core: logger: expected a Logger \(debug, info, warn and error each a function or absent\), or undefined, got /,
    );
  });

  it.each([
    ["throws", throwing],
    ["returns rejected promises", rejecting],
    ["has no methods", {} as Logger],
  ])("does not change a call's result when it %s (client, strategy and transport lines)", async (_what, logger) => {
    process.on("unhandledRejection", record);
    const { transport, auth } = refusingOnce();
    const sg = createClient({ site: "https://x.example.com", transport, auth, logger });
    await expect(sg.call("read", {})).resolves.toEqual({ ok: "read" });
    await reported();
    expect(unhandled).toEqual([]);
  });
});
