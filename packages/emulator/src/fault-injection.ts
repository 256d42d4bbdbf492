import type { FaultSpec } from './types.js';

interface QueuedFault {
  spec: FaultSpec;
  remaining: number;
}

/** Validates a fault spec (from the admin endpoint or `injectFault`); throws an Error with a readable message. */
export function validateFaultSpec(value: unknown): FaultSpec {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('A fault must be a JSON object');
  const v = value as Record<string, unknown>;
  const known = new Set(['method', 'times', 'status', 'html', 'body', 'retryAfter', 'dropConnection', 'when', 'delayMs', 'errorCode', 'message']);
  for (const k of Object.keys(v)) if (!known.has(k)) throw new Error(`Unknown fault key '${k}'`);
  const int = (k: string, min: number, max: number): void => {
    if (v[k] !== undefined && (typeof v[k] !== 'number' || !Number.isInteger(v[k]) || (v[k] as number) < min || (v[k] as number) > max)) throw new Error(`'${k}' must be an integer from ${min} to ${max}`);
  };
  int('times', 1, 1_000_000);
  // A 1xx is an interim response, not an answer: Node would send it as a final status and the client see a reset.
  int('status', 200, 599);
  int('retryAfter', 0, 86_400);
  int('delayMs', 0, 600_000);
  int('errorCode', 1, 1_000_000);
  // No request has the method (or path) '', so such a fault would wait in the queue for ever.
  if (v['method'] !== undefined && (typeof v['method'] !== 'string' || v['method'] === '')) throw new Error("'method' must be a non-empty string (an RPC method name or a URL path)");
  if (v['body'] !== undefined && typeof v['body'] !== 'string') throw new Error("'body' must be a string");
  if (v['message'] !== undefined && typeof v['message'] !== 'string') throw new Error("'message' must be a string");
  if (v['when'] !== undefined && v['when'] !== 'before' && v['when'] !== 'after') throw new Error("'when' must be 'before' or 'after'");
  for (const k of ['html', 'dropConnection']) if (v[k] !== undefined && typeof v[k] !== 'boolean') throw new Error(`'${k}' must be true or false`);
  // body, message, retryAfter and when only shape a fault: on their own the request would be answered as usual,
  // and so would it after a delay of 0.
  if (v['status'] === undefined && v['errorCode'] === undefined && !v['delayMs'] && v['html'] !== true && v['dropConnection'] !== true) {
    throw new Error("A fault needs what to do: 'status', 'html', 'errorCode', 'dropConnection' or a 'delayMs' above 0");
  }
  refuseIgnoredKeys(v);
  return v as FaultSpec;
}

/** Refuses a fault with an instruction its kind of answer would silently drop (see `injectedReply` in server.ts), or a `when` it has nothing to apply to. */
function refuseIgnoredKeys(v: Record<string, unknown>): void {
  const given = (k: string): boolean => v[k] !== undefined && v[k] !== false;
  if (v['dropConnection'] === true) {
    const ignored = ['status', 'html', 'errorCode', 'body', 'retryAfter', 'message'].find(given);
    if (ignored) throw new Error(`'dropConnection' sends no answer, so '${ignored}' would change nothing; queue one or the other`);
  }
  if (v['errorCode'] !== undefined) {
    const ignored = ['html', 'body'].find(given);
    if (ignored) throw new Error(`'errorCode' answers a JSON fault envelope, so '${ignored}' would change nothing; its text goes in 'message'`);
  }
  // `when` says whether the request is applied before the fault's answer (or dropped connection) replaces the real
  // one. A fault of a delay alone replaces nothing: the request is answered as usual, so 'after' would mean nothing.
  if (v['when'] === 'after' && v['dropConnection'] !== true && v['status'] === undefined && v['html'] !== true && v['errorCode'] === undefined) {
    throw new Error("'when' is 'after' (apply the request, then answer with the fault), but a fault of 'delayMs' alone has no answer of its own; add 'status', 'html', 'errorCode' or 'dropConnection', or leave 'when' out");
  }
  if (given('message') && v['errorCode'] === undefined) {
    throw new Error("'message' is the text of an 'errorCode' fault envelope, so without 'errorCode' it would change nothing; add 'errorCode', or put the text of a 'status' or 'html' answer in 'body'");
  }
  // A fault of a delay alone answers as usual, so it sends no body or header of its own.
  if (v['status'] === undefined && v['html'] !== true && v['errorCode'] === undefined) {
    const ignored = ['body', 'retryAfter'].find(given);
    if (ignored) throw new Error(`a fault of 'delayMs' alone answers as usual, so '${ignored}' would change nothing; add ${ignored === 'body' ? "'status' or 'html'" : "'status', 'html' or 'errorCode'"} to send it`);
  }
}

/** Describes a fault in the request log. */
export function describeFault(spec: FaultSpec): string {
  if (spec.dropConnection) return `drop-${spec.when ?? 'before'}`;
  const after = spec.when === 'after' ? '-after' : '';
  if (spec.errorCode !== undefined) return `rpc-fault-${spec.errorCode}${after}`;
  if (spec.html) return `html-${spec.status ?? 200}${after}`;
  if (spec.status !== undefined) return `status-${spec.status}${after}`;
  return `delay-${spec.delayMs ?? 0}`;
}

/** The FIFO queue of injected faults. */
export class FaultQueue {
  private queue: QueuedFault[] = [];

  /** Adds a fault at the end of the queue. */
  push(spec: FaultSpec): void {
    this.queue.push({ spec, remaining: spec.times ?? 1 });
  }

  /** Takes one use of the first fault matching `method` (RPC method name or URL path), if any. */
  take(method: string | null, path: string): FaultSpec | undefined {
    const i = this.queue.findIndex((q) => q.spec.method === undefined || q.spec.method === method || q.spec.method === path);
    if (i < 0) return undefined;
    const q = this.queue[i];
    if (!q) return undefined;
    q.remaining--;
    if (q.remaining <= 0) this.queue.splice(i, 1);
    return q.spec;
  }

  /** Removes every queued fault. */
  clear(): void {
    this.queue = [];
  }
}
