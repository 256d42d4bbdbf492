/**
 * A site on a real socket for the core's tests of what crosses the transport seam (aborts, close()): a node:http
 * server on 127.0.0.1 that records each API request and answers it only when the test says so, and a minimal
 * fetch transport that behaves like `@sg/transport` where these tests look (an abort of the call's signal or of the
 * context's, or `close()`, ends the fetch with `SgAbortError`; `close()` aborts every call of the transport in
 * flight). Unlike the real one it does not say whether an aborted write was sent (`maybeSent` is left to core).
 * Core may not import the real one.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { abortErrorFrom } from "../clock.js";
import { SgAbortError } from "../errors.js";
import type { RpcRequest, TransportStrategy } from "../transport-strategy.js";

/** One API request the site received, held until answered. */
export interface HeldRequest {
  readonly method: string;
  readonly payload: unknown;
  /** Answer it with `results` (HTTP 200). */
  answer(results: unknown): void;
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
      const envelope = JSON.parse(body) as { method_name: string; params: unknown[] };
      const answer = (results: unknown): void => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ results }));
      };
      if (envelope.method_name === "info") return answer({ version: [8, 50, 0] });
      if (envelope.method_name === "get_session_token") return answer({ session_id: "tok-1" });
      const held: HeldRequest = { method: envelope.method_name, payload: envelope.params[1], answer };
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

/** A fetch transport with `close()`, as `@sg/transport`'s behaves on an abort; `closes` counts its close() calls. */
export function fetchTransport(): TransportStrategy & { closes: number } {
  const inflight = new Set<AbortController>();
  const transport = {
    name: "loopback fetch transport",
    closes: 0,
    async send(request: RpcRequest, context: Parameters<TransportStrategy["send"]>[1]): Promise<unknown> {
      const call = new AbortController();
      // The call's own signal, the client's close signal (the context's) and this transport's close().
      const signal = AbortSignal.any([request.signal, context.signal, call.signal].filter((s): s is AbortSignal => s !== undefined));
      if (signal.aborted) throw abortErrorFrom(signal);
      inflight.add(call);
      try {
        const response = await fetch(`${context.site.href}/api3/json`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ method_name: request.method, params: [request.credentials ?? {}, request.payload] }),
          signal,
        });
        return ((await response.json()) as { results: unknown }).results;
      } catch (error) {
        if (signal.aborted) throw abortErrorFrom(signal);
        throw error;
      } finally {
        inflight.delete(call);
      }
    },
    async close(): Promise<void> {
      transport.closes += 1;
      for (const call of inflight) call.abort(new SgAbortError("the transport was closed while the call was in flight"));
    },
  };
  return transport;
}
