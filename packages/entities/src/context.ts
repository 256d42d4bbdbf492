/**
 * What every method of an entity API shares: the client, the options, and the lazily fetched facts about
 * the site (page size, version, field data types, session token).
 *
 * @packageDocumentation
 */
import { SgProtocolError, siteVersion, type CallOptions, type Client, type DateMode, type SiteInfo } from "@sg/core";
import { PREFIX, checkBoolean, checkEntityType, checkFieldPath, checkObject, checkOneOf, checkOptions, fail, isPlainObject } from "./validate.js";

/** Field `data_type`s per entity type, as a generator (or a person) can write them down at build time. */
export type FieldTypeMap = { readonly [entityType: string]: { readonly [field: string]: string } };

/** Options of {@link entityApi}. */
export interface EntityApiOptions<D extends DateMode = "date"> {
  /** `"date"` (default): `date_time` values are `Date` objects; `"string"`: wire strings `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly dates?: D;
  /**
   * Trim entity dicts in filters and `update` values down to their link keys, as the Python client does
   * (default true). `create` and `batch` are never trimmed (parity).
   */
  readonly trimEntities?: boolean;
  /**
   * The `data_type` of fields, per entity type, e.g. `{ Shot: { created_at: "date_time" } }` (what
   * `sg typegen` emits next to the schema type). Entity types missing here are looked up once with
   * `schema_field_read` when a record of that type holds a value that looks like a datetime.
   */
  readonly fieldTypes?: FieldTypeMap;
  /** Page size override (default: `info().api_max_entities_per_page`, or 500). */
  readonly pageSize?: number;
  /** Call options applied to every call (each call's own options win). */
  readonly defaults?: CallOptions;
}

/** Per-call options shared by every method: the core's {@link CallOptions} (signal, timeout, retry…). */
export type MethodOptions = CallOptions;

/** Internal shared state of one entity API. */
export interface Context {
  readonly client: Client;
  readonly dates: DateMode;
  readonly trim: boolean;
  readonly defaults: CallOptions;
  call<T>(method: string, payload: unknown, options: CallOptions | undefined): Promise<T>;
  info(options?: CallOptions): Promise<SiteInfo>;
  pageSize(options?: CallOptions): Promise<number>;
  /** Whether the site's version is at least `min` (true when the site does not say). */
  atLeast(min: readonly [number, number, number], options?: CallOptions): Promise<boolean>;
  /** Throw when the site is older than `min` (parity with the Python client's gates). */
  requireVersion(label: string, min: readonly [number, number, number], options?: CallOptions): Promise<void>;
  /** The data types of an entity type's fields (from `fieldTypes` or one cached `schema_field_read`). */
  fieldTypes(entityType: string, options?: CallOptions): Promise<ReadonlyMap<string, string>>;
  /** A session token for downloads (cached). */
  sessionToken(options?: CallOptions): Promise<string>;
  forgetSessionToken(): void;
}

const CALL_OPTION_KEYS = new Set(["signal", "timeoutMs", "deadlineMs", "retry", "kind"]);

/** Pick the core call options out of a method's options, merged over the API defaults. */
export function callOptions(ctx: Context, options: Record<string, unknown> | undefined): CallOptions {
  const out: Record<string, unknown> = { ...ctx.defaults };
  if (options) {
    for (const key of CALL_OPTION_KEYS) if (options[key] !== undefined) out[key] = options[key];
    if (options["signal"] !== undefined && !(options["signal"] instanceof AbortSignal)) fail(["options", "signal"], "an AbortSignal", options["signal"]);
  }
  return out as CallOptions;
}

