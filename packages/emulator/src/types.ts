/** How the emulated site authenticates people: `default` (legacy login), `identity` (Autodesk Identity, "oxygen") or `sso` (SAML2). */
export type AuthMode = 'default' | 'identity' | 'sso';

/** State of the Personal Access Token bound to a user's legacy login. */
export type PatState = 'valid' | 'missing' | 'revoked';

/** Options of {@link startEmulator}. Every member is optional. */
export interface EmulatorOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string | undefined;
  /**
   * Host names (or addresses) besides the loopback ones that requests may name in `Host` when the emulator listens
   * on loopback, e.g. a name that `/etc/hosts` points at 127.0.0.1 (`["studio-dev.test"]`); without a port. On
   * loopback every request naming another host is refused (HTTP 421), so that a web page cannot reach the emulator
   * by DNS rebinding. The admin endpoints answer these names too. Default none.
   */
  allowedHosts?: readonly string[] | undefined;
  /**
   * The path the site lives under, for testing a client against a site whose URL has a path (`/sg` → the
   * JSON-RPC endpoint is `POST /sg/api3/json`, and `url` and the card's `url` end in `/sg`). Default `""`: the
   * endpoint is `POST /api3/json` and nothing else. Only the RPC endpoint moves: uploads, `/file_serve/*`,
   * `/thumbnail/*`, the browser approval routes and `/api/v1` stay on the origin, where clients take them
   * whatever the base path (rpc-protocol §1.1). One or more `/segment`s of letters, digits and `-._~`; a trailing
   * slash is dropped; a path ending in `/api3/json` is refused.
   */
  basePath?: string | undefined;
  /** Port to listen on; `0` (the default) picks a free one. */
  port?: number | undefined;
  /**
   * Which data the site starts with: `demo` (default) or `empty` (only the script and the users of the site card, and
   * one `LocalStorage`: no project, so `card.projects` is `[]`). With a `dataFile` that holds a saved site, the file
   * is the site and this only says what a reset goes back to.
   */
  fixtures?: 'demo' | 'empty' | undefined;
  /**
   * Extra Shots (with proportional Assets, Tasks and Versions) added to the demo project, deterministically. Like
   * `fixtures`, only seeded when there is no saved `dataFile`, and on reset.
   */
  rows?: number | undefined;
  /** Every non-admin request is answered no sooner than this many milliseconds after it arrived (handled at once, answer held). Default 0. */
  latencyMs?: number | undefined;
  /** Authentication mode of the site. Default `default`. */
  authMode?: AuthMode | undefined;
  /**
   * JSON file the site is loaded from and saved to after writes (temp file + rename). A file that holds a saved site
   * is loaded as it is, without seeding `fixtures` and `rows` first; a missing or empty file gets the seeded site.
   */
  dataFile?: string | undefined;
  /** Idle time after which a session token expires, in seconds of the emulator clock. Default 1800. */
  sessionIdleSeconds?: number | undefined;
  /**
   * Where the emulator clock starts: a `Date`, or an ISO 8601 date-time with a time zone (`"2026-01-12T09:00:00Z"`),
   * within the years 1970–9999. The clock runs on from there (held there with `clockFrozen`), a reset puts it back
   * there, and it takes precedence over the clock saved in a `dataFile`. Default: the clock saved in the `dataFile`,
   * else the wall clock.
   */
  clock?: string | Date | undefined;
  /**
   * Holds the clock at `clock` (which it needs) until it is moved (`advanceClock`) or set (`setClock`), so that
   * `created_at`, `updated_at` and event times are the same on every run. Default `false`.
   */
  clockFrozen?: boolean | undefined;
  /** `api_max_entities_per_page` announced by `info` and used as the default page size. Default 500. */
  pageSize?: number | undefined;
  /**
   * Whether the browser approval login ("app session launcher") is offered. Default `true`. When `false`,
   * `GET /api/v1` says `authentication_app_session_launcher_enabled: false` and the
   * `/internal_api/app_session_request` endpoints answer HTTP 403 `{"message": …}`, like a site where the feature
   * is disabled.
   */
  appSessionLauncher?: boolean | undefined;
  /**
   * How many filtered + sorted `read` results are kept (least recently used dropped first) so that the next pages
   * of a query slice a list instead of re-scanning the table. Any write, schema change or reset invalidates what
   * it may affect; relative-date queries are never cached. Default 32; `0` turns the cache off.
   */
  queryCacheSize?: number | undefined;
  /**
   * More pairs of link fields to keep in step, for a custom schema (fields made with `schema_field_create`, a
   * `dataFile` site): writing either side updates the other, as for the built-in pairs (`DEFAULT_REVERSE_LINKS`).
   * A pair given here wins over a built-in one that claims one of its sides for the same entity type. A pair is
   * active only while the schema has both fields, each linking to the other's type; it becomes active when they are
   * created. Throws at start for a pair that is not `Type.field` ↔ `Type.field`.
   */
  reverseLinks?: readonly ReverseLinkSpec[] | undefined;
  /**
   * Scripts (ApiUsers) the site has besides `emulator_script`, with the names and keys given, so that code which logs
   * in as its own script can be tested as it is (`[{ name: "pipeline", key: "…" }]`). They authenticate, are on the
   * card after the emulator's own, are seeded again by a reset, and are added to a site loaded from a `dataFile` that
   * lacks them (one it has takes the key given). A name must be non-empty, not `emulator_script` and given once; a key
   * 1 to 256 printable ASCII characters without spaces. Default none.
   */
  scripts?: readonly SiteCardScript[] | undefined;
  /** Receives one log line per request and event. Default: silent. One that throws is ignored: it never fails a start, a request or a save. */
  logger?: ((line: string) => void) | undefined;
}

