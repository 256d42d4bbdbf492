import type { Principal } from '../auth-rules.js';
import type { Site } from '../site.js';

/** What a method handler receives. */
export interface MethodCall {
  readonly site: Site;
  readonly principal: Principal;
  /** `params[1]`, or undefined when absent. */
  readonly payload: unknown;
}

/** A reply that is not JSON (e.g. `export_page` CSV). */
export class RawReply {
  constructor(
    readonly contentType: string,
    readonly body: string,
  ) {}
}

/**
 * An answer that is no RPC reply: an HTTP redirect to `path` on the site's origin, as an SSO site answers a call whose
 * session expired (to `/saml/saml_login_request`, rpc-protocol §1.2).
 */
export class RedirectReply extends Error {
  constructor(readonly path: string) {
    super(`Redirected to ${path}`);
    this.name = 'RedirectReply';
  }
}

/** A method implementation. */
export type MethodHandler = (call: MethodCall) => unknown;
