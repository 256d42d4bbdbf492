import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseCommandLine } from "./args.js";
import { chooseAuth } from "./connection.js";
import { readConnectionInput } from "./config.js";
import { CredentialsStore, configDir } from "./credentials-store.js";
import { UsageError } from "./exit-codes.js";
import { createWriter, csvField } from "./format/index.js";
import { createProgress } from "./progress.js";
import { whilePrompting } from "./prompt-pause.js";
import { generateSchemaTypes, type RawEntitySchema, type RawSiteSchema } from "./typegen.js";

const here = dirname(fileURLToPath(import.meta.url));

function sink(isTTY = false): { out: { write(s: string | Uint8Array): boolean; isTTY: boolean }; text: () => string } {
  let text = "";
  return { out: { write: (s) => ((text += String(s)), true), isTTY }, text: () => text };
}

describe("progress", () => {
  it("draws rows, rate and a bar on a terminal, and erases itself", () => {
    let now = 0;
    const s = sink(true);
    const p = createProgress({ stream: s.out, now: () => now, intervalMs: 0 });
    p.total(200);
    now = 2000;
    p.add(100);
    p.done();
    expect(s.text()).toContain(" 50%  100/200 rows  50 rows/s");
    expect(s.text().endsWith("\r\x1b[2K")).toBe(true);
  });

  it("fits the line to a narrow terminal, so that a redraw never wraps and leaves rows of old lines behind", () => {
    let now = 0;
    let text = "";
    const out = { write: (s: string | Uint8Array) => ((text += String(s)), true), isTTY: true, columns: 40 };
    const p = createProgress({ stream: out, now: () => now, intervalMs: 0 });
    p.total(120_000);
    now = 2500;
    p.add(61_234);
    const drawn = text.split("\r\x1b[2K").filter(Boolean);
    expect(drawn.length).toBeGreaterThan(0);
    for (const line of drawn) expect(line.length, line).toBeLessThanOrEqual(39);
    expect(drawn.at(-1)).toBe("[############------------]  51%  61,234");
  });

  it("erases its line for a prompt on the same stream, draws nothing while it waits, and comes back below the answer", async () => {
    let now = 0;
    const s = sink(true);
    const other = sink(true);
    const p = createProgress({ stream: s.out, now: () => now, intervalMs: 0 });
    p.add(10);
    let answer: (() => void) | undefined;
    const asked = whilePrompting(s.out, async () => {
      s.out.write("Two-factor code: ");
      await new Promise<void>((done) => (answer = done));
      s.out.write("\n");
    });
    // A prompt on another stream changes nothing here.
    await whilePrompting(other.out, async () => undefined);
    now = 1000;
    p.total(40);
    p.add(10);
    expect(s.text()).toMatch(/10 rows[^\n]*\r\x1b\[2KTwo-factor code: $/);
    answer?.();
    await asked;
    expect(s.text()).toMatch(/Two-factor code: \n\r\x1b\[2K\[#+-+\]  50%  20\/40 rows  20 rows\/s$/);
    // A prompt that ends after the display did leaves it erased.
    const late = whilePrompting(s.out, async () => {
      p.done();
      s.out.write("Two-factor code: \n");
    });
    await late;
    expect(s.text()).toMatch(/\r\x1b\[2KTwo-factor code: \n$/);
  });

  it("draws nothing when the stream is not a terminal", () => {
    const s = sink(false);
    const p = createProgress({ stream: s.out });
    p.total(10);
    p.add(5);
    p.done();
    expect(p.active).toBe(false);
    expect(s.text()).toBe("");
  });
});

describe("formats", () => {
  it("quotes CSV fields that need it and writes links as Type:id", async () => {
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
    const s = sink();
    const w = createWriter("csv", { out: s.out, columns: ["id", "link", "tags"] });
    await w.row({ id: 1, link: { type: "Sequence", id: 4, name: "SQ" }, tags: ["a", "b"] });
    await w.end();
    expect(s.text()).toBe("id,link,tags\r\n1,Sequence:4,a;b\r\n");
  });

  it("streams a JSON array that stays valid when empty", async () => {
    const empty = sink();
    const w = createWriter("json", { out: empty.out });
    await w.end();
    expect(JSON.parse(empty.text())).toEqual([]);
    const two = sink();
    const w2 = createWriter("json", { out: two.out });
    await w2.row({ id: 1 });
    await w2.row({ id: 2, when: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) });
    await w2.end();
    expect(JSON.parse(two.text())).toEqual([{ id: 1 }, { id: 2, when: "2026-01-02T03:04:05Z" }]);
  });
});

describe("connection settings", () => {
  it("lets flags win over the environment and picks exactly one mode", () => {
    const input = readConnectionInput({ "script-name": "flagged" }, { SG_SITE: "https://x.example", SG_SCRIPT_NAME: "env", SG_SCRIPT_KEY: "k".repeat(20) });
    const auth = chooseAuth(input);
    expect(auth.kind === "script" && auth.scriptName).toEqual({ value: "flagged", source: "--script-name" });
    expect(() => chooseAuth(readConnectionInput({ "session-token": "t" }, { SG_LOGIN: "me" }))).toThrow(/conflicting credentials: login \+ passphrase \(SG_LOGIN\) and session token \(--session-token\)/);
    // sudo_as_login goes with a person's credentials too (an admin acting as another person).
    expect(chooseAuth(readConnectionInput({ "sudo-as": "bob", login: "me" }, {}))).toMatchObject({ kind: "user", sudoAs: { value: "bob", source: "--sudo-as" } });
    expect(chooseAuth(readConnectionInput({ "session-token": "t0ken" }, { SG_SUDO_AS: "bob" }))).toMatchObject({ kind: "session", sudoAs: { value: "bob", source: "SG_SUDO_AS" } });
  });

  it("turns a bad setting into one line naming the flag or variable", () => {
    expect(() => readConnectionInput({}, { SG_SITE: "not a url" })).toThrow(/^SG_SITE must be an http\(s\) URL/);
    expect(() => readConnectionInput({ "2fa-code": "12_34" }, {})).toThrow(/--2fa-code must be the digits of the code/);
    expect(() => readConnectionInput({ "2fa-code": " " }, {})).toThrow(/--2fa-code must not be empty/);
    // As authenticator apps show it: the spaces are removed, as at the prompt.
    expect(readConnectionInput({ "2fa-code": " 123 456 " }, {}).twoFactorCode).toEqual({ value: "123456", source: "--2fa-code" });
    // Full-width digits, as a Japanese input method types them, are the same code.
    expect(readConnectionInput({ "2fa-code": "５４９　５１０" }, {}).twoFactorCode).toEqual({ value: "549510", source: "--2fa-code" });
  });

  it("parses per-command options", () => {
    expect(parseCommandLine(["find", "Shot", "--all", "--concurrency", "8"]).values).toMatchObject({ all: true, concurrency: "8" });
    expect(() => parseCommandLine(["typegen", "--all"])).toThrow(/does not take --all/);
  });
});

describe("credentials store", () => {
  it("finds its folder from SG_CONFIG_DIR, XDG_CONFIG_HOME or HOME", () => {
    expect(configDir({ SG_CONFIG_DIR: "/a" })).toBe("/a");
    expect(configDir({ XDG_CONFIG_HOME: "/x" })).toBe("/x/sg");
    expect(configDir({ HOME: "/h" })).toBe("/h/.config/sg");
  });

  it("ignores a relative XDG_CONFIG_HOME, as the XDG spec says (it would put the token under the current folder)", () => {
    expect(configDir({ XDG_CONFIG_HOME: "conf", HOME: "/h" })).toBe("/h/.config/sg");
    expect(configDir({ XDG_CONFIG_HOME: "./conf", HOME: "/h" })).toBe("/h/.config/sg");
  });

  it("writes mode 0600 and warns when the file became readable by others", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-store-"));
    const store = new CredentialsStore(join(dir, "sg"));
    await store.set("https://a.example", { sessionToken: "tok-123456789", method: "password", login: "me", savedAt: "2026-01-01T00:00:00Z" });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "sg")).mode & 0o777).toBe(0o700);
    expect((await store.get("https://a.example")).session?.login).toBe("me");
    chmodSync(store.path, 0o644);
    expect((await store.get("https://a.example")).warning).toContain("chmod 600");
    await store.set("https://b.example", { sessionToken: "tok-2", method: "browser", savedAt: "x" });
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(await store.delete("https://a.example")).toBe(true);
    expect(await store.delete("https://a.example")).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it("warns when the file is readable by its group only (mode 0640), not just when readable by all", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-store-"));
    try {
      const store = new CredentialsStore(dir);
      await store.set("https://a.example", { sessionToken: "tok-123456789", method: "password", login: "me", savedAt: "2026-01-01T00:00:00Z" });
      expect((await store.get("https://a.example")).warning).toBeUndefined();
      chmodSync(store.path, 0o640);
      expect((await store.get("https://a.example")).warning).toBe(`${store.path} is readable by other users (mode 640); run: chmod 600 ${store.path}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keys a session by the site URL normalised as sg login saves it, whatever form get, set and delete are given", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-store-"));
    try {
      const store = new CredentialsStore(dir);
      const session = { sessionToken: "tok-123456789", method: "browser", savedAt: "2026-01-01T00:00:00Z" } as const;
      // Trailing slash, upper-case host, spaces, and a basic-auth proxy's login (never written to the file).
      await store.set(" https://U:SECRET-pass@A.Example/sg/ ", session);
      const file = readFileSync(store.path, "utf8");
      expect(Object.keys((JSON.parse(file) as { sites: object }).sites)).toEqual(["https://a.example/sg"]);
      expect(file).not.toContain("SECRET");
      for (const site of ["https://a.example/sg", "https://a.example/sg/", "HTTPS://A.EXAMPLE/sg//"]) expect((await store.get(site)).session).toEqual(session);
      // Plain http is a key like any other (sg login --allow-http saves one).
      await store.set("http://studio.lan:8080/", session);
      expect((await store.get("http://studio.lan:8080")).session).toEqual(session);
      expect(await store.delete("https://a.example/sg/")).toBe(true);
      expect((await store.get("https://a.example/sg")).session).toBeUndefined();
      // What is no site URL is refused, naming what was expected, rather than read or saved under a key sg never uses.
      await expect(store.get("https://a.example/api3/json")).rejects.toThrow("@sg/cli: site: expected the site's root URL");
      await expect(store.set("a.example", session)).rejects.toThrow("@sg/cli: site: expected an absolute http(s) URL");
      await expect(store.delete("")).rejects.toThrow("@sg/cli: site: expected the site URL as a string");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads the file saved again as UTF-16 with a byte order mark (Windows PowerShell 5.1's >)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-store-"));
    const store = new CredentialsStore(dir);
    const saved = { version: 1, sites: { "https://a.example": { sessionToken: "tok-123456789", method: "password", login: "山田", savedAt: "x" } } };
    writeFileSync(store.path, Buffer.from(`\ufeff${JSON.stringify(saved)}`, "utf16le"), { mode: 0o600 });
    expect(await store.get("https://a.example")).toEqual({ session: saved.sites["https://a.example"] });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("typegen (offline, the real site schema)", () => {
  const schema = JSON.parse(readFileSync(resolve(here, "../../emulator/data/schema_read.json"), "utf8")) as RawSiteSchema;

  it("is deterministic whatever the key order of the answer", () => {
    const shuffled: Record<string, Record<string, unknown>> = {};
    for (const type of Object.keys(schema).reverse()) shuffled[type] = Object.fromEntries(Object.entries(schema[type] ?? {}).reverse());
    expect(generateSchemaTypes(shuffled as RawSiteSchema)).toBe(generateSchemaTypes(schema));
  });

  it("names the typeName given in the usage comments, not only in the type", () => {
    const out = generateSchemaTypes(schema, { typeName: "MySchema" });
    expect(out).toContain("export type MySchema = {");
    expect(out).toContain("`entityApi<MySchema>(client)`");
    expect(out).toContain("`entityApi<MySchema>(client, { fieldTypes: sgFieldTypes })`");
    expect(out).not.toContain("SgSchema");
  });

  it("types links, status unions, dates and lists", () => {
    const out = generateSchemaTypes(schema);
    expect(out).toContain('readonly entity: { readonly type: "entity"; readonly value: EntityLink<"Asset" | "Project" | "Scene" | "Sequence" | "Shot"> | null };');
    expect(out).toContain('readonly created_at: { readonly type: "date_time"; readonly value: string | null; readonly editable: false };');
    expect(out).toContain('readonly tag_list: { readonly type: "tag_list"; readonly value: string[] };');
    // A serializable field holds a dict or a list (Task.splits is a list of dicts).
    expect(out).toContain('readonly splits: { readonly type: "serializable"; readonly value: { readonly [key: string]: unknown } | readonly unknown[] | null };');
    expect(out).toMatch(/Shot: \{ [^}]*created_at: "date_time"/);
    expect(out).not.toContain("step_0");
  });

  it("marks the fields the site says are not editable, and only those", () => {
    const out = generateSchemaTypes(schema);
    expect(out).toContain('readonly id: { readonly type: "number"; readonly value: number; readonly editable: false };');
    expect(out).toMatch(/export type ShotFields = \{[^]*?readonly created_by: \{ readonly type: "entity"; readonly value: EntityLink<"ApiUser" \| "HumanUser"> \| null; readonly editable: false \};/);
    expect(out).toMatch(/export type ShotFields = \{[^]*?readonly code: \{ readonly type: "text"; readonly value: string \| null \};/);
  });

  it("is what the type tests of @sg/entities use (packages/entities/src/test-support/sg-schema.ts)", () => {
    const entities = JSON.parse(readFileSync(resolve(here, "../../emulator/data/schema_entity_read.json"), "utf8")) as RawEntitySchema;
    const fixture = resolve(here, "../../entities/src/test-support/sg-schema.ts");
    const expected = generateSchemaTypes(schema, { entities }).replace('from "@sg/entities"', 'from "../index.js"');
    if (process.env["UPDATE_TYPES_FIXTURE"]) writeFileSync(fixture, expected);
    expect(readFileSync(fixture, "utf8"), 'regenerate with UPDATE_TYPES_FIXTURE=1 npx vitest run src/units.test.ts -t "type tests"').toBe(expected);
  });
});
