import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "@sg/core";
import type { Client } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { startEmulator } from "@sg/emulator";
import { legacyLoginAuth } from "./index.js";
import { READ_SHOTS, count, passwordOf } from "./test-support/demo-site.js";
import type { Emulator } from "./test-support/demo-site.js";
import { recordingProxy } from "./test-support/recording-proxy.js";
import type { RecordingProxy } from "./test-support/recording-proxy.js";

// The README recommends sharing one strategy between clients to share its memory: clients of two sites must each
// get their own site's session, never the other's.
describe("one legacyLoginAuth shared by clients of two sites", () => {
  let siteA: Emulator;
  let siteB: Emulator;
  let proxyA: RecordingProxy;
  let proxyB: RecordingProxy;
  const clients: Client[] = [];

  beforeAll(async () => {
    siteA = await startEmulator({ authMode: "default", fixtures: "demo" });
    siteB = await startEmulator({ authMode: "default", fixtures: "demo" });
    proxyA = await recordingProxy(siteA.url);
    proxyB = await recordingProxy(siteB.url);
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await Promise.all([proxyA.close(), proxyB.close()]);
    await Promise.all([siteA.close(), siteB.close()]);
  });

  it("sends each site only the sessions it issued, and logs in once per site", async () => {
    const auth = legacyLoginAuth({ login: "coord", password: passwordOf(siteA, "coord") });
    const a = createClient({ site: proxyA.url, transport: jsonRpcTransport(), auth });
    const b = createClient({ site: proxyB.url, transport: jsonRpcTransport(), auth });
    clients.push(a, b);
    for (let round = 0; round < 3; round += 1) {
      await a.call("read", READ_SHOTS);
      await b.call("read", READ_SHOTS);
    }
    expect(proxyA.issued).toHaveLength(1);
    expect(proxyB.issued).toHaveLength(1);
    expect(proxyA.sent.length).toBeGreaterThan(0);
    expect(proxyB.sent.length).toBeGreaterThan(0);
    expect(proxyA.sent.every((token) => proxyA.issued.includes(token))).toBe(true);
    expect(proxyB.sent.every((token) => proxyB.issued.includes(token))).toBe(true);
    // No session was refused, so no re-login went to either site.
    expect(siteA.requests().filter((r) => r.errorCode === 102)).toEqual([]);
    expect(siteB.requests().filter((r) => r.errorCode === 102)).toEqual([]);
    expect(count(siteA, "get_session_token") + count(siteB, "get_session_token")).toBe(2);
    const [credentialsA, credentialsB] = [await a.credentials(), await b.credentials()];
    expect(credentialsA.kind === "session" && proxyA.issued.includes(credentialsA.sessionToken)).toBe(true);
    expect(credentialsB.kind === "session" && proxyB.issued.includes(credentialsB.sessionToken)).toBe(true);
  });
});
