import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback HTTP proxy in front of one site that notes every session token sent to it and issued by it, and the
 * method of every API call it received (also of a call whose client went away before the answer).
 */
export interface RecordingProxy {
  /** The URL to give a client instead of the site's. */
  readonly url: string;
  /** Each `session_token` a request carried, in order. */
  readonly sent: string[];
  /** Each `session_id` a `get_session_token` reply carried, in order. */
  readonly issued: string[];
  /** The `method_name` of each API call received, in order, noted as it arrives. */
  readonly methods: string[];
  /** Resolves when the next call for `method` arrives (it is then forwarded, so it is in flight). */
  arrival(method: string): Promise<void>;
  /** Resolves once every call forwarded so far has been answered by the site (or failed), whether or not its client still waits. */
  settled(): Promise<void>;
  /** Stop listening. */
  close(): Promise<void>;
}

/** Start a {@link RecordingProxy} that forwards every request to `target` (a site URL). */
export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const sent: string[] = [];
  const issued: string[] = [];
  const methods: string[] = [];
  let waiting: { readonly method: string; readonly arrived: () => void }[] = [];
  const forwarded = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const envelope = JSON.parse(body || "{}") as { method_name?: string; params?: [{ session_token?: string }?] };
      const token = envelope.params?.[0]?.session_token;
      if (token !== undefined) sent.push(token);
      if (envelope.method_name !== undefined) {
        methods.push(envelope.method_name);
        const here = waiting.filter((wait) => wait.method === envelope.method_name);
        waiting = waiting.filter((wait) => !here.includes(wait));
        for (const wait of here) wait.arrived();
      }
      const forward = fetch(new URL(req.url ?? "/", target), { method: req.method ?? "POST", headers: { "content-type": "application/json" }, ...(body ? { body } : {}) })
        .then(async (answer) => {
          const text = await answer.text();
          const id = (JSON.parse(text || "{}") as { results?: { session_id?: string } }).results?.session_id;
          if (id !== undefined) issued.push(id);
          res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
          res.end(text);
        })
        // The site dropped the connection (e.g. reset while the call waited out its latency): drop the client's too.
        .catch(() => void req.socket.destroy())
        .finally(() => forwarded.delete(forward));
      forwarded.add(forward);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    issued,
    methods,
    settled: async () => {
      while (forwarded.size > 0) await Promise.all(forwarded);
    },
    arrival: (method) => new Promise<void>((arrived) => waiting.push({ method, arrived })),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
