/**
 * A TLS endpoint on 127.0.0.1 in front of a plain-http port (the emulator), with a self-signed certificate for
 * `studio.test` and 127.0.0.1 made by `openssl` for the run: an https site to reach through a CONNECT tunnel, or
 * directly.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:tls";

/** A running TLS endpoint. */
export interface TlsTerminator {
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** A PEM file of its certificate, to trust with NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  /** Stop it and remove the certificate. */
  close(): Promise<void>;
}

/** Terminate TLS for `host` and pass the bytes on to `targetPort` on 127.0.0.1. */
export async function startTlsTerminator(targetPort: number, host = "studio.test"): Promise<TlsTerminator> {
  const dir = mkdtempSync(join(tmpdir(), "sg-cli-tls-"));
  const keyFile = join(dir, "key.pem");
  const caFile = join(dir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", `/CN=${host}`, "-addext", `subjectAltName=DNS:${host},IP:127.0.0.1`, "-keyout", keyFile, "-out", caFile], { stdio: "ignore" });
  const server = createServer({ key: readFileSync(keyFile), cert: readFileSync(caFile) }, (socket) => {
    const upstream = connect(targetPort, "127.0.0.1");
    socket.pipe(upstream).pipe(socket);
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    caFile,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        rmSync(dir, { recursive: true, force: true });
      }),
  };
}
