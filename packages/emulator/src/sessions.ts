import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { LinkRef } from './store.js';
import { SweepSchedule } from './sweep.js';

/** A session minted by `get_session_token` or a browser approval. */
export interface Session {
  /** The token handed out as `session_id`. */
  token: string;
  /** Whether a script or a person logged in. */
  kind: 'script' | 'user';
  /** The ApiUser or HumanUser the session acts for. */
  actor: LinkRef;
  /** Login of the person, or the script name. */
  login: string;
  /** Whether the actor is a site admin (scripts count as API admins). */
  admin: boolean;
  /** Whether the session is Autodesk-Identity-backed (legacy login with a valid PAT, or a browser approval). */
  identityBacked: boolean;
  /** Emulator-clock ms of the last use. */
  lastUsed: number;
}

/** Sessions below which the table is never swept. */
const SWEEP_MINIMUM = 64;

/**
 * Expired tokens remembered as already answered "the session expired" (oldest forgotten first): one presented
 * again is answered as unknown, as when the emulator kept every session until its token came back.
 */
export const ANSWERED_EXPIRED_LIMIT = 10_000;

/** 16 random bytes and an 8-byte tag: 48 lowercase hex digits, the shape tokens always had. */
const TOKEN = /^[0-9a-f]{48}$/;

/** What a session token stands for. */
export type SessionLookup =
  /** A session within its idle time (its `lastUsed` is not updated by the lookup). */
  | { state: 'live'; session: Session }
  /** A session of this site that expired and whose token is presented for the first time since. */
  | { state: 'expired' }
  /** Anything else: never minted here (or before the last reset), or already answered as expired. */
  | { state: 'unknown' };

/**
 * The session table. It used to keep every session until its token came back expired, so a long-running
 * emulator grew by one entry per login. Expired sessions are now swept when a session is created
 * ({@link SweepSchedule}), and a token still tells, without an entry, that this site minted it: it ends in an HMAC
 * tag under a key drawn at start and at every reset. A token that carries the tag but has no entry left was swept
 * while expired, so it is answered "expired" as before; only the tokens so answered are remembered (up to
 * {@link ANSWERED_EXPIRED_LIMIT}), to answer a second presentation as unknown, as before.
 */
export class SessionTable {
  private readonly live = new Map<string, Session>();
  private readonly answeredExpired = new Set<string>();
  private readonly schedule = new SweepSchedule(SWEEP_MINIMUM);
  private key: Buffer = randomBytes(32);

  /** @param idleMs - The idle time after which a session expires, in ms of the emulator clock. */
  constructor(private readonly idleMs: number) {}

  /** Sessions held: live ones, and expired ones not swept or presented yet. */
  get size(): number {
    return this.live.size;
  }

  /** Expired tokens remembered as already answered "expired". */
  get answeredExpiredCount(): number {
    return this.answeredExpired.size;
  }

  /** Whether a session has been idle longer than the idle time at emulator-clock ms `now`. */
  expired(session: Session, now: number): boolean {
    return now - session.lastUsed > this.idleMs;
  }

  /** Mints a session at emulator-clock ms `now`, first sweeping expired sessions when a sweep is due. */
  create(fields: Omit<Session, 'token' | 'lastUsed'>, now: number): Session {
    this.schedule.beforeInsert(this.live, (s) => this.expired(s, now));
    const body = randomBytes(16);
    const session: Session = { ...fields, token: Buffer.concat([body, this.tag(body)]).toString('hex'), lastUsed: now };
    this.live.set(session.token, session);
    return session;
  }

  /** What `token` stands for at emulator-clock ms `now`. An expired session is dropped as it is reported. */
  lookup(token: string, now: number): SessionLookup {
    const session = this.live.get(token);
    if (session && !this.expired(session, now)) return { state: 'live', session };
    if (session) this.live.delete(token);
    else if (this.answeredExpired.has(token) || !this.minted(token)) return { state: 'unknown' };
    this.answeredExpired.add(token);
    if (this.answeredExpired.size > ANSWERED_EXPIRED_LIMIT) {
      const oldest = this.answeredExpired.values().next();
      if (!oldest.done) this.answeredExpired.delete(oldest.value);
    }
    return { state: 'expired' };
  }

  /** Forgets every session; tokens minted before are unknown from now on (a new key). */
  clear(): void {
    this.live.clear();
    this.answeredExpired.clear();
    this.schedule.reset();
    this.key = randomBytes(32);
  }

  private tag(body: Buffer): Buffer {
    return createHmac('sha256', this.key).update(body).digest().subarray(0, 8);
  }

  /** Whether this site minted `token` since the last {@link clear}. */
  private minted(token: string): boolean {
    if (!TOKEN.test(token)) return false;
    const raw = Buffer.from(token, 'hex');
    return timingSafeEqual(raw.subarray(16), this.tag(raw.subarray(0, 16)));
  }
}
