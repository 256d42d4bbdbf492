/** Test helper: a node:http JSON-RPC site on 127.0.0.1 whose answers a test chooses, for replies the emulator never gives. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient, type Client } from "@sg/core";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";

/** A running loopback site and a script-authenticated client talking to it. */
export interface LoopbackSite {
  readonly client: Client;
  /** RPC method names received, in order. */
  readonly methods: string[];
  close(): Promise<void>;
}

/**
 * Start a site that answers every RPC with `{ results: answer(method, payload) }` as JSON. `info` is answered
 * the same way, so a test picks the site's version too.
 */
export async function startLoopbackSite(answer: (method: string, payload: unknown) => unknown): Promise<LoopbackSite> {
  const methods: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const rpc = JSON.parse(body) as { method_name: string; params: unknown[] };
      methods.push(rpc.method_name);
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ results: answer(rpc.method_name, rpc.params[1]) ?? null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = createClient({ site: `http://127.0.0.1:${port}`, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "loopback", scriptKey: "0".repeat(64) }) });
  return {
    client,
    methods,
    close: async () => {
      await client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
