import { describe, expect, it } from "vitest";
import { COMBINATIONS, measure } from "./bundle-size.mjs";

describe("bundle size (esbuild, minified, gzip -9, dependencies included)", () => {
  it.each(COMBINATIONS.map((c) => [c.name, c]))("%s builds%s", async (_name, c) => {
    const size = await measure(c.source);
    expect(size.gzipped).toBeGreaterThan(500);
    if (c.budget) expect(size.gzipped, `${c.name}: ${size.gzipped} bytes gzipped`).toBeLessThanOrEqual(c.budget);
  }, 30_000);
});
