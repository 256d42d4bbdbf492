/**
 * The site's words an upload or a share keeps (the reply, cut to 500 characters; its words, cut to 300) are cut
 * between characters, never inside a surrogate pair, against the emulator over real sockets: a half pair showed as
 * `�` and JSON.stringify wrote it as a visible `\udXXX`.
 */
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgThumbnailNotReadyError, SgTransferError } from "./index.js";
import { startSite, type TestSite } from "./test-support/site.js";
import { demoProject } from "./test-support/suite.js";

/** A half of a surrogate pair standing alone. */
const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const EMOJI = "a" + "🎬".repeat(400);

function shown(error: SgTransferError): string {
  return [error.message, error.reply, error.serverMessage, inspect(error, { showHidden: true }), JSON.stringify(error)].join("\n");
}

describe("a reply of emoji is cut between characters", () => {
  let site: TestSite;
  let a: { type: "Version"; id: number };
  let b: { type: "Version"; id: number };
  beforeAll(async () => {
    site = await startSite();
    const project = demoProject(site);
    a = { type: "Version", id: (await site.api.create("Version", { code: "cut_target", project })).id };
    b = { type: "Version", id: (await site.api.create("Version", { code: "cut_source", project })).id };
  });
  afterAll(async () => {
    await site.close();
  });

  it("a 'not ready' share keeps whole pairs in its message, serverMessage and reply", async () => {
    site.emulator.injectFault({ method: "/upload/share_thumbnail", status: 200, body: `2\n${EMOJI}`, times: 1 });
    const error = (await site.api.shareThumbnail([a], { sourceEntity: b }).catch((e: unknown) => e)) as SgThumbnailNotReadyError;
    expect(error).toBeInstanceOf(SgThumbnailNotReadyError);
    // 300 units would end inside the 150th emoji.
    expect(error.serverMessage).toBe(`a${"🎬".repeat(149)}…`);
    // "2\na" and 248 emoji: 500 units would end inside the 249th.
    expect(error.reply).toBe(`2\na${"🎬".repeat(248)}…`);
    expect(shown(error)).not.toMatch(LONE);
    expect(JSON.stringify(error)).not.toMatch(/\\ud[89a-f]/i);
  });

  it("a refused share (0…) keeps whole pairs in its serverMessage and message", async () => {
    site.emulator.injectFault({ method: "/upload/share_thumbnail", status: 200, body: `0\n${EMOJI} (error_code 103)`, times: 1 });
    const error = (await site.api.shareThumbnail([a], { sourceEntity: b }).catch((e: unknown) => e)) as SgTransferError;
    expect(error).toMatchObject({ code: "SG_UPLOAD_FAILED", errorCode: 103, serverMessage: `a${"🎬".repeat(149)}…` });
    expect(shown(error)).not.toMatch(LONE);
    expect(JSON.stringify(error)).not.toMatch(/\\ud[89a-f]/i);
  });
});
