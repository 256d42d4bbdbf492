// What `sg typegen` writes for the emulator's real schema: the typed site schema the compile checks import.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./workspace.mjs";

let generated;

/** The `sg-schema.ts` that `sg typegen` writes for the emulator's schema (generated once per process, by the built @sg/cli). */
export function generatedSchema() {
  if (!generated) {
    const schema = JSON.parse(readFileSync(join(repoRoot, "packages/emulator/data/schema_read.json"), "utf8"));
    const entities = JSON.parse(readFileSync(join(repoRoot, "packages/emulator/data/schema_entity_read.json"), "utf8"));
    generated = execFileSync(process.execPath, ["--input-type=module", "-e", `import { generateSchemaTypes } from "@sg/cli"; import { readFileSync } from "node:fs"; process.stdout.write(generateSchemaTypes(JSON.parse(readFileSync(0, "utf8")).schema, { entities: JSON.parse(readFileSync(0, "utf8") || "null")?.entities }));`], { input: JSON.stringify({ schema, entities }), cwd: repoRoot, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  }
  return generated;
}
