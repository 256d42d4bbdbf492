import { timingSafeEqual } from 'node:crypto';
import { FaultCode, RpcFault, asText, excerpt } from './errors.js';
import { RedirectReply } from './methods/types.js';
import type { Site } from './site.js';
import type { LinkRef } from './store.js';
import type { AuthKind } from './types.js';

/** Where an SSO site redirects an API call whose session expired (rpc-protocol §1.2). */
export const SAML_LOGIN_PATH = '/saml/saml_login_request';

/** One hour: how long an exchanged PAT is not re-checked (auth-landscape.md §4.0). */
export const PAT_WINDOW_MS = 3600_000;

/** Who a request acts as. */
export interface Principal {
  /** How the credentials authenticated. */
  kind: 'script' | 'user' | 'session';
  /** Whether the authenticated party is a script or a person. */
  actorKind: 'script' | 'user';
  /** The authenticated ApiUser or HumanUser. */
  actor: LinkRef;
  /** The user the request acts as: the sudo target, or the actor. */
  effective: LinkRef;
  /** True when `sudo_as_login` applied. */
  sudo: boolean;
  /** Login of the actor, or the script name. */
  name: string;
  /** Whether the actor is a site admin (scripts count as API admins). */
  admin: boolean;
  /** Whether the actor holds an Autodesk-Identity-backed session (legacy login with a valid PAT, or a browser approval). */
  identityBacked: boolean;
  /** `session_uuid` sent with the auth params. */
  sessionUuid: string | null;
  /** The session used or minted, if any. */
  sessionToken: string | null;
}

/** What the request log records about the credentials, before checking them. */
export function describeAuth(params: unknown): { auth: AuthKind; principal: string | null; sudoAsLogin: string | null } {
  if (!params || typeof params !== 'object') return { auth: 'none', principal: null, sudoAsLogin: null };
  const p = params as Record<string, unknown>;
  const sudo = typeof p['sudo_as_login'] === 'string' ? p['sudo_as_login'] : null;
  if (p['user_login'] !== undefined) return { auth: 'user', principal: asText(p['user_login']), sudoAsLogin: sudo };
  if (p['script_name'] !== undefined) return { auth: 'script', principal: asText(p['script_name']), sudoAsLogin: sudo };
  if (p['session_token'] !== undefined) return { auth: 'session', principal: null, sudoAsLogin: sudo };
  return { auth: 'none', principal: null, sudoAsLogin: sudo };
}

