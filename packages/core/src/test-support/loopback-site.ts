/**
 * A site on a real socket for the core's tests of what crosses the transport seam (aborts, close()): a node:http
 * server on 127.0.0.1 that records each API request and answers it only when the test says so, and a minimal
 * fetch transport that behaves like `@sg/transport` where these tests look (an abort of the call's signal or of the
 * context's, or `close()`, ends the fetch with `SgAbortError`; `close()` aborts every call of the transport in
 * flight). Unlike the real one it does not say whether an aborted write was sent (`maybeSent` is left to core).
 * Core may not import the real one. A fault in the answer becomes `SgAuthError` (102) or `SgFault`; plain exchanges
 * (`http()`) reach the site too, recorded with their HTTP method and path.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { abortErrorFrom } from "../clock.js";
import { SgAbortError, SgAuthError, SgFault } from "../errors.js";
import type { HttpRequest, HttpResponse, RpcRequest, TransportContext, TransportStrategy } from "../transport-strategy.js";

/** One API request the site received, held until answered. */
export interface HeldRequest {
  /** The API method, or `GET /path` for a plain exchange. */
  readonly method: string;
  readonly payload: unknown;
  /** Answer it with `results` (HTTP 200). */
  answer(results: unknown): void;
  /** Answer it with a fault (HTTP 200, `exception: true`). */
  fault(errorCode: number, message: string): void;
}

/** The loopback site. */
export interface LoopbackSite {
  readonly url: string;
  /** Every API request received, in order (answered or not). */
  readonly received: HeldRequest[];
  /** Resolves with the `n`th request (1-based) once it has arrived. */
  arrived(n: number): Promise<HeldRequest>;
  close(): Promise<void>;
}

/** Start a site on 127.0.0.1 that holds every request; `info` and `get_session_token` are answered at once. */
export async function loopbackSite(): Promise<LoopbackSite> {
  const received: HeldRequest[] = [];
  const waiting = new Map<number, (request: HeldRequest) => void>();
  const server = createServer((req, res: ServerResponse) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const rpc = req.url?.endsWith("/api3/json") === true;
      const envelope = rpc ? (JSON.parse(body) as { method_name: string; params: unknown[] }) : { method_name: `${req.method} ${req.url}`, params: [] };
      const reply = (answer: unknown): void => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(answer));
      };
      const answer = (results: unknown): void => reply({ results });
      if (envelope.method_name === "info") return answer({ version: [8, 50, 0] });
      if (envelope.method_name === "get_session_token") return answer({ session_id: "tok-1" });
      const fault = (errorCode: number, message: string): void => reply({ exception: true, error_code: errorCode, message });
      const held: HeldRequest = { method: envelope.method_name, payload: envelope.params[1], answer, fault };
      received.push(held);
      waiting.get(received.length)?.(held);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    arrived: (n) => (received[n - 1] ? Promise.resolve(received[n - 1]!) : new Promise((resolve) => waiting.set(n, resolve))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A {@link loopbackSite} maker for one test file: every site it starts is closed after each test. */
export function loopbackSites(): () => Promise<LoopbackSite> {
  const sites: LoopbackSite[] = [];
  afterEach(async () => {
    await Promise.all(sites.splice(0).map((s) => s.close()));
  });
  return async () => {
    const s = await loopbackSite();
    sites.push(s);
    return s;
  };
}

/**
 * A fetch transport with `close()` and `http()`, as `@sg/transport`'s behaves on an abort; `closes` counts its close()
 * calls. Credentials go as `params[0]` as they are (camelCase), for calls and exchanges alike.
 */
export function fetchTransport(): TransportStrategy & { closes: number } {
  const inflight = new Set<AbortController>();
  /** Fetch `path` on the site, ended by the request's signal, the context's (the client's close) and close(). */
  const exchange = async <T>(request: RpcRequest | HttpRequest, context: TransportContext, path: string, read: (response: Response) => Promise<T>): Promise<T> => {
    const call = new AbortController();
    const signal = AbortSignal.any([request.signal, context.signal, call.signal].filter((s): s is AbortSignal => s !== undefined));
    if (signal.aborted) throw abortErrorFrom(signal);
    inflight.add(call);
    try {
      const rpc = !("target" in request);
      const response = await fetch(`${context.site.href}${path}`, {
        method: rpc ? "POST" : request.method,
        headers: { "content-type": "application/json" },
        body: rpc ? JSON.stringify({ method_name: request.method, params: [request.credentials ?? {}, request.payload] }) : undefined,
        signal,
      });
      return await read(response);
    } catch (error) {
      if (signal.aborted) throw abortErrorFrom(signal);
      throw error;
    } finally {
      inflight.delete(call);
    }
  };
  const transport = {
    name: "loopback fetch transport",
    closes: 0,
    send: (request: RpcRequest, context: TransportContext): Promise<unknown> =>
      exchange(request, context, "/api3/json", async (response) => {
        const answer = (await response.json()) as { results?: unknown; exception?: boolean; error_code?: number; message?: string };
        if (!answer.exception) return answer.results;
        const options = { errorCode: answer.error_code, method: request.method };
        throw answer.error_code === 102 ? new SgAuthError(`refused: ${answer.message}`, options) : new SgFault(`fault: ${answer.message}`, options);
      }),
    http: (request: HttpRequest, context: TransportContext): Promise<HttpResponse> =>
      exchange(request, context, request.target, async (response) => ({ status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) })),
    async close(): Promise<void> {
      transport.closes += 1;
      for (const call of inflight) call.abort(new SgAbortError("the transport was closed while the call was in flight"));
    },
  };
  return transport;
}
