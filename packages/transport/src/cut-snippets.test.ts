import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { SgFault, SgHttpError, createClient } from "@sg/core";
import type { AuthStrategy, Credentials, SgError } from "@sg/core";
import { jsonRpcTransport } from "./index.js";
import { fail, json, text, useTestServers } from "./test-support/server.js";
import type { Handler } from "./test-support/server.js";

const serve = useTestServers();
const KEY = "ひみつ-MARKERkey-" + "0123456789abcdef".repeat(2);
const script: AuthStrategy = { name: "test script", credentials: async (): Promise<Credentials> => Object.freeze({ kind: "script", scriptName: "bot", scriptKey: KEY }) };

/** Every text of an error a person or a log may see: its message, JSON, inspect, and the site's words it keeps. */
function shown(error: SgError): string {
  const e = error as SgError & { bodySnippet?: string; serverMessage?: string };
  return [error.message, JSON.stringify(error), inspect(error, { showHidden: true, depth: 5 }), e.bodySnippet, e.serverMessage].join("\n");
}

/** A half of a surrogate pair standing alone. */
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The error of a `read` (sent with the key) to a site that answers it with `answer`. */
async function readFailure(answer: Handler, site = (url: string) => url): Promise<SgError> {
  const server = await serve(answer);
  const sg = createClient({ site: site(server.url), allowInsecureHttp: true, transport: jsonRpcTransport({ retry: false }), auth: script });
  return fail(sg.call("read", { type: "Shot" }));
}

// Cut first, then scrubbed, a snippet kept the start of a secret that the cut went through: not the whole secret, so
// the scrubbing could not find it.
describe("the site's words are scrubbed before they are cut", () => {
  it("a 500 body with the key across the 500th character keeps none of the key", async () => {
    const error = await readFailure((_req, res) => text(res, `${"x".repeat(480)} got ${KEY} rejected`, 500, "text/plain; charset=utf-8"));
    expect(error).toBeInstanceOf(SgHttpError);
    expect((error as SgHttpError).bodySnippet).toBe(`${"x".repeat(480)} got [REDACTED] reje…`);
    expect(shown(error)).not.toContain(KEY.slice(0, 4));
  });

  it("a 500 body with the key across the message's 200th character keeps none of it", async () => {
    const error = await readFailure((_req, res) => text(res, `${"x".repeat(190)} got ${KEY} rejected`, 500, "text/plain"));
    expect(error.message).toContain(`${"x".repeat(190)} got [REDA…`);
    expect(shown(error)).not.toContain(KEY.slice(0, 4));
  });

  it("a fault's message with the key across its 4,096th character keeps none of it in serverMessage", async () => {
    const error = await readFailure((_req, res) => json(res, { exception: true, error_code: 103, message: `${"y".repeat(4090)} ${KEY} is bad` }));
    expect(error).toBeInstanceOf(SgFault);
    expect((error as SgFault).serverMessage).toBe(`${"y".repeat(4090)} [REDA…`);
    expect(shown(error)).not.toContain(KEY.slice(0, 4));
  });

  it("a fault's message of 64 KiB and more with the key at its end is cut without it", async () => {
    const error = await readFailure((_req, res) => json(res, { exception: true, error_code: 103, message: `${"z".repeat(70_000)} ${KEY}` }));
    expect((error as SgFault).serverMessage).toBe(`${"z".repeat(4096)}…`);
    expect(shown(error)).not.toContain(KEY.slice(0, 4));
  });

  // Only the first 64 KiB + 16 × length characters were scrubbed: a secret field as long as that shrank to
  // `token=[REDACTED]`, and the start of the key, across that first cut and not recognised, moved into view.
  it("a fault's message whose secret field shrinks by 128 KiB keeps none of the key across the first cut", async () => {
    const message = `token=${"t".repeat(131_072 - 26)} ${KEY} rest`;
    const error = await readFailure((_req, res) => json(res, { exception: true, error_code: 103, message }));
    expect((error as SgFault).serverMessage).toBe("token=[REDACTED] [REDACTED] rest");
    expect(shown(error)).not.toContain(KEY.slice(0, 4));
  });

  it("a 500 body whose secret field shrinks by 72 KiB keeps none of the key across the first cut", async () => {
    const error = await readFailure((_req, res) => text(res, `token=${"t".repeat(73_536 - 26)} ${KEY} rest`, 500, "text/plain"));
    expect((error as SgHttpError).bodySnippet).toBe("token=[REDACTED] [REDACTED] rest");
    expect(error.message).toContain(" — token=[REDACTED] [REDACTED] rest");
    expect(shown(error)).not.toContain(KEY.slice(0, 4));
  });
});

describe("a cut never splits a character", () => {
  const body = "a" + "🎬".repeat(400);
  it("a 500 body of emoji is cut before a pair, never inside it, in the snippet and in the message", async () => {
    const error = await readFailure((_req, res) => text(res, body, 500, "text/plain; charset=utf-8"));
    const snippet = (error as SgHttpError).bodySnippet;
    // 500 units would end inside the 250th emoji: the cut keeps 249 of them.
    expect(snippet).toBe(`a${"🎬".repeat(249)}…`);
    expect(error.message).toContain(` — a${"🎬".repeat(99)}…`);
    expect(shown(error)).not.toMatch(LONE);
    expect(JSON.stringify(error)).not.toMatch(/\\ud[89a-f]/i);
  });

  it("a fault's message of emoji is cut before a pair", async () => {
    const error = await readFailure((_req, res) => json(res, { exception: true, error_code: 103, message: "a" + "🎬".repeat(3000) }));
    expect((error as SgFault).serverMessage).toBe(`a${"🎬".repeat(2047)}…`);
    expect(shown(error)).not.toMatch(LONE);
  });
});

// A gateway echoes a non-ASCII password as it read it: decomposed (macOS, NFD) or as its UTF-8 bytes read as Latin-1.
describe("a non-ASCII secret echoed in another form is scrubbed", () => {
  const password = "pässwörd-ひみつ";
  const forms: ReadonlyArray<readonly [string, string]> = [
    ["decomposed (NFD)", password.normalize("NFD")],
    ["its UTF-8 bytes read as Latin-1", Buffer.from(password, "utf8").toString("latin1")],
  ];
  it.each(forms)("a basic-auth password echoed %s by a 500", async (_how, echo) => {
    const error = await readFailure(
      (_req, res) => text(res, `gateway refused u with password ${echo} here`, 500, "text/plain; charset=utf-8"),
      (url) => url.replace("//", `//u:${encodeURIComponent(password)}@`),
    );
    expect((error as SgHttpError).bodySnippet).toBe("gateway refused u with password [REDACTED] here");
    expect(shown(error)).not.toContain(echo.slice(0, 5));
  });
});
