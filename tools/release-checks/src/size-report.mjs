// Prints the bundle-size table (npm run size -w @sg-internal/release-checks): one row per package
// combination and platform, gzipped KB, with the enforced ratchet and the target.
import { COMBINATIONS, PLATFORMS, TARGET_NOTE, measure } from "./bundle-size.mjs";

const kb = (n) => (n / 1024).toFixed(1);
const rows = [];
for (const c of COMBINATIONS) {
  const row = { combination: c.name };
  for (const platform of Object.keys(PLATFORMS)) {
    try {
      const s = await measure(c.source, platform);
      row[`${platform} gz KB`] = kb(s.gzipped);
      if (platform === "neutral") row["neutral min KB"] = kb(s.minified);
    } catch (e) {
      row[`${platform} gz KB`] = `failed: ${String(e.message).split("\n")[0]}`;
    }
  }
  row["ratchet KB"] = kb(c.ratchet);
  row.target = c.target ? `${kb(c.target)} (not met)` : "";
  rows.push(row);
}
console.table(rows);
console.log(TARGET_NOTE);
console.log(JSON.stringify(rows));
