// HTTP answers about credentials: a proxy's (or the site's) 401, with and without user:pass@ in the site URL.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { SgHttpError, parseSite } from "@sg/core";
import type { Credentials } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { contextFor, fail, fakeClock, text, useTestServers } from "./test-support/server.js";

const session: Credentials = Object.freeze({ kind: "session", sessionToken: "tok-expired-1" });
const serve = useTestServers();
const read = (credentials: Credentials = session) => ({ method: "read", payload: { type: "Shot" }, credentials, kind: "read" as const });

describe("401 from the site or a proxy in front of it", () => {
  const refuse = () => serve((_req, res) => text(res, "<html><body>401 Authorization Required</body></html>", 401, "text/html", { "www-authenticate": 'Basic realm="studio"' }));

  it("without user:pass@ in the site URL: the hint says where credentials go, and reaches the user whole", async () => {
    const server = await refuse();
    const err = await fail(jsonRpcTransport().send(read(), contextFor(server.url, fakeClock())));
    expect(err).toBeInstanceOf(SgHttpError);
    const hint = "A proxy in front of the site asked for credentials; put them in the site URL, as user:password@ before the host name.";
    expect(err.hint).toBe(hint);
    expect(err.message).toContain(`Hint: ${hint}`);
    expect(JSON.stringify(err.toJSON())).toContain(hint);
    expect(err.message).not.toContain("[REDACTED]");
  });

  it("with user:pass@ in the site URL: the hint says those were refused, and never shows them", async () => {
    const server = await refuse();
    const site = parseSite(`http://proxyuser:Pr0xy-pass-9@127.0.0.1:${server.port}`);
    const err = await fail(jsonRpcTransport().send(read(), contextFor(site, fakeClock())));
    expect(err).toBeInstanceOf(SgHttpError);
    expect(err.hint).toBe("The user and password in the site URL were refused; check them.");
    expect(server.requests[0]!.headers["authorization"]).toBe(`Basic ${Buffer.from("proxyuser:Pr0xy-pass-9").toString("base64")}`);
    for (const shown of [err.message, JSON.stringify(err.toJSON()), inspect(err, { depth: 5 })]) {
      expect(shown).not.toContain("Pr0xy-pass-9");
      expect(shown).not.toContain(Buffer.from("proxyuser:Pr0xy-pass-9").toString("base64"));
    }
  });
});
