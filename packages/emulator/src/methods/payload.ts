import { badInput, excerpt } from '../errors.js';

/** How deep lists and hashes may nest in `params` (Python's default recursion limit): deeper ones would overflow a walk. */
export const MAX_NESTING = 1000;

/**
 * Refuses `params` whose lists and hashes nest deeper than {@link MAX_NESTING} with a bad-input fault, checked
 * without recursion, before any method walks (or describes) them and overflows the stack. The walk keeps one frame
 * per level it is in, and walks lists by index: a list of millions of values costs it no memory per value.
 */
export function checkNesting(params: unknown): void {
  const frames: { items: unknown[]; next: number }[] = [];
  for (let value = params; ; ) {
    if (value !== null && typeof value === 'object') {
      if (frames.length >= MAX_NESTING) throw badInput(`'params' holds a value nested too deep: lists and hashes nest at most ${MAX_NESTING} levels`);
      frames.push({ items: Array.isArray(value) ? value : Object.values(value), next: 0 });
    }
    let frame = frames[frames.length - 1];
    while (frame && frame.next >= frame.items.length) {
      frames.pop();
      frame = frames[frames.length - 1];
    }
    if (!frame) return;
    value = frame.items[frame.next++];
  }
}

/** The payload as a hash; throws a bad-input fault naming the method otherwise. */
export function payloadObject(method: string, payload: unknown): Record<string, unknown> {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw badInput(`${method}: params[1] must be a hash of arguments, got ${payload === undefined ? 'nothing' : excerpt(payload)}`);
  }
  return payload as Record<string, unknown>;
}

/** A required string argument. */
export function requireString(method: string, args: Record<string, unknown>, key: string): string {
  const v = args[key];
  if (typeof v !== 'string' || v === '') throw badInput(`${method}: '${key}' missing (expected a string)`);
  return v;
}

/** A required integer argument. */
export function requireInt(method: string, args: Record<string, unknown>, key: string): number {
  const v = args[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw badInput(`${method}: '${key}' missing (expected an integer)`);
  return v;
}

/** An optional `{type, id}` argument. */
export function optionalLink(method: string, args: Record<string, unknown>, key: string): { type: string; id: number } | undefined {
  const v = args[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || typeof (v as Record<string, unknown>)['type'] !== 'string' || typeof (v as Record<string, unknown>)['id'] !== 'number') {
    throw badInput(`${method}: '${key}' must be an entity hash {type, id}, got ${excerpt(v)}`);
  }
  const l = v as { type: string; id: number };
  return { type: l.type, id: l.id };
}
