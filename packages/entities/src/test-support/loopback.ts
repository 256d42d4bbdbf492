/** Test helper: a node:http JSON-RPC site on 127.0.0.1 whose answers a test chooses, for replies the emulator never gives. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient, type Client, type TransportStrategy } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";

/** What an answer function returns to reset the connection after the request arrived, instead of replying. */
export const DROP_CONNECTION: unique symbol = Symbol("drop connection");

/** What an answer function returns to send `body` as the whole reply, as it is (without `{ results }` around it). */
export class RawReply {
  /** @param body - the reply's JSON text. */
  constructor(readonly body: string) {}
}

/** A running loopback site and a script-authenticated client talking to it. */
export interface LoopbackSite {
  readonly client: Client;
  /** RPC method names received, in order. */
  readonly methods: string[];
  /** RPCs received, in order: the method name and the payload (`params[1]`) as decoded from the body. */
  readonly requests: { readonly method: string; readonly payload: unknown }[];
  close(): Promise<void>;
}

/** Options of {@link startLoopbackSite}. */
export interface LoopbackOptions {
  /** The client's transport (default `jsonRpcTransport()`), e.g. one with a short retry backoff. */
  readonly transport?: TransportStrategy;
}

/**
 * Start a site that answers every RPC with `{ results: answer(method, payload) }` as JSON (a {@link RawReply}'s body
 * as it is), or resets the connection when `answer` returns {@link DROP_CONNECTION}; an answer given as a promise is sent once it
 * resolves, so a test can hold a request. `info` is answered the same way, so a test picks the site's version too.
 */
export async function startLoopbackSite(answer: (method: string, payload: unknown) => unknown, options: LoopbackOptions = {}): Promise<LoopbackSite> {
  const methods: string[] = [];
  const requests: { method: string; payload: unknown }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const rpc = JSON.parse(body) as { method_name: string; params: unknown[] };
      methods.push(rpc.method_name);
      requests.push({ method: rpc.method_name, payload: rpc.params[1] });
      void Promise.resolve(answer(rpc.method_name, rpc.params[1])).then((reply) => {
        if (reply === DROP_CONNECTION) {
          req.socket.destroy();
          return;
        }
        res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
        res.end(reply instanceof RawReply ? reply.body : JSON.stringify({ results: reply ?? null }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = createClient({ site: `http://127.0.0.1:${port}`, transport: options.transport ?? jsonRpcTransport(), auth: scriptAuth({ scriptName: "loopback", scriptKey: "0".repeat(64) }) });
  return {
    client,
    methods,
    requests,
    close: async () => {
      await client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
