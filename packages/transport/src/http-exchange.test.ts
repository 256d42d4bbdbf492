import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { SgAuthError, SgHttpError, SgNetworkError, SgValidationError, createClient, parseSite } from "@sg/core";
import type { AuthStrategy, Credentials } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import type { FetchFunction } from "./index.js";
import { BrowserRequest, browserFetch } from "./test-support/browser-fetch.js";
import { contextFor, fakeClock, text, useTestServers } from "./test-support/server.js";
import type { TestServer } from "./test-support/server.js";

const script: Credentials = { kind: "script", scriptName: "bot", scriptKey: "KEY-marker-123" };
const session: Credentials = { kind: "session", sessionToken: "SESSION-marker-456" };
const serve = useTestServers();
const ok = (_req: unknown, res: import("node:http").ServerResponse): void => text(res, "1:123\n", 200, "text/plain");

/** A multipart form with a file POSTed to `target`, then a Blob PUT to /upload/storage/1: each refused as a redirect. */
async function expectFileRedirectsRefused(t: ReturnType<typeof jsonRpcTransport>, site: string, target: string): Promise<void> {
  const file = new File([new Uint8Array(64 * 1024).fill(7)], "plate.exr");
  for (const request of [
    { method: "POST", target, form: { entity_type: "Shot", file }, credentials: script, kind: "write" },
    { method: "PUT", target: "/upload/storage/1", body: file, kind: "read" },
  ] as const) {
    const error = await t.http!(request, contextFor(site)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgHttpError);
    expect(error).toMatchObject({ status: 300, code: "SG_HTTP" });
    expect((error as SgHttpError).reason).toBe(`@sg/transport: the site answered 'HTTP ${request.method} ${request.target}' with a redirect (a 3xx), which a request carrying a file does not follow`);
    expect((error as SgHttpError).message).not.toContain("KEY-marker-123");
  }
}

