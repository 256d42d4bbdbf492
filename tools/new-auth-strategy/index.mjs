#!/usr/bin/env node
// Scaffold a new auth strategy package without nx:
//   node tools/new-auth-strategy/index.mjs <name> [--description "<text>"] [--root <workspace>] [--dry-run]
// The nx way (same code): npx nx g ./tools/new-auth-strategy/generators.json:auth-strategy <name>
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import generator from "./generator.cjs";

function parse(argv) {
  const out = { name: undefined, description: undefined, root: resolve(dirname(fileURLToPath(import.meta.url)), "../.."), dryRun: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--dry-run") out.dryRun = true;
    else if (arg === "--root") out.root = resolve(argv[++i] ?? "");
    else if (arg === "--description") out.description = argv[++i];
    else if (arg.startsWith("--")) throw new Error(`new-auth-strategy: unknown option ${arg}`);
    else if (out.name === undefined) out.name = arg;
    else throw new Error(`new-auth-strategy: unexpected argument ${JSON.stringify(arg)}`);
  }
  return out;
}

/** A Tree over the file system, the subset of nx's Tree the generator uses. */
function fsTree(root, dryRun) {
  const written = [];
  return {
    written,
    exists: (path) => existsSync(join(root, path)),
    read: (path, encoding) => (existsSync(join(root, path)) ? readFileSync(join(root, path), encoding) : null),
    write: (path, content) => {
      written.push(path);
      if (dryRun) return;
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    },
  };
}

try {
  const args = parse(process.argv.slice(2));
  const tree = fsTree(args.root, args.dryRun);
  const done = generator(tree, { name: args.name, description: args.description });
  for (const path of tree.written) console.log(`CREATE ${path}`);
  if (args.dryRun) console.log("\n(dry run: nothing written)");
  else done();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
