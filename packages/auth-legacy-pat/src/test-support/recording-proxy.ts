import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback HTTP proxy in front of one site that notes every session token sent to it and issued by it. */
export interface RecordingProxy {
  /** The URL to give a client instead of the site's. */
  readonly url: string;
  /** Each `session_token` a request carried, in order. */
  readonly sent: string[];
  /** Each `session_id` a `get_session_token` reply carried, in order. */
  readonly issued: string[];
  /** Stop listening. */
  close(): Promise<void>;
}

/** Start a {@link RecordingProxy} that forwards every request to `target` (a site URL). */
export async function recordingProxy(target: string): Promise<RecordingProxy> {
  const sent: string[] = [];
  const issued: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const token = (JSON.parse(body || "{}") as { params?: [{ session_token?: string }?] }).params?.[0]?.session_token;
      if (token !== undefined) sent.push(token);
      void fetch(new URL(req.url ?? "/", target), { method: req.method ?? "POST", headers: { "content-type": "application/json" }, ...(body ? { body } : {}) }).then(async (answer) => {
        const text = await answer.text();
        const id = (JSON.parse(text || "{}") as { results?: { session_id?: string } }).results?.session_id;
        if (id !== undefined) issued.push(id);
        res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
        res.end(text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    issued,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
