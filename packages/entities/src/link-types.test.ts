/**
 * A link of the wrong entity type where a method wants a Project or a HumanUser (a Shot record passed instead of
 * `shot.project`, a script's ApiUser as `user`) is refused with `SgValidationError` before anything is sent: sent,
 * `update_project_last_accessed_by_current_user` takes only the ids and sets another project's (or HumanUser's) "last
 * accessed", and `following` answers an empty list. The right link still works. Against the emulator, whose request
 * log shows what reached it.
 */
import { SgValidationError, type EntityRef } from "@sg/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { following, updateProjectLastAccessed, workScheduleRead, workScheduleUpdate, type EntityApi, type EntityLink } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
let project: EntityRef<"Project">;
let artist: EntityRef<"HumanUser">;
let shot: { type: string; id: number };
let received: number;
beforeAll(async () => {
  site = await startSite();
  project = { type: "Project", id: site.emulator.card.projects[0]!.id };
  artist = { type: "HumanUser", id: (await site.api.findOne("HumanUser", [["login", "is", "artist"]]))!.id };
  // A Shot whose id is also a Project's: sent as `project_id`, it would touch that project.
  shot = (await site.api.findOne("Shot", [["id", "is", project.id]]))!;
});
afterAll(async () => {
  await site.close();
});
beforeEach(() => {
  received = site.emulator.requests().length;
});

/** The requests the emulator received since the test began. */
const receivedSince = (): string[] => site.emulator.requests().slice(received).map((r) => String(r.method_name));

/** `run` is refused with an `SgValidationError` naming `path`, and nothing reaches the site. */
async function refused(run: () => Promise<unknown>, path: (string | number)[], expected: string, got: string): Promise<void> {
  const error = await run().then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(SgValidationError);
  expect((error as SgValidationError).path).toEqual(path);
  expect((error as Error).message).toContain(expected);
  expect((error as Error).message).toContain(got);
  expect(receivedSince()).toEqual([]);
}

describe("updateProjectLastAccessed", () => {
  it("refuses a Shot record where the Project goes", async () => {
    expect(shot.id).toBe(project.id);
    await refused(() => site.api.updateProjectLastAccessed(shot as never), ["project", "type"], "a Project link {type: 'Project', id}", '"Shot"');
    await refused(() => updateProjectLastAccessed(site.client, shot as never, { user: artist }), ["project", "type"], "a Project link", '"Shot"');
  });

  it("refuses an ApiUser (or any other type) as the user: the site would take its id for a HumanUser's", async () => {
    await refused(() => site.api.updateProjectLastAccessed(project, { user: { type: "ApiUser", id: artist.id } as never }), ["options", "user", "type"], "a HumanUser link {type: 'HumanUser', id}", '"ApiUser"');
    await refused(() => updateProjectLastAccessed(site.client, project, { user: shot as never }), ["options", "user", "type"], "a HumanUser link", '"Shot"');
  });

  it("still sends a Project and a HumanUser", async () => {
    await site.api.updateProjectLastAccessed(project, { user: artist });
    expect(site.payloads("update_project_last_accessed_by_current_user").at(-1)).toEqual({ project_id: project.id, user_id: artist.id });
    expect(receivedSince()).toContain("update_project_last_accessed_by_current_user");
  });
});

describe("workScheduleRead and workScheduleUpdate", () => {
  it("refuse a project that is not a Project and a user that is not a HumanUser", async () => {
    await refused(() => site.api.workScheduleRead("2026-03-02", "2026-03-03", { project: shot as never }), ["options", "project", "type"], "a Project link", '"Shot"');
    await refused(() => workScheduleRead(site.client, "2026-03-02", "2026-03-03", { user: { type: "ApiUser", id: 1 } as never }), ["options", "user", "type"], "a HumanUser link", '"ApiUser"');
    await refused(() => site.api.workScheduleUpdate("2026-03-02", false, { project: shot as never }), ["options", "project", "type"], "a Project link", '"Shot"');
    await refused(() => workScheduleUpdate(site.client, "2026-03-02", false, { user: { type: "ApiUser", id: 1 } as never }), ["options", "user", "type"], "a HumanUser link", '"ApiUser"');
  });

  it("still send a Project or a HumanUser", async () => {
    await site.api.workScheduleUpdate("2026-03-05", false, { description: "Offsite", user: artist });
    expect((await site.api.workScheduleRead("2026-03-05", "2026-03-05", { user: artist }))["2026-03-05"]).toMatchObject({ working: false, reason: "USER_EXCEPTION" });
    await site.api.workScheduleUpdate("2026-03-06", false, { description: "Wrap party", project });
    expect((await site.api.workScheduleRead("2026-03-06", "2026-03-06", { project }))["2026-03-06"]).toMatchObject({ working: false, reason: "PROJECT_EXCEPTION" });
    expect(site.payloads("work_schedule_read").at(-1)).toEqual({ start_date: "2026-03-06", end_date: "2026-03-06", project: { type: "Project", id: project.id }, user: null });
  });
});

