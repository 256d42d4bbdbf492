import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createCapturingLogger, findSecrets, rejectionOf } from "@sg/testing";
import { SessionErrorCode, SgBrowserLoginError, browserLogin } from "./index.js";

/** The approval request's id: whoever holds it can poll for the session once the person approves. */
const ID = "req-7f3a9c0e5b";

/**
 * A node:http site on 127.0.0.1 that hands out an approval request with {@link ID} and answers its polls with
 * `poll(n)` (n counts from 1): a status to send, or "drop" to close the connection without an answer.
 */
async function approvalSite(poll: (n: number) => number | "drop"): Promise<{ server: Server; url: string; polls: () => number }> {
  let polls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/internal_api/app_session_request") {
        const { port } = server.address() as AddressInfo;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ sessionRequestId: ID, url: `http://127.0.0.1:${port}/app_session_request/${ID}` }));
        return;
      }
      if (req.method === "PUT" && req.url === `/internal_api/app_session_request/${ID}`) {
        polls += 1;
        const answer = poll(polls);
        if (answer === "drop") {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer, { "content-type": "application/json" });
        res.end(answer === 200 ? JSON.stringify({ approved: true, sessionToken: "session-from-poll", userLogin: "coord" }) : "{}");
        return;
      }
      // GET /api/v1 and anything else: no opinion, so the login goes on.
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, polls: () => polls };
}

describe("browserLogin keeps the request id out of retries and network errors", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it("logs a retried poll (a 502 once) with <id> in place of the id", async () => {
    const site = await approvalSite((n) => (n === 1 ? 502 : 200));
    server = site.server;
    const logger = createCapturingLogger();
    const result = await browserLogin({ site: site.url, appName: "auth-session tests", machineId: "m", pollIntervalMs: 10, onUrl: () => undefined, logger });
    expect(result.userLogin).toBe("coord");
    expect(site.polls()).toBe(2);
    const lines = logger.text();
    expect(lines.some((line) => line.includes(`PUT ${site.url}/internal_api/app_session_request/<id> failed, retrying`))).toBe(true);
    expect(lines.join("\n")).not.toContain(ID);
  });

  it("says which site it could not reach when every poll drops, without the id in logs or the error", { timeout: 15_000 }, async () => {
    const site = await approvalSite(() => "drop");
    server = site.server;
    const logger = createCapturingLogger();
    const error = await rejectionOf(browserLogin({ site: site.url, appName: "auth-session tests", machineId: "m", pollIntervalMs: 10, onUrl: () => undefined, logger }));
    expect(error).toBeInstanceOf(SgBrowserLoginError);
    expect(error).toMatchObject({ code: SessionErrorCode.BROWSER_LOGIN_FAILED });
    expect((error as Error).message).toContain(`could not reach ${site.url}/internal_api/app_session_request/<id>`);
    expect(findSecrets(error, [ID])).toEqual([]);
    expect(JSON.stringify((error as SgBrowserLoginError).toJSON())).not.toContain(ID);
    expect(site.polls()).toBe(4);
    expect(logger.text().join("\n")).not.toContain(ID);
  });
});
