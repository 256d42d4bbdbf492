import { authenticate } from './auth-rules.js';
import { FaultCode, RpcFault, badInput, excerpt } from './errors.js';
import { utf8Text } from './http-util.js';
import { crudMethods } from './methods/crud.js';
import { checkNesting } from './methods/payload.js';
import { otherMethods } from './methods/other.js';
import { schemaMethods } from './methods/schema-methods.js';
import { socialMethods } from './methods/social.js';
import { RawReply, RedirectReply, type MethodHandler } from './methods/types.js';
import type { Site } from './site.js';
import { summarizeMethod } from './summarize.js';

/** Methods that never change the site's data (no save after them, unless their login moved a PAT exchange time). */
const READ_ONLY = new Set([
  'info', 'read', 'summarize', 'schema_read', 'schema_entity_read', 'schema_field_read', 'followers', 'following',
  'note_thread_contents', 'activity_stream', 'preferences_read', 'work_schedule_read', 'user_subscriptions_read',
  'export_page', 'query_display_name_cache', 'get_session_token',
]);

const METHODS: Record<string, MethodHandler> = {
  ...crudMethods,
  ...schemaMethods,
  ...socialMethods,
  ...otherMethods,
  summarize: summarizeMethod,
  get_session_token: ({ site, principal }) => {
    if (principal.sessionToken) return { session_id: principal.sessionToken };
    const session = site.createSession({ kind: principal.actorKind, actor: principal.actor, login: principal.name, admin: principal.admin, identityBacked: principal.identityBacked });
    return { session_id: session.token };
  },
};

/** The `info` reply (sent unwrapped). */
export function infoReply(site: Site): Record<string, unknown> {
  const method = { default: 'default', identity: 'oxygen', sso: 'saml2' }[site.settings.authMode];
  return {
    version: [8, 50, 0],
    full_version: [8, 50, 0, 0],
    user_authentication_method: method,
    api_max_entities_per_page: site.settings.pageSize,
    s3_direct_uploads_enabled: false,
    s3_enabled_upload_types: {},
    totango_site_id: null,
    emulator: 'sg-emulator',
  };
}

/** Result of dispatching one RPC body. */
export interface DispatchResult {
  /** JSON value to send, a raw reply, or a redirect (an expired session on an SSO site). */
  reply: unknown;
  /** RPC method name, when the body had one. */
  method: string | null;
  /** `error_code` of a fault reply. */
  errorCode: number | null;
  /** Whether the state may have changed. */
  wrote: boolean;
  /**
   * The login (or script name) of the session a `session_token` authenticated, for the request log, which cannot
   * read it from the credentials sent; null for other credentials and for a token refused.
   */
  sessionLogin: string | null;
}

function fault(err: unknown): { exception: true; message: string; error_code: number } {
  if (err instanceof RpcFault) return { exception: true, message: err.message, error_code: err.code };
  const message = err instanceof Error ? err.message : String(err);
  return { exception: true, message: `Internal emulator error: ${message}`, error_code: FaultCode.BAD_INPUT };
}

/** An `/api3/json` body read once (for the request log and for {@link dispatch}): its JSON value, or the fault refusing it. */
export type RpcBody = { envelope: unknown } | { refused: RpcFault };

/** Decodes an `/api3/json` body: refused when it is not valid UTF-8 or not JSON. */
export function parseRpcBody(body: Buffer): RpcBody {
  const text = utf8Text(body);
  if (text === undefined) return { refused: badInput('The request body is not valid UTF-8') };
  try {
    return { envelope: JSON.parse(text) as unknown };
  } catch (err) {
    return { refused: badInput(`Malformed JSON request body: ${(err as Error).message}`) };
  }
}

/** Runs one `/api3/json` body, decoded by {@link parseRpcBody}. Never throws: every failure becomes a fault envelope. */
export function dispatch(site: Site, body: RpcBody): DispatchResult {
  let method: string | null = null;
  let sessionLogin: string | null = null;
  try {
    if ('refused' in body) throw body.refused;
    const envelope = body.envelope;
    if (!envelope || typeof envelope !== 'object' || Array.isArray(envelope)) throw badInput('The request body must be a JSON object {"method_name", "params"}');
    const env = envelope as Record<string, unknown>;
    if (typeof env['method_name'] !== 'string') throw badInput("The request has no 'method_name'");
    method = env['method_name'];
    const params = env['params'] ?? [];
    if (!Array.isArray(params)) throw badInput("'params' must be a list");
    checkNesting(params);
    if (method === 'info') return { reply: infoReply(site), method, errorCode: null, wrote: false, sessionLogin };
    const handler = Object.prototype.hasOwnProperty.call(METHODS, method) ? METHODS[method] : undefined;
    if (!handler) throw badInput(`Unknown method '${excerpt(method, method)}'`);
    const principal = authenticate(site, params[0], true);
    if (principal.kind === 'session') sessionLogin = principal.name;
    const result = handler({ site, principal, payload: params[1] });
    if (result instanceof RawReply) return { reply: result, method, errorCode: null, wrote: false, sessionLogin };
    // A read that logged in with a PAT changed the credentials too (the exchange time, see Site.recordPatExchange).
    return { reply: { results: result }, method, errorCode: null, wrote: site.takePatExchangeSave() || !READ_ONLY.has(method), sessionLogin };
  } catch (err) {
    if (err instanceof RedirectReply) return { reply: err, method, errorCode: null, wrote: false, sessionLogin };
    const f = fault(err);
    return { reply: f, method, errorCode: f.error_code, wrote: false, sessionLogin };
  }
}