describe("following", () => {
  it("refuses a project that is not a Project instead of answering an empty list", async () => {
    await refused(() => site.api.following(artist, { project: shot as never }), ["options", "project", "type"], "a Project link", '"Shot"');
    await refused(() => following(site.client, artist, { project: { type: "Sequence", id: project.id } as never }), ["options", "project", "type"], "a Project link", '"Sequence"');
  });

  it("still filters by a Project", async () => {
    const followed = (await site.api.findOne("Shot", [["project", "is", project]]))!;
    await site.api.follow(artist, followed);
    expect((await site.api.following(artist, { project })).map((e) => e.id)).toContain(followed.id);
    await site.api.unfollow(artist, followed);
  });
});

/** A typed schema for the type checks below. */
type Site = {
  Shot: { code: { type: "text"; value: string | null }; project: { type: "entity"; value: EntityLink<"Project"> | null } };
  Project: { name: { type: "text"; value: string | null } };
  HumanUser: { login: { type: "text"; value: string | null } };
};
interface ProjectLink {
  type: "Project";
  id: number;
  name: string;
}
interface ShotLink {
  type: "Shot";
  id: number;
}

/**
 * Compile-only (`tsc -p tsconfig.json` includes tests): what `updateProjectLastAccessed`'s project takes — a Project
 * record typed from a schema (its `name` a `string | null`), its link read from a field, an interface-typed link, a
 * loose record (whose `type` is a `string`: refused at run time only) — and what a typed schema refuses.
 */
async function projectParameter(loose: EntityApi, typed: EntityApi<Site>, p: ProjectLink, s: ShotLink): Promise<void> {
  const record = (await typed.findOne("Project", [], ["name"]))!;
  await typed.updateProjectLastAccessed(record);
  await updateProjectLastAccessed(typed, record, { user: { type: "HumanUser", id: 1 } });
  const shotRecord = (await typed.findOne("Shot", [], ["project"]))!;
  await typed.updateProjectLastAccessed(shotRecord.project!);
  await typed.updateProjectLastAccessed(p);
  await typed.updateProjectLastAccessed({ type: "Project", id: 1, name: "x", code: "y" });
  await loose.updateProjectLastAccessed(p);
  await loose.updateProjectLastAccessed((await loose.findOne("Project", []))!);
  await updateProjectLastAccessed(loose.client, (await loose.findOne("Project", [], ["name"]))!);
  // @ts-expect-error — a Shot record where its project goes
  await typed.updateProjectLastAccessed(shotRecord);
  // @ts-expect-error — an interface-typed Shot link
  await typed.updateProjectLastAccessed(s);
  // @ts-expect-error — nor in the standalone function
  await updateProjectLastAccessed(typed, { type: "Shot", id: 1 });
  // @ts-expect-error — a link without an id
  await loose.updateProjectLastAccessed({ type: "Project" });
  // @ts-expect-error — the user is a HumanUser
  await loose.updateProjectLastAccessed(p, { user: { type: "ApiUser", id: 1 } });
  // @ts-expect-error — the schedule's project is a Project
  await loose.workScheduleRead("2026-01-01", "2026-01-02", { project: s });
  // @ts-expect-error — following's project is a Project
  await typed.following({ type: "HumanUser", id: 1 }, { project: s });
}
void projectParameter;
