import type { Client } from "@sg/core";
import { entityApi, type EntityApi, type LooseSchema } from "@sg/entities";
import type { ParsedArgs } from "./args.js";
import { callDeadlineMs } from "./call-deadline.js";
import { maxResponseBytes } from "./response-limit.js";
import { transferLimitMs } from "./transfer-limit.js";
import { enumOption, readConnectionInput } from "./config.js";
import { noCredentialsError, openClient, resolveConnection, secretsOf, type ResolvedConnection } from "./connection.js";
import { debugLogger } from "./debug-logger.js";
import { OUTPUT_FORMATS, createWriter, type OutputFormat, type RecordWriter, type WriterOptions } from "./format/index.js";
import { outputUntil, type CliIo } from "./io.js";
import type { ProxyRoutingDispatcher } from "./proxy/proxy-dispatcher.js";
import { outlastsRuntimeLimits } from "./runtime-limits.js";
import { hasProxy, proxySecrets, readProxySettings, routeFor, type ProxySettings } from "./proxy/proxy-settings.js";

/** Everything a command needs. */
export interface CommandContext {
  readonly args: ParsedArgs;
  readonly io: CliIo;
  readonly debug: boolean;
  /** The output format (`--format`, else table on a terminal and json when piped). */
  readonly format: OutputFormat;
  /** Secret values known so far, scrubbed out of everything written. */
  readonly secrets: Set<string>;
  /** Aborted on Ctrl-C: every client opened here cancels its calls in flight. */
  readonly signal: AbortSignal | undefined;
  /** The last connection {@link CommandContext.connect} opened, to explain an authentication failure in flags. */
  readonly connected: Connected | undefined;
  /** The last connection a client was opened for, by `connect` or `open` (`sg login` opens one itself), and its client. */
  readonly opened: Pick<Connected, "connection" | "client"> | undefined;
  /** Resolve the connection, open a client and the entity API. Needs credentials unless `auth: false`. */
  connect(options?: { readonly requireAuth?: boolean; readonly useStored?: boolean }): Promise<Connected>;
  /** A client for a resolved connection (with the `--debug` logger, which logs every HTTP attempt, and the proxy). */
  open(connection: ResolvedConnection): Promise<Client>;
  /**
   * The proxy settings of the run (`--proxy`, `SG_PROXY`, `HTTPS_PROXY`, …), read once; their credentials join
   * {@link CommandContext.secrets}. Throws a usage error naming a malformed flag or variable.
   */
  proxy(): ProxySettings;
  /** Release what the run opened: the proxy agents and their connections. */
  close(): Promise<void>;
  /** A `fetch` that goes through the run's proxy like the clients' requests (`sg login --browser`'s polls). */
  fetch(): typeof globalThis.fetch;
  /** A record writer on stdout in the chosen format. */
  writer(options?: Omit<WriterOptions, "out">): RecordWriter;
  /** Note on stderr (always). */
  note(text: string): void;
  /**
   * Record that the command's change is done on the site (or its file written), e.g. `Shot 12 was created`: a
   * signal that comes later, or an output that then fails, is reported with it rather than as if nothing happened.
   */
  applied(what: string): void;
  /** What {@link CommandContext.applied} recorded, if anything. */
  readonly appliedChange: string | undefined;
  /**
   * Record that the command's write call is being made: from now on its request may have left, so an interruption
   * before {@link CommandContext.applied} cannot say whether the change was made.
   */
  writing(): void;
  /** Whether {@link CommandContext.writing} was called. */
  readonly writeStarted: boolean;
}

/** An open connection. */
export interface Connected {
  readonly connection: ResolvedConnection;
  readonly client: Client;
  readonly api: EntityApi<LooseSchema, "string">;
}

/** What the run's caller hears of the command's progress on the site (`runCli`'s options of the same names). */
export interface ProgressListeners {
  /** The change is done on the site: {@link CommandContext.applied}. */
  readonly onApplied?: ((what: string) => void) | undefined;
  /** The write call is about to be made, with the command: {@link CommandContext.writing}. */
  readonly onWriting?: ((command: string) => void) | undefined;
}

