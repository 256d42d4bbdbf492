import { SgValidationError } from "@sg/core";
import type { Credentials } from "@sg/core";
import { authParams } from "./auth-params.js";
import type { AuthParams } from "./auth-params.js";
import { LIBRARY_NAME as PREFIX } from "./user-agent.js";

/** The api3 request envelope. */
export interface RpcEnvelope {
  /** The RPC name, e.g. `read`. */
  readonly method_name: string;
  /** `[auth, payload?]`, or `[]` for `info`. */
  readonly params: readonly unknown[];
}

/**
 * Whether a payload is "truthy" in the protocol's sense (§1.3): `undefined`, `null`, `false`, `0`, `""`,
 * an empty array and an empty plain object are left out of `params`.
 */
export function isTruthyPayload(payload: unknown): boolean {
  if (payload === undefined || payload === null || payload === false || payload === 0 || payload === "") return false;
  if (typeof payload === "number" && Number.isNaN(payload)) return false;
  if (Array.isArray(payload)) return payload.length > 0;
  if (typeof payload === "object") {
    const proto: unknown = Object.getPrototypeOf(payload);
    if (proto === Object.prototype || proto === null) {
      for (const key in payload) if (Object.hasOwn(payload, key)) return true;
      return false;
    }
  }
  return true;
}

const METHOD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Build `{method_name, params}`: `info` goes without auth (`params: []`); every other method needs
 * credentials, which become `params[0]`; the payload is appended only when truthy.
 */
export function buildEnvelope(method: string, payload: unknown, credentials: Credentials | undefined): RpcEnvelope {
  checkMethodName(method);
  return envelopeWithAuth(method, payload, credentials && method !== "info" ? authParams(credentials) : undefined);
}

/** Throw {@link SgValidationError} unless `method` looks like an RPC method name. */
export function checkMethodName(method: unknown): asserts method is string {
  if (typeof method !== "string" || !METHOD_NAME.test(method)) {
    throw new SgValidationError(PREFIX, { path: ["method"], expected: "an RPC method name such as 'read'", received: typeof method === "string" ? JSON.stringify(method.slice(0, 40)) : typeof method });
  }
}

/**
 * {@link buildEnvelope} for a method already checked with {@link checkMethodName} and auth params already
 * worked out (the transport reuses them per credentials object).
 */
export function envelopeWithAuth(method: string, payload: unknown, auth: AuthParams | undefined): RpcEnvelope {
  const params: unknown[] = [];
  if (method !== "info") {
    if (!auth) {
      throw new SgValidationError(PREFIX, {
        path: ["credentials"],
        expected: `credentials for '${method}' (only 'info' is sent without them)`,
        received: "none",
        method,
        hint: "Give the client an auth strategy, e.g. scriptAuth() from @sg/auth-script.",
      });
    }
    params.push(auth);
  }
  if (isTruthyPayload(payload)) params.push(payload);
  return { method_name: method, params };
}

const encoder = new TextEncoder();

/**
 * The envelope as a JSON string (what the transport sends; fetch encodes it as UTF-8 once). Throws
 * {@link SgValidationError} for a payload JSON cannot represent (a `BigInt`, a cycle).
 */
export function envelopeJson(envelope: RpcEnvelope): string {
  try {
    return JSON.stringify(envelope);
  } catch (error) {
    throw new SgValidationError(PREFIX, {
      path: ["payload"],
      expected: "a JSON-serialisable payload",
      received: `a value JSON.stringify refused (${error instanceof Error ? error.message.split("\n")[0] : "unknown"})`,
      method: envelope.method_name,
    });
  }
}

/** Encode the envelope as UTF-8 JSON bytes (non-ASCII characters go over the wire as raw UTF-8). */
export function encodeEnvelope(envelope: RpcEnvelope): Uint8Array {
  return encoder.encode(envelopeJson(envelope));
}
