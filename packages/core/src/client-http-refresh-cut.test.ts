import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import type { Credentials } from "./credentials.js";
import { SgAbortError, SgAuthError, SgTimeoutError } from "./errors.js";
import { fetchTransport } from "./test-support/loopback-site.js";
import type { HttpResponse } from "./transport-strategy.js";

const settled = (p: Promise<unknown>): Promise<unknown> => p.then((value) => ({ value }), (error: unknown) => error);
const CREDS: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "bot-key-0123456789" });

// As call() does, an exchange whose `refused` said the site refused its credentials, cut while waiting for the refresh,
// says what it did: its path as method, the refusal's attempts, and for a write, that nothing was applied.
describe("http(): cut while waiting for a re-login after a refusal", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => (s.closeAllConnections(), s.close(resolve)))));
  });
  /** A site on 127.0.0.1 that answers its first exchange 401, and every later one 200; `seen` lists them. */
  async function refusesOnce(): Promise<{ url: string; seen: string[] }> {
    const seen: string[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      req.resume().on("end", () => {
        seen.push(`${req.method} ${req.url}`);
        res.writeHead(seen.length === 1 ? 401 : 200).end();
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  }
  /** A strategy whose refresh never ends; `asked` resolves when it is asked for one. */
  function hangingRefresh(): { auth: AuthStrategy; asked: Promise<void> } {
    let told = (): void => {};
    const asked = new Promise<void>((resolve) => (told = resolve));
    return { auth: { name: "hangs", credentials: async () => CREDS, onRejected: () => (told(), new Promise<never>(() => {})) }, asked };
  }
  const refused = (response: HttpResponse): SgAuthError | undefined =>
    response.status === 401 ? new SgAuthError("the site refused the credentials", { attempts: [{ attempt: 1, status: 401, elapsedMs: 2 }] }) : undefined;

  for (const [verb, maybeSent] of [["PUT", false], ["GET", undefined]] as const) {
    it(`a ${verb} aborted meanwhile carries its path as method, the refused exchange's attempts, and maybeSent ${maybeSent}`, async () => {
      const { url, seen } = await refusesOnce();
      const { auth, asked } = hangingRefresh();
      const stop = new AbortController();
      const sg = createClient({ site: url, transport: fetchTransport(), auth });
      const pending = settled(sg.http({ method: verb, target: "/file/1?sig=secret-sig", signal: stop.signal, refused }));
      await asked;
      stop.abort();
      const error = await pending;
      expect(error).toBeInstanceOf(SgAbortError);
      expect(error).toMatchObject({ method: "/file/1", maybeSent, attempts: [{ attempt: 1, status: 401, elapsedMs: 2 }] });
      expect(seen).toEqual([`${verb} /file/1?sig=secret-sig`]);
    });
  }

  it("a PUT cut by its deadline meanwhile carries its attempts and says maybeSent false", async () => {
    const { url, seen } = await refusesOnce();
    const { auth } = hangingRefresh();
    const sg = createClient({ site: url, transport: fetchTransport(), auth });
    const error = await settled(sg.http({ method: "PUT", target: "/upload/2", deadlineMs: 300, refused }));
    expect(error).toBeInstanceOf(SgTimeoutError);
    expect(error).toMatchObject({ method: "/upload/2", maybeSent: false, scope: "deadline", attempts: [{ attempt: 1, status: 401, elapsedMs: 2 }] });
    expect((error as SgTimeoutError).reason).toMatch(/still waiting for fresh credentials after a refusal$/);
    expect(seen).toEqual(["PUT /upload/2"]);
  });

  it("a PUT ended by close() meanwhile carries its attempts", async () => {
    const { url } = await refusesOnce();
    const { auth, asked } = hangingRefresh();
    const sg = createClient({ site: url, transport: fetchTransport(), auth });
    const pending = settled(sg.http({ method: "PUT", target: "/upload/3", refused }));
    await asked;
    await sg.close();
    expect(await pending).toMatchObject({ name: "SgAbortError", method: "/upload/3", maybeSent: false, attempts: [{ attempt: 1, status: 401, elapsedMs: 2 }] });
  });

  it("a signal's own SgError reason goes as it is: other exchanges may share it", async () => {
    const { url } = await refusesOnce();
    const { auth, asked } = hangingRefresh();
    const stop = new AbortController();
    const reason = new SgAbortError("app shutting down");
    const pending = settled(createClient({ site: url, transport: fetchTransport(), auth }).http({ method: "PUT", target: "/upload/4", signal: stop.signal, refused }));
    await asked;
    stop.abort(reason);
    const error = await pending;
    expect(error).toBe(reason);
    expect(reason).toMatchObject({ method: undefined, attempts: [] });
  });
});
