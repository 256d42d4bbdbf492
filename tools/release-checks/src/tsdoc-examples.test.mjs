import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LIBS, checkExamples, examplesOf, fencelessExamples, packageExamples, typeNames } from "./tsdoc-examples.mjs";
import { publicPackages, repoRoot } from "./workspace.mjs";

// The public names each built package exports: its runtime values, and the types its .d.ts files export.
const exports = await Promise.all(
  publicPackages().map(async (p) => {
    const values = new Set(Object.keys(await import(p.manifest.name)));
    return { name: p.manifest.name, values, types: new Set([...typeNames(p.dir)].filter((n) => !values.has(n))) };
  }),
);
// A scratch folder inside the repository, so `@sg/*` resolve through the workspace's node_modules.
const scratch = mkdtempSync(join(repoRoot, "tools", "release-checks", ".snippets-examples-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("TSDoc examples compile", () => {
  const examples = publicPackages().flatMap((p) => packageExamples(p));
  let errors;
  const errorsOf = (i) => {
    if (!errors) errors = checkExamples(examples, exports, mkdtempSync(join(scratch, "repo-")));
    return errors[i];
  };

  it("finds the examples, the openAttachment one among them", () => {
    expect(examples.length).toBeGreaterThan(5);
    expect(examples.some((e) => e.code.includes("openAttachment("))).toBe(true);
  });

  it("every @example holds a ```ts block, so none escapes the check", () => {
    expect(publicPackages().flatMap((p) => packageExamples(p, fencelessExamples))).toEqual([]);
    const planted = ["/**", " * Does a thing.", " *", " * @example", " * thing(1);", " * @param x - a number.", " */", "/**", " * @example", " * ```ts", " * thing(2);", " * ```", " */"].join("\n");
    expect(fencelessExamples(planted, "planted.ts")).toEqual(["planted.ts:4"]);
  });

  it("reads a ```ts block indented in a list under @remarks, with its indent stripped, and counts it as an @example's fence", () => {
    const planted = [
      "/**",
      " * Does a thing.",
      " *",
      " * @remarks",
      " * - first, call it:",
      " *   ```ts",
      " *   const a = thing(1);",
      " *   if (a) {",
      " *     thing(2);",
      " *   }",
      " *   ```",
      " * - then stop.",
      " *",
      " * @example",
      " *   ```typescript",
      " *   thing(3);",
      " *   ```",
      " */",
    ].join("\n");
    expect(examplesOf(planted, "planted.ts")).toEqual([
      { file: "planted.ts", line: 6, code: "const a = thing(1);\nif (a) {\n  thing(2);\n}" },
      { file: "planted.ts", line: 15, code: "thing(3);" },
    ]);
    expect(fencelessExamples(planted, "planted.ts")).toEqual([]);
  });

  it.each(examples.map((e, i) => [`${e.file}:${e.line}`, i]))("%s type-checks with and without the DOM lib", (_name, i) => {
    expect(errorsOf(i), `${examples[i].file}:${examples[i].line}:\n${examples[i].code}`).toEqual([]);
  }, 120_000);

  it("reports a planted example that is wrong under every lib, and one that is wrong only with the DOM lib", () => {
    const pkg = { dir: join(scratch, "planted"), folder: "planted", manifest: { name: "@sg/entities" } };
    mkdirSync(join(pkg.dir, "src"), { recursive: true });
    const doc = (code) => `/**\n * Does a thing.\n *\n * \`\`\`ts\n${code.map((l) => ` * ${l}`).join("\n")}\n * \`\`\`\n */\nexport function thing(): void {}\n`;
    writeFileSync(join(pkg.dir, "src", "wrong.ts"), doc(['const shots = await find(client, "Shot", [], "code");']));
    writeFileSync(
      join(pkg.dir, "src", "dom.ts"),
      doc([
        'import { Readable } from "node:stream";',
        'import { pipeline } from "node:stream/promises";',
        "",
        "const { stream } = await openAttachment(client, 42);",
        "await pipeline(Readable.fromWeb(stream), process.stdout);",
      ]),
    );
    writeFileSync(join(pkg.dir, "src", "right.ts"), doc(["const api2 = entityApi<MySite>(client);", 'await api2.find("Shot", [], ["code"], { signal });']));
    writeFileSync(join(pkg.dir, "src", "right.test.ts"), doc(["this is not code"]));
    const planted = packageExamples(pkg).toSorted((a, b) => a.file.localeCompare(b.file));
    expect(planted.map((e) => e.file)).toEqual(["planted/src/dom.ts", "planted/src/right.ts", "planted/src/wrong.ts"]);
    const [dom, right, wrong] = checkExamples(planted, exports, mkdtempSync(join(scratch, "planted-")));
    expect(right).toEqual([]);
    expect(dom).toEqual([expect.stringMatching(/^lib ES2022\+DOM\+DOM\.Iterable: line \d+: error TS2345: /)]);
    expect(wrong).toEqual([expect.stringMatching(/^lib ES2022: line \d+: error TS\d+: /), expect.stringMatching(/^lib ES2022\+DOM\+DOM\.Iterable: line \d+: error TS\d+: /)]);
    expect(Object.keys(LIBS)).toEqual(["es2022", "dom"]);
  }, 120_000);
});
