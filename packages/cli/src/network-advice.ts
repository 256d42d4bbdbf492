/**
 * What to do about a network, TLS or timeout failure, in the command line's words (flags, environment variables)
 * rather than the transport's option names (`dispatcher`, `timeoutMs`), and naming the proxy the request went
 * through. Decided from the error's fields (the transport's `SgTlsError.tls`, `syscallCode`, `maybeSent`), never
 * from its message (but for a deadline that passed during the login, which only the core's own reason says).
 *
 * @packageDocumentation
 */
import { SgNetworkError, SgTimeoutError, methodKind } from "@sg/core";
import { SgTlsError } from "@sg/transport";
import { timedOutLoggingIn } from "./login-timeout.js";
import { proxyRefusalStatus } from "./proxy-refusal.js";
import { runtimeLimitCode } from "./runtime-limits.js";
import { isTransferTimeout, transferTimeoutAdvice } from "./transfer-timeout-advice.js";
import { PROXY_LOGIN_ENCODING, routeFor, type ProxyEndpoint, type ProxyRoute, type ProxySettings } from "./proxy/proxy-settings.js";

/** Codes of a TLS client that got something other than TLS back: the port speaks plain http (or another protocol). */
const NOT_TLS: ReadonlySet<string> = new Set(["ERR_SSL_WRONG_VERSION_NUMBER", "ERR_SSL_PACKET_LENGTH_TOO_LONG", "ERR_SSL_UNKNOWN_PROTOCOL", "ERR_SSL_RECORD_LAYER_FAILURE"]);
/** The transport's code for plain http sent to a port that answered with TLS. */
const HTTP_TO_TLS = "ERR_SSL_HTTP_REQUEST";
/**
 * Codes of a certificate that was not accepted, for an error that does not say it itself; `UND_ERR_PRX_TLS` is undici's
 * wrapper of an https:// proxy's certificate for another host (nothing was sent).
 */
const CERTIFICATE = /^(UND_ERR_PRX|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|INVALID_|PATH_LENGTH|ERROR_IN_|CRL_|HOSTNAME_MISMATCH|ERR_TLS_CERT)/;
/** Any other TLS failure, likewise. */
const TLS = /^(ERR_TLS_|ERR_SSL_|EPROTO$)/;

/**
 * Which part of TLS failed: the transport's own answer ({@link SgTlsError.tls}) when it gives one, else read from
 * the error's code.
 */
function tlsFailure(error: SgNetworkError): "protocol" | "certificate" | undefined {
  if (error instanceof SgTlsError) return error.tls;
  const code = error.syscallCode ?? "";
  return CERTIFICATE.test(code) ? "certificate" : TLS.test(code) ? "protocol" : undefined;
}

/**
 * Whether undici wrapped the failure as one of the handshake with the proxy itself (UND_ERR_PRX_TLS, a proxy certificate
 * for another host): the transport's `syscallCode` is the inner code, the wrapper is in the cause chain.
 */
function proxyHandshake(error: SgNetworkError): boolean {
  let cause: unknown = error.cause;
  for (let i = 0; i < 4 && cause instanceof Error; i += 1, cause = cause.cause) {
    if ((cause as { code?: unknown }).code === "UND_ERR_PRX_TLS") return true;
  }
  return false;
}

/** Where the failed request was going and how. */
export interface NetworkContext {
  /** The site URL (`--site` / `SG_SITE`), without credentials. */
  readonly site: string | undefined;
  /** The run's proxy settings; undefined when they could not be read. */
  readonly proxy: ProxySettings | undefined;
  /** The `sg` command that ran: only a read that takes filters, fields or a limit is told to narrow its request. */
  readonly command?: string | undefined;
}

/** Commands whose reads a person can narrow with filters, `--fields` or `--limit`. */
const NARROWABLE_COMMANDS: ReadonlySet<string> = new Set(["find", "count", "summarize"]);
/** The API methods of those reads (not `info`, nor a schema read, which nothing narrows). */
const NARROWABLE_METHODS: ReadonlySet<string> = new Set(["read", "summarize"]);

/** A sentence naming the proxy the request went through and how to change that, or "" when it went direct. */
function throughProxy(route: ProxyRoute, host: string): string {
  const via = route.via;
  if (!via) return "";
  const explicit = via.source === "--proxy" || via.source === "SG_PROXY";
  const other = explicit ? `or leave out ${via.source}` : `pass another one with --proxy, or go direct with NO_PROXY=${host.replace(/:\d+$/, "")}`;
  return ` It went through the proxy ${via.display} (from ${via.source}): check that the proxy runs and lets you through to ${host} (a proxy that asks for a login needs them in its URL, as user:password@ before its host), ${other}.`;
}

