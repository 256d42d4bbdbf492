/**
 * `openAttachment().fileName` from each form of `Content-Disposition` a server sends: raw UTF-8 bytes in `filename`
 * (which fetch and node:http hand over as Latin-1), `filename*` quoted or not, in UTF-8 or ISO-8859-1, a quoted-string
 * with escapes. Against a node:http site on 127.0.0.1 that sends the header's bytes as given.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDispositionSite, type DispositionSite } from "./test-support/file-site.js";

let files: DispositionSite;
beforeAll(async () => {
  files = await startDispositionSite();
});
afterAll(() => files.close());
const nameOf = (bytes: Buffer): Promise<string | undefined> => files.nameOf(bytes);

describe("openAttachment().fileName reads Content-Disposition as browsers do", () => {
  it.each([
    // raw UTF-8 in the quoted filename, as many servers send it: decoded, not read as Latin-1 ("ã·ã§â¦")
    ['attachment; filename="ショット_0010_レンダー.exr"', "ショット_0010_レンダー.exr"],
    ['attachment; filename="' + "ショット.exr".normalize("NFD") + '"', "ショット.exr".normalize("NFD")],
    ["attachment; filename=caf\u00e9.txt", "café.txt"],
    // filename* quoted (some servers do), with a language, and first over filename
    ["attachment; filename*=\"UTF-8''%E3%82%B7.exr\"", "シ.exr"],
    ["attachment; filename*=UTF-8'ja'%E3%82%B7%E3%83%A7.exr", "ショ.exr"],
    ["attachment; filename=\"x.exr\"; filename*=utf-8''%E3%82%B7.exr", "シ.exr"],
    ["attachment; FILENAME*=UTF-8''%EC%83%B7%20%EC%B5%9C%EC%A2%85%282%29.mov; FileName=\"x.mov\"", "샷 최종(2).mov"],
    // its charset honoured: ISO-8859-1 as well as UTF-8
    ["attachment; filename*=ISO-8859-1''caf%E9.txt; filename=\"cafe.txt\"", "café.txt"],
    // another charset, an invalid escape, bytes that are not UTF-8: filename*'s ignored for filename
    ["attachment; filename*=Shift_JIS''%83V.txt; filename=\"plain.txt\"", "plain.txt"],
    ["attachment; filename*=UTF-8''%E3%8.txt; filename=\"plain.txt\"", "plain.txt"],
    ["attachment; filename*=UTF-8''caf%E9.txt; filename=\"plain.txt\"", "plain.txt"],
    ["attachment; filename*=UTF-8''; filename=\"plain.txt\"", "plain.txt"],
    // a quoted-string's escapes (RFC 7230 quoted-pair; the escaped '"', which Windows refuses in a name, made '_'), and a
    // ';' inside the quotes
    ['attachment; filename="a\\"b.txt"', "a_b.txt"],
    ['attachment; filename="a;b\\\\c.txt"', "c.txt"],
    // no disposition type: parameters from the start, as browsers read it
    ['filename="noType.txt"', "noType.txt"],
    ["FileName*=UTF-8''%E3%82%B7.exr", "シ.exr"],
    // a quoted value never closed: its opening quote is not part of the name
    ['attachment; filename="unterminated.txt', "unterminated.txt"],
  ])("%j gives %j", async (header, name) => {
    expect(await nameOf(Buffer.from(header, "utf8"))).toBe(name);
  });

  it("a filename in bytes that are not UTF-8 (Shift_JIS) keeps the Latin-1 reading, its C1 controls dropped", async () => {
    const bytes = Buffer.concat([Buffer.from('attachment; filename="'), Buffer.from([0x83, 0x56, 0x83, 0x87]), Buffer.from('.exr"')]);
    expect(await nameOf(bytes)).toBe("V.exr");
  });
});
