/**
 * What the compiler says about bad `create` / `update` data, checked on the compiler's own output: `tsc` is run on a
 * file of calls against the emulator's 77-type schema (as `sg typegen` writes it), and each call's error must name the
 * bad key and the entity type (`"created_at is not a writable field of Shot"`), also when the data holds no other key.
 * The `@ts-expect-error` lines of the type tests only say that there is an error, not which.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const tsc = join(here, "..", "..", "..", "node_modules", ".bin", "tsc");
const dir = join(here, `.write-data-messages-${process.pid}`);

/** Each case: a call, and the text its error must hold (`null`: the call compiles). */
const CASES: readonly (readonly [call: string, expected: string | null])[] = [
  // The README ("Create and update data") quotes this one whole.
  [`sg.update("Shot", 1, { created_at: new Date() })`, `Type 'Date' is not assignable to type '{ readonly "created_at is not a writable field of Shot": never; } & AnyProperties'`],
  [`sg.update("Shot", 1, { created_by: { type: "HumanUser", id: 1 } })`, `Property '"created_by is not a writable field of Shot"' is missing in type`],
  [`sg.update("Shot", 1, { id: 3 })`, `"id is not a writable field of Shot"`],
  [`sg.update("Shot", 1, { cdoe: "x" })`, `"cdoe is not a writable field of Shot"`],
  [`sg.update("Shot", 1, { open_notes_count: "3" })`, `"open_notes_count is not a writable field of Shot"`],
  [`sg.update("Task", 1, { sibling_tasks: [] })`, `"sibling_tasks is not a writable field of Task"`],
  [`sg.create("Shot", { cdoe: "x" })`, `"cdoe is not a writable field of Shot"`],
  [`sg.create("Shot", { updated_at: new Date() })`, `"updated_at is not a writable field of Shot"`],
  [`create(sg, "Shot", { cdoe: "x" })`, `"cdoe is not a writable field of Shot"`],
  [`update(sg, "Shot", 1, { cdoe: "x" })`, `"cdoe is not a writable field of Shot"`],
  [`sg.update("Shot", 1, { code: "x", cdoe: 1 })`, `Type 'number' is not assignable to type '{ readonly "cdoe is not a writable field of Shot": never; }'`],
  [`sg.update("Shot", 1, { code: 5 })`, `Type 'number' is not assignable to type 'string'`],
  // A bad value is compared with the field's own type alone, not with the data's type intersected with it.
  [`sg.update("Task", 1, { task_assignees: [{ type: "ApiUser", id: 1 }] })`, `Type '"ApiUser"' is not assignable to type '"Group" | "HumanUser"'`],
  [`sg.create("Task", { content: "x", start_date: new Date() })`, `Type 'Date' is not assignable to type 'string'`],
  [`sg.update("Shot", 1, { sg_sequence: { type: "Shot", id: 1 } })`, `Type '"Shot"' is not assignable to type '"Sequence"'`],
  [`sg.update("Shot", 1, { code: "x", sg_status_list: "ip" })`, null],
  [`sg.create("Shot", { code: "x", created_at: new Date() })`, null],
];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("create / update data: the compiler's message", () => {
  it("names the bad key and the type, also when it is the only key", () => {
    mkdirSync(dir, { recursive: true });
    const head = [
      `import { create, entityApi, update } from "../index.js";`,
      `import { sgFieldTypes, type SgSchema } from "../test-support/sg-schema.js";`,
      `import type { Client } from "@sg/core";`,
      `declare const client: Client;`,
      `const sg = entityApi<SgSchema>(client, { fieldTypes: sgFieldTypes });`,
    ];
    const lines = [...head, ...CASES.map(([call], i) => `export const c${i} = () => ${call};`)];
    writeFileSync(join(dir, "calls.ts"), lines.join("\n") + "\n");
    const options = { noEmit: true, declaration: false, isolatedDeclarations: false, rootDir: "..", exactOptionalPropertyTypes: true };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "../../../../tsconfig.base.json", compilerOptions: options, files: ["calls.ts"] }));
    const r = spawnSync(tsc, ["-p", join(dir, "tsconfig.json"), "--pretty", "false"], { encoding: "utf8" });
    // The errors by line of calls.ts, each with its continuation lines.
    const byLine = new Map<number, string>();
    let current = -1;
    for (const text of r.stdout.split("\n")) {
      const start = /^.*calls\.ts\((\d+),\d+\): error/.exec(text);
      if (start) current = Number(start[1]);
      else if (!text.startsWith(" ")) current = -1;
      if (current >= 0) byLine.set(current, `${byLine.get(current) ?? ""}${text}\n`);
    }
    const seen = CASES.map(([call], i) => [call, byLine.get(head.length + i + 1) ?? null] as const);
    for (const [index, [call, message]] of seen.entries()) {
      const expected = CASES[index]![1];
      if (expected === null) {
        expect(message, call).toBeNull();
      } else {
        expect(message, call).toContain(expected);
        expect(message, call).not.toContain("does not exist in type");
        expect(message, call).not.toMatch(/ & EntityLink|\(Date & string\)/);
      }
    }
    expect(byLine.size, r.stdout).toBe(CASES.filter(([, e]) => e !== null).length);
  }, 60_000);
});
