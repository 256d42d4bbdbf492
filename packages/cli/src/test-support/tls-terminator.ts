/**
 * A port on 127.0.0.1 that speaks TLS in front of a plain-http port (the emulator): an https site to reach directly
 * or through a CONNECT tunnel. A connection whose first byte starts a TLS handshake is relayed to a node:tls server
 * (with {@link TEST_TLS}) and on to the target; anything else (plain http) gets a fatal TLS alert, as TLS stacks
 * that cannot read a record answer.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";

/**
 * A self-signed certificate for `studio.test` and `127.0.0.1` (not `localhost`), valid from 2000 to 2100, with its
 * P-256 key: a fixture for loopback servers in tests only, trusted by nothing unless a test says so. Made once with
 * OpenSSL (`genpkey` EC P-256, `req` CN=studio.test, `ca -selfsign` with `subjectAltName = DNS:studio.test,
 * IP:127.0.0.1`, `CA:FALSE`, `extendedKeyUsage = serverAuth` and those dates), so the tests need no OpenSSL.
 */
export const TEST_TLS = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgYZmlhNfkDUhJ5rZd
9u3U+YLAMLd5sJfiIKaRunBpyrGhRANCAASexJwSJsx+xAN+3b7zMakix7b38RJ1
9y0Sn491nkug7W5QH2gU1iJ4kftbUvqCtgBXDQJCHLUofkzSR7ZIdIP8
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBjzCCATWgAwIBAgIBATAKBggqhkjOPQQDAjAWMRQwEgYDVQQDDAtzdHVkaW8u
dGVzdDAgFw0wMDAxMDEwMDAwMDBaGA8yMTAwMDEwMTAwMDAwMFowFjEUMBIGA1UE
AwwLc3R1ZGlvLnRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASexJwSJsx+
xAN+3b7zMakix7b38RJ19y0Sn491nkug7W5QH2gU1iJ4kftbUvqCtgBXDQJCHLUo
fkzSR7ZIdIP8o3IwcDAcBgNVHREEFTATggtzdHVkaW8udGVzdIcEfwAAATAMBgNV
HRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcDATAd
BgNVHQ4EFgQUDy38TiinF5xmtdcTotR/zEXIZaUwCgYIKoZIzj0EAwIDSAAwRQIh
AN+2IwBCcC5l8E0iRhuWXnIhB6toFjYi1mMBy777sXUtAiAk6coudSGSXaRseW6j
ghv4yIe2Rl4CplWiimB6FEXZVw==
-----END CERTIFICATE-----
`,
} as const;

/** A running TLS port. */
export interface TlsTerminator {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** A PEM file of its certificate, to trust with NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  /** Stop it and remove the certificate file. */
  close(): Promise<void>;
}

/** A fatal TLS alert record: `protocol_version`. */
const ALERT = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]);

/**
 * A self-signed certificate for `proxy.example` only (not `127.0.0.1`), valid from 2000 to 2100, with its P-256 key:
 * a TLS proxy on 127.0.0.1 whose certificate, trusted, names another host. Made once with OpenSSL like
 * {@link TEST_TLS}, with `subjectAltName = DNS:proxy.example`.
 */
export const PROXY_EXAMPLE_TLS = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg1egqddd7SpTZSDRD
cLWABVwKS+00IAahSTLNjVyZNIyhRANCAAS7qMbSJlBviFVNTVA5fr8JlcT0Dssd
1IeVTYKFhrB0QicdP2bVCMC+eeCfGDjO0H3CFGbw/3nlVLW0DRcKv/bs
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBkDCCATWgAwIBAgIBATAKBggqhkjOPQQDAjAYMRYwFAYDVQQDDA1wcm94eS5l
eGFtcGxlMCAXDTAwMDEwMTAwMDAwMFoYDzIxMDAwMTAxMDAwMDAwWjAYMRYwFAYD
VQQDDA1wcm94eS5leGFtcGxlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEu6jG
0iZQb4hVTU1QOX6/CZXE9A7LHdSHlU2ChYawdEInHT9m1QjAvnngnxg4ztB9whRm
8P955VS1tA0XCr/27KNuMGwwGAYDVR0RBBEwD4INcHJveHkuZXhhbXBsZTAMBgNV
HRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcDATAd
BgNVHQ4EFgQU3DCqqeJcknFm5Va21/aTfdzr6zgwCgYIKoZIzj0EAwIDSQAwRgIh
AIkjKJhF1/MvzXRWTnbg8SDPgQToxsBoI/uqj38VYI4nAiEAkW69BhFGEL5qpUNd
KJ0FH3W3UrTYU8wtTC+MwkY89Gg=
-----END CERTIFICATE-----
`,
} as const;

/**
 * Speak TLS on a port of 127.0.0.1 and pass what comes through on to `targetPort` on 127.0.0.1.
 *
 * @param tls - its key and certificate (default {@link TEST_TLS}).
 */
export async function startTlsTerminator(targetPort: number, tls: { readonly key: string; readonly cert: string } = TEST_TLS): Promise<TlsTerminator> {
  const dir = mkdtempSync(join(tmpdir(), "sg-cli-tls-"));
  const caFile = join(dir, "cert.pem");
  writeFileSync(caFile, tls.cert);
  const sockets = new Set<Socket>();
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    return socket;
  };
  const server = createTlsServer(tls, (socket) => {
    const upstream = track(connect(targetPort, "127.0.0.1"));
    socket.on("error", () => upstream.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const tlsPort = (server.address() as AddressInfo).port;
  const front = createNetServer((socket) => {
    track(socket);
    socket.once("data", (first: Buffer) => {
      if (first[0] !== 0x16) {
        socket.end(ALERT);
        return;
      }
      const relay = track(connect(tlsPort, "127.0.0.1"));
      relay.write(first);
      socket.pipe(relay).pipe(socket);
    });
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  const { port } = front.address() as AddressInfo;
  return {
    port,
    caFile,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([new Promise((resolve) => front.close(resolve)), new Promise((resolve) => server.close(resolve))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
