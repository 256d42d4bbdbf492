/**
 * The site's `info`, as `client.info()` and `client.cachedInfo()` hand it out, is the client's cache: it is frozen
 * through and through, so a caller that formats it in place (`info.version.length = 0`) cannot make later calls
 * refused locally as calls to a site of another version.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { followers } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site.close();
});

/** Every object and array inside `value` (itself included) that is not frozen, by path. */
function unfrozen(value: unknown, path = "info"): string[] {
  if (value === null || typeof value !== "object") return [];
  const inner = Object.entries(value).flatMap(([k, v]) => unfrozen(v, `${path}.${k}`));
  return Object.isFrozen(value) ? inner : [path, ...inner];
}

describe("client.info()", () => {
  it("is frozen deeply, fresh or cached, so a caller cannot change what later calls check", async () => {
    const { client } = site.freshClient();
    const info = await client.info();
    expect(client.cachedInfo()).toBe(info);
    expect(Object.keys(info).length).toBeGreaterThan(1);
    expect(unfrozen(info)).toEqual([]);
    const version = info.version as (number | string)[];
    expect(() => {
      version.length = 0;
    }).toThrow(TypeError);
    expect(() => version.push(3, 0, 0)).toThrow(TypeError);
    expect(await followers(client, { type: "Shot", id: 1 })).toBeInstanceOf(Array);
    const refreshed = await client.info({ refresh: true });
    expect(unfrozen(refreshed)).toEqual([]);
    expect(client.cachedInfo()).toBe(refreshed);
    await client.close();
  });
});
