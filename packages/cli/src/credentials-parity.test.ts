/**
 * The credentials file is checked with plain code (zod cost every `sg` run from a saved session a tenth of a second
 * to load): it must accept and refuse exactly the files the zod schema it replaced did, keep the same values, and
 * name the place of zod's first issue, with no value from the file in its words.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { checkCredentialsFile } from "./credentials-file-shape.js";
import { CredentialsStore } from "./credentials-store.js";

// The schema of credentials-store.ts before the change, as it was.
const fileSchema = z.looseObject({
  version: z.literal(1),
  sites: z.record(
    z.string(),
    z.looseObject({
      sessionToken: z.string().min(1),
      login: z.string().optional(),
      method: z.enum(["browser", "password"]),
      savedAt: z.string(),
    }),
  ),
});

const SITE = "https://a.example";
const good = { sessionToken: "SECRET-tok-1", login: "me", method: "password", savedAt: "2026-01-01T00:00:00Z" };
const HUGE = "SECRET".repeat(200_000);
// Values of every JSON kind, each tried in each place; the strings hold SECRET, which no message may show.
const VALUES: unknown[] = [undefined, null, true, 0, 1, -0, 1.5, -1, "", " ", "SECRET", "1", "browser", "password", "Browser", HUGE, [], [1], ["SECRET"], {}, { a: "SECRET" }];
const KEYS = [SITE, "http://h.example:8000/sg", "https://user:SECRET@h.example/?k=SECRET#SECRET", "SECRET-not-a-url", "", "constructor", "toString", "hasOwnProperty", "__proto__", "javascript:SECRET", `https://h.example/${HUGE}`, "https://h.example/\u001b[2J\u202e", `https://${"h".repeat(63)}.${"x".repeat(63)}.${"y".repeat(63)}.example`];

/** A JSON text with `value` at `path` of a valid file (undefined: the key left out). */
function withValue(path: readonly string[], value: unknown): string {
  const file: Record<string, unknown> = { version: 1, sites: { [SITE]: { ...good } } };
  let at: Record<string, unknown> = file;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  const last = path[path.length - 1] ?? "";
  if (value === undefined) delete at[last];
  else at[last] = value;
  return JSON.stringify(file);
}

const texts: string[] = [
  "null", "true", "1", '"SECRET"', "[]", '[{"version":1,"sites":{}}]', "{}",
  '{"version":1,"sites":{}}', '{"sites":{},"version":1}', '{"version":1.0,"sites":{}}', '{"version":1,"sites":{},"profiles":{"SECRET":1},"x":null}',
  '{"version":0,"sites":[]}', '{"version":"1","sites":{"a":1}}', '{"sites":{}}', '{"version":1}',
  // prototype keys: an own "__proto__" (JSON.parse makes one) is skipped, even when it would be refused.
  '{"__proto__":{"version":1,"sites":{}}}', '{"__proto__":{"sites":{}},"version":1}', '{"__proto__":5,"version":1,"sites":{}}',
  `{"version":1,"sites":{"__proto__":5,"${SITE}":${JSON.stringify(good)}}}`,
  `{"version":1,"sites":{"__proto__":${JSON.stringify(good)}}}`,
  `{"version":1,"sites":{"${SITE}":{"__proto__":{"sessionToken":"SECRET"},"method":"browser","savedAt":"x"}}}`,
  `{"version":1,"sites":{"${SITE}":{"__proto__":null,"sessionToken":"SECRET","method":"browser","savedAt":"x","region":{"__proto__":1}}}}`,
  // the first of several problems, in zod's order
  `{"version":2.5e-1,"sites":{"a":{"method":"x"}}}`,
  `{"version":1,"sites":{"${SITE}":${JSON.stringify(good)},"b":{"sessionToken":"SECRET","method":"x"},"c":[]}}`,
  `{"version":1,"sites":{"2":{},"1":${JSON.stringify(good)},"${SITE}":[]}}`,
];
for (const value of VALUES) {
  texts.push(withValue(["version"], value), withValue(["sites"], value), withValue(["sites", SITE], value));
  for (const field of ["sessionToken", "login", "method", "savedAt", "region"]) texts.push(withValue(["sites", SITE, field], value));
}
for (const key of KEYS) {
  texts.push(JSON.stringify({ version: 1, sites: { [key]: good } }), JSON.stringify({ version: 1, sites: { [key]: { ...good, method: "SECRET" } } }));
  texts.push(JSON.stringify({ version: 1, sites: { [SITE]: good, [key]: { ...good, sessionToken: "" } } }), JSON.stringify({ version: 1, sites: good, [key]: 1 }));
}