function sameSecret(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

const authFault = (message: string): RpcFault => new RpcFault(FaultCode.AUTHENTICATION, message);

/**
 * Authenticates the auth params object (`params[0]`) and applies `sudo_as_login`. Throws an {@link RpcFault}, or for
 * an expired session on an SSO site's API endpoint (`api`), a {@link RedirectReply} to its SAML login.
 */
export function authenticate(site: Site, params: unknown, api = false): Principal {
  if (!params || typeof params !== 'object' || Array.isArray(params)) {
    throw authFault('No credentials: the first element of params must be an auth object (script_name/script_key, user_login/user_password or session_token)');
  }
  const p = params as Record<string, unknown>;
  const sessionUuid = typeof p['session_uuid'] === 'string' ? p['session_uuid'] : null;
  let base: Omit<Principal, 'effective' | 'sudo' | 'sessionUuid'>;
  if (p['user_login'] !== undefined || p['user_password'] !== undefined) {
    base = authenticateUser(site, p);
  } else if (p['script_name'] !== undefined || p['script_key'] !== undefined) {
    base = authenticateScript(site, p);
  } else if (p['session_token'] !== undefined) {
    base = authenticateSession(site, p, api);
  } else {
    throw authFault('No credentials: send script_name/script_key, user_login/user_password or session_token');
  }
  const principal: Principal = { ...base, effective: base.actor, sudo: false, sessionUuid };
  const sudo = p['sudo_as_login'];
  if (sudo !== undefined && sudo !== null && sudo !== '') applySudo(site, principal, sudo);
  return principal;
}

function authenticateScript(site: Site, p: Record<string, unknown>): Omit<Principal, 'effective' | 'sudo' | 'sessionUuid'> {
  const name = p['script_name'];
  const key = p['script_key'];
  const script = site.scripts.find((s) => s.name === name);
  const row = script ? site.store.getLive('ApiUser', script.id) : undefined;
  if (!script || !row || typeof key !== 'string' || !sameSecret(key, script.key)) {
    throw authFault(`Can't authenticate script '${excerpt(name, asText(name))}'`);
  }
  return { kind: 'script', actorKind: 'script', actor: { type: 'ApiUser', id: script.id }, name: script.name, admin: true, identityBacked: false, sessionToken: null };
}

function authenticateUser(site: Site, p: Record<string, unknown>): Omit<Principal, 'effective' | 'sudo' | 'sessionUuid'> {
  const login = asText(p['user_login']);
  const password = p['user_password'];
  const mode = site.settings.authMode;
  if (mode === 'sso') {
    throw new RpcFault(FaultCode.SSO_PASSWORD, 'Authentication using username/password is not allowed for an SSO-enabled Flow Production Tracking site');
  }
  const cred = site.userCredential(login);
  const row = site.userRow(login);
  if (mode === 'identity' && cred && row && !row.retired && cred.password === null) {
    throw new RpcFault(FaultCode.IDENTITY_PASSWORD, `Authentication using username/password is not allowed for an Autodesk Identity enabled Flow Production Tracking site: user '${login}' has no legacy passphrase`);
  }
  if (!cred || !row || row.retired || row.f['sg_status_list'] !== 'act' || cred.password === null || typeof password !== 'string' || !sameSecret(password, cred.password)) {
    throw authFault(`Can't authenticate user '${excerpt(login, login)}'.`);
  }
  let code: string | null = null;
  if (cred.twoFactor) {
    const sent = p['auth_token'];
    if (sent === undefined || sent === null || sent === '') {
      throw new RpcFault(FaultCode.TWO_FACTOR, `Two-factor authentication is enabled for '${login}': send the one-time code as auth_token`);
    }
    code = asText(sent);
    // One-time (rpc-protocol §2.1): a code already accepted, expired or never issued is refused alike.
    if (!site.twoFactorCodes.isValid(cred, code, site.now())) {
      throw new RpcFault(FaultCode.TWO_FACTOR, `Invalid two-factor authentication code for '${login}': the code is wrong, expired or already used (a code is one-time)`);
    }
  }
  let identityBacked = false;
  if (mode === 'identity') {
    const now = site.now();
    if (cred.pat === 'missing') {
      throw authFault(`Can't authenticate user '${login}': this site uses Autodesk Identity and no Personal Access Token is bound to this legacy login. Bind a PAT in Account Settings > Legacy Login and Personal Access Token.`);
    }
    if (cred.pat === 'revoked') {
      if (cred.patExchangedAt === null || now - cred.patExchangedAt >= PAT_WINDOW_MS) {
        throw authFault(`Can't authenticate user '${login}': the Personal Access Token bound to this legacy login is no longer valid (revoked or deleted). Bind a new PAT.`);
      }
    } else {
      site.recordPatExchange(cred, now);
    }
    identityBacked = true;
  }
  if (code !== null) site.twoFactorCodes.consume(cred, code);
  const admin = site.userCredential(login)?.admin ?? false;
  return { kind: 'user', actorKind: 'user', actor: { type: 'HumanUser', id: row.id }, name: login, admin, identityBacked, sessionToken: null };
}

function authenticateSession(site: Site, p: Record<string, unknown>, api: boolean): Omit<Principal, 'effective' | 'sudo' | 'sessionUuid'> {
  const token = asText(p['session_token']);
  const now = site.now();
  const tail = token.slice(-4);
  const found = site.sessions.lookup(token, now);
  if (found.state === 'unknown') throw authFault(`Can't authenticate session token ending with '${tail}'`);
  if (found.state === 'expired') {
    // An SSO site sends the call to its SAML login instead (rpc-protocol §1.2): clients read that redirect as the SSO session expired.
    // The upload and download routes refuse it as other sites do (403 or 102), which clients renew on.
    if (api && site.settings.authMode === 'sso') throw new RedirectReply(SAML_LOGIN_PATH);
    throw authFault(`Can't authenticate session token ending with '${tail}': the session expired`);
  }
  const session = found.session;
  if (session.kind === 'user') {
    const row = site.store.get('HumanUser', session.actor.id);
    if (!row || row.retired || row.f['sg_status_list'] !== 'act') throw authFault(`Can't authenticate session token ending with '${tail}': the user is no longer active`);
  } else if (!site.store.getLive('ApiUser', session.actor.id)) {
    // A retired (or deleted) ApiUser's script key is refused; so are the sessions it got before (as a HumanUser's).
    throw authFault(`Can't authenticate session token ending with '${tail}': the script is no longer active`);
  }
  session.lastUsed = now;
  return { kind: 'session', actorKind: session.kind, actor: session.actor, name: session.login, admin: session.admin, identityBacked: session.identityBacked, sessionToken: token };
}

function applySudo(site: Site, principal: Principal, sudo: unknown): void {
  const login = asText(sudo);
  const shown = excerpt(login, login);
  if (!principal.admin) {
    throw new RpcFault(FaultCode.PERMISSION, `The user does not have permission to 'sudo': '${principal.name}' may not act as '${shown}'`);
  }
  const row = site.userRow(login);
  if (!row || row.retired) throw authFault(`Cannot 'sudo' - unknown or retired user: '${shown}'`);
  if (row.f['sg_status_list'] !== 'act') throw authFault(`Cannot 'sudo' - inactive user account: '${login}'`);
  if (row.f['can_impersonate_this_user'] === false) throw authFault(`Cannot 'sudo' - user account has 'can_impersonate_this_user' turned off: '${login}'`);
  principal.effective = { type: 'HumanUser', id: row.id };
  principal.sudo = true;
}

/**
 * The migration rule of Identity sites (auth-landscape.md §4.0/§4.7): only an admin's Identity-backed login
 * (legacy login + valid PAT, or a browser-approved session), not the target of a sudo, may set a HumanUser
 * active. Throws a permission fault otherwise. No effect on `default` and `sso` sites.
 */
export function checkUserActivation(site: Site, principal: Principal, what: string): void {
  if (site.settings.authMode !== 'identity') return;
  if (principal.actorKind === 'user' && principal.admin && principal.identityBacked && !principal.sudo) return;
  const who = principal.actorKind === 'script' ? 'API scripts' : principal.sudo ? 'requests using sudo_as_login' : principal.admin ? 'logins without an Autodesk Identity session' : 'non-admin users';
  throw new RpcFault(
    FaultCode.PERMISSION,
    `Permission denied: ${what}. On Autodesk Identity sites ${who} may not activate HumanUsers (set sg_status_list to 'act' or create an active HumanUser); only an admin authenticated with legacy login + passphrase and a valid Personal Access Token may, and not through sudo_as_login.`,
  );
}

/**
 * Who may set a HumanUser's passphrase (its `password_proxy`): the user themself, or an admin — a script, or an admin
 * person, also when a request acts through `sudo_as_login` as an admin. Anyone else is refused with a permission fault
 * (104), since that write changes what logs in as the user: a non-admin could otherwise take over the admin's login.
 * `userId` is the HumanUser written to, or null for one being created.
 */
export function checkPasswordWrite(site: Site, principal: Principal, userId: number | null, what: string): void {
  const effective = principal.effective;
  const self = userId !== null && effective.type === 'HumanUser' && effective.id === userId;
  const effectiveLogin = effective.type === 'HumanUser' ? site.store.get('HumanUser', effective.id)?.f['login'] : undefined;
  const admin = principal.sudo ? typeof effectiveLogin === 'string' && site.userCredential(effectiveLogin)?.admin === true : principal.admin;
  if (self || admin) return;
  throw new RpcFault(FaultCode.PERMISSION, `Permission denied: ${what}. Only an admin, or the user themself, may set a HumanUser's password_proxy.`);
}

const EMAIL_RE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const filled = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';

/**
 * The other half of the migration rule (auth-landscape.md §4.7): "A name and valid email must be provided when
 * updating a user to Active". `user` holds the HumanUser's fields as they would be after the write. On Identity
 * sites a `firstname` or `lastname` that is not blank and an `email` of the form `local@domain.tld` are required;
 * otherwise a bad-input fault (103). No effect on `default` and `sso` sites.
 */
export function checkUserActivationData(site: Site, user: Readonly<Record<string, unknown>>, what: string): void {
  if (site.settings.authMode !== 'identity') return;
  const missing: string[] = [];
  if (!filled(user['firstname']) && !filled(user['lastname'])) missing.push('a name (firstname or lastname)');
  if (!(typeof user['email'] === 'string' && EMAIL_RE.test(user['email']))) {
    missing.push(`a valid email (got ${user['email'] === undefined || user['email'] === null ? 'none' : excerpt(user['email'])})`);
  }
  if (missing.length > 0) {
    throw new RpcFault(FaultCode.BAD_INPUT, `Cannot ${what}: a name and valid email must be provided when updating a user to Active on an Autodesk Identity site; missing ${missing.join(' and ')}`);
  }
}
