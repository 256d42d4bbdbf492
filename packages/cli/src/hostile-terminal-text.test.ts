/**
 * A hostile site against the real `sg`: field names, fault messages and error pages carrying escape sequences (a
 * window title, a clipboard write, clearing the screen, colours), a carriage return, bidirectional overrides and a
 * line break followed by a forged `hint:`. Table output, error lines, `sg doctor` and `--debug` show each as a
 * visible mark; JSON output keeps the values exactly.
 */
import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLoopbackSite, type LoopbackSite } from "./test-support/loopback-site.js";
import { sgRunner } from "./test-support/run-sg.js";

const ESC = "\x1b";
/** A value that would set the window title, write the clipboard, colour, return the cursor and reverse the text. */
const EVIL = `A${ESC}]0;TITLE\x07${ESC}]52;c;Y3VybA==\x07${ESC}[31mRED${ESC}[0m\rB\u202Egnp.exe\u2066x\u2069\u200f\u2028C`;
/** A fault message whose second line pretends to be sg's own advice. */
const FORGED = `Denied ${EVIL}\nhint: run curl http://127.0.0.1/fix | sh`;
/** A field name from the site: sets the window title and clears the screen. */
const KEY = `k${ESC}]0;KEYTITLE\x07${ESC}[2J`;

/** Anything that must not reach a terminal from the site: C0 controls but the line feed, DEL, C1, bidi, separators. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

/** What the site answers to a call other than `info`. */
let answer: (method: string, res: ServerResponse) => void = () => undefined;

const json = (res: ServerResponse, body: unknown, status = 200): void => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

const runner = sgRunner();
let site: LoopbackSite;
let env: Record<string, string> = {};

beforeAll(async () => {
  site = await startLoopbackSite((body, res) => {
    const method = (JSON.parse(body || "{}") as { method_name?: string }).method_name ?? "";
    if (method === "info") return json(res, { version: [8, 50, 0] });
    answer(method, res);
  });
  env = { SG_SITE: site.url, SG_SCRIPT_NAME: "s", SG_SCRIPT_KEY: "0123456789abcdef0123456789abcdef" };
});

afterAll(async () => {
  await site?.close();
  runner.cleanup();
});

/** The site's fault with `message` for every call but `info`. */
const faultWith = (message: string): void => {
  answer = (_method, res) => json(res, { exception: true, message, error_code: 999 });
};

/** Lines that start the way only sg's own advice may. */
const forgedHints = (text: string): string[] => text.split("\n").filter((line) => /^\s*hint: run curl/.test(line));

/** `text` holds nothing unsafe for a terminal and no line of it is the site's forged hint. */
function expectSafe(text: string): void {
  expect(text).not.toMatch(UNSAFE);
  expect(forgedHints(text)).toEqual([]);
}

describe("table output shows the site's field names as visible marks", () => {
  it("single record (update): a key's escape sequences are marks and the keys stay aligned on the escaped text", async () => {
    answer = (_method, res) => json(res, { results: { type: "Shot", id: 1, code: "x", [KEY]: "v" } });
    const r = await runner.run(["update", "Shot", "1", '{"code":"x"}', "--format", "table"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(UNSAFE);
    const shownKey = "k␛]0;KEYTITLE␇␛[2J";
    expect(r.stdout.split("\n")).toContain(`${shownKey}  v`);
    expect(r.stdout.split("\n")).toContain(`${"code".padEnd(shownKey.length)}  x`);
  });

  it("several records (batch): a header's escape sequences are marks and its dashes as wide as the escaped header", async () => {
    answer = (_method, res) => json(res, { results: [{ type: "Shot", id: 1, [KEY]: "v" }] });
    const r = await runner.run(["batch", '[{"request_type":"create","entity_type":"Shot","data":{"code":"x"}}]', "--format", "table"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(UNSAFE);
    const [header, dashes] = r.stdout.split("\n");
    expect(header).toBe("type  id  k␛]0;KEYTITLE␇␛[2J");
    expect(dashes).toBe("----  --  ------------------");
  });

  it("a cell's bidirectional overrides and isolates show as their code points", async () => {
    answer = (_method, res) => json(res, { results: { entities: [{ type: "Shot", id: 1, code: "B\u202Egnp.exe\u2066x\u2069" }], paging_info: { entity_count: 1 } } });
    const r = await runner.run(["find", "Shot", "--fields", "code", "--format", "table"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(UNSAFE);
    expect(r.stdout).toContain("B⟨U+202E⟩gnp.exe⟨U+2066⟩x⟨U+2069⟩");
  });

  it("json keeps the same values exactly (JSON escapes what it must)", async () => {
    answer = (_method, res) => json(res, { results: { entities: [{ type: "Shot", id: 1, code: EVIL }], paging_info: { entity_count: 1 } } });
    const r = await runner.run(["find", "Shot", "--fields", "code", "--format", "json"], env);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { code: string }[])[0]?.code).toBe(EVIL);
  });
});

describe("the site's words on stderr and in sg doctor are one line of visible marks", () => {
  it("a fault message: no escape, carriage return or bidi character, and its line break cannot start a hint", async () => {
    faultWith(FORGED);
    const r = await runner.run(["find", "Shot", "--fields", "code"], env);
    expect(r.code).toBe(1);
    expectSafe(r.stderr);
    expect(r.stderr).toContain("sg: Denied A␛]0;TITLE␇␛]52;c;Y3VybA==␇␛[31mRED␛[0m␍B⟨U+202E⟩gnp.exe⟨U+2066⟩x⟨U+2069⟩⟨U+200F⟩⟨U+2028⟩C ⏎ hint: run curl");
  });

  it("an error page's body (HTTP 500)", async () => {
    answer = (_method, res) => {
      res.writeHead(500, { "content-type": "text/html" });
      res.end(`<h1>oops ${EVIL}\nhint: run curl</h1>`);
    };
    const r = await runner.run(["find", "Shot", "--fields", "code"], env);
    expect(r.code).toBe(5);
    expectSafe(r.stderr);
    expect(r.stderr).toContain("oops A␛]0;TITLE␇");
  });

  it("--debug: the stack and the log lines too", async () => {
    faultWith(FORGED);
    const r = await runner.run(["find", "Shot", "--fields", "code", "--debug"], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("    at ");
    expectSafe(r.stderr);
  });

  it("--debug: a log line's data strings (the script name in auth-script's warning) show bidi characters as marks", async () => {
    answer = (_method, res) => json(res, { exception: true, message: "Bad key", error_code: 102 });
    const r = await runner.run(["find", "Shot", "--fields", "code", "--debug"], { ...env, SG_SCRIPT_NAME: "s\u202Ex" });
    expect(r.code).toBe(3);
    expect(r.stderr).not.toMatch(UNSAFE);
    expect(r.stderr).toMatch(/^\[warn\] .*"script":"s⟨U\+202E⟩x"/m);
  });

  it("sg doctor's table: the login check's detail", async () => {
    faultWith(FORGED);
    const r = await runner.run(["doctor"], env);
    expect(r.code).toBe(7);
    expectSafe(r.stdout + r.stderr);
    expect(r.stdout).toMatch(/^ {2}FAIL {2}login +Denied A␛\]0;TITLE␇.* ⏎ hint: run curl/m);
  });
});
