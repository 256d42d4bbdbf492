import { inspect } from "node:util";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SgNetworkError, SgValidationError, parseSite } from "@sg/core";
import type { Credentials, Site } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { capturingLogger, contextFor, fakeClock, json, startServer, text } from "./test-support/server.js";
import type { TestServer } from "./test-support/server.js";

const MARKERS = ["SCRIPTKEY-mk1", "PASSWORD-mk2", "TOTP-mk3", "SESSION-mk4", "BASICPW-mk5", "VAULT-mk8", "VAULT-mk9"];
const creds: Credentials[] = [
  { kind: "script", scriptName: "bot", scriptKey: "SCRIPTKEY-mk1" },
  { kind: "user", login: "ann", password: "PASSWORD-mk2", authToken: "TOTP-mk3" },
  { kind: "session", sessionToken: "SESSION-mk4" },
  // A custom strategy's secrets in extra auth params, named as a vault or another product names them.
  { kind: "script", scriptName: "bot", scriptKey: "SCRIPTKEY-mk1", extra: { api_token: "VAULT-mk8", vaultToken: "VAULT-mk9", product: "pipeline-tool" } },
];
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function assertClean(label: string, value: unknown): void {
  const forms = [String(value), value instanceof Error ? (value.stack ?? "") : "", JSON.stringify(value) ?? "", inspect(value, { depth: 10, showHidden: false })];
  const b64 = Buffer.from("u:BASICPW-mk5").toString("base64");
  for (const form of forms) {
    for (const marker of [...MARKERS, b64]) {
      if (form.includes(marker)) throw new Error(`${label}: secret ${marker} leaked in:\n${form}`);
    }
  }
}

async function echoServer(mode: string): Promise<TestServer> {
  const s = await startServer((req, res, raw) => {
    // Echo the request back, including the bare secret values (not only as JSON fields a regex would catch).
    const auth = (req.json as { params?: Record<string, unknown>[] } | undefined)?.params?.[0] ?? {};
    const basic = Buffer.from(String(req.headers["authorization"] ?? "").replace(/^Basic /, ""), "base64").toString("utf8");
    const echo = `${req.body.toString("utf8")} values ${Object.values(auth).join(" ")} basic ${basic} b64 ${String(req.headers["authorization"]).slice(6)}`;
    switch (mode) {
      case "fault":
        return json(res, { exception: true, error_code: 102, message: `bad login ${echo}` });
      case "fault-other":
        return json(res, { exception: true, error_code: 999, message: `nope ${echo}` });
      case "403":
        return text(res, `blocked ${echo}`, 403, "text/plain");
      case "502":
        return text(res, `<html><body>502 ${echo}</body></html>`, 502, "text/html");
      case "503":
        return text(res, `busy ${echo}`, 503, "text/plain");
      case "badjson":
        return text(res, `{"results": ${echo}`, 200, "application/json");
      case "html":
        return text(res, `<html>${echo}</html>`, 200, "text/html");
      case "reset":
        return raw.socket.destroy();
      case "hang":
        return;
      default:
        return json(res, { results: echo });
    }
  });
  servers.push(s);
  return s;
}

async function refusedUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://u:BASICPW-mk5@127.0.0.1:${port}`;
}

