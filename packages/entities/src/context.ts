/**
 * What every method and function shares: the client, the options, and the lazily fetched facts about the
 * site (page size, version, field data types, session token).
 *
 * The facts are cached per client, not per API object: `info` by the client itself, the field data types
 * read with `schema_field_read` and the download session token of script credentials (a session of session
 * credentials is the strategy's, never cached here) in a `WeakMap` keyed by the client. So
 * `find(client, …)`, `entityContext(client, …)` and `entityApi(client)` over one client read the schema of
 * an entity type once between them.
 *
 * @packageDocumentation
 */
import { SgProtocolError, SgTimeoutError, abortErrorFrom, checkDefaultCallOptions, copyCallOptions, onAbort, siteVersion, type CallOptions, type Client, type DateMode, type SiteInfo } from "@sg/core";
import { fieldTypesError } from "./field-types-error.js";
import { joinRequest, shareRequest } from "./shared-request.js";
import { badReply } from "./reply.js";
import type { LooseSchema, SiteSchema } from "./schema-types.js";
import { CALL_OPTION_KEYS, PREFIX, SIGNAL, checkBoolean, checkDeadline, checkEntityType, checkFieldPath, checkInt, checkObject, checkOneOf, checkOptions, fail, isPlainObject, optionOr, type Path } from "./validate.js";

/** Field `data_type`s per entity type, as a generator (or a person) can write them down at build time. */
export type FieldTypeMap = { readonly [entityType: string]: { readonly [field: string]: string } };

/**
 * Options of `entityApi` and {@link entityContext}. Any other key is refused with `SgValidationError` (e.g.
 * Python's `trim_entities`, or a call option such as `timeoutMs`, which goes in `defaults`).
 */
export interface EntityApiOptions<D extends DateMode = "date"> {
  /** `"date"` (default): `date_time` values are `Date` objects; `"string"`: wire strings `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly dates?: D | undefined;
  /**
   * Trim entity dicts in filters and `update` values down to their link keys, as the Python client does
   * (default true). `create` and `batch` are never trimmed (parity), nor is a filter tree given in the wire form
   * (`{ logical_operator, conditions }`, sent as it is).
   */
  readonly trimEntities?: boolean | undefined;
  /**
   * The `data_type` of fields, per entity type, e.g. `{ Shot: { created_at: "date_time" } }` (what
   * `sg typegen` emits next to the schema type). Entity types missing here are looked up once with
   * `schema_field_read` when a record of that type holds a value that looks like a datetime, and again (once per
   * field) when such a value comes back for a field that lookup did not list; the schema field writes of this
   * client drop what was looked up for their type. A type given here is never looked up.
   */
  readonly fieldTypes?: FieldTypeMap | undefined;
  /** Page size override (default: `info().api_max_entities_per_page`, or 500); held to the site's `api_max_entities_per_page` when it says one. */
  readonly pageSize?: number | undefined;
  /**
   * Call options applied to every call (each call's own options win); `kind` only as `"write"` (a default
   * `"read"` would let writes be retried after they may have landed). A key that is not a call option is refused.
   */
  readonly defaults?: (Omit<CallOptions, "kind"> & { readonly kind?: "write" | undefined }) | undefined;
}

/** `"dates"` when the date mode `D` is `"string"` (the key the options must then hold), else `never`. */
type StringDatesKey<D extends DateMode> = [D] extends ["string"] ? "dates" : never;

/**
 * The options argument of `entityApi` / `entityContext` for date mode `D`: when the type argument says
 * `"string"`, the options are required and must say `dates: "string"` too (the type argument alone changes no
 * value at run time, so `entityApi<S, "string">(client)` would type dates as strings and return `Date`s).
 *
 * Written as an indexed access rather than a conditional, so that a helper generic in its own date mode
 * (`<D extends DateMode>(o?: EntityApiOptions<D>) => entityApi<S, D>(client, o)`) compiles: the compiler checks
 * such a call against both shapes, and `o` fits both (the `dates` key is only required for a literal `"string"`).
 */
