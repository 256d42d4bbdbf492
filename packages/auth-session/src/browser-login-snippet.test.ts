import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { rejectionOf } from "@sg/testing";
import { SgBrowserLoginError, browserLogin } from "./index.js";

/** A node:http site on 127.0.0.1 that answers the approval request with a 400 and `body`, and anything else with a 404. */
async function refusingSite(body: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const approval = req.method === "POST" && req.url === "/internal_api/app_session_request";
      res.writeHead(approval ? 400 : 404, { "content-type": "text/plain; charset=utf-8" });
      res.end(approval ? body : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("browserLogin's error for an unexpected answer quotes the start of the site's words", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  const failure = async (body: string): Promise<SgBrowserLoginError> => {
    const site = await refusingSite(body);
    server = site.server;
    const error = await rejectionOf(browserLogin({ site: site.url, appName: "auth-session tests", machineId: "m", pollIntervalMs: 10, onUrl: () => undefined }));
    expect(error).toBeInstanceOf(SgBrowserLoginError);
    return error as SgBrowserLoginError;
  };

  // Cut first, the secret field lost its closing quote, and the scrubbing (which needs the whole field) kept its start.
  it("scrubbed before it is cut: a secret field across the 200th character shows none of its value", async () => {
    const token = "TOKENMARK-9c1f4e2a7b3d";
    const error = await failure(`{"note": "${"n".repeat(160)}", "sessionToken": "${token}"}`);
    expect(error.message).toContain(`"sessionToken": "[REDACTED]…`);
    for (const text of [error.message, JSON.stringify(error), inspect(error, { showHidden: true })]) expect(text).not.toContain("TOKENMARK");
  });

  it("never cut inside a character: a body of emoji keeps whole pairs", async () => {
    const error = await failure("a" + "🎬".repeat(400));
    expect(error.message).toContain(`HTTP 400 a${"🎬".repeat(99)}…`);
    expect(error.message).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(JSON.stringify(error)).not.toMatch(/\\ud[89a-f]/i);
  });
});
