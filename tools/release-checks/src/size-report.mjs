// Prints the bundle-size table (npm run size): one row per package combination.
import { COMBINATIONS, measure } from "./bundle-size.mjs";

const rows = [];
for (const c of COMBINATIONS) {
  try {
    const s = await measure(c.source);
    rows.push({ combination: c.name, "min (KB)": (s.minified / 1024).toFixed(1), "gzip (KB)": (s.gzipped / 1024).toFixed(1), budget: c.budget ? `${(c.budget / 1024).toFixed(0)} KB` : "", ok: c.budget ? (s.gzipped <= c.budget ? "yes" : "NO") : "" });
  } catch (e) {
    rows.push({ combination: c.name, "min (KB)": "-", "gzip (KB)": "-", budget: "", ok: `build failed: ${String(e.message).split("\n")[0]}` });
  }
}
console.table(rows);
console.log(JSON.stringify(rows));