export type EntityApiOptionsArg<D extends DateMode> = {
  readonly date: [options?: EntityApiOptions<D>];
  readonly string: [options: (EntityApiOptions<D> & { readonly [K in StringDatesKey<D>]: unknown }) | undefined];
}[[D] extends [never] ? "date" : D];

/** Per-call options shared by every method: the core's {@link CallOptions} (signal, timeout, retry…). */
export type MethodOptions = CallOptions;

/**
 * A client bound to options and (at the type level) to a site schema `S` and a date mode `D`: what the
 * standalone functions take as their first argument when the defaults do not do. Make one with
 * {@link entityContext}; an `EntityApi` is one too.
 *
 * ```ts
 * const sg = entityContext<MySite>(client, { fieldTypes });
 * const shots = await find(sg, "Shot", [["sg_status_list", "is", "ip"]], ["code"]);
 * ```
 */
export interface EntityContext<S extends SiteSchema = LooseSchema, D extends DateMode = "date"> {
  /** The client calls go through. */
  readonly client: Client;
  /** Type-level only (never present at run time): the site schema and date mode, for inference. */
  readonly "~types"?: { readonly schema: S; readonly dates: D } | undefined;
}

/**
 * The first argument of every standalone function: a plain {@link Client} (loose records, default options)
 * or an {@link EntityContext} (its schema type, date mode and options).
 */
export type EntityTarget<S extends SiteSchema = LooseSchema, D extends DateMode = "date"> = Client | EntityContext<S, D>;

