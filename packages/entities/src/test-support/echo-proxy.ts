/**
 * Test helper: a node:http reverse proxy on 127.0.0.1 in front of the emulator that, for the paths a test names,
 * answers with the secrets it received instead (a site or proxy that echoes what it was sent): the values of the
 * secret-named form fields (`script_key`, `session_token`, `user_password`, a custom `vault_token`…), the cookies, and
 * the Basic-auth header's value, its base64 part and its decoded password — in the emulator's place, or after passing
 * the request on to it (a gateway failing after the site took the request); or it resets the connection in place of
 * an answer. Everything else is passed to the emulator, whose own address in the answers is replaced by the proxy's
 * (upload and download links come back through it).
 */
import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { isSecretKey } from "@sg/core";

/** An answer the proxy gives instead of the emulator's. */
export interface EchoRule {
  /** The start of the paths answered so. */
  readonly path: string;
  /** The HTTP status of the answer. */
  readonly status: number;
  /** The answer's body, from the secret values the request carried (as the proxy read them, in order). */
  readonly body: (secrets: readonly string[]) => string;
  /** How many requests it answers (default 1). */
  readonly times?: number;
  /**
   * Pass the request on to the emulator first, and answer so once the emulator has answered it: the request landed,
   * as behind a gateway that fails after the site took it (default: answered without passing it on).
   */
  readonly landed?: boolean;
  /** Reset the connection (a TCP RST) in place of the answer: `status` and `body` are not sent. */
  readonly reset?: boolean;
}

/** A request whose body the proxy stopped reading (see {@link EchoProxy.hold}). */
export interface Hold {
  /** Settles once the first chunk of the held request's body has arrived. */
  readonly reached: Promise<void>;
  /** Read the rest of the body, and pass the request on as usual. */
  release(): void;
}

/** A running echo proxy. */
export interface EchoProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every secret value an echoed request carried, so far: what no error may show. */
  readonly echoed: Set<string>;
  /** Answer the next requests of a path with their secrets. */
  echo(rule: EchoRule): void;
  /**
   * Stop reading the body of the next request whose path starts with `path` once its first chunk has arrived, until
   * `release()`: the client's sending then waits on a full socket, partway through a large body.
   */
  hold(path: string): Hold;
  /** Whether every rule was used up (each echo was sent). */
  spent(): boolean;
  /** Forget the rules not used up. */
  clear(): void;
  /** Stop it. */
  close(): Promise<void>;
}

/** Options of {@link startEchoProxy}. */
export interface EchoProxyOptions {
  /** Announce the cloud-storage upload route in `info` (`s3_direct_uploads_enabled`), as such a site does. */
  readonly cloud?: boolean;
}

interface Held {
  readonly path: string;
  readonly reached: () => void;
  readonly released: Promise<void>;
}

/** The whole body of `message`; with `held`, reading waits after the first chunk until it is released. */
async function bodyOf(message: IncomingMessage, held?: Held): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) {
    chunks.push(chunk as Buffer);
    if (held && chunks.length === 1) {
      held.reached();
      await held.released;
    }
  }
  return Buffer.concat(chunks);
}

/** The secret values a request carries: credential form fields, cookies, and Basic auth in every form it may be echoed. */
async function secretsIn(req: IncomingMessage, body: Buffer): Promise<string[]> {
  const found: string[] = [];
  const authorization = req.headers.authorization;
  if (authorization) {
    const b64 = authorization.replace(/^Basic\s+/i, "");
    const decoded = Buffer.from(b64, "base64").toString("utf8");
    found.push(authorization, b64, decoded, decoded.slice(decoded.indexOf(":") + 1));
  }
  for (const cookie of (req.headers.cookie ?? "").split(";")) if (cookie.includes("=")) found.push(cookie.slice(cookie.indexOf("=") + 1).trim());
  const type = req.headers["content-type"] ?? "";
  if (type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded")) {
    const form = await new Response(body, { headers: { "content-type": type } }).formData();
    for (const [name, value] of form) if (typeof value === "string" && isSecretKey(name)) found.push(value);
  }
  return found.filter((s) => s !== "");
}

/** Start a proxy on 127.0.0.1 in front of `upstream` (the emulator's URL). */
export async function startEchoProxy(upstream: string, options: EchoProxyOptions = {}): Promise<EchoProxy> {
  const target = new URL(upstream);
  const rules: { rule: EchoRule; left: number }[] = [];
  const echoed = new Set<string>();
  const holds: Held[] = [];
  let url = "";
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? "/").split("?")[0]!;
      const h = holds.findIndex((held) => path.startsWith(held.path));
      // a client that gives up partway through its body gets no answer
      const body = await bodyOf(req, h < 0 ? undefined : holds.splice(h, 1)[0]).catch(() => undefined);
      if (body === undefined) return;
      const at = rules.findIndex(({ rule }) => path.startsWith(rule.path));
      const rule = rules[at]?.rule;
      if (at >= 0 && --rules[at]!.left === 0) rules.splice(at, 1);
      const secrets = rule ? await secretsIn(req, body) : [];
      const echo = (): void => {
        if (rule!.reset) return void req.socket.resetAndDestroy();
        for (const s of secrets) echoed.add(s);
        res.writeHead(rule!.status, { "content-type": "text/plain; charset=utf-8" }).end(rule!.body(secrets));
      };
      if (rule && !rule.landed) return echo();
      const info = options.cloud === true && body.includes('"method_name":"info"');
      const headers = { ...req.headers, host: target.host, "content-length": String(body.length) };
      const forwarded = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
        void bodyOf(answer).then((raw) => {
          if (rule) return echo();
          let text = raw.toString("latin1").replaceAll(target.origin, url);
          if (info) {
            const reply = JSON.parse(raw.toString("utf8")) as { results: Record<string, unknown> };
            text = JSON.stringify({ results: { ...reply.results, s3_direct_uploads_enabled: true, s3_enabled_upload_types: { "*": "*" } } });
          }
          const out = Buffer.from(text, "latin1");
          res.writeHead(answer.statusCode ?? 502, { ...answer.headers, "content-length": String(out.length) }).end(out);
        });
      });
      forwarded.on("error", () => res.writeHead(502).end());
      forwarded.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    echoed,
    echo: (rule) => void rules.push({ rule, left: rule.times ?? 1 }),
    hold: (path) => {
      let reached = (): void => {};
      let release = (): void => {};
      const hold = { reached: new Promise<void>((resolve) => (reached = resolve)), release: () => release() };
      holds.push({ path, reached, released: new Promise<void>((resolve) => (release = resolve)) });
      return hold;
    },
    spent: () => rules.length === 0,
    clear: () => void rules.splice(0),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
