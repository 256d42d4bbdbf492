import { createServer } from "node:http";
import { connect } from "node:net";
import type { AddressInfo, Socket } from "node:net";
import { ProxyAgent } from "undici";
import { afterEach } from "vitest";

/** A proxy on 127.0.0.1 that answers as it is told, with undici's `ProxyAgent`s through it. */
export interface TestProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** What it was asked, in order: `CONNECT host:port`, or `<METHOD> <absolute URL>` for a request to forward. */
  readonly seen: string[];
  /**
   * A `ProxyAgent` through this proxy, destroyed after the test: it tunnels every site (CONNECT), or with
   * `tunnel: false` forwards plain-http requests as they are (absolute URL), as proxies expect of http.
   */
  agent(tunnel?: boolean): ProxyAgent;
}

/** Answer a CONNECT on `socket` with 200 and relay it (and `head`, what came after the request) to `port` on 127.0.0.1. */
export function tunnel(socket: Socket, head: Buffer, port: number): void {
  const upstream = connect(port, "127.0.0.1", () => {
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    upstream.write(head);
    upstream.pipe(socket).pipe(upstream);
  });
  upstream.on("error", () => socket.destroy());
  socket.on("error", () => upstream.destroy());
}

/**
 * Start proxies, all closed after each test (registers a vitest `afterEach`). Each answers the n-th request it gets
 * (a CONNECT or a request to forward) with the n-th status of `answers`, the last one repeated: a refusal with no
 * body, except 200 to a CONNECT, which opens a tunnel to port `tunnelTo` on 127.0.0.1 (whatever host was asked, so
 * a site can be named without DNS). It never forwards a request.
 */
export function useRefusingProxies(): (answers: readonly number[], tunnelTo?: number) => Promise<TestProxy> {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });
  return async (answers, tunnelTo) => {
    const seen: string[] = [];
    const sockets = new Set<Socket>();
    const next = (line: string): number => answers[Math.min(seen.push(line), answers.length) - 1] ?? 500;
    const server = createServer((req, res) => {
      req.resume();
      const status = next(`${req.method} ${req.url}`);
      res.writeHead(status, status === 407 ? { "proxy-authenticate": 'Basic realm="proxy"' } : {}).end();
    });
    server.on("connect", (req, socket: Socket, head: Buffer) => {
      const status = next(`CONNECT ${req.url}`);
      if (status !== 200 || tunnelTo === undefined) {
        const auth = status === 407 ? 'Proxy-Authenticate: Basic realm="proxy"\r\n' : "";
        socket.end(`HTTP/1.1 ${status} Refused\r\n${auth}Content-Length: 0\r\n\r\n`);
        return;
      }
      tunnel(socket, head, tunnelTo);
    });
    server.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const agents: ProxyAgent[] = [];
    cleanups.push(async () => {
      await Promise.all(agents.map((a) => a.destroy()));
      // tunnels are upgraded sockets, which closeAllConnections() does not see
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return {
      url,
      seen,
      agent: (tunnel = true) => {
        const agent = new ProxyAgent({ uri: url, proxyTunnel: tunnel });
        agents.push(agent);
        return agent;
      },
    };
  };
}