/** Internal shared state of one entity API. */
export interface Context {
  readonly client: Client;
  readonly dates: DateMode;
  readonly trim: boolean;
  readonly defaults: CallOptions;
  call<T>(method: string, payload: unknown, options: CallOptions | undefined): Promise<T>;
  /** The client's `info`: cached, or asked of the site again with `refresh`. */
  info(options?: InfoOptions): Promise<SiteInfo>;
  /** The client's cached `info` (`client.cachedInfo()`), or `undefined`: then the caller awaits {@link Context.info}. Sends nothing. */
  infoNow(): SiteInfo | undefined;
  /** The records per page for `info` (the `pageSize` option up to the site's maximum, the site's maximum, or 500). */
  pageSizeOf(info: SiteInfo): number;
  /** Whether `info`'s version is at least `min` (true when the site does not say). */
  atLeastOf(info: SiteInfo, min: readonly [number, number, number]): boolean;
  /** {@link Context.requireVersion} for a known `info` (synchronous). */
  requireVersionOf(info: SiteInfo, label: string, min: readonly [number, number, number]): void;
  /** Throw when the site is older than `min` (parity with the Python client's gates). */
  requireVersion(label: string, min: readonly [number, number, number], options?: CallOptions): Promise<void>;
  /**
   * The data types of an entity type's fields (from `fieldTypes` or one cached `schema_field_read`). `fields` are
   * the fields a caller needs: one the cached types do not hold makes them be read again, once per field. The read
   * is shared, so it goes with the client's defaults only; the `signal` and `deadlineMs` of `options` end only this
   * caller's wait, and the read once every caller waiting for it has aborted (none waits without a signal).
   */
  fieldTypes(entityType: string, options?: CallOptions, fields?: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** The data types of an entity type's fields when they are known now (declared, or read before); sends nothing. */
  knownFieldTypes(entityType: string): ReadonlyMap<string, string> | undefined;
  /** Whether the field types of some entity type may be known now (declared, or read or being read); sends nothing. */
  anyFieldTypes(): boolean;
}

/** The server-version gate of `includeArchivedProjects: false` (rpc-protocol.md §1.9), shared by `find` and `summarize`. */
export const ARCHIVED_PROJECTS_GATE = ["includeArchivedProjects: false", [5, 3, 14]] as const;

/**
 * Pick the core call options out of a method's options, merged over the API defaults: a copy, its `retry` too, as the
 * caller may change its object for the next call while this one waits (for `info`, a schema, an upload step).
 */
export function callOptions(ctx: Context, options: Record<string, unknown> | undefined): CallOptions {
  const out: Record<string, unknown> = { ...ctx.defaults };
  if (options) {
    for (const key of CALL_OPTION_KEYS) if (options[key] !== undefined) out[key] = options[key];
    if (options["signal"] !== undefined && !(options["signal"] instanceof AbortSignal)) fail(["options", "signal"], SIGNAL, options["signal"]);
  }
  return copyCallOptions(out as CallOptions);
}

/** What is cached per client, whatever the options of the contexts over it. */
interface ClientState {
  /** `schema_field_read` data types per entity type (pending or settled). */
  readonly schema: Map<string, Promise<ReadonlyMap<string, string>>>;
  /** Per entity type, the fields missing from its cached types that made them be read again (each does so once). */
  readonly reread: Map<string, Set<string>>;
  /** The session token obtained with `get_session_token` (pending or settled); a session of session credentials only while pending. */
  token: Promise<string> | undefined;
  /** The context of the plain client (default options), built on first use. */
  plain: Context | undefined;
}

const clientStates: WeakMap<Client, ClientState> = /* @__PURE__ */ new WeakMap();
/** The field types each settled `schema_field_read` of the cache gave. */
const settledTypes: WeakMap<Promise<ReadonlyMap<string, string>>, ReadonlyMap<string, string>> = /* @__PURE__ */ new WeakMap();
const boundContexts: WeakMap<object, Context> = /* @__PURE__ */ new WeakMap();

function isClient(value: unknown): value is Client {
  return value !== null && typeof value === "object" && typeof (value as Client).call === "function" && typeof (value as Client).info === "function";
}

function stateOf(client: Client): ClientState {
  let state = clientStates.get(client);
  if (!state) {
    state = { schema: new Map(), reread: new Map(), token: undefined, plain: undefined };
    clientStates.set(client, state);
  }
  return state;
}

/**
 * The context behind a standalone function's first argument: a bound {@link EntityContext} (or an
 * `EntityApi`), or a plain client (default options, one context per client).
 */
export function contextOf(target: unknown): Context {
  if (target !== null && typeof target === "object") {
    const bound = boundContexts.get(target);
    if (bound) return bound;
    if (isClient(target)) {
      const state = stateOf(target);
      return (state.plain ??= createContext(target, undefined));
    }
  }
  return fail(["client"], "a Client from createClient() of @sg/core, or an EntityContext from entityContext()", target);
}

/** Make `handle` stand for `ctx` wherever a standalone function takes a client. */
export function bindContext(handle: object, ctx: Context): void {
  boundContexts.set(handle, ctx);
}

/**
 * Bind a client to options and a site schema type for the standalone functions (`find`, `create`, …).
 * Contexts are cheap: every context over one client shares that client's caches.
 *
 * ```ts
 * const sg = entityContext<MySite, "string">(client, { dates: "string", fieldTypes });
 * const shot = await findOne(sg, "Shot", [["code", "is", "sh010"]], ["code", "created_at"]);
 * ```
 *
 * @throws SgValidationError when the client or the options are malformed, or an option is unknown.
 */
export function entityContext<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(client: Client, ...options: EntityApiOptionsArg<D>): EntityContext<S, D>;
export function entityContext(client: Client, options?: EntityApiOptions<DateMode>): EntityContext<SiteSchema, DateMode> {
  const ctx = createContext(client, options);
  const handle: EntityContext<SiteSchema, DateMode> = Object.freeze({ client });
  bindContext(handle, ctx);
  return handle;
}

/** Validate the options of an entity API or context and build the shared context. */
export function createContext(client: Client, rawOptions: unknown): Context {
  if (!isClient(client)) fail(["client"], "a Client from createClient() of @sg/core", client);
  const state = stateOf(client);
  // An unknown key is refused, not ignored: `trim_entities: false` kept trimming, a `pagesize` kept the site's.
  // Call options belong in `defaults`, which takes only those.
  const options = checkOptions(rawOptions, ["options"], [], ["dates", "trimEntities", "fieldTypes", "pageSize", "defaults"]);
  const dates = optionOr(options, "dates", "date", (value, path) => checkOneOf(value, ["date", "string"] as const, path));
  const trim = optionOr(options, "trimEntities", true, checkBoolean);
  const declared = optionOr(options, "fieldTypes", new Map(), checkFieldTypes);
  const pageSizeOverride = optionOr<number | undefined>(options, "pageSize", undefined, (value, path) => checkInt(value, path, 1));
  // A copy (with its own `retry`), as createClient keeps of its defaults: an app that reuses one options object and
  // changes it per request must not change the calls of the contexts made before, nor what was checked here.
  const defaults: CallOptions = copyCallOptions(optionOr(options, "defaults", {}, checkOptions));
  // Refused at once, by core's own check of createClient's defaults: every call through the context would carry them,
  // and a bad one was refused by each call as that call's own option (or ignored when the call gave its own). A default
  // "read" among them would make every create and update retryable after it may have landed.
  checkDefaultCallOptions(PREFIX, defaults, ["options", "defaults"]);

  const { schema: schemaCache, reread } = state;

  const ctx: Context = {
    client,
    dates,
    trim,
    defaults,
    call: <T>(method: string, payload: unknown, callOpts: CallOptions | undefined): Promise<T> => client.call<T>(method, payload, callOpts),
    info: (callOpts?: InfoOptions): Promise<SiteInfo> => client.info(stripKind(callOpts)),
    // A client from an older @sg/core has no cachedInfo: then the caller awaits info() instead.
    infoNow: (): SiteInfo | undefined => (typeof client.cachedInfo === "function" ? client.cachedInfo() : undefined),
    pageSizeOf(info: SiteInfo): number {
      const n = info.api_max_entities_per_page;
      const max = typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : undefined;
      // A `pageSize` above the site's own maximum is held to it: a site that counted the offset of page 2 by the size
      // asked for, while serving its maximum, would skip the rows between.
      return pageSizeOverride === undefined ? (max ?? 500) : Math.min(pageSizeOverride, max ?? pageSizeOverride);
    },
    atLeastOf(info: SiteInfo, min: readonly [number, number, number]): boolean {
      const v = siteVersion(info);
      if (!v) return true;
      for (let i = 0; i < 3; i++) {
        if ((v[i] as number) !== min[i]) return (v[i] as number) > (min[i] as number);
      }
      return true;
    },
    requireVersionOf(info: SiteInfo, label: string, min: readonly [number, number, number]): void {
      if (ctx.atLeastOf(info, min)) return;
      fail(["site"], `a site of version ${min.join(".")} or newer for ${label}`, `version ${(siteVersion(info) ?? []).join(".")}`);
    },
    async requireVersion(label: string, min: readonly [number, number, number], callOpts?: CallOptions): Promise<void> {
      ctx.requireVersionOf(ctx.infoNow() ?? (await ctx.info(callOpts)), label, min);
    },
    fieldTypes(entityType: string, callOpts?: CallOptions, fields: readonly string[] = []): Promise<ReadonlyMap<string, string>> {
      const known = declared.get(entityType);
      if (known) return Promise.resolve(known);
      // Shared by concurrent callers (of every context over the client), so it goes with the client's defaults only, as
      // core's shared info does: one caller's timeoutMs, deadlineMs or retry would decide for all. Each caller's own
      // signal and deadline end only its own wait (both were checked by the call whose records need the types).
      // The read ends once every caller waiting for it has aborted (see shareRequest): one without a signal of its own
      // waits as its calls do, with the client's defaults' (the shared read goes with the shared signal instead).
      const signal = callOpts?.signal ?? client.defaults?.signal;
      const deadlineMs = callOpts?.deadlineMs;
      const join = (types: Promise<ReadonlyMap<string, string>>): Promise<ReadonlyMap<string, string>> => joinRequest(types, signal);
      const read = (): Promise<ReadonlyMap<string, string>> => {
        // A failed or abandoned read is not cached (unless a newer one replaced it meanwhile).
        const pending = shareRequest(signal, (shared) => client.call<unknown>("schema_field_read", { type: entityType }, shared).then((result) => {
          // Not "no datetime fields": that would hand datetimes over as strings without a word.
          if (!isPlainObject(result)) throw badReply("schema_field_read", "an object", result);
          const m = new Map<string, string>();
          for (const [name, def] of Object.entries(result)) {
            const dt = (def as { data_type?: { value?: unknown } } | null)?.data_type?.value;
            if (typeof dt === "string") m.set(name, dt);
          }
          // Known from now on to the checks that never read them (knownFieldTypes), while this read is the cached one.
          settledTypes.set(pending, m);
          return m;
        }).catch((error: unknown) => {
          throw fieldTypesError(error, entityType);
        }), (dropped) => schemaCache.get(entityType) === dropped && schemaCache.delete(entityType));
        schemaCache.set(entityType, pending);
        return join(pending);
      };
      const cached = schemaCache.get(entityType);
      // A field the cached types lack was added since they were read (a datetime came back for it): the newer read
      // another caller started is taken, or they are read again — once per field, so that a field the schema never
      // lists cannot cost a read per call.
      const types = cached && join(cached).then((map) => {
        const missing = fields.filter((field) => !map.has(field));
        const latest = schemaCache.get(entityType);
        if (missing.length === 0) return map;
        if (latest && latest !== cached) return join(latest);
        const tried = reread.get(entityType) ?? new Set();
        reread.set(entityType, tried);
        if (missing.every((field) => tried.has(field))) return map;
        for (const field of missing) tried.add(field);
        return read();
      });
      return within(types ?? read(), signal, deadlineMs, `reading the field types of ${entityType} to decode its dates (schema_field_read)`, "schema_field_read");
    },
    knownFieldTypes: (entityType: string): ReadonlyMap<string, string> | undefined => declared.get(entityType) ?? settledTypes.get(schemaCache.get(entityType)!),
    anyFieldTypes: (): boolean => declared.size + schemaCache.size > 0,
  };
  return ctx;
}

/** The `fieldTypes` option, `{ EntityType: { field: data_type } }`, as a map of maps. */
function checkFieldTypes(value: unknown, path: Path): Map<string, ReadonlyMap<string, string>> {
  const declared = new Map<string, ReadonlyMap<string, string>>();
  for (const [type, fields] of Object.entries(checkObject(value, path, "an object { EntityType: { field: data_type } }"))) {
    const typePath = [...path, type];
    checkEntityType(type, typePath);
    const dataTypes = new Map<string, string>();
    for (const [name, dataType] of Object.entries(checkObject(fields, typePath, "an object { field: data_type }"))) {
      const fieldPath = [...typePath, name];
      checkFieldPath(name, fieldPath);
      if (typeof dataType !== "string") fail(fieldPath, "a data_type string such as 'date_time'", dataType);
      dataTypes.set(name, dataType);
    }
    declared.set(type, dataTypes);
  }
  return declared;
}

function stripKind<O extends CallOptions>(options: O | undefined): O | undefined {
  if (!options || options.kind === undefined) return options;
  const { kind: _kind, ...rest } = options;
  return rest as O;
}

/** Options of {@link info}: the call options and `refresh`. */
export interface InfoOptions extends CallOptions {
  /**
   * Ask the site again instead of answering with the client's cached info, as Python's `info()` does on every call
   * (to see a site come back, or its new version); the answer is cached in place of the old one. Default `false`.
   */
  readonly refresh?: boolean | undefined;
}

/**
 * The site's `info`. Without `refresh` it is the client's cached answer (Python's `server_info`), asked of the site
 * once per client; `info({ refresh: true })` asks the site each time, as Python's `info()` does, and a site that
 * is down (or in maintenance) makes it reject.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param options - `refresh` and call options.
 */
export async function info(target: EntityTarget<SiteSchema, DateMode>, options?: InfoOptions): Promise<SiteInfo> {
  const ctx = contextOf(target);
  const o = checkOptions(options, ["options"], ["refresh"]);
  const refresh = optionOr(o, "refresh", false, checkBoolean);
  return ctx.info({ ...callOptions(ctx, o), refresh });
}

/**
 * A session token for the caller (Python `get_session_token`). With session credentials (`sessionAuth`, a legacy
 * login's session) it is the auth strategy's current session, asked of `client.credentials()` each time and never
 * kept: after the strategy logged in again or refreshed (a call refused with 102), it is the new session. With other
 * credentials (a script key) it is one obtained once with `get_session_token` and cached per client; the site ends
 * it after its idle time like any session, which entities cannot see (only a download it refuses drops it, and gets a
 * new one), so for a token to use elsewhere after a long pause, get a new one with
 * `client.call("get_session_token", undefined)` (its `session_id`). That request is shared by every caller waiting
 * for a token, so it goes with the client's `defaults` only (never one caller's `timeoutMs`, `deadlineMs` or
 * `retry`), and a caller's `signal` and `deadlineMs` end only its own wait; once every caller waiting for it has
 * aborted (none waits without a signal), it is aborted too, and the next call sends another.
 *
 * @param target - a client or an {@link EntityContext}.
 */
export async function getSessionToken(target: EntityTarget<SiteSchema, DateMode>, options?: CallOptions): Promise<string> {
  const ctx = contextOf(target);
  return sessionToken(ctx, callOptions(ctx, checkOptions(options, ["options"])));
}

/**
 * The session token downloads use: the strategy's current session with session credentials (never cached: the
 * strategy renews it), else one obtained with `get_session_token` and cached per client (a failed attempt is not
 * cached; a download the site refuses drops it, see {@link forgetSessionToken}). Concurrent callers share one fetch, so it goes
 * with the client's defaults only, without any caller's options (one caller's limits would decide for all): a caller's
 * abort or `deadlineMs` only stops that caller waiting, the deadline with `SgTimeoutError` (`scope: "deadline"`); once
 * every caller waiting for it has aborted (none waits without a signal), the fetch is aborted and not cached. A caller
 * whose signal has aborted already starts none.
 */
export function sessionToken(ctx: Context, callOpts: CallOptions = {}): Promise<string> {
  // Without a signal of its own a caller waits with the client's defaults' (see fieldTypes).
  const signal = callOpts.signal ?? ctx.client.defaults?.signal;
  const { deadlineMs } = callOpts;
  checkDeadline(deadlineMs, ["options", "deadlineMs"]);
  // An aborted caller starts no fetch (nor the login, maybe a prompt for a code, that it may need).
  if (signal?.aborted) return Promise.reject(abortErrorFrom(signal));
  // As core's shared info: when the deadline passes, the request may be on its way, and it goes on for the others.
  return within(joinRequest(tokenRequest(ctx, signal), signal), signal, deadlineMs, "'get_session_token'", "get_session_token");
}

/**
 * The shared `get_session_token` of {@link sessionToken} (the cached or pending one, else one started with `signal`: a
 * caller waiting for it joins it with `joinRequest`, so that it ends once every caller waiting has aborted).
 */
export function tokenRequest(ctx: Context, signal: AbortSignal | undefined): Promise<string> {
  const state = stateOf(ctx.client);
  if (!state.token) {
    const client = ctx.client;
    // Ended once every caller waiting for it has aborted (see shareRequest); a failed or abandoned one is not cached.
    const pending = shareRequest(signal, async (shared): Promise<string> => {
      const creds = await client.credentials();
      // The strategy's session is never kept here: it logs in again or refreshes after a 102, and `credentials()`
      // then gives the new session (a kept one would be the dead one). Callers waiting meanwhile share this one; the
      // cache is emptied whatever it holds, as with these credentials it can only hold such a pending session.
      if (creds.kind === "session") return (state.token = undefined), creds.sessionToken;
      // With the client's defaults (and the shared signal) only: no caller's timeoutMs or retry decides for the others.
      const result = await client.call<unknown>("get_session_token", undefined, shared);
      const id = isPlainObject(result) ? result["session_id"] : undefined;
      if (typeof id !== "string" || id === "") {
        throw new SgProtocolError(`${PREFIX}: get_session_token did not return a session_id`, { status: 200, method: "get_session_token" });
      }
      return id;
    }, (dropped) => {
      if (state.token === dropped) state.token = undefined;
    });
    state.token = pending;
    pending.then((token) => tokenValues.set(pending, token), () => {});
  }
  return state.token;
}

/** `work`, or a rejection as soon as `signal` aborts (the shared work itself goes on for the other callers). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return signal
    ? new Promise((resolve, reject) => {
        const stop = onAbort(signal, () => reject(abortErrorFrom(signal)));
        work.then(resolve, reject).finally(stop);
      })
    : work;
}

/**
 * `work` as one caller waits for it: rejected at once when `signal` aborts, and with `SgTimeoutError`
 * (`scope: "deadline"`) once `deadlineMs` has passed, naming `what` and `method`; its `maybeSent` is true for a
 * request that may be on its way (a shared one), false for work that sends nothing (reading a local file). The
 * work itself goes on; only this caller stops waiting. `holds` false: the deadline's timer does not keep the process
 * alive (Node's `unref`), for a wait that may outlive its caller's interest (a local file's stream its reader dropped),
 * whose work holds the process by itself while it runs (a file read).
 */
export function within<T>(work: Promise<T>, signal: AbortSignal | undefined, deadlineMs: number | undefined, what: string, method?: string, maybeSent = true, holds = true): Promise<T> {
  const wait = untilAborted(work, signal);
  if (deadlineMs === undefined) return wait;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const passed = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SgTimeoutError(`${PREFIX}: ${what} did not complete within its deadline of ${deadlineMs} ms`, { timeoutMs: deadlineMs, scope: "deadline", method, maybeSent })), deadlineMs);
  });
  if (!holds) (timer as { unref?: () => void } | undefined)?.unref?.();
  return Promise.race([wait, passed]).finally(() => clearTimeout(timer));
}

/**
 * Forget the cached field types of `entityType` (after a change to its fields), so that the next read that needs
 * them reads them again.
 */
export function forgetFieldTypes(ctx: Context, entityType: string): void {
  const state = stateOf(ctx.client);
  state.schema.delete(entityType);
  state.reread.delete(entityType);
}

/** The value each settled download session token promise gave, to tell which token a cache entry holds. */
const tokenValues: WeakMap<Promise<string>, string> = /* @__PURE__ */ new WeakMap();

/**
 * Forget the cached session token of the client after the site refused `refused` — only while the cache still holds
 * that token: a download refused late, after another one's refusal already got a new token, must not throw the new
 * one away (every later download would fetch yet another). Without `refused`, the cache is cleared whatever it holds.
 */
export function forgetSessionToken(ctx: Context, refused?: string): void {
  const state = stateOf(ctx.client);
  if (refused === undefined || (state.token && tokenValues.get(state.token) === refused)) state.token = undefined;
}
