/**
 * `undefined` for an optional option is the same as leaving it out. This file is also type-checked with
 * `exactOptionalPropertyTypes: true` (`tsconfig.exact-optional.json`, part of `typecheck`): under that setting an
 * optional property takes `undefined` only when its type says `| undefined`, so passing a value that may be
 * `undefined` through (`{ timeoutMs: opts.timeoutMs }`) compiles only if the option's type allows it. Each
 * `Unset<T>` literal names every optional key of `T` (a key added later without `| undefined` fails here).
 * The runtime part checks that the client does exactly what it does without them.
 */
import { describe, expect, it } from "vitest";
import {
  SgAbortError,
  SgAuthError,
  SgFault,
  SgHttpError,
  SgNetworkError,
  SgProtocolError,
  SgTimeoutError,
  SgValidationError,
  checkOptionsObject,
  createClient,
  encodeFilters,
  parseSite,
  type AbortErrorDetails,
  type AuthStrategy,
  type CallOptions,
  type Client,
  type ClientHttpRequest,
  type ClientOptions,
  type CredentialOptions,
  type DefaultCallOptions,
  type Credentials,
  type EncodeFiltersOptions,
  type EntityRef,
  type FaultDetails,
  type HttpErrorDetails,
  type HttpRequest,
  type NetworkErrorDetails,
  type OptionsShape,
  type ParseSiteOptions,
  type RetryOverride,
  type RpcRequest,
  type ScriptCredentials,
  type SessionCredentials,
  type SgErrorOptions,
  type TimeoutErrorDetails,
  type TransportStrategy,
  type UserCredentials,
  type ValidationErrorDetails,
} from "./index.js";

/** The optional keys of `T`. */
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
/** Every optional key of `T`, each set to `undefined`: a literal of this type must name them all. */
type Unset<T> = { readonly [K in OptionalKeys<T>]: undefined };

const retryOverride = { maxAttempts: undefined, retryWrites: undefined, retryStatuses: undefined } satisfies Unset<RetryOverride>;
const callOptions = { signal: undefined, timeoutMs: undefined, deadlineMs: undefined, retry: undefined, kind: undefined, sessionUuid: undefined } satisfies Unset<CallOptions>;
const clientOptions = { auth: undefined, logger: undefined, clock: undefined, allowInsecureHttp: undefined, defaults: undefined } satisfies Unset<ClientOptions>;
const httpRequest = {
  form: undefined, body: undefined, headers: undefined, credentials: undefined, signal: undefined, timeoutMs: undefined, deadlineMs: undefined,
  retry: undefined, responseBody: undefined, maxBytes: undefined, authenticated: undefined, kind: undefined, sessionUuid: undefined, refused: undefined,
} satisfies Unset<ClientHttpRequest>;
const credentialOptions = { sudoAsLogin: undefined, sessionUuid: undefined, extra: undefined } satisfies Unset<CredentialOptions>;
const userOnly = { ...credentialOptions, authToken: undefined } satisfies Unset<UserCredentials>;
const sessionOnly = { ...credentialOptions, rejectIfExpired: undefined } satisfies Unset<SessionCredentials>;
const errorOptions = { cause: undefined, hint: undefined, method: undefined, attempts: undefined, secrets: undefined, code: undefined } satisfies Unset<SgErrorOptions>;
const clientMembers = { defaults: undefined, supportsHttp: undefined } satisfies Unset<Client>;

