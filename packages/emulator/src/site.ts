import { AsyncLocalStorage } from 'node:async_hooks';
import { EmulatorClock, type ClockSnapshot, type ClockStart } from './clock.js';
import { LastAccessed } from './last-accessed.js';
import type { FormatContext } from './entity-format.js';
import { ConnectionRows } from './connection-rows.js';
import { addScript, cardScripts, cardUsers, seed, type ScriptCredential, type UserCredential } from './fixtures.js';
import { QueryCache } from './read-query.js';
import { parseReverseLinkSpecs } from './reverse-link-pairs.js';
import { DEFAULT_REVERSE_LINKS } from './reverse-link-table.js';
import { ReverseLinks } from './reverse-links.js';
import { Schema, type SchemaSnapshot } from './schema.js';
import { SessionTable, type Session } from './sessions.js';
import { Store, type Row, type StoreSnapshot } from './store.js';
import { TwoFactorCodes, type IssuedCode } from './two-factor.js';
import { syncPasswordFields } from './user-passwords.js';
import type { AuthMode, ReverseLinkSpec, SiteCard, SiteCardProject, SiteCardScript } from './types.js';

/**
 * The origin the client of the request being handled reached the emulator at (`http://` + its `Host` header), so
 * that a client in another container, or one that named `localhost`, gets links it can reach and that stay on its
 * site's origin.
 */
export const linkOrigin: AsyncLocalStorage<string> = new AsyncLocalStorage<string>();

/** An uploaded file's bytes. */
export interface StoredFile {
  data: Buffer;
  contentType: string;
  name: string;
}

/** Settings fixed when the emulator starts. */
export interface SiteSettings {
  authMode: AuthMode;
  fixtures: 'demo' | 'empty';
  rows: number;
  sessionIdleSeconds: number;
  pageSize: number;
  /** Whether the browser approval login is offered (default true). */
  appSessionLauncher?: boolean;
  /** Entries of the `read` result cache ({@link QueryCache}); 0 turns it off. Default 32. */
  queryCacheSize?: number;
  /** Pairs of link fields to keep in step besides {@link DEFAULT_REVERSE_LINKS} (which they take precedence over). */
  reverseLinks?: readonly ReverseLinkSpec[];
  /** Where the clock starts (and a reset puts it), taking precedence over a saved clock; the wall clock when absent. */
  clockStart?: ClockStart;
  /** Scripts added besides the emulator's own (the `scripts` start option, checked): seeded, and added to a loaded site that lacks them. */
  scripts?: readonly SiteCardScript[];
}

/** Everything persisted with `--data`. */
export interface SiteSnapshot {
  format: 'sg-emulator/1';
  schema: SchemaSnapshot;
  store: StoreSnapshot;
  scripts: ScriptCredential[];
  users: UserCredential[];
  projects: SiteCardProject[];
  follows: string[];
  workSchedule: Record<string, { working: boolean; description: string | null }>;
  subscriptions: Record<string, unknown>;
  /**
   * Uploads by Attachment id. Their bytes are kept in files of their own next to the data file (see `SavedUploads`),
   * read into `bytes` at load; files written before that hold them inline, in base64, in `data`.
   */
  files: Record<string, { data?: string; bytes?: Buffer; contentType: string; name: string }>;
  /**
   * The pairs of link fields whose lists were kept in step up to the save (keys as `Sequence.shots~Shot.sg_sequence`).
   * Absent from files written before it existed: their lists are all worked out again on load.
   */
  reverseLinksInStep?: string[];
  /** The emulator clock at the save. Absent from files written before it was saved: they start on the wall clock. */
  clock?: ClockSnapshot;
  /** {@link LastAccessed} times. Absent from files written before they were kept per user. */
  lastAccessed?: Record<string, string>;
}

