import { badInput } from './errors.js';
import type { UserCredential } from './fixtures.js';
import type { Site } from './site.js';

/** How a password field reads back when a password is set (rpc-protocol §1.8). */
export const PASSWORD_MASK = '*******';

/** The field of a HumanUser that holds its login passphrase (data type `password`). */
export const PASSWORD_FIELD = 'password_proxy';

/**
 * What a HumanUser row holds in {@link PASSWORD_FIELD} for a credential: the mask when it has a passphrase, null when
 * not. The passphrase itself lives in the credential only, never in the row (which reads, filters, the event log and
 * summaries see).
 */
export function passwordFieldValue(password: string | null): string | null {
  return password === null ? null : PASSWORD_MASK;
}

/**
 * The passphrase a value written to {@link PASSWORD_FIELD} sets, already checked to be a string or null by
 * `coerceValue`: an empty string, like null, leaves the user without one.
 */
export function writtenPassword(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * Sets the passphrase of `cred` as part of the current write, so that a `batch` that fails puts the old one back.
 * Clearing it is refused while a valid Personal Access Token is bound to the login, since a PAT needs a legacy
 * passphrase (as `setPat` refuses to bind one to a login without). Returns whether the passphrase changed.
 */
export function setUserPassword(site: Site, cred: UserCredential, password: string | null): boolean {
  if (password === cred.password) return false;
  if (password === null && cred.pat === 'valid') {
    throw badInput(
      `HumanUser.${PASSWORD_FIELD}: cannot clear the passphrase of '${cred.login}' while a valid Personal Access Token is bound to it (a PAT needs a legacy passphrase); unbind the PAT first (POST /__emulator/pat with state 'missing')`,
    );
  }
  const before = cred.password;
  cred.password = password;
  site.store.onUndo(() => {
    cred.password = before;
  });
  return true;
}

/**
 * Puts in every HumanUser row the {@link PASSWORD_FIELD} value its credential gives (after seeding or loading a data
 * file). A file from an older emulator may hold a value written to the field as it was sent; this replaces it with
 * the mask, or null for a login without a passphrase, as the credential decides. Returns whether a row changed.
 */
export function syncPasswordFields(site: Site): boolean {
  if (!site.schema.field('HumanUser', PASSWORD_FIELD)) return false;
  let changed = false;
  for (const row of site.store.all('HumanUser')) {
    const login = row.f['login'];
    const cred = typeof login === 'string' ? site.userCredential(login) : undefined;
    const value = passwordFieldValue(cred?.password ?? null);
    if ((row.f[PASSWORD_FIELD] ?? null) === value) continue;
    site.store.setField(row, PASSWORD_FIELD, value);
    changed = true;
  }
  return changed;
}
