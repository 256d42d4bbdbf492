/**
 * A small HTTP proxy on 127.0.0.1 for the tests: forwards absolute-URI requests (plain http) and tunnels CONNECT
 * (https), sending every one to a port on 127.0.0.1 whatever host was asked for, so a site can be named
 * `studio.test` without DNS. It records what it was asked, and can demand a login.
 */
import { createServer, request as httpRequest } from "node:http";
import { connect, type AddressInfo } from "node:net";

/** One request the proxy received. */
export interface ProxiedRequest {
  /** `CONNECT`, or the method of a forwarded request. */
  readonly method: string;
  /** `host:port` for CONNECT, else the absolute URL. */
  readonly target: string;
  /** The `Proxy-Authorization` header, when sent. */
  readonly authorization: string | undefined;
}

/** A running proxy. */
export interface LoopbackProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** What it received so far. */
  readonly seen: ProxiedRequest[];
  /** Stop it. */
  close(): Promise<void>;
}

/** Options of {@link startLoopbackProxy}. */
export interface LoopbackProxyOptions {
  /** Where CONNECT tunnels go (default: the port asked for). */
  readonly tunnelPort?: number;
  /** Answer 407 unless `Proxy-Authorization` is exactly this. */
  readonly requireAuthorization?: string;
  /** Answer every CONNECT with this status instead of opening the tunnel (403: the site is not allowed). */
  readonly refuseConnect?: number;
}

/** Start a proxy on 127.0.0.1. */
export async function startLoopbackProxy(options: LoopbackProxyOptions = {}): Promise<LoopbackProxy> {
  const seen: ProxiedRequest[] = [];
  const refused = (authorization: string | undefined): boolean => options.requireAuthorization !== undefined && authorization !== options.requireAuthorization;
  const server = createServer((req, res) => {
    const authorization = req.headers["proxy-authorization"];
    seen.push({ method: req.method ?? "", target: req.url ?? "", authorization });
    if (refused(authorization)) {
      res.writeHead(407, { "proxy-authenticate": 'Basic realm="test"' }).end();
      return;
    }
    const target = new URL(req.url ?? "/");
    const headers = { ...req.headers };
    delete headers["proxy-authorization"];
    const upstream = httpRequest({ host: "127.0.0.1", port: target.port || 80, method: req.method, path: target.pathname + target.search, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on("connect", (req, socket, head) => {
    const authorization = req.headers["proxy-authorization"];
    seen.push({ method: "CONNECT", target: req.url ?? "", authorization });
    if (refused(authorization)) {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    if (options.refuseConnect !== undefined) {
      socket.end(`HTTP/1.1 ${options.refuseConnect} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const port = options.tunnelPort ?? Number((req.url ?? "").split(":").pop());
    const upstream = connect(port, "127.0.0.1", () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
