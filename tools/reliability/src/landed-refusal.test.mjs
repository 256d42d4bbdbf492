// A write the transport sent again after a 502 (retry: { retryWrites: true }) whose second attempt the site refused
// with an auth fault: the first attempt may have created the row, so core does not re-send it after a refresh. The
// strategy still explains the refusal (here the real scriptAuth), and the explained error says maybeSent: true.
// Against a node:http server on 127.0.0.1 that answers 502 to the first request and fault 102 to the rest.
import { createServer } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { createClient } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { SgScriptAuthError, scriptAuth } from "@sg/auth-script";

const servers = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((done) => s.close(done)))));

async function gatewayThenRefusal() {
  const methods = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      methods.push(JSON.parse(body).method_name);
      if (methods.length === 1) {
        res.writeHead(502, { "content-type": "text/plain" });
        return res.end("bad gateway");
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ exception: true, error_code: 102, message: "Can't authenticate script 'bot'" }));
    });
  });
  servers.push(server);
  await new Promise((listening) => server.listen(0, "127.0.0.1", listening));
  return { url: `http://127.0.0.1:${server.address().port}`, methods };
}

describe("a write refused after a 502 that may have landed", () => {
  it("scriptAuth: SgScriptAuthError SG_SCRIPT_REJECTED with its hint and maybeSent: true (an own property); not re-sent", async () => {
    const site = await gatewayThenRefusal();
    const sg = createClient({
      site: site.url,
      transport: jsonRpcTransport({ retry: { retryWrites: true } }),
      auth: scriptAuth({ scriptName: "bot", scriptKey: "KEY-wrong-0123456789" }),
    });
    const err = await sg.call("create", { type: "Shot", data: { code: "sh010" } }).then(
      () => expect.unreachable("the call succeeded"),
      (error) => error,
    );
    expect(err).toBeInstanceOf(SgScriptAuthError);
    expect(err).toMatchObject({ code: "SG_SCRIPT_REJECTED", errorCode: 102 });
    expect(err.hint).toContain("Under Admin → Scripts");
    expect(Object.getOwnPropertyDescriptor(err, "maybeSent")?.value).toBe(true);
    expect(err.cause).toMatchObject({ maybeSent: true, errorCode: 102 });
    expect(site.methods).toEqual(["create", "create"]);
  });
});