/**
 * Two link fields a site keeps in step: the reverse sides of one link. Writing either side updates the other
 * (`Task.entity` = a Shot puts the Task in that Shot's `tasks`; `Shot.tasks` = [a Task] sets the Task's `entity`).
 * At least one side must be a multi-entity field.
 */
export interface ReverseLinkSpec {
  /** One side, `Type.field`: `Task.entity`, `Asset.shots`. */
  readonly field: string;
  /**
   * The other side, `Type.field` (`Shot.assets`), or `*.field` (`*.tasks`) for that field on every entity type
   * `field` may link to.
   */
  readonly reverse: string;
}

/** A script (ApiUser) of the site card. */
export interface SiteCardScript {
  /** Script name, sent as `script_name`. */
  name: string;
  /** 64-hex application key, sent as `script_key`. */
  key: string;
}

/** A HumanUser of the site card, with its credentials and the auth situation it demonstrates. */
export interface SiteCardUser {
  /** Legacy login. */
  login: string;
  /** Legacy passphrase, or `null` when the user never set one. */
  password: string | null;
  /** Whether the user has the Admin permission role (may sudo; may activate users on Identity sites). */
  admin: boolean;
  /** State of the bound Personal Access Token. */
  pat: PatState;
  /**
   * Whether the user has 2FA: a login then needs a one-time code as `auth_token`, which `issueTwoFactorCode(login)` (or
   * `POST /__emulator/2fa`) hands out, good for one accepted login within 30 s of emulator clock.
   */
  twoFactor: boolean;
  /** Whether the account is active (`sg_status_list` = `act`). */
  active: boolean;
  /** `can_impersonate_this_user`; present (false) only for users that refuse being a sudo target. */
  canBeImpersonated?: boolean;
}

/** A project of the site card. */
export interface SiteCardProject {
  /** Always `Project`. */
  type: 'Project';
  /** Project id. */
  id: number;
  /** Project name. */
  name: string;
}

/** What the CLI prints when ready, and `EmulatorHandle.card`. */
export interface SiteCard {
  /** The URL to give a client: the origin plus `basePath` when one is set, without a trailing slash. */
  url: string;
  /** Authentication mode. */
  authMode: AuthMode;
  /** Scripts and their keys. */
  scripts: SiteCardScript[];
  /** Users and their credentials. */
  users: SiteCardUser[];
  /** Projects: with `fixtures: 'demo'` the demo project and an archived one; with `empty`, none (`[]`). */
  projects: SiteCardProject[];
}

/**
 * A queued fault. Faults match by `method` (the RPC `method_name`, or the URL path of a non-RPC request such as
 * `/upload/upload_file`; any request when omitted) and are consumed first in, first out, `times` times (default 1).
 */
