import { describe, expect, it } from "vitest";
import { SgHttpError, SgNetworkError } from "@sg/core";
import type { Credentials, SgError } from "@sg/core";
import { SgTlsError, jsonRpcTransport } from "./index.js";
import type { TlsFailure } from "./index.js";
import { contextFor, fail, fakeClock, json, useTestServers } from "./test-support/server.js";
import { useTlsPorts } from "./test-support/tls-port.js";

// Real sockets on 127.0.0.1: a site URL whose scheme does not match what its port speaks, and a certificate
// that is not trusted, told apart by `tls` on the error rather than by its message.

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const read = { method: "read", payload: { type: "Shot" }, credentials: script, kind: "read" as const };
const create = { method: "create", payload: { type: "Shot", data: { code: "x" } }, credentials: script, kind: "write" as const };
const serve = useTestServers();
const tlsPort = useTlsPorts();
const SCHEME_HINT = /^Nothing was sent\. Check the site URL's scheme and port \(https:\/\/ needs a port that speaks TLS, http:\/\/ one that does not\) and whether a proxy intercepts TLS\.$/;

/**
 * Send a read and a create to `site`: each must end after one attempt, with no backoff, in an {@link SgTlsError}
 * of kind `tls` for `syscallCode`, not sent, whose message says `words`. Returns the two errors.
 */
async function tlsFailures(site: string, tls: TlsFailure, syscallCode: string, words: string): Promise<SgError[]> {
  const clock = fakeClock();
  const errors: SgError[] = [];
  for (const request of [read, create]) {
    const err = await fail(jsonRpcTransport().send(request, contextFor(site, clock)));
    expect(err).toBeInstanceOf(SgNetworkError);
    expect(err).toBeInstanceOf(SgTlsError);
    expect(err).toMatchObject({ code: "SG_NETWORK", tls, maybeSent: false, syscallCode });
    expect(err.reason).toBe(`Network error calling '${request.method}': ${words} (${syscallCode})`);
    expect(err.attempts.map((a) => a.code)).toEqual([syscallCode]);
    errors.push(err);
  }
  expect(clock.sleeps).toEqual([]);
  return errors;
}

describe("TLS failures over real sockets", () => {
  it("https:// to a port that speaks plain HTTP is a protocol failure, not a certificate one: nothing sent, never retried", async () => {
    const server = await serve((_req, res) => json(res, { results: [] }));
    const words = "TLS handshake failed, not a certificate problem";
    for (const err of await tlsFailures(`https://127.0.0.1:${server.port}`, "protocol", "ERR_SSL_WRONG_VERSION_NUMBER", words)) {
      expect(err.hint).toMatch(SCHEME_HINT);
      expect(err.hint).not.toMatch(/certificate|NODE_EXTRA_CA_CERTS/);
      expect((err.toJSON() as { tls?: unknown }).tls).toBe("protocol");
    }
    expect(server.requests).toHaveLength(0);
  });

  it("a certificate nobody trusts stays a certificate failure, with the CA hint", async () => {
    const port = await tlsPort("close");
    const words = "TLS failure (certificate not accepted)";
    for (const err of await tlsFailures(`https://127.0.0.1:${port.port}`, "certificate", "DEPTH_ZERO_SELF_SIGNED_CERT", words)) {
      expect(err.hint).toMatch(/^The site's TLS certificate was not accepted\. For a private CA, start Node with NODE_EXTRA_CA_CERTS=/);
    }
    expect(port.requests()).toBe(0);
  });

  it("http:// to a port that speaks TLS and answers with a TLS alert is recognised: nothing sent, never retried", async () => {
    const port = await tlsPort("alert");
    const words = "the port speaks TLS, not plain HTTP";
    for (const err of await tlsFailures(`http://127.0.0.1:${port.port}`, "protocol", "ERR_SSL_HTTP_REQUEST", words)) {
      expect(err.hint).toMatch(SCHEME_HINT);
    }
    // the same port, as https://, gets as far as the certificate
    const err = await fail(jsonRpcTransport().send(read, contextFor(`https://127.0.0.1:${port.port}`, fakeClock())));
    expect(err).toMatchObject({ tls: "certificate" });
  });

  it("http:// to a TLS port whose front answers 400 'plain HTTP request was sent to HTTPS port' gets a hint to use https://", async () => {
    const port = await tlsPort("http-400");
    const err = await fail(jsonRpcTransport().send(create, contextFor(`http://127.0.0.1:${port.port}`, fakeClock())));
    expect(err).toBeInstanceOf(SgHttpError);
    expect(err).toMatchObject({ status: 400 });
    expect(err.reason).toMatch(/^HTTP 400 Bad Request from the site for 'create' — .*The plain HTTP request was sent to HTTPS port/);
    expect(err.hint).toBe("This port speaks TLS: use https:// in the site URL.");
    expect(err.attempts).toHaveLength(1);
  });

  it("http:// to Node's own TLS server, which closes without a word, cannot be told from a dropped request: it stays maybe sent", async () => {
    // OpenSSL reads the request as a bad record and closes the connection without answering: the client sees
    // what a site that died while handling the request would show, so a write is not called "not sent".
    const port = await tlsPort("close");
    const clock = fakeClock();
    const err = await fail(jsonRpcTransport().send(create, contextFor(`http://127.0.0.1:${port.port}`, clock)));
    expect(err).toBeInstanceOf(SgNetworkError);
    expect(err).not.toBeInstanceOf(SgTlsError);
    expect(err).toMatchObject({ maybeSent: true, syscallCode: "UND_ERR_SOCKET" });
    expect(err.attempts).toHaveLength(1);
    const again = await fail(jsonRpcTransport().send(read, contextFor(`http://127.0.0.1:${port.port}`, clock)));
    expect(again.attempts).toHaveLength(3);
    expect(port.requests()).toBe(0);
  });
});