// The assignments are the assertions: each fails to compile under exactOptionalPropertyTypes without `| undefined`.
const typed: {
  readonly [name: string]: unknown;
} = {
  retry: { ...retryOverride } satisfies RetryOverride,
  call: { ...callOptions, retry: retryOverride } satisfies CallOptions,
  defaults: { ...callOptions } satisfies Unset<DefaultCallOptions> & DefaultCallOptions,
  info: { ...callOptions, refresh: undefined } satisfies Parameters<ReturnType<typeof createClient>["info"]>[0],
  client: { site: "http://127.0.0.1:1", transport: {} as TransportStrategy, ...clientOptions } satisfies ClientOptions,
  http: { method: "GET", target: "/x", ...httpRequest } satisfies ClientHttpRequest,
  httpRequest: { method: "GET", target: "/x", ...httpRequest, kind: "read" } satisfies Omit<HttpRequest, never>,
  rpc: { method: "read", kind: "read", payload: undefined, credentials: undefined, signal: undefined, timeoutMs: undefined, deadlineMs: undefined, retry: undefined } satisfies Unset<RpcRequest> & RpcRequest,
  script: { kind: "script", scriptName: "s", scriptKey: "k", ...credentialOptions } satisfies ScriptCredentials,
  user: { kind: "user", login: "l", password: "p", ...userOnly } satisfies UserCredentials,
  session: { kind: "session", sessionToken: "t", ...sessionOnly } satisfies SessionCredentials,
  site: { allowInsecureHttp: undefined, prefix: undefined } satisfies Unset<ParseSiteOptions> & ParseSiteOptions,
  filters: { operator: undefined, path: undefined, prefix: undefined, trimEntities: undefined, checkOperand: undefined } satisfies Unset<EncodeFiltersOptions> & EncodeFiltersOptions,
  shape: { factory: "f", expected: "e", known: [], aliases: undefined, secret: undefined } satisfies Unset<OptionsShape> & OptionsShape,
  error: errorOptions satisfies SgErrorOptions,
  fault: { ...errorOptions, errorCode: undefined, serverMessage: undefined } satisfies Unset<FaultDetails> & FaultDetails,
  httpError: { status: 502, ...errorOptions, bodySnippet: undefined, contentType: undefined, retryAfterMs: undefined } satisfies Unset<HttpErrorDetails> & HttpErrorDetails,
  network: { maybeSent: false, ...errorOptions, syscallCode: undefined } satisfies Unset<NetworkErrorDetails> & NetworkErrorDetails,
  timeout: { timeoutMs: 1, scope: "attempt", ...errorOptions, maybeSent: undefined } satisfies Unset<TimeoutErrorDetails> & TimeoutErrorDetails,
  abort: { ...errorOptions, maybeSent: undefined } satisfies Unset<AbortErrorDetails> & AbortErrorDetails,
  validation: { path: [], expected: "e", received: "r", ...errorOptions } satisfies ValidationErrorDetails,
  // a wrapper of a client forwarding its members (`defaults: inner.defaults`), a link built from a row's optional code
  clientWrapper: { ...({} as Client), ...clientMembers } satisfies Client,
  link: { type: "Shot", id: 1, name: undefined } satisfies Unset<EntityRef> & EntityRef,
};
void typed;

/** A transport that records what the client hands it, and answers every call. */
function recordingSite(): { transport: TransportStrategy; calls: RpcRequest[]; exchanges: HttpRequest[] } {
  const calls: RpcRequest[] = [];
  const exchanges: HttpRequest[] = [];
  const transport: TransportStrategy = {
    name: "recording test site",
    send: async (request) => {
      calls.push(request);
      return request.method === "info" ? { version: [8, 50, 0] } : { ok: true };
    },
    http: async (request) => {
      exchanges.push(request);
      return { status: 200, headers: new Headers(), body: new Uint8Array() };
    },
  };
  return { transport, calls, exchanges };
}

const auth: AuthStrategy = {
  name: "test",
  credentials: async (): Promise<Credentials> => ({ kind: "script", scriptName: "s", scriptKey: "k".repeat(16), ...credentialOptions }),
};

