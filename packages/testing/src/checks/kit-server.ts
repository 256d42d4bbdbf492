import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

/**
 * One request the kit's server saw: its path, its JSON-RPC method (unset until its whole body has come, and for a
 * body that is not JSON) and when its head arrived (the `request` event: a request cut mid-body was still sent).
 */
export interface KitArrival {
  readonly path: string;
  readonly method: string | undefined;
  readonly at: number;
}

/** A plain HTTP server on 127.0.0.1 for what the emulator does not serve: bodies sent slowly, stalled or over a size. */
export interface KitServer {
  /** Its origin, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  /** The requests it saw so far, in arrival order. */
  readonly arrivals: readonly KitArrival[];
  /** Settles when the connection of the latest request to `path` closes (the client hung up or the server ended it). */
  hungUp(path: string): Promise<void>;
  /** Ends every connection and stops listening. */
  close(): Promise<void>;
}

/**
 * Routes (all `GET`, except that `POST /api3/json` is held):
 * - `/bytes?n=N&status=S`: N bytes (value 7) with a content length, as status S (200 by default);
 * - `/slow?chunks=K&every=MS&size=B`: a 200 whose K chunks of B bytes come MS apart (content length K×B);
 * - `/stall?first=B`: a 200 without a content length whose first B bytes come at once, then nothing, ever;
 * - `POST /api3/json`: counted as it arrives, read (its `method_name`), and never answered.
 */
export async function startKitServer(): Promise<KitServer> {
  const arrivals: KitArrival[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const closes = new Map<string, Promise<void>>();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const num = (name: string, fallback: number): number => Number(url.searchParams.get(name) ?? fallback);
    const socket = req.socket;
    closes.set(url.pathname, new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once("close", () => resolve()))));
    const arrival: { path: string; method: string | undefined; at: number } = { path: url.pathname, method: undefined, at: performance.now() };
    arrivals.push(arrival);
    if (req.method === "POST" && url.pathname === "/api3/json") {
      const parts: Buffer[] = [];
      req.on("data", (part: Buffer) => parts.push(part));
      req.on("end", () => {
        try {
          arrival.method = (JSON.parse(Buffer.concat(parts).toString("utf8")) as { method_name?: string }).method_name;
        } catch {
          arrival.method = undefined;
        }
      });
      return;
    }
    if (url.pathname === "/bytes") {
      const body = Buffer.alloc(num("n", 0), 7);
      res.writeHead(num("status", 200), { "content-type": "application/octet-stream", "content-length": String(body.length) });
      res.end(body);
    } else if (url.pathname === "/slow") {
      const chunks = num("chunks", 1);
      const size = num("size", 1024);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(chunks * size) });
      let sent = 0;
      const next = (): void => {
        res.write(Buffer.alloc(size, sent % 251));
        sent += 1;
        if (sent === chunks) {
          res.end();
          return;
        }
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) next();
        }, num("every", 100));
        timers.add(timer);
      };
      next();
    } else if (url.pathname === "/stall") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.write(Buffer.alloc(num("first", 1024), 7));
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  };
  const server = createServer(handle);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("@sg/testing: the kit's server bound no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    arrivals,
    hungUp: (path) => closes.get(path) ?? Promise.resolve(),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
