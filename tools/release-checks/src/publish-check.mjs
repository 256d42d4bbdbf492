// Pre-publish gate: npm's provenance publishing refuses a package whose `repository.url` does not name the
// repository the release was built from, so each public package must say where its source lives before
// `changeset publish` runs. Run: `npm run publish-check` (repository root).
import { fileURLToPath } from "node:url";
import { publicPackages, repoRoot } from "./workspace.mjs";

/** What each public package under `root` lacks for a provenance publish, as readable strings (none when ready). */
export function publishProblems(root = repoRoot) {
  const problems = [];
  for (const { folder, manifest } of publicPackages(root)) {
    const repo = manifest.repository;
    const where = `${manifest.name} (packages/${folder}/package.json)`;
    if (typeof repo !== "object" || repo === null) {
      problems.push(`${where}: has no "repository"; expected { "type": "git", "url": "<the source repository's git URL>", "directory": "packages/${folder}" }`);
      continue;
    }
    if (typeof repo.url !== "string" || repo.url.trim() === "") problems.push(`${where}: "repository.url" is missing; expected the source repository's git URL`);
    if (repo.directory !== `packages/${folder}`) problems.push(`${where}: "repository.directory" is ${JSON.stringify(repo.directory)}; expected "packages/${folder}"`);
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = publishProblems();
  if (problems.length > 0) {
    console.error(`Not ready to publish with provenance: ${problems.length} problem(s).`);
    for (const p of problems) console.error(`  ${p}`);
    console.error('Add to each package.json: "repository": { "type": "git", "url": "<the source repository\'s git URL>", "directory": "packages/<folder>" } (see CONTRIBUTING.md, Releasing).');
    process.exit(1);
  }
  console.log("publish-check: every public package names its repository.url and directory");
}
