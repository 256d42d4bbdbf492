import { describe, expect, it } from "vitest";
import { COMBINATIONS, PLATFORMS, measure } from "./bundle-size.mjs";

describe("bundle size (esbuild, minified, gzip -9, dependencies included)", () => {
  it.each(COMBINATIONS.map((c) => [c.name, c]))("%s stays under its ratchet on the neutral (edge/browser) platform", async (_name, c) => {
    const size = await measure(c.source, "neutral");
    expect(size.gzipped).toBeGreaterThan(500);
    expect(size.gzipped, `${c.name}: ${size.gzipped} bytes gzipped`).toBeLessThanOrEqual(c.ratchet);
  }, 30_000);

  it("the README's alias keeps node-fetch-native out of Node bundles", async () => {
    const [c] = COMBINATIONS;
    const node = await measure(c.source, "node");
    const aliased = await measure(c.source, "node+alias");
    const neutral = await measure(c.source, "neutral");
    expect(node.minified - aliased.minified).toBeGreaterThan(50_000);
    expect(Math.abs(aliased.gzipped - neutral.gzipped)).toBeLessThan(1024);
    expect(Object.keys(PLATFORMS)).toEqual(["neutral", "node", "node+alias"]);
  }, 30_000);
});
