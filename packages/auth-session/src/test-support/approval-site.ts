/** A node:http site on 127.0.0.1 that hands out one browser-approval request, for the browserLogin tests. */
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { onTestFinished } from "vitest";

/** The approval request's id: whoever holds it can poll for the session once the person approves. */
export const ID = "req-7f3a9c0e5b";

/** A running approval site. */
export interface ApprovalSite {
  readonly server: Server;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** How many polls it was sent. */
  polls(): number;
}

/**
 * Start a site that hands out an approval request with {@link ID} at `approvalUrl(port)` (default: its own
 * `/app_session_request/<ID>`) and answers its polls with `poll(n)` (n counts from 1): a status to send (with an
 * approval for 200, else `{}`), a status and the body to send with it, or "drop" to close the connection without an
 * answer. It is closed after the test.
 */
export async function approvalSite(poll: (n: number) => number | readonly [status: number, body: string] | "drop", approvalUrl = (port: number): string => `http://127.0.0.1:${port}/app_session_request/${ID}`): Promise<ApprovalSite> {
  let polls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/internal_api/app_session_request") {
        const { port } = server.address() as AddressInfo;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ sessionRequestId: ID, url: approvalUrl(port) }));
        return;
      }
      if (req.method === "PUT" && req.url === `/internal_api/app_session_request/${ID}`) {
        polls += 1;
        const answer = poll(polls);
        if (answer === "drop") {
          req.socket.destroy();
          return;
        }
        const [status, body] = typeof answer === "number" ? [answer, answer === 200 ? JSON.stringify({ approved: true, sessionToken: "session-from-poll", userLogin: "coord" }) : "{}"] : answer;
        res.writeHead(status, { "content-type": "application/json" });
        res.end(body);
        return;
      }
      // GET /api/v1 and anything else: no opinion, so the login goes on.
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, polls: () => polls };
}
