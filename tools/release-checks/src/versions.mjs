// Plain x.y.z release versions: read, compare and bump them the way changesets does for our packages
// (no prerelease tags: the release checks refuse them rather than guess).

/** `[major, minor, patch]` of a plain `x.y.z` version; throws naming the value otherwise. */
export function parseVersion(version) {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(String(version));
  if (!m) throw new Error(`expected a version such as 1.2.3, got ${JSON.stringify(version)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Negative, zero or positive as `a` is below, equal to or above `b`. */
export function compareVersions(a, b) {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** The version a `major`, `minor` or `patch` release of `version` gets. */
export function bumpVersion(version, type) {
  const [major, minor, patch] = parseVersion(version);
  if (type === "major") return `${major + 1}.0.0`;
  if (type === "minor") return `${major}.${minor + 1}.0`;
  if (type === "patch") return `${major}.${minor}.${patch + 1}`;
  throw new Error(`expected a bump type of major, minor or patch, got ${JSON.stringify(type)}`);
}
