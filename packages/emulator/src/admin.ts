import { validateFaultSpec } from './fault-injection.js';
import { json, type HttpReply } from './http-util.js';
import { requireIntOption } from './options-check.js';
import type { Emulator } from './server.js';
import type { PatState } from './types.js';

function parse(body: Buffer): Record<string, unknown> {
  const textBody = body.toString('utf8').trim();
  if (textBody === '') return {};
  const v = JSON.parse(textBody) as unknown;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('The body must be a JSON object');
  return v as Record<string, unknown>;
}

function num(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`'${name}' must be a number`);
  return v;
}

function str(v: unknown, name: string): string {
  if (typeof v !== 'string' || v === '') throw new Error(`'${name}' must be a non-empty string`);
  return v;
}

/** What the clock endpoints answer: the emulator time and whether it is held there. */
function clockReply(emulator: Emulator): { now: string; frozen: boolean } {
  return { now: new Date(emulator.site.now()).toISOString(), frozen: emulator.site.clock.frozen };
}

/** The `/__emulator/*` control endpoints (the server only calls this for requests `adminRefusal` in admin-guard.ts lets through). */
export function adminRoute(emulator: Emulator, httpMethod: string, path: string, body: Buffer): HttpReply {
  const route = `${httpMethod} ${path.replace(/\/$/, '')}`;
  try {
    switch (route) {
      case 'POST /__emulator/faults': {
        const parsed = JSON.parse(body.toString('utf8') || '{}') as unknown;
        const specs = (Array.isArray(parsed) ? parsed : [parsed]).map(validateFaultSpec);
        for (const s of specs) emulator.faults.push(s);
        return json(200, { queued: specs.length });
      }
      case 'POST /__emulator/latency': {
        const ms = requireIntOption('latencyMs', parse(body)['ms'], "'ms'");
        emulator.latencyMs = ms;
        return json(200, { ms });
      }
      case 'POST /__emulator/clock': {
        const b = parse(body);
        const hasAt = b['at'] !== undefined;
        const hasAdvance = b['advanceSeconds'] !== undefined;
        if (hasAt === hasAdvance) throw new Error(`Send either 'at' (an ISO 8601 date-time with a time zone) or 'advanceSeconds' (a number), not ${hasAt ? 'both' : 'neither'}`);
        if (hasAt) emulator.setClock(b['at'], b['frozen'], "'at'");
        else if (b['frozen'] !== undefined) throw new Error("'frozen' goes with 'at': advanceSeconds keeps the clock frozen or running as it is");
        else emulator.advanceClock(num(b['advanceSeconds'], 'advanceSeconds'));
        return json(200, clockReply(emulator));
      }
      case 'GET /__emulator/clock':
        return json(200, clockReply(emulator));
      case 'POST /__emulator/reset':
        emulator.reset();
        return json(200, { reset: true });
      case 'GET /__emulator/requests':
        return json(200, emulator.log.list());
      case 'GET /__emulator/stats':
        return json(200, emulator.stats());
      case 'GET /__emulator/card':
        return json(200, emulator.site.card());
      case 'POST /__emulator/approve': {
        const b = parse(body);
        emulator.appSessions.approve(str(b['requestId'], 'requestId'), str(b['login'], 'login'));
        return json(200, { approved: true });
      }
      case 'POST /__emulator/deny':
        emulator.appSessions.deny(str(parse(body)['requestId'], 'requestId'));
        return json(200, { denied: true });
      case 'POST /__emulator/pat': {
        const b = parse(body);
        emulator.setPat(str(b['login'], 'login'), str(b['state'], 'state') as PatState);
        return json(200, { login: b['login'], state: b['state'] });
      }
      case 'POST /__emulator/2fa': {
        const login = str(parse(body)['login'], 'login');
        const { code, expiresAt } = emulator.site.issueTwoFactorCode(login);
        return json(200, { login, code, expiresAt: new Date(expiresAt).toISOString() });
      }
      default:
        return json(404, { error: `Unknown admin endpoint ${route}` });
    }
  } catch (err) {
    return json(400, { error: (err as Error).message });
  }
}