describe("secrets never leak", () => {
  const modes = ["fault", "fault-other", "403", "502", "503", "badjson", "html", "reset", "hang", "refused"];
  it.each(modes)("through errors, toJSON, util.inspect and logs: %s", async (mode) => {
    const url = mode === "refused" ? await refusedUrl() : `http://u:BASICPW-mk5@127.0.0.1:${(await echoServer(mode)).port}`;
    const site: Site = parseSite(url);
    for (const credentials of creds) {
      for (const kind of ["read", "write"] as const) {
        const logger = capturingLogger();
        const hooked: unknown[] = [];
        const t = jsonRpcTransport({ timeoutMs: 60, retry: { maxAttempts: 2, onRetry: (i) => void hooked.push(i) } });
        const err = await t.send({ method: kind === "read" ? "read" : "create", payload: { type: "Shot" }, credentials, kind }, contextFor(site, fakeClock(), logger)).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Error);
        assertClean(`${mode}/${credentials.kind}/${kind} error`, err);
        assertClean(`${mode} cause`, (err as Error).cause);
        for (const line of logger.lines) assertClean(`${mode} log`, line);
        for (const info of hooked) assertClean(`${mode} onRetry`, info);
        expect(logger.lines.length).toBeGreaterThan(0);
      }
    }
  });

  it("one transport, calls with different credentials in flight at once: each error scrubs its own secrets", async () => {
    // The transport keeps the scrub list of the last credentials it saw; a call must keep its own list even
    // when a later call with other credentials replaces it while the first is still waiting for its answer.
    const server = await echoServer("fault");
    const site = parseSite(`http://u:BASICPW-mk5@127.0.0.1:${server.port}`);
    const t = jsonRpcTransport();
    const context = contextFor(site, fakeClock(), capturingLogger());
    for (let round = 0; round < 3; round++) {
      const order = [...creds.slice(round), ...creds.slice(0, round)];
      const errors = await Promise.all(order.map((credentials) => t.send({ method: "read", payload: { type: "Shot" }, credentials, kind: "read" }, context).catch((e: unknown) => e)));
      for (const [i, err] of errors.entries()) {
        expect(err).toBeInstanceOf(Error);
        expect(String(err)).toContain("bad login");
        assertClean(`round ${round} call ${i}`, err);
      }
    }
  });

  it("extra auth params not named as secrets stay readable in the site's words", async () => {
    const server = await echoServer("fault-other");
    const credentials = creds[3]!;
    const err = await jsonRpcTransport()
      .send({ method: "read", payload: { type: "Shot" }, credentials, kind: "read" }, contextFor(`http://127.0.0.1:${server.port}`))
      .catch((e: unknown) => e);
    expect((err as Error).message).toContain('"product":"pipeline-tool"');
    expect((err as Error).message).toContain('"api_token":"[REDACTED]"');
    assertClean("extra", err);
  });

  it("credentials objects that can change are never cached: a mutated key is sent and scrubbed", async () => {
    const seen: unknown[] = [];
    const server = await startServer((req, res) => {
      const auth = (req.json as { params?: Record<string, unknown>[] } | undefined)?.params?.[0] ?? {};
      seen.push(auth);
      return json(res, { exception: true, error_code: 102, message: `bad login ${Object.values(auth).join(" ")}` });
    });
    servers.push(server);
    const t = jsonRpcTransport();
    const context = contextFor(`http://127.0.0.1:${server.port}`, fakeClock(), capturingLogger());
    const mutable: { kind: "script"; scriptName: string; scriptKey: string } = { kind: "script", scriptName: "bot", scriptKey: "FIRSTKEY-mk6" };
    const first = await t.send({ method: "read", payload: { type: "Shot" }, credentials: mutable, kind: "read" }, context).catch((e: unknown) => e);
    mutable.scriptKey = "SECONDKEY-mk7";
    const second = await t.send({ method: "read", payload: { type: "Shot" }, credentials: mutable, kind: "read" }, context).catch((e: unknown) => e);
    expect(seen).toEqual([
      { script_name: "bot", script_key: "FIRSTKEY-mk6" },
      { script_name: "bot", script_key: "SECONDKEY-mk7" },
    ]);
    expect(String(first)).toContain("bad login bot");
    expect(String(first)).not.toContain("FIRSTKEY-mk6");
    expect(String(second)).toContain("bad login bot");
    expect(String(second)).not.toContain("SECONDKEY-mk7");
  });

  it("http(): errors of plain exchanges are clean too", async () => {
    const server = await echoServer("reset");
    const site = parseSite(`http://u:BASICPW-mk5@127.0.0.1:${server.port}`);
    const logger = capturingLogger();
    const err = await jsonRpcTransport()
      .http!({ method: "POST", target: "/upload/x?token=abc", form: { a: "1" }, credentials: creds[0]!, kind: "write" }, contextFor(site, fakeClock(), logger))
      .catch((e: unknown) => e);
    // The reset must surface as an error and be logged; otherwise the scans below look at nothing.
    expect(err).toBeInstanceOf(SgNetworkError);
    expect(logger.lines.length).toBeGreaterThan(0);
    assertClean("http error", err);
    for (const line of logger.lines) assertClean("http log", line);
    expect(logger.lines.join("\n")).not.toContain("token=abc");
  });

  it("invalid credentials are reported without their secret", async () => {
    const t = jsonRpcTransport();
    const err = await t
      .send({ method: "read", credentials: { kind: "script", scriptName: 5 as unknown as string, scriptKey: "SCRIPTKEY-mk1" }, kind: "read" }, contextFor("http://127.0.0.1:9"))
      .catch((e: unknown) => e);
    // It must be the validation refusal: before, the connection error of port 9 passed the scan just as well.
    expect(err).toBeInstanceOf(SgValidationError);
    expect((err as SgValidationError).message).toMatch(/credentials\.scriptName/);
    assertClean("validation", err);
  });

  it("a custom strategy's secret of another type, or credentials given as the bare key, are described by type only", async () => {
    // A vault that hands over a 2FA code or a script key as a number, or the key itself instead of a Credentials
    // object: the refusal names the field and the type, as the auth packages' own checks do, never the value.
    const server = await echoServer("ok");
    const cases: [unknown, string[], string][] = [
      [{ kind: "user", login: "ann", password: "PASSWORD-mk2", authToken: 918273 }, ["credentials", "authToken"], "a number ([REDACTED])"],
      [{ kind: "script", scriptName: "bot", scriptKey: 73019455120987 }, ["credentials", "scriptKey"], "a number ([REDACTED])"],
      [{ kind: "user", login: "ann", password: { vault: "PASSWORD-mk2" } }, ["credentials", "password"], "an object ([REDACTED])"],
      [{ kind: "session", sessionToken: true }, ["credentials", "sessionToken"], "a boolean ([REDACTED])"],
      ["3f9a1c77e0b24d5e9f0a1b2c3d4e5f60", ["credentials"], "a string ([REDACTED])"],
      [{ kind: "script", scriptName: "bot", scriptKey: "SCRIPTKEY-mk1", extra: "api_token=VAULT-mk8" }, ["credentials", "extra"], "a string ([REDACTED])"],
    ];
    for (const [credentials, path, received] of cases) {
      const err = await jsonRpcTransport()
        .send({ method: "read", credentials: credentials as Credentials, kind: "read" }, contextFor(server.url))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SgValidationError);
      expect(err).toMatchObject({ path, received });
      for (const form of [(err as Error).message, JSON.stringify(err), inspect(err)]) {
        for (const secret of ["918273", "73019455120987", "3f9a1c77e0b24d5e9f0a1b2c3d4e5f60", "VAULT-mk8", "PASSWORD-mk2"]) expect(form).not.toContain(secret);
      }
    }
    // Refused before anything was sent.
    expect(server.requests).toHaveLength(0);
  });

  it("an abort reason quoting the call's secrets (a failed command's text) is scrubbed in the error's cause", async () => {
    const server = await echoServer("hang");
    const site = parseSite(`http://u:BASICPW-mk5@127.0.0.1:${server.port}`);
    for (const credentials of creds) {
      for (const kind of ["read", "write"] as const) {
        const controller = new AbortController();
        const request = { method: kind === "read" ? "read" : "create", payload: { type: "Shot" }, credentials, kind, signal: controller.signal };
        const err = jsonRpcTransport().send(request, contextFor(site)).catch((e: unknown) => e);
        // the request is out (the server holds it), so the abort meets a call in flight
        while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
        server.requests.length = 0;
        const own = MARKERS.filter((m) => JSON.stringify(credentials).includes(m));
        controller.abort(new Error(`vault exited 1: vault put key=${own.join(" key=")} basic=BASICPW-mk5`));
        const error = await err;
        expect(((error as Error).cause as Error).message).toMatch(/^vault exited 1: vault put key=/);
        assertClean(`abort ${credentials.kind}/${kind}`, error);
        assertClean(`abort ${credentials.kind}/${kind} cause`, (error as Error).cause);
      }
    }
  });

  it("the transport itself prints nothing secret", () => {
    assertClean("transport", jsonRpcTransport({ userAgent: "x" }));
  });
});
