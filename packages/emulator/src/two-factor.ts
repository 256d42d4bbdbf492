import { randomInt } from 'node:crypto';
import type { UserCredential } from './fixtures.js';

/** How long an issued two-factor code is good for on the emulator clock: one 30-second time step. */
export const TWO_FACTOR_CODE_MS = 30_000;
/** Codes kept per user at most (the latest ones issued); an older one is then refused like a wrong code. */
export const TWO_FACTOR_CODES_PER_USER = 8;

/** A code handed out by {@link TwoFactorCodes.issue}. */
export interface IssuedCode {
  code: string;
  /** Emulator-clock epoch ms after which the code is refused. */
  expiresAt: number;
}

/**
 * The one-time codes of 2FA users (rpc-protocol §2.1/§5, auth-landscape §4.4): a test asks for a fresh code, which is
 * good for one accepted login within {@link TWO_FACTOR_CODE_MS} of emulator clock. Kept per credential (so a login
 * rename keeps them), never persisted, dropped on reset.
 */
export class TwoFactorCodes {
  private readonly byUser = new Map<UserCredential, IssuedCode[]>();

  /** A fresh six-digit code for `user`, unlike any of its codes still outstanding. */
  issue(user: UserCredential, now: number): IssuedCode {
    const live = (this.byUser.get(user) ?? []).filter((c) => now <= c.expiresAt);
    let code: string;
    do code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    while (live.some((c) => c.code === code));
    const issued = { code, expiresAt: now + TWO_FACTOR_CODE_MS };
    live.push(issued);
    this.byUser.set(user, live.slice(-TWO_FACTOR_CODES_PER_USER));
    return { ...issued };
  }

  /** Whether `code` is one of `user`'s outstanding codes and has not expired at `now`. */
  isValid(user: UserCredential, code: string, now: number): boolean {
    return (this.byUser.get(user) ?? []).some((c) => c.code === code && now <= c.expiresAt);
  }

  /** Spends `code` (after a login with it was accepted): it is refused from then on. */
  consume(user: UserCredential, code: string): void {
    const left = (this.byUser.get(user) ?? []).filter((c) => c.code !== code);
    if (left.length > 0) this.byUser.set(user, left);
    else this.byUser.delete(user);
  }

  /** Codes held, all users together. */
  get size(): number {
    let n = 0;
    for (const list of this.byUser.values()) n += list.length;
    return n;
  }

  /** Forgets every code. */
  clear(): void {
    this.byUser.clear();
  }
}
