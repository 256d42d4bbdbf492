import { badInput } from '../errors.js';

/** The payload as a hash; throws a bad-input fault naming the method otherwise. */
export function payloadObject(method: string, payload: unknown): Record<string, unknown> {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw badInput(`${method}: params[1] must be a hash of arguments, got ${payload === undefined ? 'nothing' : JSON.stringify(payload)}`);
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
    throw badInput(`${method}: '${key}' must be an entity hash {type, id}, got ${JSON.stringify(v)}`);
  }
  const l = v as { type: string; id: number };
  return { type: l.type, id: l.id };
}