export interface FaultSpec {
  /** RPC method name or URL path to match; any request when omitted. */
  method?: string | undefined;
  /** How many matching requests this fault applies to. Default 1. */
  times?: number | undefined;
  /** HTTP status to answer with (the request is not processed, unless `when` is `after`). With `html`, default 200; without it, none (no status fault). */
  status?: number | undefined;
  /** Answer with an HTML page (a proxy error page) instead of a plain-text body. */
  html?: boolean | undefined;
  /** Body text to send with `status` (or the page with `html`); refused on any other fault (a body alone, a delay alone, `errorCode`, `dropConnection`). */
  body?: string | undefined;
  /** `Retry-After` header value in seconds, sent with the fault's answer (`status`, `html` or `errorCode`); refused on a fault without one. */
  retryAfter?: number | undefined;
  /** Destroy the socket without any response. */
  dropConnection?: boolean | undefined;
  /**
   * Whether the request is applied before the fault's drop or answer. `before` (default): the drop or answer comes in
   * place of processing, so nothing changes. `after`: the request is processed (writes land, their events are logged, the `--data` file is saved), then the connection is
   * dropped (`dropConnection`) or the fault's answer (`status`, `html`, `errorCode`) is sent instead of the real one.
   * Refused on a fault of `delayMs` alone, which has no answer of its own.
   */
  when?: 'before' | 'after' | undefined;
  /** Delay before processing, in milliseconds (on its own, the request is then answered normally). */
  delayMs?: number | undefined;
  /** Answer with an RPC fault envelope carrying this `error_code`, with HTTP status `status` (default 200) (the request is not processed, unless `when` is `after`). */
  errorCode?: number | undefined;
  /** Message of the injected RPC fault; only with `errorCode` (refused without it: a status or HTML answer takes its text in `body`). */
  message?: string | undefined;
}

/** How a request authenticated. Secrets are never recorded. */
export type AuthKind = 'none' | 'script' | 'user' | 'session' | 'cookie';

/** One request the emulator received, as `GET /__emulator/requests` lists it. */
export interface RecordedRequest {
  /** Sequence number, from 1 at start and after a reset; keeps counting when the log drops its oldest entries past 10,000. */
  seq: number;
  /** HTTP method. */
  httpMethod: string;
  /** URL path (no query string). */
  path: string;
  /** RPC `method_name` for `/api3/json`, else `null`. */
  method_name: string | null;
  /** How the request authenticated (as claimed by the credentials it carried). */
  auth: AuthKind;
  /**
   * Login or script name of the caller when known (never a password, key or token): the one sent, or for a
   * `session_token` the login (or script name) of its session once the token authenticated (`null` when refused).
   */
  principal: string | null;
  /** `sudo_as_login` when sent. */
  sudoAsLogin: string | null;
  /** HTTP status answered (0 when the connection was dropped). */
  status: number;
  /** RPC `error_code` when the reply was a fault, else `null`. */
  errorCode: number | null;
  /** Name of the injected fault that applied, else `null`. */
  injected: string | null;
  /** Wall-clock time the request arrived (ISO 8601). */
  receivedAt: string;
  /** Emulator-clock time the request arrived (ISO 8601). */
  clockAt: string;
  /** Milliseconds spent answering. */
  durationMs: number;
  /**
   * Top-level keys of the RPC's `params[1]` when it is a hash (argument names such as `type`, `filters`,
   * `paging`; never their values). Absent for non-RPC requests, `info`, and calls without a hash payload.
   */
  payloadKeys?: string[];
  /** A redacted outline of the RPC's `params[1]` (names, counts and paging numbers only; never values). */
  payloadSummary?: PayloadSummary;
}

/**
 * What {@link RecordedRequest.payloadSummary} tells about an RPC payload: names and shapes only. Field values,
 * filter values and credentials are never recorded; a name that does not look like an identifier (letters,
 * digits, `_`, `.`, at most 64 characters) is left out rather than recorded.
 */
export interface PayloadSummary {
  /** The payload's `type` (or `entity_type`). */
  entityType?: string;
  /** Field paths the filters test, in order, without duplicates (the relations and values are not recorded). */
  filterPaths?: string[];
  /** Fields the `sorts` order by. */
  sortFields?: string[];
  /** Number of `return_fields` asked for. */
  returnFieldCount?: number;
  /** `paging` as sent (numbers only). */
  paging?: { entities_per_page?: number; current_page?: number };
  /** Names of the fields written (`fields` of create/update), without their values. */
  fieldNames?: string[];
  /** When `params[1]` is a list (e.g. `batch`): how many items it holds. */
  items?: number;
  /** When `params[1]` is a list: the `request_type`s of its items, in order. */
  requestTypes?: string[];
  /** When `params[1]` is a list: the entity types its items name, without duplicates. */
  itemEntityTypes?: string[];
}