/** Build the context of one run. */
export function createCommandContext(args: ParsedArgs, io: CliIo, signal?: AbortSignal, listeners: ProgressListeners = {}): CommandContext {
  const debug = args.values["debug"] === true || io.env["SG_DEBUG"] === "1";
  const format = enumOption("format", args.values["format"], OUTPUT_FORMATS) ?? (io.stdout.isTTY ? "table" : "json");
  // The secrets given as flags or variables are known before any connection: a usage error about another argument
  // (a JSON excerpt of a filter holding the key) is written before the command connects, if it ever does.
  const secrets = new Set<string>(secretsOf(readConnectionInput(args.values, io.env)));
  const secretList = (): string[] => [...secrets];
  const logger = debugLogger(io.stderr, secretList, debug);
  let connected: Connected | undefined;
  let opened: Pick<Connected, "connection" | "client"> | undefined;
  let appliedChange: string | undefined;
  let writeStarted = false;
  let proxySettings: ProxySettings | undefined;
  let dispatcher: Promise<ProxyRoutingDispatcher> | undefined;
  /**
   * The run's dispatcher (proxy routing, and no time limits of undici's own), made on first use; undefined when no
   * proxy is set and no limit of the run may outlast Node's fetch's own (300 s). Its code (and undici) is loaded
   * only then: a run without a proxy and with the default `--timeout-ms` never pays for it.
   */
  const routing = (): Promise<ProxyRoutingDispatcher> | undefined => {
    const settings = context.proxy();
    const long = (): boolean => outlastsRuntimeLimits(callDeadlineMs(args.values, io.env, args.command), transferLimitMs(args.values, io.env, args.command), args.command);
    if (!dispatcher && (hasProxy(settings) || long())) {
      dispatcher = import("./proxy/proxy-dispatcher.js").then((m) => new m.ProxyRoutingDispatcher(settings, logger));
      // Awaited by whoever needs it; a failure to load is theirs to report, never an unhandled rejection besides.
      dispatcher.catch(() => undefined);
    }
    return dispatcher;
  };
  const context: CommandContext = {
    args,
    io,
    debug,
    format,
    secrets,
    signal,
    get connected(): Connected | undefined {
      return connected;
    },
    get opened(): Pick<Connected, "connection" | "client"> | undefined {
      return opened;
    },
    async connect(options = {}) {
      const { connection, input } = await resolveConnection(args.values, io, options.useStored === false ? { useStored: false } : {});
      for (const s of secretsOf(input, connection.auth)) secrets.add(s);
      context.proxy();
      for (const w of connection.warnings ?? []) context.note(`warning: ${w.message}`);
      if (options.requireAuth !== false && connection.auth.kind === "none") throw noCredentialsError(connection.site, io.env);
      const client = await context.open(connection);
      // The signal goes to every call and transfer of the API too (an upload, a download), not only the client's calls.
      const api = entityApi(client, { dates: "string", ...(signal ? { defaults: { signal } } : {}) });
      connected = { connection, client, api };
      return connected;
    },
    async open(connection: ResolvedConnection) {
      // A proxy variable the site's route would use and sg cannot read (bytes not UTF-8) is refused here, before
      // anything is sent, as a usage error; the route to another host (a storage URL) is refused by the dispatcher
      // inside its request, as a SettingError (setting-error.ts).
      routeFor(context.proxy(), new URL(connection.site));
      // Without any proxy, and with limits Node's fetch's own never outlast, the transport keeps Node's own dispatcher.
      const dispatcher = await routing();
      const deadlineMs = callDeadlineMs(args.values, io.env, args.command);
      const maxBytes = maxResponseBytes(args.values, io.env);
      const transferMs = transferLimitMs(args.values, io.env, args.command);
      const client = await openClient(connection, {
        ...(deadlineMs !== undefined ? { deadlineMs } : {}),
        ...(transferMs !== undefined ? { transferLimitMs: transferMs } : {}),
        ...(maxBytes !== undefined ? { maxResponseBytes: maxBytes } : {}),
        io,
        logger,
        allowInsecureHttp: args.values["allow-http"] === true,
        ...(signal ? { signal } : {}),
        ...(dispatcher ? { dispatcher } : {}),
      });
      opened = { connection, client };
      return client;
    },
    proxy() {
      if (!proxySettings) {
        proxySettings = readProxySettings(args.values["proxy"], io.env);
        for (const s of proxySecrets(proxySettings)) secrets.add(s);
      }
      return proxySettings;
    },
    async close() {
      // A routing that failed to load was reported by the command that needed it: nothing to close, nor to say again.
      await (await dispatcher?.catch(() => undefined))?.destroy();
    },
    fetch() {
      const via = routing();
      if (!via) return globalThis.fetch;
      // Node's fetch takes the dispatcher in its init; its type is Node's bundled undici's, not the package's.
      return async (input, init) => {
        const withDispatcher: Record<string, unknown> = { ...init, dispatcher: await via };
        return globalThis.fetch(input, withDispatcher as RequestInit);
      };
    },
    writer(options = {}) {
      return createWriter(format, { ...options, out: outputUntil(io.stdout, signal) });
    },
    note(text: string) {
      io.stderr.write(text.endsWith("\n") ? text : text + "\n");
    },
    applied(what: string) {
      appliedChange = what;
      listeners.onApplied?.(what);
    },
    get appliedChange(): string | undefined {
      return appliedChange;
    },
    writing() {
      writeStarted = true;
      listeners.onWriting?.(args.command);
    },
    get writeStarted(): boolean {
      return writeStarted;
    },
  };
  return context;
}
