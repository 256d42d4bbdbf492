/**
 * The check every method makes of its RPC reply: a reply that is not what the method answers (a proxy's text
 * page, an empty body, another JSON shape) is an `SgProtocolError` naming the method and saying what came back,
 * never a result made up from it (no summaries, `false`, the text as a field name).
 *
 * @packageDocumentation
 */
import { SgProtocolError, describeValue, methodKind, type CallOptions } from "@sg/core";
import type { Context } from "./context.js";
import { PREFIX, isFieldPath, isPlainObject } from "./validate.js";

/** The hint of a reply that is not the API's. */
const NOT_THE_API = "Something other than the ShotGrid API may be answering (a proxy, a login page): check the site URL and any proxy.";

/**
 * What `reply` is, by its shape only: its type and size, never a key's name or a value (`an object with 2 key(s)`,
 * `a number`, `text of 120 characters`; `null` and arrays as the core describes them, `an array of 3`).
 */
const shapeOf = (reply: unknown): string =>
  typeof reply === "string"
    ? `text of ${reply.length} characters`
    : isPlainObject(reply)
      ? `an object with ${Object.keys(reply).length} key(s)`
      : typeof reply === "number" || typeof reply === "boolean"
        ? `a ${typeof reply}`
        : describeValue(reply);

/**
 * The error for a reply of `method` that is not `expected`. What came back is described by its shape, never quoted
 * (no text, key name or value): it is most likely a proxy's or a login page, or another JSON answer, and it may echo
 * the credentials, whose values are not known here. A caller that knows what part of it is wrong and that it is no
 * secret (a walk's bad id) says so in `got` instead.
 */
export function badReply(method: string, expected: string, reply: unknown, hint: string = NOT_THE_API, got: string = shapeOf(reply)): SgProtocolError {
  return new SgProtocolError(`${PREFIX}: '${method}' did not return ${expected} (got ${got})`, {
    status: 200,
    method,
    hint,
  });
}

/**
 * {@link badReply} for a write, which may have landed: the hint says to check the site before retrying it, and
 * `maybeSent` is true, as the transport sets it on a write's errors.
 */
export function badWriteReply(method: string, expected: string, reply: unknown): SgProtocolError {
  const hint = `${typeof reply === "string" ? `${NOT_THE_API} ` : ""}The write may have landed; check the site before retrying it.`;
  return Object.assign(badReply(method, expected, reply, hint), { maybeSent: true as const });
}

/** What a method answers, as its error names it. */
export type ReplyShape = "an object" | "a list" | "true or false" | "a field name";

/** The test of each {@link ReplyShape}. */
const SHAPES: Readonly<Record<ReplyShape, (reply: unknown) => boolean>> = {
  "an object": isPlainObject,
  "a list": Array.isArray,
  "true or false": (reply) => typeof reply === "boolean",
  "a field name": isFieldPath,
};

/** `reply` when it is `expected`, else {@link badReply}. */
export function expectReply<T>(method: string, reply: unknown, expected: ReplyShape): T {
  if (!SHAPES[expected](reply)) throw (methodKind(method) === "write" ? badWriteReply : badReply)(method, expected, reply);
  return reply as T;
}

/** Call `method` with `payload` and check that its reply is `expected` ({@link expectReply}). */
export async function callExpecting<T>(ctx: Context, method: string, payload: unknown, options: CallOptions, expected: ReplyShape): Promise<T> {
  return expectReply(method, await ctx.call<unknown>(method, payload, options), expected);
}

/** The first record of a `read` reply (`undefined` when nothing matched); a reply that is not an object is {@link badReply}. */
export function firstEntity(reply: unknown): unknown {
  const entities = expectReply<Record<string, unknown>>("read", reply, "an object")["entities"];
  return Array.isArray(entities) ? (entities[0] as unknown) : undefined;
}

/**
 * Whether `item` is the record of a write to `type`: an object of that `type` with a numeric `id`, and, for a write
 * to a known record (`update`), with that `id`. A reply without them (`{}`, `{"message": "Request accepted"}`) is not
 * the record, whatever else it holds. Without a `type`, any object is.
 */
export function isRecordOf(item: unknown, type?: string, id?: number): item is Record<string, unknown> {
  return isPlainObject(item) && (type === undefined || (item["type"] === type && typeof item["id"] === "number" && (id === undefined || item["id"] === id)));
}

/**
 * The record a write answers: the reply itself, or the first of a list (as Python reads it); with `type`, it must be
 * a record of that type with its id (`id`, when given: see {@link isRecordOf}). Anything else is {@link badWriteReply}.
 */
export function firstRecord(reply: unknown, method: string, type?: string, id?: number): Record<string, unknown> {
  const record = Array.isArray(reply) ? (reply[0] as unknown) : reply;
  if (!isRecordOf(record, type, id)) throw badWriteReply(method, type ? `a ${type} record with its id` : "a record", reply);
  return record;
}