/** The site's URL (undefined when none or malformed), the route to it and its host, for the advice. */
function whereTo(context: NetworkContext): { url: URL | undefined; route: ProxyRoute | undefined; host: string } {
  let url: URL | undefined;
  try {
    url = context.site ? new URL(context.site) : undefined;
  } catch {
    url = undefined;
  }
  return { url, route: url && context.proxy ? routeFor(context.proxy, url) : undefined, host: url?.host ?? "the site" };
}

/**
 * The sentence naming the proxy the request went through and what to change (starting with a space), or "" when it
 * went direct: for an HTTP status, which for an http:// site may be a forwarding proxy's own answer as well as the
 * site's (the two cannot be told apart), so it is added without saying whose the answer was.
 *
 * @param context - the site and the proxy settings of the run.
 */
export function proxyNote(context: NetworkContext): string {
  const { route, host } = whereTo(context);
  return route ? throughProxy(route, host) : "";
}

/**
 * {@link proxyNote} for an HTTP status: only for an http:// site. Through a CONNECT tunnel to an https:// site the
 * proxy let the request through and the status is the site's (a proxy's refusal of the tunnel is a network error,
 * with its own advice), so the note would send the user to a proxy that is not at fault.
 *
 * @param context - the site and the proxy settings of the run.
 */
export function statusProxyNote(context: NetworkContext): string {
  return context.site?.startsWith("http:") ? proxyNote(context) : "";
}

/**
 * What to do when the proxy refused: a login it wants (407), with or without one in its URL (never shown), or a site
 * it does not let through (403). Nothing reached the site either way.
 *
 * @param status - the status the proxy refused with.
 * @param via - the proxy the request went through, when known.
 * @param host - the site's host.
 */
export function proxyRefusalAdvice(status: number, via: ProxyEndpoint | undefined, host: string): string {
  const proxy = via ? `The proxy ${via.display} (from ${via.source})` : "The proxy";
  const where = via ? via.source : "--proxy or HTTPS_PROXY";
  if (status === 407) {
    return via?.hasCredentials
      ? `${proxy} refused the login given in its URL (HTTP 407); nothing reached the site. Check the user and password in ${where} (${PROXY_LOGIN_ENCODING}), or ask the proxy's administrator which login it takes.`
      : `${proxy} asks for a login (HTTP 407) and its URL has none; nothing reached the site. Put it in the URL given to ${where}, as user:password@ before the proxy's host (sent only as Proxy-Authorization, never printed).`;
  }
  const direct = via && via.source !== "--proxy" && via.source !== "SG_PROXY" ? `, or go direct with NO_PROXY=${host.replace(/:\d+$/, "")}` : "";
  return `${proxy} refused to let the request through to ${host}${status ? ` (HTTP ${status})` : ""}; nothing reached the site. Ask the proxy's administrator to allow that host, or use another proxy${direct}.`;
}

/**
 * What to do when the runtime's own HTTP client (Node's fetch: undici's `headersTimeout`, `bodyTimeout`) ended the
 * attempt: not `sg`'s limit, so raising `--timeout-ms` or `--transfer-timeout-ms` cannot help, and `sg` lifts it when
 * its own limits are longer (runtime-limits.ts): something outside `sg` set it for the run.
 */
function runtimeLimitAdvice(error: SgTimeoutError, code: string): string {
  const verb = /^HTTP (\S+)/.exec(error.method ?? "")?.[1];
  const write = error.maybeSent && (verb ? verb === "POST" : methodKind(error.method ?? "") === "write");
  const what = write ? "No answer came: the write may have been applied on the site, so check before trying again." : "No answer came.";
  return `${what} Node's own HTTP client stopped waiting after ${error.timeoutMs} ms without data (${code}), a limit of its own that --timeout-ms and --transfer-timeout-ms do not change: sg lifts it when its limits are longer, so something outside sg set it for this run (a module preloaded with --import or --require that sets undici's global dispatcher, or another runtime).`;
}

/**
 * The hint for a failed connection, or undefined to keep the error's own. `site` and `proxy` say where the request
 * went; every flag or variable named is one `sg` reads.
 *
 * @param error - what the command threw.
 * @param context - the site and the proxy settings of the run.
 */
