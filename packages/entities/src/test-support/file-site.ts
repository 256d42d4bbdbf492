/** Test helper: a node:http site on 127.0.0.1 that answers the RPCs a download needs and serves its files as a test says. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient, type Client } from "@sg/core";
import { openAttachment } from "../index.js";
import { scriptAuth } from "@sg/auth-script";
import { jsonRpcTransport } from "@sg/transport";

/** A running file site and a script-authenticated client of it. */
export interface FileSite {
  readonly client: Client;
  /** Resolves when the client hangs up on a file request (the connection closes before the answer ended). */
  readonly hungUp: Promise<void>;
  /** How many requests (RPCs and file requests) the site has received. */
  requests(): number;
  close(): Promise<void>;
}

/**
 * Start a site whose RPCs (`info`, `get_session_token`) are answered, and whose GETs go to `files` (e.g. a
 * `/file_serve/attachment/<id>` of `downloadAttachment(client, id)`). `tokenDelayMs` holds the answer of
 * `get_session_token` that long.
 */
export async function startFileSite(files: (req: IncomingMessage, res: ServerResponse) => void, tokenDelayMs = 0): Promise<FileSite> {
  let hangUp: () => void = () => {};
  const hungUp = new Promise<void>((resolve) => (hangUp = resolve));
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    if (req.method !== "GET") {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        const method = (JSON.parse(body) as { method_name: string }).method_name;
        const answer = (): unknown => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results: method === "get_session_token" ? { session_id: "file-site-token" } : { version: [8, 0, 0] } }));
        if (method === "get_session_token" && tokenDelayMs > 0) setTimeout(answer, tokenDelayMs);
        else answer();
      });
      return;
    }
    res.on("close", () => res.writableFinished || hangUp());
    files(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = createClient({ site: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, transport: jsonRpcTransport(), auth: scriptAuth({ scriptName: "files", scriptKey: "0".repeat(64) }) });
  return {
    client,
    hungUp,
    requests: () => requests,
    close: async () => {
      await client.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A {@link FileSite} serving attachment 7 with the `Content-Disposition` a test gives {@link DispositionSite.nameOf}. */
export interface DispositionSite extends FileSite {
  /** The `fileName` `openAttachment` reads from `header` (a string, or the exact bytes sent). */
  nameOf(header: string | Buffer): Promise<string | undefined>;
}

/** Start a {@link DispositionSite}. */
export async function startDispositionSite(): Promise<DispositionSite> {
  let disposition: Buffer = Buffer.alloc(0);
  // node:http writes a header string's characters as bytes (Latin-1): this sends `disposition`'s bytes unchanged
  const site = await startFileSite((_req, res) => res.writeHead(200, { "content-type": "application/octet-stream", "content-disposition": disposition.toString("latin1") }).end("x"));
  return {
    ...site,
    async nameOf(header) {
      disposition = typeof header === "string" ? Buffer.from(header, "latin1") : header;
      const opened = await openAttachment(site.client, 7);
      await opened.stream.cancel();
      return opened.fileName;
    },
  };
}