/** The whole state of one emulated site. */
export class Site implements FormatContext {
  readonly clock: EmulatorClock;
  schema!: Schema;
  store!: Store;
  scripts: ScriptCredential[] = [];
  users: UserCredential[] = [];
  projects: SiteCardProject[] = [];
  /** Sessions minted by `get_session_token` and browser approvals (never persisted). */
  readonly sessions: SessionTable;
  /** `userId|Type|id` keys. */
  follows: Set<string> = new Set();
  /** Key `project|user|date` (empty parts for studio-wide) → exception. */
  workSchedule: Map<string, { working: boolean; description: string | null }> = new Map();
  subscriptions: Map<number, unknown> = new Map();
  files: Map<number, StoredFile> = new Map();
  /** When each user last opened each project (`Project.last_accessed_by_current_user`). */
  readonly lastAccessed: LastAccessed = new LastAccessed();
  /** The site's own origin (`http://host:port`, never a wildcard address), for its card. */
  origin = '';
  /**
   * The origin links the site hands out (`/file_serve/…`, thumbnails, uploads) start with: while a request is
   * handled, the one its client named (see {@link linkOrigin}), else {@link origin}.
   */
  get baseUrl(): string {
    return linkOrigin.getStore() ?? this.origin;
  }
  /** The path the JSON-RPC endpoint lives under (`''` or e.g. `/sg`), see `EmulatorOptions.basePath`. */
  basePath = '';
  /** Filtered + sorted results of recent reads, for paging. */
  readonly queryCache: QueryCache;
  /** Outstanding one-time codes of 2FA users (never persisted). */
  readonly twoFactorCodes: TwoFactorCodes = new TwoFactorCodes();
  /** Keeps the reverse sides of links in step (`Task.entity` and `Shot.tasks`, …). */
  readonly reverseLinks: ReverseLinks;
  /** Keeps the connection entity rows in step with the links they stand for (re-read with {@link reverseLinks}). */
  readonly connections: ConnectionRows;
  /**
   * Whether a PAT exchange time changed since the last save. Logins arrive with reads, which save nothing, so the
   * `--data` file is brought up to date by the next save of any kind, at the latest on close.
   */
  patExchangeUnsaved = false;
  /**
   * True when {@link restore} had to change the rows it loaded (a passphrase an older emulator kept in a HumanUser
   * row, replaced by the mask): the data file should then be saved at once, so that it no longer holds it.
   */
  changedOnLoad = false;
  /** Whether a PAT exchange time entered a new minute of emulator clock: the next request then schedules a save. */
  private patExchangeSaveDue = false;

  /**
   * @param settings - Fixed for the site's life; `fixtures` and `rows` say what {@link loadFixtures} seeds.
   * @param saved - A snapshot (a `--data` file) to start from instead of the fixtures: it is restored as it is,
   *   nothing is seeded first, and the fixtures are seeded only by a later {@link loadFixtures} (a reset).
   */
  constructor(
    readonly settings: SiteSettings,
    saved?: SiteSnapshot,
  ) {
    this.reverseLinks = new ReverseLinks(this, parseReverseLinkSpecs([...(settings.reverseLinks ?? []), ...DEFAULT_REVERSE_LINKS]));
    this.connections = new ConnectionRows(this);
    this.queryCache = new QueryCache(settings.queryCacheSize ?? 32);
    this.sessions = new SessionTable(settings.sessionIdleSeconds * 1000);
    this.clock = new EmulatorClock(settings.clockStart);
    if (saved) this.restore(saved);
    else this.loadFixtures();
  }

  /** Rebuilds the state from the fixtures. */
  loadFixtures(): void {
    this.queryCache.clear();
    this.schema = new Schema();
    this.store = new Store();
    const seeded = seed(this.store, this.schema, this.settings.fixtures, this.settings.rows, this.settings.scripts);
    this.reverseLinks.refresh();
    this.scripts = seeded.scripts;
    this.users = seeded.users;
    syncPasswordFields(this);
    this.projects = seeded.projects;
    this.sessions.clear();
    this.twoFactorCodes.clear();
    this.follows.clear();
    this.workSchedule.clear();
    this.subscriptions.clear();
    this.files.clear();
    this.lastAccessed.clear();
  }

  /** The site card. */
  card(): SiteCard {
    return {
      url: this.origin + this.basePath,
      authMode: this.settings.authMode,
      scripts: cardScripts(this.scripts),
      users: cardUsers(this.users, this.store),
      projects: this.projects.map((p) => ({ ...p })),
    };
  }

  /** Current emulator-clock time in epoch ms. */
  now(): number {
    return this.clock.now();
  }

  /**
   * Records that `cred`'s PAT was exchanged at `now` (a legacy login on an Identity site). The time is kept exactly;
   * a save is asked for ({@link takePatExchangeSave}) only when it moves into another minute of emulator clock, so
   * that a script logging in with every read causes at most one save a minute, not one per read.
   */
  recordPatExchange(cred: UserCredential, now: number): void {
    const before = cred.patExchangedAt;
    cred.patExchangedAt = now;
    if (before === now) return;
    this.patExchangeUnsaved = true;
    if (before === null || Math.floor(before / 60_000) !== Math.floor(now / 60_000)) this.patExchangeSaveDue = true;
  }

  /** True, once, when a PAT exchange recorded since the last call should be saved now (see {@link recordPatExchange}). */
  takePatExchangeSave(): boolean {
    const due = this.patExchangeSaveDue;
    this.patExchangeSaveDue = false;
    return due;
  }