export function networkAdvice(error: unknown, context: NetworkContext): string | undefined {
  if (!(error instanceof SgNetworkError) && !(error instanceof SgTimeoutError)) return undefined;
  const { url, route, host } = whereTo(context);
  const through = route ? throughProxy(route, host) : "";
  if (timedOutLoggingIn(error)) {
    // Nothing of the call was sent, and the time may have gone to a person at a prompt: not the site's fault.
    return `The time ran out while sg was still logging in, before the call was sent. --timeout-ms N (or SG_TIMEOUT_MS) sets how long a call may take, a login it waits for included (${error.timeoutMs} ms this time).${through}`;
  }
  const runtimeCode = error instanceof SgTimeoutError ? runtimeLimitCode(error) : undefined;
  if (runtimeCode && error instanceof SgTimeoutError) return `${runtimeLimitAdvice(error, runtimeCode)}${through}`;
  // An upload or download has its own limits and flag, and an upload's time may have gone to sending its body.
  if (error instanceof SgTimeoutError && isTransferTimeout(error, context.command)) return `${transferTimeoutAdvice(error, context.command)}${through}`;
  if (error instanceof SgTimeoutError) {
    // The transport's hint says to raise timeoutMs/deadlineMs, options the command line does not have.
    const method = error.method ?? "";
    const write = error.maybeSent && method !== "" && methodKind(method) === "write";
    const what = write ? "The request was sent but no answer came in time: the write may have been applied on the site, so check before trying again." : "The site did not answer in time.";
    const narrow = NARROWABLE_COMMANDS.has(context.command ?? "") && NARROWABLE_METHODS.has(method) ? " A large read may need a narrower request (filters, --fields, --limit)." : "";
    return `${what}${narrow} --timeout-ms N (or SG_TIMEOUT_MS) sets how long a call may take (${error.timeoutMs} ms this time).${through}`;
  }
  const refused = proxyRefusalStatus(error);
  if (refused === 407 || refused === 403) return proxyRefusalAdvice(refused, route?.via, host);
  const code = error.syscallCode ?? "";
  // The transport's own hint for a port fetch refuses already names the site URL's port and nothing of its API.
  if (code === "ERR_BAD_PORT") return undefined;
  const tls = tlsFailure(error);
  // A proxy given as https:// is spoken TLS to as well: a TLS failure may be the proxy's, and most speak plain http.
  const tlsVia = route?.via?.display.startsWith("https:") ? route.via : undefined;
  const proxyTls = tlsVia
    ? ` The proxy ${tlsVia.display} (from ${tlsVia.source}) is given as https://, so sg speaks TLS to it too and the failure may be there: most proxies speak plain http, so try http:// in ${tlsVia.source}; one that does speak TLS needs its CA trusted (NODE_EXTRA_CA_CERTS).`
    : "";
  // To an http:// site only the proxy speaks TLS.
  const proxyOnly = tlsVia && (url?.protocol === "http:" || proxyHandshake(error));
  if (tls === "certificate") {
    const inspecting = route?.via && !tlsVia ? ` (or the one your proxy ${route.via.display} put in its place, if it inspects TLS)` : "";
    const whose = proxyOnly ? "The proxy's certificate" : tlsVia ? "A certificate (the proxy's or the site's)" : `The site's certificate${inspecting}`;
    const names = proxyOnly ? `${tlsVia.source} names` : tlsVia ? `${tlsVia.source} and --site name` : "--site names";
    return `${whose} was not accepted. If a private CA signed it, run sg with NODE_EXTRA_CA_CERTS=/path/to/ca.pem (that CA, PEM) in the environment; check that ${names} the host the certificate is for.${proxyTls}`;
  }
  if (tls === "protocol" && NOT_TLS.has(code)) {
    if (proxyOnly) return `The proxy ${tlsVia.display} (from ${tlsVia.source}) did not answer with TLS, so the TLS handshake with it failed before anything was sent: it is given as https://, but most proxies speak plain http, so try http:// in ${tlsVia.source}.`;
    // Through a proxy, never send the site to clear text: the failure may not even be the site's.
    if (route?.via) return `Nothing answered with TLS${tlsVia ? "" : ` at ${url?.origin ?? "the site"} through the proxy`}.${proxyTls} Check that --site is the site's https:// URL and port.${through}`;
    const plain = url ? `http://${url.host}` : "http://host:port";
    return `Nothing at ${url?.origin ?? "the site"} answered with TLS: that port probably serves plain http. Use the site's https:// port, or --site ${plain} (with --allow-http unless the host is loopback).`;
  }
  if (tls === "protocol" && code === HTTP_TO_TLS) {
    return `${url?.origin ?? "The site"} answered with TLS: that port speaks https. Use --site ${url ? `https://${url.host}` : "https://host:port"}.${through}`;
  }
  if (tls === "protocol") {
    return `The TLS handshake with ${url?.origin ?? "the site"} failed before any certificate. Check that --site is the site's https:// URL and port, and whether a proxy intercepts TLS.${proxyTls}${through}`;
  }
  if (route?.via) return error.maybeSent ? `${error.hint ?? "The connection dropped after the request was sent."}${through}` : `Nothing was sent.${through}`;
  if (error.maybeSent) return undefined;
  const noProxy = route?.reason
    ? ` sg used no proxy (${route.reason}); behind one, give it with --proxy http://host:port or HTTPS_PROXY.`
    : " Behind a proxy, give it with --proxy http://host:port or HTTPS_PROXY.";
  return `Nothing was sent. Check --site${context.site ? ` (${context.site})` : ""}, DNS and the network.${noProxy}`;
}
