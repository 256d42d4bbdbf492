import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackSite } from "./test-support/loopback-site.js";
import type { LoopbackSite } from "./test-support/loopback-site.js";
import { sgRunner } from "./test-support/run-sg.js";

// A site whose write answers echo what was written, as create and batch do, plus what each test asks for: the
// answer of a large write must be read, the limit can be raised from the command line, and a too-long answer to a
// write says it landed, in the command line's words.
const runner = sgRunner();
const sg = runner.run;
let loopback: LoopbackSite;
let site = "";
const script = { SG_SCRIPT_NAME: "s", SG_SCRIPT_KEY: "k".repeat(40) };
/** Characters added to every created record's answer (a field the site fills, say). */
const PADDING = 5_000;

interface Field {
  readonly field_name: string;
  readonly value: unknown;
}

/** A record of the fields written, as the site echoes them. */
const echo = (id: number, fields: readonly Field[] = []): object => ({ type: "Shot", id, ...Object.fromEntries(fields.map((f) => [f.field_name, f.value])) });

interface Envelope {
  readonly method_name?: string;
  // a create's payload, or a batch's list of requests
  readonly params?: readonly [unknown, { readonly fields?: readonly Field[] } | readonly { readonly fields?: readonly Field[] }[]];
}

beforeAll(async () => {
  loopback = await startLoopbackSite((body, res) => {
    const envelope = JSON.parse(body || "{}") as Envelope;
    const payload = envelope.params?.[1];
    const answer = (results: unknown): void => void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ results }));
    if (envelope.method_name === "info") return answer({ version: [8, 50, 0], user_authentication_method: "default" });
    if (Array.isArray(payload)) return answer(payload.map((r, i) => echo(i + 1, r.fields)));
    if (envelope.method_name === "create") return answer({ ...echo(1, (payload as { fields?: readonly Field[] } | undefined)?.fields), sg_notes: "n".repeat(PADDING) });
    res.writeHead(500).end();
  });
  site = loopback.url;
});

afterAll(async () => {
  await loopback.close();
  runner.cleanup();
});

describe("--max-response-bytes and SG_MAX_RESPONSE_BYTES", () => {
  it("a write answered with success past the limit exits 6, saying it landed and naming the flag", async () => {
    // 3000 bytes: more than 8 times the request's length (~200 characters), less than the answer (~5000 bytes)
    const r = await sg(["create", "Shot", '{"code": "SH010"}', "--max-response-bytes", "3000", "--format", "json"], { ...script, SG_SITE: site });
    expect(r.code, r.stderr).toBe(6);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "sg: The site answered 'create' with success but more than 3000 bytes (--max-response-bytes, or 8 times the request's length if larger): its result was not read (HTTP 200)\n" +
        "hint: The write was almost certainly applied, but its result (e.g. new ids) is lost. Check (e.g. find the entity) before trying again; raise --max-response-bytes, or send smaller batches.\n",
    );
  });

  it("raise the limit, the flag over the variable", async () => {
    const byFlag = await sg(["create", "Shot", '{"code": "SH010"}', "--max-response-bytes", "10000", "--format", "json"], { ...script, SG_SITE: site, SG_MAX_RESPONSE_BYTES: "3000" });
    expect(byFlag.code, byFlag.stderr).toBe(0);
    expect(JSON.parse(byFlag.stdout)).toMatchObject({ type: "Shot", id: 1 });
    const byEnv = await sg(["create", "Shot", '{"code": "SH010"}', "--format", "json"], { ...script, SG_SITE: site, SG_MAX_RESPONSE_BYTES: "10000" });
    expect(byEnv.code, byEnv.stderr).toBe(0);
    const tooLow = await sg(["create", "Shot", '{"code": "SH010"}', "--format", "json"], { ...script, SG_SITE: site, SG_MAX_RESPONSE_BYTES: "3000" });
    expect(tooLow.code, tooLow.stderr).toBe(6);
  });

  it("a batch's answer echoing a request longer than the limit is read whole", async () => {
    const description = "d".repeat(2_000);
    const requests = [1, 2, 3].map((n) => ({ request_type: "create", entity_type: "Shot", data: { code: `SH0${n}0`, description }, return_fields: ["code", "description"] }));
    const r = await sg(["batch", JSON.stringify(requests), "--max-response-bytes", "1000", "--format", "json"], { ...script, SG_SITE: site });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { id: number; description: string }[]).map((row) => [row.id, row.description.length])).toEqual([
      [1, 2_000],
      [2, 2_000],
      [3, 2_000],
    ]);
  });

  it("a value that is not a whole number of bytes is a usage error naming the flag or the variable", async () => {
    const flag = await sg(["create", "Shot", '{"code": "SH010"}', "--max-response-bytes", "0"], { ...script, SG_SITE: site });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^sg: --max-response-bytes must be at least 1, got '0'\n/);
    const env = await sg(["create", "Shot", '{"code": "SH010"}'], { ...script, SG_SITE: site, SG_MAX_RESPONSE_BYTES: "64MB" });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/^sg: SG_MAX_RESPONSE_BYTES must be a whole number in digits, got '64MB'\nhint: Bytes, e.g. SG_MAX_RESPONSE_BYTES=268435456; unset it for the default of 67108864\./);
  });
});
