/**
 * The Python idiom `download_attachment(rec["sg_uploaded_movie"])` in a loose (untyped) context, where a record's
 * fields hold `unknown`: `downloadAttachment`, `openAttachment` and `getAttachmentDownloadUrl` take that value as it
 * is (they check it at run time), while a typed context keeps refusing what is not an attachment. This file is
 * type-checked (`tsc -p tsconfig.json` includes tests): each call in the compile-only function must compile, and each
 * `@ts-expect-error` line must still be refused. The runtime part downloads through the loose form.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadAttachment, entityContext, find, findOne, getAttachmentDownloadUrl, openAttachment, type EntityApi, type EntityLink } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";

/** A small typed schema with a url field. */
type Site = {
  Version: {
    code: { type: "text"; value: string | null };
    sg_uploaded_movie: { type: "url"; value: { readonly url?: string | null; readonly name?: string } | null };
    project: { type: "entity"; value: EntityLink<"Project"> | null };
  };
  Project: { name: { type: "text"; value: string | null } };
};

/** Compile-only: what the attachment parameter takes in a loose and a typed context. */
async function attachmentParameter(loose: EntityApi, typed: EntityApi<Site>): Promise<void> {
  const rec = (await loose.findOne("Version", [], ["sg_uploaded_movie"]))!;
  await loose.downloadAttachment(rec["sg_uploaded_movie"]);
  await loose.openAttachment(rec["sg_uploaded_movie"]);
  loose.getAttachmentDownloadUrl(rec["sg_uploaded_movie"]);
  await downloadAttachment(loose.client, rec["sg_uploaded_movie"], { filePath: "/tmp/x" });
  await openAttachment(loose.client, rec["sg_uploaded_movie"]);
  getAttachmentDownloadUrl(loose.client, rec["sg_uploaded_movie"]);
  const looseCtx = entityContext(loose.client);
  const [first] = await find(looseCtx, "Version", [], ["sg_uploaded_movie"]);
  await downloadAttachment(looseCtx, first!["sg_uploaded_movie"]);

  const typedRec = (await typed.findOne("Version", [], ["sg_uploaded_movie"]))!;
  const typedCtx = entityContext<Site>(typed.client);
  await typed.downloadAttachment(typedRec.sg_uploaded_movie!);
  await downloadAttachment(typedCtx, typedRec.sg_uploaded_movie!);
  await openAttachment(typedCtx, 12);
  typed.getAttachmentDownloadUrl(typedRec.sg_uploaded_movie);
  // @ts-expect-error — a url field may be null: a typed context says so
  await typed.downloadAttachment(typedRec.sg_uploaded_movie);
  // @ts-expect-error — nor in the standalone function
  await downloadAttachment(typedCtx, typedRec.sg_uploaded_movie);
  // @ts-expect-error — a text is no attachment
  await typed.openAttachment(typedRec.code);
  // @ts-expect-error — nor in the standalone function
  await openAttachment(typedCtx, "movie.mov");
  // @ts-expect-error — a text is no attachment
  typed.getAttachmentDownloadUrl("movie.mov");
}
void attachmentParameter;

let site: TestSite;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site.close();
});

describe("a loose record's url field, as it is", () => {
  it("downloads, opens and gives its URL", async () => {
    const project = { type: "Project", id: site.emulator.card.projects[0]!.id };
    const version = await site.api.create("Version", { code: "loose-attachment", project });
    await site.api.upload("Version", version.id, new File(["movie bytes"], "m.mov"), { fieldName: "sg_uploaded_movie" });
    const rec = (await findOne(site.client, "Version", [["id", "is", version.id]], ["sg_uploaded_movie"]))!;
    expect(new TextDecoder().decode(await downloadAttachment(site.client, rec["sg_uploaded_movie"]))).toBe("movie bytes");
    expect(await new Response((await openAttachment(site.client, rec["sg_uploaded_movie"])).stream).text()).toBe("movie bytes");
    expect(getAttachmentDownloadUrl(site.client, rec["sg_uploaded_movie"])).toMatch(/^http/);
  });
});
