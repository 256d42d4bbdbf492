// Prints the bundle-size table (npm run size -w @sg-internal/release-checks): one row per package
// combination and platform, gzipped KB, with the enforced ratchet and the target.
import { COMBINATIONS, PLATFORMS, STRIP_LENGTHS, TARGET_NOTE, composition, measure } from "./bundle-size.mjs";

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
  const gz = Number(row["neutral gz KB"]) * 1024;
  row.target = c.target ? `${kb(c.target)} (${gz <= c.target ? "met" : "not met"})` : "";
  rows.push(row);
}
console.table(rows);
console.log(TARGET_NOTE);

// What the combinations with a target are made of (neutral platform).
const compositions = {};
for (const c of COMBINATIONS.filter((c) => c.target)) {
  const made = await composition(c.source);
  compositions[c.name] = made;
  const withoutText = STRIP_LENGTHS.map((n) => `strings of ${n}+ characters emptied ${kb(made.gzippedWithoutTextOf[n])} KB`);
  console.log(`\n${c.name}: ${kb(made.gzipped)} KB gzipped; ${withoutText.join("; ")}; every string literal emptied ${kb(made.gzippedWithoutStrings)} KB`);
  console.table(Object.entries(made.byOrigin).sort((a, b) => b[1] - a[1]).map(([origin, bytes]) => ({ origin, "minified KB": kb(bytes), "imported by": (made.importers[origin] ?? []).join(", ") })));
}
console.log(JSON.stringify({ rows, compositions }));
