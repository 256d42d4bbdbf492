import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { escapeHtml, json, parseUrlEncoded, text, utf8Text, type HttpReply } from './http-util.js';
import { excerpt } from './errors.js';
import type { Emulator } from './server.js';
import type { Site } from './site.js';
import { SweepSchedule } from './sweep.js';

/** How long a browser app-session request lives: 5 minutes of emulator clock. */
export const APP_SESSION_TTL_MS: number = 5 * 60_000;

interface AppSessionRequest {
  id: string;
  appName: string;
  machineId: string;
  createdAt: number;
  state: 'pending' | 'approved' | 'denied';
  login?: string;
  token?: string;
}

/** Requests below which the table is never swept. */
const SWEEP_MINIMUM = 64;

/** Whether a request is answered as unknown at emulator-clock ms `now`: denied, or older than {@link APP_SESSION_TTL_MS}. */
function gone(req: AppSessionRequest, now: number): boolean {
  return req.state === 'denied' || now - req.createdAt > APP_SESSION_TTL_MS;
}

/**
 * Browser approval login (auth-landscape.md §4.5): pending requests and their outcome. Denied and expired requests
 * answer exactly as unknown ones, so they are swept when a request is opened ({@link SweepSchedule}) instead of
 * being kept for as long as the emulator runs.
 */
export class AppSessions {
  private requests = new Map<string, AppSessionRequest>();
  private readonly schedule = new SweepSchedule(SWEEP_MINIMUM);

  constructor(private readonly site: Site) {}

  /** Opens a request, first dropping denied and expired ones when a sweep is due. */
  create(appName: string, machineId: string): AppSessionRequest {
    const now = this.site.now();
    this.schedule.beforeInsert(this.requests, (r) => gone(r, now));
    const req: AppSessionRequest = { id: randomUUID(), appName, machineId, createdAt: now, state: 'pending' };
    this.requests.set(req.id, req);
    return req;
  }

  /** The request while it is alive and not denied. */
  live(id: string): AppSessionRequest | undefined {
    const req = this.requests.get(id);
    return req && !gone(req, this.site.now()) ? req : undefined;
  }

  /** Approves as `login`: mints a session for that user. Throws on unknown request or inactive login. */
  approve(id: string, login: string): void {
    const req = this.pending(id);
    const row = this.site.userRow(login);
    if (!row || row.retired || row.f['sg_status_list'] !== 'act') throw new Error(`'${excerpt(login, login)}' is not an active user of this site`);
    const session = this.site.createSession({ kind: 'user', actor: { type: 'HumanUser', id: row.id }, login, admin: this.site.userCredential(login)?.admin ?? false, identityBacked: true });
    req.state = 'approved';
    req.login = login;
    req.token = session.token;
  }

  /** Denies a pending request; later polls get 404. Throws on an unknown or approved one (its session stays valid). */
  deny(id: string): void {
    this.pending(id).state = 'denied';
  }

  /** The request `id` while it is pending; throws when it is unknown, denied, expired or already approved. */
  private pending(id: string): AppSessionRequest {
    const req = this.live(id);
    if (!req) throw new Error(`No pending app session request '${excerpt(id, id)}' (unknown, denied or expired)`);
    if (req.state !== 'pending') throw new Error(`App session request '${id}' was already approved`);
    return req;
  }

  /** Number of requests kept. */
  get size(): number {
    return this.requests.size;
  }

  /** Forgets every request. */
  clear(): void {
    this.requests.clear();
    this.schedule.reset();
  }
}

const NOT_FOUND = (): HttpReply => json(404, { message: 'Not Found' });

/** The request id of a path segment; a segment with broken percent-encoding names no request (''). */
function requestId(segment: string | undefined): string {
  try {
    return decodeURIComponent(segment ?? '');
  } catch {
    return '';
  }
}

