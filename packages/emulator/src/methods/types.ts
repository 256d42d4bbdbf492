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

/** A method implementation. */
export type MethodHandler = (call: MethodCall) => unknown;
