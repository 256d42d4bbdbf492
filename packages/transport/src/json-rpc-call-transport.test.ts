import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { SgAbortError, SgHttpError, SgValidationError, createClient } from "@sg/core";
import type { AuthStrategy, Credentials } from "@sg/core";
import { CALL_TRANSPORT_NAME, jsonRpcCallTransport, jsonRpcTransport } from "./index.js";
import { contextFor, fail, json, text, useTestServers } from "./test-support/server.js";

const script: Credentials = Object.freeze({ kind: "script", scriptName: "bot", scriptKey: "KEY-marker-456" });
const serve = useTestServers();
const read = { method: "read", payload: { type: "Shot", filters: { logical_operator: "and", conditions: [] } }, credentials: script, kind: "read" as const };
const create = { method: "create", payload: { type: "Shot", fields: [{ field_name: "code", value: "sh010" }] }, credentials: script, kind: "write" as const };
const staticAuth: AuthStrategy = { name: "static", credentials: async () => script };

describe("jsonRpcCallTransport: the same calls as jsonRpcTransport", () => {
  it("sends byte-identical requests for a read and a write", async () => {
    const server = await serve((_req, res) => json(res, { results: [] }));
    const options = { userAgent: "edge-hook 1.0", localized: true };
    for (const transport of [jsonRpcTransport(options), jsonRpcCallTransport(options)]) {
      await transport.send(read, contextFor(server.url));
      await transport.send(create, contextFor(server.url));
    }
    const [fullRead, fullCreate, lightRead, lightCreate] = server.requests;
    for (const [full, light] of [[fullRead!, lightRead!], [fullCreate!, lightCreate!]] as const) {
      expect(light.url).toBe(full.url);
      expect(light.body.equals(full.body)).toBe(true);
      const { host: _a, connection: _b, ...fullHeaders } = full.headers;
      const { host: _c, connection: _d, ...lightHeaders } = light.headers;
      expect(lightHeaders).toEqual(fullHeaders);
    }
    expect(lightCreate!.json).toEqual({ method_name: "create", params: [{ script_name: "bot", script_key: "KEY-marker-456" }, create.payload] });
  });

  it("keeps the retry policy: a read is retried past a 502, a write's 500 is not", async () => {
    const server = await serve((req, res, _raw, n) => {
      if (req.json && (req.json as { method_name: string }).method_name === "read" && n === 1) return text(res, "<html>bad gateway</html>", 502, "text/html");
      if ((req.json as { method_name: string }).method_name === "create") return text(res, "oops", 500, "text/plain");
      return json(res, { results: [{ type: "Shot", id: 7 }] });
    });
    const transport = jsonRpcCallTransport({ retry: { baseDelayMs: 0 } });
    expect(await transport.send(read, contextFor(server.url))).toEqual([{ type: "Shot", id: 7 }]);
    const error = await fail(transport.send(create, contextFor(server.url)));
    expect(error).toBeInstanceOf(SgHttpError);
    expect(server.requests.map((r) => (r.json as { method_name: string }).method_name)).toEqual(["read", "read", "create"]);
  });

  it("close() aborts calls in flight", async () => {
    const server = await serve(() => {});
    const transport = jsonRpcCallTransport();
    const pending = fail(transport.send(read, contextFor(server.url)));
    await new Promise((r) => setTimeout(r, 50));
    await transport.close?.();
    expect(await pending).toBeInstanceOf(SgAbortError);
  });
});

describe("jsonRpcCallTransport: no plain HTTP exchanges", () => {
  it("has no http(), so an upload through the client is refused before anything is sent, naming the transport", async () => {
    const server = await serve((_req, res) => json(res, { results: [] }));
    const transport = jsonRpcCallTransport();
    expect(transport.http).toBeUndefined();
    expect(transport.name).toBe(CALL_TRANSPORT_NAME);
    const client = createClient({ site: server.url, transport, auth: staticAuth });
    const error = await fail(Promise.resolve().then(() => client.http({ method: "POST", target: "/upload/upload_file", form: { file: "x" } })));
    expect(error).toBeInstanceOf(SgValidationError);
    expect(error.message).toContain("calls only");
    expect(error.message).toContain("uploads, downloads");
    expect(server.requests).toHaveLength(0);
    expect(await client.call("read", read.payload)).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it.each(["transferTimeoutMs", "transferDeadlineMs", "maxRedirects"])("refuses the transfer option %s, pointing to jsonRpcTransport()", (option) => {
    const build = (): unknown => jsonRpcCallTransport({ [option]: 1000 } as never);
    expect(build).toThrow(SgValidationError);
    expect(build).toThrow(new RegExp(`^@sg/transport: ${option}: expected no transfer options.*use jsonRpcTransport\\(\\)`));
    expect(() => jsonRpcTransport({ [option]: 1000 })).not.toThrow();
  });

  it("takes a transfer option set to undefined as absent, as every other option, and still refuses null", async () => {
    const server = await serve((_req, res) => json(res, { results: [] }));
    // A config object shared with jsonRpcTransport, its transfer settings unset.
    const shared = { userAgent: "edge-hook 1.0", transferTimeoutMs: undefined, transferDeadlineMs: undefined, maxRedirects: undefined };
    const transport = jsonRpcCallTransport(shared as never);
    expect(transport.http).toBeUndefined();
    expect(await transport.send(read, contextFor(server.url))).toEqual([]);
    expect(server.requests).toHaveLength(1);
    for (const option of ["transferTimeoutMs", "transferDeadlineMs", "maxRedirects"]) {
      expect(() => jsonRpcCallTransport({ [option]: null } as never)).toThrow(new RegExp(`^@sg/transport: ${option}: expected no transfer options`));
    }
    // The unknown-option error still lists only the calls-only transport's own options.
    expect(() => jsonRpcCallTransport({ transferTimeoutMs: undefined, timeout: 5 } as never)).toThrow(
      /expected one of the options userAgent, localized, timeoutMs, deadlineMs, retry, fetch, dispatcher, maxResponseBytes, got an unknown option 'timeout'/,
    );
  });

  it("validates the shared options like jsonRpcTransport and lists only its own in an unknown-option error", () => {
    expect(() => jsonRpcCallTransport({ timeoutMs: 0 })).toThrow(/timeoutMs: expected a positive number/);
    expect(() => jsonRpcCallTransport({ retry: { maxAttempts: 0 } })).toThrow(/retry\.maxAttempts/);
    const unknown = (): unknown => jsonRpcCallTransport({ timeout: 5 } as never);
    expect(unknown).toThrow(/unknown option 'timeout'/);
    expect(unknown).toThrow(/expected one of the options userAgent, localized, timeoutMs, deadlineMs, retry, fetch, dispatcher, maxResponseBytes, got /);
  });

  it("shows its name and user-agent in util.inspect", () => {
    expect(inspect(jsonRpcCallTransport({ userAgent: "edge-hook 1.0" }))).toMatch(/^JsonRpcTransport \{ name: '@sg\/transport \(api3 json, calls only\)', userAgent: '.*edge-hook 1\.0' \}$/);
  });
});