describe("http(): target", () => {
  it("refuses a target that is no URL naming it without query, fragment or user info", async () => {
    for (const target of ["https://exa mple.com/f.mov?sig=SECRET-marker", "https://exa mple.com/f.mov#access_token=SECRET-marker"]) {
      const err = await jsonRpcTransport()
        .http!({ method: "GET", target, kind: "read" }, contextFor("https://site.example.com", fakeClock()))
        .then(() => undefined, (e: unknown) => e as SgValidationError);
      expect(err).toBeInstanceOf(SgValidationError);
      expect(err?.message).toBe("@sg/transport: target: expected a path or an absolute http(s) URL, got string \"https://exa mple.com/f.mov\"");
    }
  });

  it("hides all up to the last @ of a refused target, a password with a raw / ? # or no scheme too, and hints to percent-encode", async () => {
    const targets = [
      ["https://u:SECRET-marker@exa mple.com/f.mov", "https://"],
      ["https://u:Pa55/SECRET-marker@storage.example.com/x", "https://"],
      ["https://u:Pa55?SECRET-marker@storage.example.com/x", "https://"],
      ["https://u:Pa55#SECRET-marker@storage.example.com/x", "https://"],
      ["//u:Pa55SECRET-marker@storage.example.com/x", "//"],
    ] as const;
    for (const [target, start] of targets) {
      const err = await jsonRpcTransport()
        .http!({ method: "GET", target, kind: "read" }, contextFor("https://site.example.com", fakeClock()))
        .then(() => undefined, (e: unknown) => e as SgValidationError);
      expect(err, target).toBeInstanceOf(SgValidationError);
      expect(err?.received).toMatch(new RegExp(`^string "${start}\\[REDACTED\\]@`));
      expect(err?.hint).toMatch(/^Percent-encode \/ \? # @ : in a user name or password\.$/);
      for (const text of [String(err), JSON.stringify(err), inspect(err, { showHidden: true, depth: 9 })]) expect(text, target).not.toMatch(/SECRET-marker|Pa55/);
    }
  });
});

describe("http(): request headers", () => {
  it("refuses a header fetch would refuse, before sending, without echoing its value", async () => {
    const server = await serve(ok);
    const refused: Record<string, string>[] = [{ "x-note": "na\u00efve \u2013 SECRET-marker-789" }, { "x-note": "a\nb" }, { "bad name": "x" }];
    for (const headers of refused) {
      const err = await jsonRpcTransport()
        .http!({ method: "GET", target: "/x", kind: "read", headers }, contextFor(server.url, fakeClock()))
        .then(() => undefined, (e: unknown) => e as SgValidationError);
      expect(err).toBeInstanceOf(SgValidationError);
      expect(err?.path[0]).toBe("headers");
      expect(err?.message).not.toContain("SECRET-marker");
    }
    expect(server.requests).toHaveLength(0);
    // Latin-1 is fine
    await jsonRpcTransport().http!({ method: "GET", target: "/x", kind: "read", headers: { "x-note": "na\u00efve" } }, contextFor(server.url));
    expect(server.requests).toHaveLength(1);
  });
});

describe("http(): forms and credentials", () => {
  it("url-encodes a form with the auth params as fields, on the site's origin (base path ignored)", async () => {
    const server = await serve(ok);
    const site = parseSite(`http://127.0.0.1:${server.port}/base`);
    const res = await jsonRpcTransport().http!(
      { method: "POST", target: "/upload/share_thumbnail", form: { entities: "Shot_1,Shot_2", tags: ["a", "b"] }, credentials: script, kind: "write" },
      contextFor(site),
    );
    expect(res.status).toBe(200);
    expect(new TextDecoder().decode(res.body)).toBe("1:123\n");
    const req = server.requests[0]!;
    expect(req.url).toBe("/upload/share_thumbnail");
    expect(req.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    const fields = new URLSearchParams(req.body.toString("utf8"));
    expect(fields.get("entities")).toBe("Shot_1,Shot_2");
    expect(fields.getAll("tags")).toEqual(["a", "b"]);
    expect(fields.get("script_name")).toBe("bot");
    expect(fields.get("script_key")).toBe("KEY-marker-123");
  });

  it("sends multipart/form-data when a value is a Blob", async () => {
    const server = await serve(ok);
    const file = new File([new Uint8Array([1, 2, 3])], "thumb.png", { type: "image/png" });
    await jsonRpcTransport().http!(
      { method: "POST", target: "/upload/upload_file", form: { entity_type: "Shot", entity_id: "1", file }, credentials: session, kind: "write" },
      contextFor(server.url),
    );
    const req = server.requests[0]!;
    expect(req.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    const body = req.body.toString("latin1");
    expect(body).toContain('name="entity_type"\r\n\r\nShot');
    expect(body).toContain('name="file"; filename="thumb.png"');
    expect(body).toContain("Content-Type: image/png");
    expect(body).toContain('name="session_token"\r\n\r\nSESSION-marker-456');
    expect(body).toContain('name="reject_if_expired"\r\n\r\ntrue');
  });

  it("sends a session as the _session_id cookie on GET downloads", async () => {
    const server = await serve((_req, res) => text(res, "BYTES", 200, "application/octet-stream"));
    const res = await jsonRpcTransport().http!({ method: "GET", target: "/file_serve/attachment/5", credentials: session, kind: "read" }, contextFor(server.url));
    expect(new TextDecoder().decode(res.body)).toBe("BYTES");
    expect(server.requests[0]!.headers["cookie"]).toBe("_session_id=SESSION-marker-456");
  });

  it("never sends credentials to another host", async () => {
    const site = await serve(ok);
    const other = await serve(ok);
    const t = jsonRpcTransport();
    const basic = parseSite(`http://u:BASIC-marker-789@127.0.0.1:${site.port}`);
    await t.http!({ method: "GET", target: `${other.url}/bucket/obj?sig=1`, credentials: session, kind: "read" }, contextFor(basic));
    await t.http!({ method: "POST", target: `${other.url}/form`, form: { a: "1" }, credentials: script, kind: "write" }, contextFor(basic));
    await t.http!({ method: "PUT", target: `${other.url}/part`, body: "chunk", credentials: script, kind: "write" }, contextFor(basic));
    for (const req of other.requests) {
      const all = JSON.stringify(req.headers) + req.body.toString("latin1");
      expect(all).not.toMatch(/marker|_session_id|authorization|script_key/i);
    }
    expect(other.requests[1]!.body.toString()).toBe("a=1");
    expect(other.requests[2]!.body.toString()).toBe("chunk");
  });

  it("follows GET redirects: credentials kept on the site, dropped when leaving it", async () => {
    const storage = await serve((_req, res) => text(res, "FILE", 200, "application/octet-stream"));
    const site = await serve((req, res) => {
      res.writeHead(302, { location: req.url === "/file_serve/attachment/5" ? "/file_serve/attachment/5/real" : `${storage.url}/obj?X-Amz-Signature=abc` });
      res.end();
    });
    const res = await jsonRpcTransport().http!(
      { method: "GET", target: "/file_serve/attachment/5", credentials: session, kind: "read", headers: { Authorization: "Bearer CALLER-marker" } },
      contextFor(site.url),
    );
    expect(res.status).toBe(200);
    expect(new TextDecoder().decode(res.body)).toBe("FILE");
    expect(site.requests.map((r) => r.headers["cookie"])).toEqual(["_session_id=SESSION-marker-456", "_session_id=SESSION-marker-456"]);
    expect(storage.requests[0]!.url).toBe("/obj?X-Amz-Signature=abc");
    expect(storage.requests[0]!.headers["cookie"]).toBeUndefined();
    expect(storage.requests[0]!.headers["authorization"]).toBeUndefined();
  });

  it("gives the URL the answer came from as the response's url: the redirect's target, a refusal's too, else the target", async () => {
    const storage = await serve((req, res) => (req.url === "/gone?sig=s3cret" ? text(res, "denied", 403, "text/plain") : text(res, "FILE", 200, "application/octet-stream")));
    const site = await serve((req, res) => {
      if (req.url === "/plain") return ok(req, res);
      res.writeHead(302, { location: req.url === "/a" ? `${storage.url}/obj?sig=1` : `${storage.url}/gone?sig=s3cret` }).end();
    });
    const t = jsonRpcTransport({ retry: false });
    expect((await t.http!({ method: "GET", target: "/a", kind: "read" }, contextFor(site.url))).url).toBe(`${storage.url}/obj?sig=1`);
    const refused = await t.http!({ method: "GET", target: "/b", kind: "read" }, contextFor(site.url));
    expect(refused).toMatchObject({ status: 403, url: `${storage.url}/gone?sig=s3cret` });
    expect((await t.http!({ method: "GET", target: "/plain", kind: "read" }, contextFor(site.url))).url).toBe(`${site.url}/plain`);
  });

  it("a retried answer of a redirect's target that quotes it: the retry's error is scrubbed of that link's query", async () => {
    let n = 0;
    const storage = await serve((req, res) => (n++ === 0 ? text(res, `busy: ${req.url}`, 503, "text/plain") : text(res, "FILE", 200, "application/octet-stream")));
    const site = await serve((_req, res) => void res.writeHead(302, { location: `${storage.url}/obj?hdnts=hmac%3DLINK-marker-321` }).end());
    const seen: string[] = [];
    const t = jsonRpcTransport({ retry: { onRetry: (info) => void seen.push(inspect(info, { depth: 9 })), random: () => 0 } });
    const res = await t.http!({ method: "GET", target: "/a", kind: "read" }, contextFor(site.url, fakeClock()));
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain("busy: /obj?");
    expect(seen[0]).not.toContain("LINK-marker");
  });

  it("a GET redirected off the site and then back home carries no credentials home: cookie, Basic auth and the caller's headers never come back", async () => {
    let home = "";
    const other = await serve((_req, res) => void res.writeHead(302, { location: `${home}/chosen/by/B` }).end());
    const site = await serve((req, res) => (req.url === "/file" ? void res.writeHead(302, { location: `${other.url}/elsewhere` }).end() : ok(req, res)));
    home = site.url;
    const headers = { Authorization: "Bearer CALLER-marker", Cookie: "caller=CALLER-marker" };
    const basic = parseSite(`http://u:BASIC-marker-789@127.0.0.1:${site.port}`);
    const res = await jsonRpcTransport().http!({ method: "GET", target: "/file", credentials: session, kind: "read", headers }, contextFor(basic));
    expect(res.status).toBe(200);
    expect(site.requests.map((r) => r.url)).toEqual(["/file", "/chosen/by/B"]);
    // the first request, on the site, had them all
    expect(site.requests[0]!.headers["cookie"]).toMatch(/_session_id=SESSION-marker-456/);
    expect(site.requests[0]!.headers["authorization"]).toBeDefined();
    for (const req of [other.requests[0]!, site.requests[1]!]) {
      expect(req.headers["cookie"]).toBeUndefined();
      expect(req.headers["authorization"]).toBeUndefined();
      expect(JSON.stringify(req.headers)).not.toMatch(/marker|_session_id/);
    }
  });

  it("a GET redirect whose Location has user:password@ is not followed: the 3xx is returned after one request", async () => {
    const other = await serve(ok);
    const site = await serve((_req, res) => void res.writeHead(302, { location: `http://mallory:pw123456@127.0.0.1:${other.port}/x` }).end());
    const clock = fakeClock();
    const res = await jsonRpcTransport().http!({ method: "GET", target: "/file", kind: "read" }, contextFor(site.url, clock));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`http://mallory:pw123456@127.0.0.1:${other.port}/x`);
    expect(site.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
    expect(clock.sleeps).toEqual([]);
  });

  it("sends no caller authorization/cookie header to another host, even on the first request", async () => {
    const storage = await serve((_req, res) => text(res, "FILE", 200, "application/octet-stream"));
    const site = await serve(ok);
    const headers = { Authorization: "Bearer CALLER-marker", Cookie: "caller=CALLER-marker", "X-Trace": "t-1" };
    const res = await jsonRpcTransport().http!({ method: "GET", target: `${storage.url}/obj?X-Amz-Signature=abc`, credentials: session, kind: "read", headers }, contextFor(site.url));
    expect(res.status).toBe(200);
    expect(storage.requests[0]!.headers["authorization"]).toBeUndefined();
    expect(storage.requests[0]!.headers["cookie"]).toBeUndefined();
    expect(storage.requests[0]!.headers["x-trace"]).toBe("t-1"); // other headers of the caller go
  });

  it("does not follow redirects for POST: the 3xx is returned", async () => {
    const other = await serve(ok);
    const site = await serve((_req, res) => {
      res.writeHead(307, { location: `${other.url}/steal` });
      res.end();
    });
    const res = await jsonRpcTransport().http!({ method: "POST", target: "/upload/x", form: { a: "1" }, credentials: script, kind: "write" }, contextFor(site.url));
    expect(res.status).toBe(307);
    expect(other.requests).toHaveLength(0);
  });

  it("sends a file body (a multipart form with a Blob, a Blob PUT) without following a redirect: SgHttpError 300, sent once", async () => {
    const other = await serve(ok);
    const site = await serve((_req, res) => {
      res.writeHead(302, { location: `${other.url}/steal` });
      res.end();
    });
    await expectFileRedirectsRefused(jsonRpcTransport(), site.url, "/upload/upload_file");
    // each sent once (a redirect is the site's answer: nothing to retry), and nothing went to the redirect's target
    expect(site.requests.map((r) => r.url)).toEqual(["/upload/upload_file", "/upload/storage/1"]);
    expect(other.requests).toHaveLength(0);
  });

  it("on a runtime that refuses redirect: 'error' (workerd) or hides redirects (a browser), a file body is sent once with 'manual': taken, or refused as a redirect", async () => {
    const other = await serve(ok);
    const site = await serve((req, res) => {
      if (req.url === "/upload/upload_file") return ok(req, res);
      res.writeHead(302, { location: `${other.url}/steal` });
      res.end();
    });
    // workerd refuses the mode as it builds the Request, before anything is sent
    const modes: unknown[] = [];
    const workerd: FetchFunction = (input, init) => {
      modes.push(init.redirect);
      if (init.redirect === "error") throw new TypeError("Invalid redirect value, must be one of follow or manual");
      return fetch(input, init);
    };
    const file = new File([new Uint8Array(1024).fill(7)], "plate.exr");
    for (const fetchFn of [workerd, browserFetch()]) {
      const t = jsonRpcTransport({ fetch: fetchFn });
      const taken = await t.http!({ method: "POST", target: "/upload/upload_file", form: { entity_type: "Shot", file }, credentials: script, kind: "write" }, contextFor(site.url));
      expect(new TextDecoder().decode(taken.body)).toBe("1:123\n");
      await expectFileRedirectsRefused(t, site.url, "/upload/elsewhere");
    }
    expect(site.requests.map((r) => r.url)).toEqual(Array.from({ length: 2 }, () => ["/upload/upload_file", "/upload/elsewhere", "/upload/storage/1"]).flat());
    expect(other.requests).toHaveLength(0);
    // "error" was tried once; after its refusal, file bodies went with "manual"
    expect(modes).toEqual(["error", "manual", "manual", "manual"]);
  });

  it("a file body whose redirect the runtime refuses after sending, in words naming the redirect (Deno's), is sent once, not again with 'manual'", async () => {
    const site = await serve((_req, res) => {
      res.writeHead(303, { location: "/upload/elsewhere" });
      res.end();
    });
    // the request goes out and is answered with a redirect, which this runtime refuses in its own words
    const deno: FetchFunction = async (input, init) => {
      const response = await fetch(input, { ...init, redirect: "manual" });
      if (init.redirect === "error" && response.status > 299 && response.status < 400) throw new TypeError("Encountered redirect while redirect mode is set to 'error'");
      return response;
    };
    const file = new File([new Uint8Array(2048).fill(9)], "plate.exr");
    const t = jsonRpcTransport({ fetch: deno, retry: { maxAttempts: 1 } });
    await t.http!({ method: "POST", target: "/upload/upload_file", form: { entity_type: "Shot", file }, credentials: script, kind: "write" }, contextFor(site.url)).catch((e: unknown) => e);
    expect(site.requests.map((r) => r.url)).toEqual(["/upload/upload_file"]);
  });

  it("a Blob without stream() in a form (a jsdom File under jsdom's FormData) is an SgValidationError before anything is sent, not an upload stalled after its part header", async () => {
    const server = await serve(ok);
    // jsdom's File has no stream(): fetch sent the part's header and then waited for bytes until the transfer timeout
    class JsdomLikeFile extends File {
      override stream = undefined as unknown as File["stream"];
    }
    const error = await jsonRpcTransport()
      .http!({ method: "POST", target: "/upload/upload_file", form: { entity_type: "Shot", file: new JsdomLikeFile(["x"], "j.txt") }, credentials: script, kind: "write", timeoutMs: 2000 }, contextFor(server.url))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgValidationError);
    expect(error).toMatchObject({ path: ["form", "file"], expected: "a Blob this runtime's FormData takes" });
    expect(server.requests).toHaveLength(0);
  });

  it("a form value the runtime's FormData refuses is an SgValidationError naming the field, before anything is sent", async () => {
    const server = await serve(ok);
    // passes `instanceof Blob`, as a jsdom Blob does under jsdom, yet is no Blob to Node's FormData
    const foreign = Object.create(Blob.prototype) as Blob;
    const error = await jsonRpcTransport()
      .http!({ method: "POST", target: "/upload/upload_file", form: { entity_type: "Shot", file: foreign }, credentials: script, kind: "write" }, contextFor(server.url))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SgValidationError);
    expect(error).toMatchObject({ path: ["form", "file"], expected: "a Blob this runtime's FormData takes" });
    expect((error as SgValidationError).cause).toMatchObject({ name: "TypeError" });
    expect((error as SgValidationError).message).toMatch(/^@sg\/transport: form.file: expected a Blob this runtime's FormData takes, got /);
    expect(server.requests).toHaveLength(0);
  });

  it("where a script's Cookie header is dropped (a browser), a GET with a session is refused before sending, not taken for an expired session", async () => {
    // the site refuses a GET without its session cookie, as a real one does
    const server = await serve((req, res) => text(res, req.headers.cookie ? "FILE" : "login required", req.headers.cookie ? 200 : 401, "text/plain"));
    let renewals = 0;
    const auth: AuthStrategy = {
      name: "test-session",
      credentials: async () => session,
      onRejected: async () => (renewals++, Object.freeze({ kind: "session", sessionToken: "SESSION-marker-new" })),
    };
    const client = createClient({ site: server.url, auth, transport: jsonRpcTransport({ fetch: browserFetch() }) });
    const download = () => client.http({ method: "GET", target: "/file_serve/attachment/1", kind: "read", refused: (r) => (r.status === 401 ? new SgAuthError("refused") : undefined) });
    vi.stubGlobal("Request", BrowserRequest);
    try {
      const error = await download().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SgValidationError);
      expect(error).toMatchObject({ path: ["credentials"], received: "a browser, which drops it" });
      expect((error as SgValidationError).hint).toMatch(/getAttachmentDownloadUrl/);
      expect(renewals).toBe(0);
      expect(server.requests).toHaveLength(0);
    } finally {
      vi.unstubAllGlobals();
    }
    // where the runtime keeps it, the same GET goes out with the cookie
    const node = createClient({ site: server.url, auth, transport: jsonRpcTransport() });
    expect(new TextDecoder().decode((await node.http({ method: "GET", target: "/file_serve/attachment/1", kind: "read" })).body)).toBe("FILE");
    await Promise.all([client.close(), node.close()]);
  });

  it("returns error statuses instead of throwing; retries 502 per the table, never 500", async () => {
    const server = await serve((req, res, _raw, n) =>
      req.url === "/500" ? text(res, "no", 500, "text/plain") : req.url === "/gateway" || n <= 2 ? text(res, "bad gateway", 502, "text/plain") : text(res, "1:9", 200, "text/plain"),
    );
    const clock = fakeClock();
    const t = jsonRpcTransport();
    // a write is retried on 502 only with retryWrites: true
    const r1 = await t.http!({ method: "POST", target: "/upload/api_link_file", form: { a: "1" }, credentials: script, kind: "write", retry: { retryWrites: true } }, contextFor(server.url, clock));
    expect(r1.status).toBe(200);
    expect(clock.sleeps).toEqual([750, 1500]);
    const r2 = await t.http!({ method: "GET", target: "/500", kind: "read" }, contextFor(server.url, clock));
    expect(r2.status).toBe(500);
    expect(server.requests).toHaveLength(4);
    const r3 = await t.http!({ method: "POST", target: "/upload/x", form: { a: "1" }, kind: "write", retry: false }, contextFor(server.url, clock));
    expect(r3.status).toBe(200);
    const r4 = await t.http!({ method: "POST", target: "/gateway", form: { a: "1" }, kind: "write" }, contextFor(server.url, clock));
    expect(r4.status).toBe(502);
    expect(server.requests).toHaveLength(6);
    expect(clock.sleeps).toEqual([750, 1500]);
  });

  it("retryStatuses: a PUT sent as a read retries a 500 (Retry-After honoured); a form post sent as a write does not", async () => {
    const server = await serve((_req, res, _raw, n) => (n === 1 ? text(res, "<Error><Code>InternalError</Code></Error>", 500, "application/xml", { "retry-after": "1" }) : n === 2 ? text(res, "", 200, "text/plain", { etag: '"e1"' }) : text(res, "no", 500, "text/plain")));
    const clock = fakeClock();
    const t = jsonRpcTransport();
    const put = await t.http!({ method: "PUT", target: `${server.url}/bucket/key?X-Amz-Signature=abc`, body: "bytes", kind: "read", retry: { retryStatuses: [500] } }, contextFor(server.url, clock));
    expect(put.status).toBe(200);
    expect(put.headers.get("etag")).toBe('"e1"');
    expect(server.requests.map((r) => [r.method, r.body.toString()])).toEqual([["PUT", "bytes"], ["PUT", "bytes"]]);
    expect(clock.sleeps).toEqual([1000]);
    const post = await t.http!({ method: "POST", target: "/upload/api_link_file", form: { a: "1" }, credentials: script, kind: "write", retry: { retryStatuses: [500] } }, contextFor(server.url, clock));
    expect(post.status).toBe(500);
    expect(server.requests).toHaveLength(3);
    const refused = await t.http!({ method: "PUT", target: "/bucket/key", body: "bytes", kind: "read", retry: { retryStatuses: [99] } }, contextFor(server.url, clock)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SgValidationError);
    expect((refused as SgValidationError).path).toEqual(["retry", "retryStatuses", 0]);
    expect(server.requests).toHaveLength(3);
  });

  it("a reset after a form post is not retried and throws SgNetworkError", async () => {
    const server = await serve((_req, _res, raw) => raw.socket.destroy());
    const err = await jsonRpcTransport().http!({ method: "POST", target: "/upload/x", form: { a: "1" }, credentials: script, kind: "write" }, contextFor(server.url, fakeClock())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SgNetworkError);
    expect(server.requests).toHaveLength(1);
  });

  it("validates the request", async () => {
    const t = jsonRpcTransport();
    const ctx = contextFor("http://127.0.0.1:9");
    await expect(t.http!({ method: "DELETE" as "GET", target: "/x", kind: "read" }, ctx)).rejects.toBeInstanceOf(SgValidationError);
    await expect(t.http!({ method: "GET", target: "ftp://host/x", kind: "read" }, ctx)).rejects.toThrow(/target/);
    await expect(t.http!({ method: "GET", target: "https://u:p@host/x", kind: "read" }, ctx)).rejects.toThrow(/without user:password/);
    await expect(t.http!({ method: "POST", target: "/x", form: { n: 1 as unknown as string }, kind: "write" }, ctx)).rejects.toThrow(/form.n/);
  });
});