/**
 * How much per-request state the emulator holds, as `GET /__emulator/stats` reports it: entries a long-running
 * emulator keeps between requests and drops or caps on its own (site data such as rows is not counted).
 */
export interface EmulatorStats {
  /** Sessions in the session table (live ones, and expired ones not yet dropped). */
  sessions: number;
  /**
   * Expired session tokens remembered because they were answered "the session expired" (at most 10,000): each is
   * answered as unknown if presented again.
   */
  answeredExpiredTokens: number;
  /** Browser app-session requests kept (pending, approved, and denied or expired ones not yet dropped). */
  appSessionRequests: number;
  /** Cloud uploads started with `/upload/api_get_upload_link_info` and not linked yet. */
  pendingUploads: number;
  /** Entries of the request log (`GET /__emulator/requests`; at most 10,000). */
  requestLog: number;
  /** Entries of the `read` result cache (at most `queryCacheSize`). */
  queryCache: number;
  /**
   * Keys of the equality indexes the store builds for filters (one per distinct value of an indexed field):
   * bounded by the values the rows hold now, not by every value ever written.
   */
  indexKeys: number;
}

/** What {@link startEmulator} resolves to. */
export interface EmulatorHandle {
  /**
   * The URL to give a client, e.g. `http://127.0.0.1:54321` (no trailing slash); with `basePath` it ends in that
   * path (`http://127.0.0.1:54321/sg`), and the routes other than `/api3/json` are on its origin.
   */
  url: string;
  /**
   * The site card as it is now, as `GET /__emulator/card` answers it (the CLI prints it at start): each read is a new
   * copy, with the users created through the API and the passphrases and PATs set since. Keep a read as a snapshot.
   */
  readonly card: SiteCard;
  /**
   * Stops listening, closes open connections and flushes `dataFile` (the last save: nothing saves after it). From
   * the call on, every method that changes state throws an `EmulatorClosedError`; `url`, `card`, `requests()` and
   * `stats()` keep answering, and `close()` again returns the same promise.
   */
  close(): Promise<void>;
  /** Queues a copy of a fault (same as `POST /__emulator/faults`); throws, queueing nothing, for a spec that is invalid or would do nothing. */
  injectFault(spec: FaultSpec): void;
  /** Sets the latency: answers leave no sooner than `ms` after their request arrived (same as `POST /__emulator/latency`), until a reset puts back the `latencyMs` start option. */
  setLatency(ms: number): void;
  /**
   * Moves the emulator clock forward, or back with a negative number (same as `POST /__emulator/clock`
   * `{"advanceSeconds"}`); a frozen clock stays frozen. Throws, leaving it as it was, if that would take it outside 1970–9999.
   */
  advanceClock(seconds: number): void;
  /**
   * Sets the emulator clock to an instant (same as `POST /__emulator/clock` `{"at", "frozen"}`): a `Date` or an ISO
   * 8601 date-time with a time zone, within 1970–9999. It runs on from there, or with `frozen: true` stays there until
   * moved or set again. Throws, leaving the clock as it was, for anything else.
   */
  setClock(at: string | Date, options?: { frozen?: boolean | undefined }): void;
  /**
   * Back to the fixtures: data, sessions, faults, the clock (to where it started), the latency (to the `latencyMs`
   * start option) and request log (same as `POST /__emulator/reset`).
   */
  reset(): void;
  /** The requests received so far, the last 10,000 at most, oldest first (same as `GET /__emulator/requests`). */
  requests(): RecordedRequest[];
  /** How much per-request state the emulator holds (same as `GET /__emulator/stats`). */
  stats(): EmulatorStats;
  /** Approves a pending browser app-session request as `login` (same as `POST /__emulator/approve`). */
  approve(requestId: string, login: string): void;
  /**
   * Denies a pending browser app-session request (same as `POST /__emulator/deny`): its polls then answer 404.
   * Throws for an unknown, denied or expired request, and for an approved one (whose session stays valid), as `approve` does.
   */
  deny(requestId: string): void;
  /** Changes the PAT bound to a user, e.g. revokes it after it was exchanged (same as `POST /__emulator/pat`). */
  setPat(login: string, state: PatState): void;
  /**
   * A fresh one-time code for a 2FA user (same as `POST /__emulator/2fa`): good for one accepted login (`auth_token`)
   * within 30 s of emulator clock. Throws for an unknown login or a user without 2FA.
   */
  issueTwoFactorCode(login: string): string;
}
