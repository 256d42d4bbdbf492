/**
 * Dates made by another realm's `Date` (an iframe, jsdom, here a `node:vm` context), against the emulator over real
 * sockets. They fail `instanceof Date`, so a filter refused one as "an empty object" and an update sent it
 * unencoded (`"2030-01-02T03:04:05.000Z"`), which the site refuses.
 */
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { demoProject, useSite } from "./test-support/suite.js";

const getSite = useSite();

const otherRealmDate = (iso: string): Date => runInNewContext(`new Date(${JSON.stringify(iso)})`) as Date;

describe("a Date from another realm", () => {
  it("is written as a wire datetime by create, update and batch", async () => {
    const site = getSite();
    const project = demoProject(site);
    const when = otherRealmDate("2030-01-02T03:04:05.678Z");
    expect(when instanceof Date).toBe(false);
    const playlist = await site.api.create("Playlist", { code: "realm_when", project, sg_date_and_time: when });
    await site.api.update("Playlist", playlist.id, { sg_date_and_time: otherRealmDate("2031-02-03T04:05:06Z") });
    const read = await site.apiWith({ dates: "string" }).findOne("Playlist", [["id", "is", playlist.id]], ["sg_date_and_time"]);
    expect(read).toMatchObject({ sg_date_and_time: "2031-02-03T04:05:06Z" });
    await site.api.batch([{ request_type: "update", entity_type: "Playlist", entity_id: playlist.id, data: { sg_date_and_time: when } }]);
    expect(site.payloads("create").at(-1)).toMatchObject({ fields: expect.arrayContaining([{ field_name: "sg_date_and_time", value: "2030-01-02T03:04:05Z" }]) });
    expect(await site.apiWith({ dates: "string" }).findOne("Playlist", [["id", "is", playlist.id]], ["sg_date_and_time"])).toMatchObject({ sg_date_and_time: "2030-01-02T03:04:05Z" });
  });

  it("is taken in a filter", async () => {
    const site = getSite();
    const project = demoProject(site);
    const playlist = await site.api.create("Playlist", { code: "realm_filter", project, sg_date_and_time: new Date("2040-05-06T07:08:09Z") });
    const found = await site.api.find("Playlist", [["sg_date_and_time", "greater_than", otherRealmDate("2040-01-01T00:00:00Z")]], ["code"]);
    expect(found.map((r) => r.id)).toEqual([playlist.id]);
  });
});