describe("the credentials file's checks are the zod schema they replaced", () => {
  it(`accept and refuse the same ${texts.length} files, keep the same values, and name zod's first issue without a value`, () => {
    let accepted = 0;
    for (const text of texts) {
      const label = text.length > 300 ? `${text.slice(0, 300)}…` : text;
      const zod = fileSchema.safeParse(JSON.parse(text));
      const plain = checkCredentialsFile(JSON.parse(text));
      if (zod.success) {
        accepted++;
        // toEqual, not toStrictEqual, which takes a "constructor" key (a site named so) for the object's class
        expect(plain, label).toEqual({ file: zod.data });
        const file = "file" in plain ? plain.file : undefined;
        expect(Object.keys(file?.sites ?? {}), label).toEqual(Object.keys(zod.data.sites));
        expect([file, file?.sites].map(Object.getPrototypeOf), label).toEqual([Object.prototype, Object.prototype]);
        // written back the same (key order aside: zod put its known keys first)
        const sorted = (v: unknown): unknown => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sorted(x)])) : v);
        expect(JSON.stringify(sorted(file)), label).toBe(JSON.stringify(sorted(zod.data)));
      } else {
        expect("problem" in plain && plain.path, label).toEqual(zod.error.issues[0]?.path);
        const problem = "problem" in plain ? plain.problem : "";
        expect(problem, label).not.toContain("SECRET");
        expect(problem, label).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
        expect(problem.length, label).toBeLessThan(200);
      }
    }
    // Both kinds were tried, many of each.
    expect(accepted).toBeGreaterThan(20);
    expect(texts.length - accepted).toBeGreaterThan(100);
  });

  it("say where and what in words", () => {
    const problem = (text: string): string => {
      const r = checkCredentialsFile(JSON.parse(text));
      return "problem" in r ? r.problem : "accepted";
    };
    expect(problem("[]")).toBe("the file must be an object, not a list");
    expect(problem('{"version":"1","sites":{}}')).toBe("version must be 1, not another string");
    expect(problem('{"version":1}')).toBe("sites is missing (it must be an object keyed by site URL)");
    expect(problem(withValue(["sites", SITE, "sessionToken"], ""))).toBe(`sites["${SITE}"].sessionToken must be a non-empty string, not an empty string`);
    expect(problem(withValue(["sites", SITE, "method"], "SECRET"))).toBe(`sites["${SITE}"].method must be "browser" or "password", not another string`);
    expect(problem(withValue(["sites", SITE, "savedAt"], undefined))).toBe(`sites["${SITE}"].savedAt is missing (it must be a string)`);
    expect(problem(withValue(["sites", SITE], null))).toBe(`sites["${SITE}"] must be an object with sessionToken, method and savedAt, not null`);
    expect(problem(JSON.stringify({ version: 1, sites: { "https://u:SECRET@h.example/sg/?k=SECRET": [] } }))).toBe('sites["https://h.example"] must be an object with sessionToken, method and savedAt, not a list');
    expect(problem(JSON.stringify({ version: 1, sites: { [SITE]: good, "SECRET-key": { ...good, login: 5 } } }))).toBe("sites[entry 2].login must be a string, not a number");
  });
});

describe("a hand-edited credentials file", () => {
  const dir = mkdtempSync(join(tmpdir(), "sg-cred-parity-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("of another layout is ignored with a warning naming the file and the bad place, and no secret", async () => {
    const store = new CredentialsStore(dir);
    writeFileSync(store.path, JSON.stringify({ version: 1, sites: { [SITE]: { ...good, method: "SECRET-sso" } } }), { mode: 0o600 });
    const got = await store.get(SITE);
    expect(got.session).toBeUndefined();
    expect(got.warnings?.map((w) => w.kind)).toEqual(["unknown-layout"]);
    expect(got.warning).toBe(`${store.path} has an unknown layout (sites["${SITE}"].method must be "browser" or "password", not another string); it is ignored and will be rewritten by the next sg login`);
  });

  it("with a __proto__ key is read as zod read it: the key dropped, the prototype untouched, the rest kept on rewrite", async () => {
    const store = new CredentialsStore(dir);
    writeFileSync(store.path, `{"version":1,"__proto__":{"polluted":1},"sites":{"__proto__":5,"${SITE}":${JSON.stringify({ ...good, region: "eu" })}}}`, { mode: 0o600 });
    expect((await store.get(SITE)).session).toStrictEqual({ ...good, region: "eu" });
    await store.set("https://b.example", { sessionToken: "tok-b", method: "browser", savedAt: "2026-01-02T00:00:00Z" });
    const again = await store.get(SITE);
    expect(again.warnings).toBeUndefined();
    expect(again.session).toStrictEqual({ ...good, region: "eu" });
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