describe("undefined options are the same as absent ones", () => {
  it("createClient, call, info and http send exactly what they send without them", async () => {
    const omitted = recordingSite();
    const given = recordingSite();
    const plain = createClient({ site: "http://127.0.0.1:1", transport: omitted.transport, auth });
    const unset = createClient({ site: "http://127.0.0.1:1", transport: given.transport, ...clientOptions, auth });
    expect(await unset.call("read", { type: "Shot" }, { ...callOptions, retry: { ...retryOverride } })).toEqual(await plain.call("read", { type: "Shot" }, { retry: {} }));
    expect(await unset.call("read", { type: "Shot" }, callOptions)).toEqual(await plain.call("read", { type: "Shot" }, {}));
    expect(await unset.info({ ...callOptions, refresh: undefined })).toEqual(await plain.info());
    await plain.http({ method: "POST", target: "/upload/upload_file", form: { a: "b" } });
    await unset.http({ method: "POST", target: "/upload/upload_file", ...httpRequest, form: { a: "b" } });
    // The info request carries a signal of its own (aborted once every caller waiting for it has aborted): one per request.
    for (const site of [omitted, given]) {
      const i = site.calls.findIndex((request) => request.method === "info");
      expect(site.calls[i]!.signal).toBeInstanceOf(AbortSignal);
      site.calls[i] = { ...site.calls[i]!, signal: undefined };
    }
    // The same requests reach the transport (`toEqual`: a key set to undefined equals one left out). The RPC
    // requests are built key by key, so no undefined key reaches the transport but inside a retry override; an
    // exchange passes the caller's fields through, so there an undefined one arrives as undefined.
    expect(given.calls).toEqual(omitted.calls);
    expect(given.calls.slice(1)).toStrictEqual(omitted.calls.slice(1));
    expect(given.exchanges).toEqual(omitted.exchanges);
    expect(given.exchanges[0]!.credentials).toEqual({ kind: "script", scriptName: "s", scriptKey: "k".repeat(16) });
  });

  it("a client whose auth is undefined has none", async () => {
    const client = createClient({ site: "http://127.0.0.1:1", transport: recordingSite().transport, ...clientOptions });
    expect(client.auth).toBeUndefined();
    await expect(client.call("read", {})).rejects.toMatchObject({ code: "SG_AUTH_MISSING" });
  });

  it("defaults of undefined values are no defaults", async () => {
    const omitted = recordingSite();
    const given = recordingSite();
    await createClient({ site: "http://127.0.0.1:1", transport: omitted.transport, auth }).call("create", {});
    await createClient({ site: "http://127.0.0.1:1", transport: given.transport, auth, defaults: callOptions }).call("create", {});
    expect(given.calls).toStrictEqual(omitted.calls);
  });

  it("the helpers and error constructors treat them as absent", () => {
    expect(parseSite("http://127.0.0.1:1", { allowInsecureHttp: undefined, prefix: undefined })).toEqual(parseSite("http://127.0.0.1:1"));
    const filters = [["code", "is", { type: "Shot", id: 1, name: "x" }]] as const;
    expect(encodeFilters([...filters] as never, { operator: undefined, path: undefined, prefix: undefined, trimEntities: undefined })).toEqual(encodeFilters([...filters] as never));
    const shape = { factory: "f", expected: "e", known: ["a"] };
    expect(checkOptionsObject("p", { a: 1 }, { ...shape, aliases: undefined, secret: undefined })).toEqual(checkOptionsObject("p", { a: 1 }, shape));
    const same = (a: Error, b: Error): void => expect({ ...a, message: a.message, cause: a.cause }).toEqual({ ...b, message: b.message, cause: b.cause });
    same(new SgAuthError("m", { ...errorOptions, errorCode: undefined, serverMessage: undefined }), new SgAuthError("m"));
    same(new SgFault("m", { ...errorOptions, errorCode: undefined, serverMessage: undefined }), new SgFault("m"));
    same(new SgAbortError("m", { ...errorOptions, maybeSent: undefined }), new SgAbortError("m"));
    same(new SgHttpError("m", { status: 502, ...errorOptions, bodySnippet: undefined, contentType: undefined, retryAfterMs: undefined }), new SgHttpError("m", { status: 502 }));
    same(new SgProtocolError("m", { status: 200, ...errorOptions, bodySnippet: undefined, contentType: undefined }), new SgProtocolError("m", { status: 200 }));
    same(new SgNetworkError("m", { maybeSent: true, ...errorOptions, syscallCode: undefined }), new SgNetworkError("m", { maybeSent: true }));
    same(new SgTimeoutError("m", { timeoutMs: 5, scope: "attempt", ...errorOptions, maybeSent: undefined }), new SgTimeoutError("m", { timeoutMs: 5, scope: "attempt" }));
    same(new SgValidationError("p", { path: ["x"], expected: "e", received: "r", ...errorOptions }), new SgValidationError("p", { path: ["x"], expected: "e", received: "r" }));
  });
});