function page(title: string, inner: string): HttpReply {
  return text(200, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${inner}</body></html>`, 'text/html; charset=utf-8');
}

function approvalPage(emulator: Emulator, req: AppSessionRequest): HttpReply {
  if (req.state === 'approved') return page('Request approved', `<p>${escapeHtml(req.appName)} is signed in as ${escapeHtml(req.login ?? '')}. You can close this page.</p>`);
  const users = emulator.site.store.all('HumanUser').filter((r) => !r.retired && r.f['sg_status_list'] === 'act');
  const options = users.map((u, i) => `<label><input type="radio" name="login" value="${escapeHtml(String(u.f['login']))}"${i === 0 ? ' checked' : ''}> ${escapeHtml(String(u.f['name'] ?? u.f['login']))} (${escapeHtml(String(u.f['login']))})</label><br>`).join('');
  return page(
    `Sign in ${req.appName}?`,
    `<p>The application <b>${escapeHtml(req.appName)}</b> on machine <code>${escapeHtml(req.machineId)}</code> asks to sign in to this site.</p>` +
      `<form method="post"><fieldset><legend>Sign in as</legend>${options}</fieldset>` +
      `<button type="submit" name="decision" value="approve">Approve</button> <button type="submit" name="decision" value="deny">Deny</button></form>`,
  );
}

/** Routes of the browser approval flow, or undefined when the path is not one of them. */
export function appSessionRoute(emulator: Emulator, httpMethod: string, path: string, body: Buffer, req: IncomingMessage): HttpReply | undefined {
  const sessions = emulator.appSessions;
  const create = path === '/internal_api/app_session_request' && httpMethod === 'POST';
  const poll = httpMethod === 'PUT' ? /^\/internal_api\/app_session_request\/([^/]+)$/.exec(path) : null;
  // Disabled, the two routes refuse with 403; an address that is no route stays a 404, as when enabled.
  if (emulator.site.settings.appSessionLauncher === false && (create || poll)) {
    return json(403, { message: 'The app session launcher (browser approval login) is not enabled on this site' });
  }
  if (create) {
    const raw = utf8Text(body);
    if (raw === undefined) return json(400, { message: 'The request body is not valid UTF-8' });
    let form: Record<string, unknown>;
    try {
      const parsed: unknown = (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(raw || '{}') : parseUrlEncoded(raw);
      form = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    } catch {
      return json(400, { message: 'Malformed request body' });
    }
    const appName = form['appName'];
    const machineId = form['machineId'];
    if (typeof appName !== 'string' || appName === '' || typeof machineId !== 'string' || machineId === '') return json(400, { message: "'appName' and 'machineId' are required" });
    const created = sessions.create(appName, machineId);
    return json(200, { sessionRequestId: created.id, url: `${emulator.site.baseUrl}/app_session_request/${created.id}` });
  }
  if (poll) {
    const r = sessions.live(requestId(poll[1]));
    if (!r) return NOT_FOUND();
    if (r.state === 'approved') return { ...json(200, { approved: true, sessionToken: r.token, userLogin: r.login }), auth: { kind: 'none', principal: r.login ?? null } };
    return json(200, { approved: false });
  }
  const browser = /^\/app_session_request\/([^/]+)$/.exec(path);
  if (browser) {
    const id = requestId(browser[1]);
    const r = sessions.live(id);
    if (!r) return { ...page('Request not found', '<p>The request has been rejected or has expired.</p>'), status: 404 };
    if (httpMethod === 'GET') return approvalPage(emulator, r);
    if (httpMethod === 'POST') {
      const raw = utf8Text(body);
      if (raw === undefined) return { ...page('Bad request', '<p>The form is not valid UTF-8.</p>'), status: 400 };
      const form = parseUrlEncoded(raw);
      try {
        if (form['decision'] === 'deny') {
          sessions.deny(id);
          return page('Request denied', '<p>The application was not signed in.</p>');
        }
        sessions.approve(id, form['login'] ?? '');
        return approvalPage(emulator, r);
      } catch (err) {
        return { ...page(form['decision'] === 'deny' ? 'Cannot deny' : 'Cannot approve', `<p>${escapeHtml((err as Error).message)}</p>`), status: 400 };
      }
    }
  }
  return undefined;
}
