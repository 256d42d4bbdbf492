/** A node:http server on 127.0.0.1 standing for a site, for the tests that need answers the emulator never gives. */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A started loopback site. */
export interface LoopbackSite {
  /** Its URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Drop every connection and stop listening. */
  close(): Promise<void>;
}

/** Start a server on 127.0.0.1 (a free port) that hands each request, its body read as text, to `handler`. */
export async function startLoopbackSite(handler: (body: string, res: ServerResponse, req: IncomingMessage) => void): Promise<LoopbackSite> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => handler(Buffer.concat(chunks).toString("utf8"), res, req));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
