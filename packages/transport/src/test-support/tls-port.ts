import { createServer as createHttpsServer } from "node:https";
import { connect, createServer as createNetServer } from "node:net";
import type { AddressInfo, Socket } from "node:net";
import { afterEach } from "vitest";

/**
 * A self-signed certificate for `localhost` and `127.0.0.1`, valid from 2000 to 2100, with its P-256 key: a
 * test fixture for loopback servers only, trusted by nothing. Made once with OpenSSL (`genpkey` EC P-256; `req`
 * with CN=localhost; `ca -selfsign` with `subjectAltName = DNS:localhost,IP:127.0.0.1`, `CA:FALSE`,
 * `extendedKeyUsage = serverAuth` and those dates), so the tests do not need OpenSSL on the machine.
 */
export const TEST_TLS = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgGlvNKF/Qhqxlq5vT
oFh/pAOyZ8L4Z1CwaH/t+hkYpCChRANCAAQH3DAsRMM3E/7cQ+xhcoYPwh1JKdk3
XrQDL7P+EfFAXHdyqDX+L20P3ftUqKmInQOYt0FIckvhE/crunCT/V9m
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBiDCCAS+gAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAlsb2NhbGhv
c3QwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CWxvY2FsaG9zdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABAfcMCxEwzcT/txD
7GFyhg/CHUkp2TdetAMvs/4R8UBcd3KoNf4vbQ/d+1SoqYidA5i3QUhyS+ET9yu6
cJP9X2ajcDBuMBoGA1UdEQQTMBGCCWxvY2FsaG9zdIcEfwAAATAMBgNVHRMBAf8E
AjAAMA4GA1UdDwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcDATAdBgNVHQ4E
FgQUN/Y3oYfHiWz0o1BeJU+aURAXsuUwCgYIKoZIzj0EAwIDRwAwRAIgM3C721Pj
7b+UAyx1JF8qIaAKAVQU0vIXcuYUMiw9mgcCIBusEog6pViysZ7MT80F+nbBwAG8
TFbRwe7GPVSct+TE
-----END CERTIFICATE-----
`,
} as const;

/**
 * What a port that speaks TLS answers to plain HTTP:
 * - `"close"`: Node's own TLS server (OpenSSL): it closes the connection without a word;
 * - `"alert"`: a fatal TLS alert record (`protocol_version`), as TLS stacks that answer a record they cannot
 *   read with an alert do;
 * - `"http-400"`: a plain `400` naming the mistake, as nginx and the load balancers built like it do.
 */
export type PlainHttpAnswer = "close" | "alert" | "http-400";

/** A port on 127.0.0.1 that speaks TLS (with {@link TEST_TLS}) and answers plain HTTP as told. */
export interface TlsPort {
  readonly port: number;
  /** HTTP requests its TLS side received (a plain HTTP request is never one of them). */
  requests(): number;
}

/**
 * Start ports that speak TLS, all closed after each test (registers a vitest `afterEach`). Each is a TCP
 * front: a connection whose first byte starts a TLS handshake record is relayed to a node:https server
 * (answering `{}`), and so is anything in `"close"` mode (Node's own answer); other first bytes get the
 * {@link PlainHttpAnswer}.
 */
export function useTlsPorts(): (plain: PlainHttpAnswer) => Promise<TlsPort> {
  const open: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((close) => close()));
  });
  return async (plain) => {
    let requests = 0;
    const https = createHttpsServer(TEST_TLS, (_req, res) => {
      requests += 1;
      res.end("{}");
    });
    await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
    const httpsPort = (https.address() as AddressInfo).port;
    const sockets = new Set<Socket>();
    const front = createNetServer((socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
      socket.once("data", (first: Buffer) => {
        if (first[0] === 0x16 || plain === "close") {
          const relay = connect(httpsPort, "127.0.0.1");
          sockets.add(relay);
          relay.on("error", () => socket.destroy());
          relay.write(first);
          socket.pipe(relay).pipe(socket);
        } else if (plain === "alert") {
          socket.end(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]));
        } else {
          const body = "<html><head><title>400 The plain HTTP request was sent to HTTPS port</title></head></html>";
          socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: text/html\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
        }
      });
    });
    await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
    open.push(async () => {
      for (const socket of sockets) socket.destroy();
      https.closeAllConnections();
      await Promise.all([new Promise((resolve) => front.close(resolve)), new Promise((resolve) => https.close(resolve))]);
    });
    return { port: (front.address() as AddressInfo).port, requests: () => requests };
  };
}
