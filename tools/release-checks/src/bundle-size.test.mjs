import { describe, expect, it } from "vitest";
import { COMBINATIONS, PLATFORMS, STRIP_LENGTHS, composition, measure, originOf } from "./bundle-size.mjs";

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

  it("reports what the find bundle is made of; ofetch is reached only through the transport's http() exchanger", async () => {
    const made = await composition(COMBINATIONS[0].source);
    const parts = Object.values(made.byOrigin).reduce((a, b) => a + b, 0);
    expect(parts).toBeLessThanOrEqual(made.minified);
    expect(made.minified - parts).toBeLessThan(200); // esbuild's own glue
    expect(Object.keys(made.byOrigin)).toEqual(expect.arrayContaining(["@sg/core", "@sg/transport", "@sg/auth-script", "@sg/entities", "ofetch"]));
    expect(made.gzippedWithoutStrings).toBeLessThan(made.gzipped);
    expect(made.gzippedWithoutStrings).toBeGreaterThan(made.gzipped / 2);
    // Emptying more strings (a lower length) can only shrink the bundle: sentences only, then short texts too, then all.
    const [sentences, shortTexts] = STRIP_LENGTHS.map((n) => made.gzippedWithoutTextOf[n]);
    expect(sentences).toBeLessThan(made.gzipped);
    expect(shortTexts).toBeLessThan(sentences);
    expect(made.gzippedWithoutStrings).toBeLessThan(shortTexts);
    // RPC calls use fetch directly: the only importer of ofetch is the module the plain exchanges (uploads,
    // downloads) get it from, the static one outside Node (`#ofetch`).
    expect(made.importers["ofetch"]).toEqual(["packages/transport/dist/ofetch-eager.js"]);
  }, 30_000);

  it("the calls-only transport keeps ofetch and the upload exchange out of a find bundle", async () => {
    const calls = COMBINATIONS.find((c) => c.source.includes("jsonRpcCallTransport"));
    const made = await composition(calls.source);
    expect(Object.keys(made.byOrigin).sort()).toEqual(["@sg/auth-script", "@sg/core", "@sg/entities", "@sg/transport", "app"]);
    expect(made.files).toContain("packages/transport/dist/rpc-calls.js");
    expect(made.files.filter((f) => /http-(exchange|fetcher)/.test(f))).toEqual([]);
    const full = await measure(COMBINATIONS[0].source);
    expect(full.gzipped - made.gzipped).toBeGreaterThan(3 * 1024);
  }, 30_000);

  it("tells packages apart by path", () => {
    expect(originOf("packages/transport/dist/fetcher.js")).toBe("@sg/transport");
    expect(originOf("node_modules/ofetch/dist/index.mjs")).toBe("ofetch");
    expect(originOf("node_modules/@scope/pkg/dist/x.js")).toBe("@scope/pkg");
    expect(originOf("packages/x/node_modules/ufo/dist/index.mjs")).toBe("ufo");
    expect(originOf("app.mjs")).toBe("app");
  });
});