  /** The HumanUser row of a login (retired too), or undefined. */
  userRow(login: string): Row | undefined {
    const rows = this.store.lookup('HumanUser', 'login', [login]);
    return rows.find((r) => typeof r.f['login'] === 'string' && r.f['login'] === login) ?? rows[0];
  }

  /** Credentials of a login, or undefined. */
  userCredential(login: string): UserCredential | undefined {
    return this.users.find((u) => u.login === login);
  }

  /** Issues a fresh one-time code for a 2FA user (see {@link TwoFactorCodes}); throws for an unknown login or one without 2FA. */
  issueTwoFactorCode(login: string): IssuedCode {
    const cred = this.userCredential(login);
    if (!cred) throw new Error(`Unknown login '${login}'`);
    if (!cred.twoFactor) throw new Error(`'${login}' does not use two-factor authentication`);
    return this.twoFactorCodes.issue(cred, this.now());
  }

  /** Mints a session token (sweeping expired sessions when a sweep is due, see {@link SessionTable}). */
  createSession(s: Omit<Session, 'token' | 'lastUsed'>): Session {
    return this.sessions.create(s, this.now());
  }

  /** Serialisable state; `reserveIds` as in `Store.snapshot`. */
  snapshot(reserveIds = 0): SiteSnapshot {
    const files: SiteSnapshot['files'] = {};
    for (const [id, f] of this.files) files[String(id)] = { contentType: f.contentType, name: f.name };
    return {
      format: 'sg-emulator/1',
      schema: this.schema.snapshot(),
      store: this.store.snapshot(reserveIds),
      scripts: this.scripts,
      users: this.users,
      projects: this.projects,
      follows: [...this.follows],
      workSchedule: Object.fromEntries(this.workSchedule),
      subscriptions: Object.fromEntries([...this.subscriptions].map(([k, v]) => [String(k), v])),
      files,
      reverseLinksInStep: this.reverseLinks.inStep(),
      clock: this.clock.snapshot(),
      lastAccessed: this.lastAccessed.snapshot(),
    };
  }

  /**
   * Gives a loaded site the scripts of the `scripts` start option: one it lacks (or whose ApiUser was deleted) is
   * added, one it has takes the key given. Returns whether anything changed (the data file is then saved at once).
   */
  private addStartScripts(): boolean {
    let changed = false;
    for (const { name, key } of this.settings.scripts ?? []) {
      const known = this.scripts.find((s) => s.name === name && this.store.getLive('ApiUser', s.id));
      if (known?.key === key) continue;
      changed = true;
      if (known) known.key = key;
      else this.scripts = [...this.scripts.filter((s) => s.name !== name), addScript(this.store, name, key, 'Script given to the emulator at start', this.now())];
    }
    return changed;
  }

  /** Restores a snapshot written by {@link snapshot}. */
  restore(snap: SiteSnapshot): void {
    if (snap.format !== 'sg-emulator/1') throw new Error(`Unsupported data file format ${JSON.stringify(snap.format)}`);
    this.queryCache.clear();
    this.schema = new Schema(snap.schema);
    this.store = new Store();
    this.store.load(snap.store);
    const loaded = this.store.revision;
    this.reverseLinks.refresh(snap.reverseLinksInStep ?? []);
    // Connection rows made for the links of an older file (see ConnectionRows), or lists brought in line: save them.
    const linksChanged = this.store.revision !== loaded;
    this.scripts = snap.scripts;
    // Data files written before codes were issued held a fixed `twoFactorCode`: such a user still has 2FA.
    this.users = snap.users.map((u) => {
      const { twoFactorCode, ...rest } = u as UserCredential & { twoFactorCode?: string | null };
      return { ...rest, twoFactor: u.twoFactor ?? (typeof twoFactorCode === 'string' && twoFactorCode !== '') };
    });
    this.changedOnLoad = syncPasswordFields(this) || linksChanged;
    this.projects = snap.projects;
    this.sessions.clear();
    this.twoFactorCodes.clear();
    this.follows = new Set(snap.follows);
    this.workSchedule = new Map(Object.entries(snap.workSchedule));
    this.subscriptions = new Map(Object.entries(snap.subscriptions).map(([k, v]) => [Number(k), v]));
    this.files = new Map(Object.entries(snap.files).map(([k, f]) => [Number(k), { data: f.bytes ?? Buffer.from(f.data ?? '', 'base64'), contentType: f.contentType, name: f.name }]));
    this.lastAccessed.restore(snap.lastAccessed);
    // A clock given at start wins over the saved one, so `clock` pins a test's time whatever file it starts from.
    if (!this.settings.clockStart) this.clock.restore(snap.clock);
    if (this.addStartScripts()) this.changedOnLoad = true;
  }
}
