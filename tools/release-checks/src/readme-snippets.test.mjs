import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generatedSchema } from "./typegen-fixture.mjs";
import { definesName } from "./code-names.mjs";
import { snippetBlocks } from "./readme-blocks.mjs";
import { publicPackages, repoRoot } from "./workspace.mjs";

// The ```ts blocks of the README and of each package README are type-checked against the built packages,
// so documentation cannot drift from the code it shows.
const docs = [join(repoRoot, "README.md"), ...publicPackages().map((p) => join(p.dir, "README.md"))];
// The root README's blocks, and every package README block that is a complete program (readme-blocks.mjs).
const blocks = docs.flatMap((file) => snippetBlocks(file.slice(repoRoot.length + 1), readFileSync(file, "utf8")));

/** Names the prose around snippets takes as given, declared only when the snippet does not define them. */
const GIVEN = {
  scriptName: "declare const scriptName: string;",
  scriptKey: "declare const scriptKey: string;",
  sessionToken: "declare const sessionToken: string;",
  login: "declare const login: string;",
  password: "declare const password: string;",
  site: "declare const site: string;",
  client: "declare const client: import('@sg/core').Client;",
  MySite: "type MySite = import('@sg/entities').LooseSchema;",
  // Helpers of the reader's own program that the examples call.
  ask: "declare function ask(question: string): Promise<string>;",
  askHidden: "declare function askHidden(question: string): Promise<string>;",
  openInBrowser: "declare function openInBrowser(url: string): void;",
  keychain: "declare const keychain: { get(name: string): Promise<string>; set(name: string, value: string): Promise<void> };",
  schemaReadAnswer: "declare const schemaReadAnswer: import('@sg/cli').RawSiteSchema;",
  schemaEntityReadAnswer: "declare const schemaEntityReadAnswer: import('@sg/cli').RawEntitySchema;",
  envScriptAuth: "declare function envScriptAuth(options?: { env?: Readonly<Record<string, string | undefined>> }): import('@sg/core').AuthStrategy;",
};

// Files a snippet imports that `sg typegen` writes: generated here from the emulator's real schema.
const GENERATED = ["./sg-schema.js"];

// A scratch folder inside the repository, so `@sg/*` resolve through the workspace's node_modules.
const scratch = mkdtempSync(join(repoRoot, "tools", "release-checks", ".snippets-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("README code compiles", () => {
  it("finds the snippets", () => {
    expect(blocks.length).toBeGreaterThan(5);
  });

  it("checks a package README block whose only @sg import is a multi-line (Prettier-style) one, and leaves a fragment", () => {
    const readme = ["```ts", "import {", "  createClient,", "  retryPolicy,", '} from "@sg/core";', "", "createClient(…);", "```", "", "```ts", "client.call(…);", "```", ""].join("\n");
    expect(snippetBlocks("packages/core/README.md", readme).map((b) => b.index)).toEqual([0]);
  });

  it.each(blocks.map((b) => [`${b.file} #${b.index + 1}`, b]))("%s type-checks", (_name, block) => {
    const dir = mkdtempSync(join(scratch, "b-"));
    // Snippets may use free names the surrounding prose defines (scriptName, a site schema type, …).
    const defines = (name) => definesName(block.code, name);
    const uses = (name) => new RegExp(`\\b${name}\\b`).test(block.code);
    const preamble = Object.entries(GIVEN)
      .filter(([name]) => uses(name) && !defines(name))
      .map(([, line]) => `${line}\n`)
      .join("");
    const body = /^\s*(import|export)\b/m.test(block.code) ? `${block.code}\nexport {};\n` : `export {};\n${block.code}`;
    const runner = ["it", "test", "expect", "describe"].filter((n) => new RegExp(`(^|[^.\\w])${n}\\(`, "m").test(block.code) && !defines(n));
    const runnerImport = runner.length ? `import { ${runner.join(", ")} } from "vitest";\n` : "";
    for (const spec of GENERATED) {
      if (block.code.includes(`"${spec}"`)) writeFileSync(join(dir, spec.replace(/\.js$/, ".ts")), generatedSchema());
    }
    writeFileSync(join(dir, "snippet.ts"), `${runnerImport}${preamble}${body}`);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        extends: "../../../../tsconfig.base.json",
        compilerOptions: { noEmit: true, isolatedDeclarations: false, noUnusedLocals: false, rootDir: "." },
        include: ["*.ts"],
      }),
    );
    let output = "";
    try {
      execFileSync(join(repoRoot, "node_modules", ".bin", "tsc"), ["-p", join(dir, "tsconfig.json")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      output = `${e.stdout ?? ""}${e.stderr ?? ""}`;
    }
    expect(output, `${block.file} snippet #${block.index + 1}:\n${block.code}`).toBe("");
  }, 60_000);
});