/** Validate the options of {@link entityApi} and build the shared context. */
export function createContext(client: Client, rawOptions: unknown): Context {
  if (client === null || typeof client !== "object" || typeof (client as Client).call !== "function" || typeof (client as Client).info !== "function") {
    fail(["client"], "a Client from createClient() of @sg/core", client);
  }
  const options = checkOptions(rawOptions, ["options"]);
  const dates = options["dates"] === undefined ? "date" : checkOneOf(options["dates"], ["date", "string"] as const, ["options", "dates"]);
  const trim = options["trimEntities"] === undefined ? true : checkBoolean(options["trimEntities"], ["options", "trimEntities"]);
  const declared = new Map<string, ReadonlyMap<string, string>>();
  if (options["fieldTypes"] !== undefined) {
    const map = checkObject(options["fieldTypes"], ["options", "fieldTypes"], "an object { EntityType: { field: data_type } }");
    for (const [type, fields] of Object.entries(map)) {
      checkEntityType(type, ["options", "fieldTypes", type]);
      const f = checkObject(fields, ["options", "fieldTypes", type], "an object { field: data_type }");
      const m = new Map<string, string>();
      for (const [name, dt] of Object.entries(f)) {
        checkFieldPath(name, ["options", "fieldTypes", type, name]);
        if (typeof dt !== "string") fail(["options", "fieldTypes", type, name], "a data_type string such as 'date_time'", dt);
        m.set(name, dt);
      }
      declared.set(type, m);
    }
  }
  let pageSizeOverride: number | undefined;
  if (options["pageSize"] !== undefined) {
    const p = options["pageSize"];
    if (typeof p !== "number" || !Number.isSafeInteger(p) || p < 1) fail(["options", "pageSize"], "a whole number ≥ 1", p);
    pageSizeOverride = p;
  }
  const defaults = (options["defaults"] === undefined ? {} : checkObject(options["defaults"], ["options", "defaults"], "call options {signal, timeoutMs, …}")) as CallOptions;

  const schemaCache = new Map<string, Promise<ReadonlyMap<string, string>>>();
  let token: Promise<string> | undefined;

  const ctx: Context = {
    client,
    dates,
    trim,
    defaults,
    call: <T>(method: string, payload: unknown, callOpts: CallOptions | undefined): Promise<T> => client.call<T>(method, payload, callOpts),
    info: (callOpts?: CallOptions): Promise<SiteInfo> => client.info(stripKind(callOpts)),
    async pageSize(callOpts?: CallOptions): Promise<number> {
      if (pageSizeOverride !== undefined) return pageSizeOverride;
      const info = await ctx.info(callOpts);
      const n = info.api_max_entities_per_page;
      return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : 500;
    },
    async atLeast(min: readonly [number, number, number], callOpts?: CallOptions): Promise<boolean> {
      const v = siteVersion(await ctx.info(callOpts));
      if (!v) return true;
      for (let i = 0; i < 3; i++) {
        if ((v[i] as number) !== min[i]) return (v[i] as number) > (min[i] as number);
      }
      return true;
    },
    async requireVersion(label: string, min: readonly [number, number, number], callOpts?: CallOptions): Promise<void> {
      if (await ctx.atLeast(min, callOpts)) return;
      const v = siteVersion(await ctx.info(callOpts));
      fail(["site"], `a site of version ${min.join(".")} or newer for ${label}`, `version ${(v ?? []).join(".")}`);
    },
    fieldTypes(entityType: string, callOpts?: CallOptions): Promise<ReadonlyMap<string, string>> {
      const known = declared.get(entityType);
      if (known) return Promise.resolve(known);
      let pending = schemaCache.get(entityType);
      if (!pending) {
        pending = client.call<unknown>("schema_field_read", { type: entityType }, callOpts).then((result) => {
          const m = new Map<string, string>();
          if (isPlainObject(result)) {
            for (const [name, def] of Object.entries(result)) {
              const dt = isPlainObject(def) && isPlainObject(def["data_type"]) ? def["data_type"]["value"] : undefined;
              if (typeof dt === "string") m.set(name, dt);
            }
          }
          return m as ReadonlyMap<string, string>;
        });
        schemaCache.set(entityType, pending);
        pending.catch(() => schemaCache.delete(entityType));
      }
      return pending;
    },
    sessionToken(callOpts?: CallOptions): Promise<string> {
      if (!token) {
        const pending = (async (): Promise<string> => {
          const creds = await client.credentials();
          if (creds.kind === "session") return creds.sessionToken;
          const result = await client.call<unknown>("get_session_token", undefined, callOpts);
          const id = isPlainObject(result) ? result["session_id"] : undefined;
          if (typeof id !== "string" || id === "") {
            throw new SgProtocolError(`${PREFIX}: get_session_token did not return a session_id`, { status: 200, method: "get_session_token" });
          }
          return id;
        })();
        token = pending;
        pending.catch(() => {
          if (token === pending) token = undefined;
        });
      }
      return token;
    },
    forgetSessionToken(): void {
      token = undefined;
    },
  };
  return ctx;
}

function stripKind(options: CallOptions | undefined): CallOptions | undefined {
  if (!options || options.kind === undefined) return options;
  const { kind: _kind, ...rest } = options;
  return rest;
}
