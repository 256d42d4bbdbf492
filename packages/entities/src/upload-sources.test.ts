/**
 * Upload sources refused before anything is sent, against the emulator over real sockets: bytes, an ArrayBuffer or a
 * stream are named as what they are (they read "an object with keys 0, 1, 2, 3, 4, …" and "an empty object") and the
 * refusal says how to pass bytes; a Blob without stream() — jsdom's, where a test environment swaps the global
 * `Blob` — was taken, and its upload stalled until the transfer timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SgValidationError } from "@sg/core";
import { startSite, type TestSite } from "./test-support/site.js";

let site: TestSite;
let shot: number;
beforeAll(async () => {
  site = await startSite();
  shot = (await site.api.findOne("Shot", []))!.id;
});
afterAll(async () => {
  await site.close();
});

/** The error of an upload of `source`, checking that the site received nothing. */
async function refusal(source: unknown): Promise<SgValidationError> {
  const before = site.emulator.requests().length;
  const error = await site.api.upload("Shot", shot, source as Blob).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(site.emulator.requests().length).toBe(before);
  expect(error).toBeInstanceOf(SgValidationError);
  return error as SgValidationError;
}

describe("an upload source that is not a path or a Blob", () => {
  const EXPECTED = "a file path or a Blob (for bytes: new Blob([bytes]))";
  it.each([
    ["a Uint8Array of 5 bytes", new TextEncoder().encode("hello")],
    ["a Buffer of 5 bytes", Buffer.from("hello")],
    ["an ArrayBuffer of 3 bytes", new ArrayBuffer(3)],
    ["a ReadableStream", new Blob(["hello"]).stream()],
  ] as const)("is refused as %s, saying how to pass it", async (received, source) => {
    expect((await refusal(source)).message).toBe(`@sg/entities: path: expected ${EXPECTED}, got ${received}`);
  });

  it("uploads once wrapped as the refusal says", async () => {
    expect(await site.api.upload("Shot", shot, new Blob([new TextEncoder().encode("hello")]), { displayName: "bytes.txt" })).toBeGreaterThan(0);
    const blob = await new Response(new Blob(["streamed"]).stream()).blob();
    expect(await site.api.upload("Shot", shot, blob, { displayName: "stream.txt" })).toBeGreaterThan(0);
  });
});

describe("a Blob without stream()", () => {
  it("is refused with its path and a way out, before anything is sent", async () => {
    const foreign = Object.defineProperty(new Blob(["hello"]), "stream", { value: undefined });
    const error = await refusal(foreign);
    expect(error.path).toEqual(["path"]);
    expect(error.message.split("\n")[0]).toBe("@sg/entities: path: expected a Blob with stream(), got a Blob");
    expect(error.hint).toContain("node:buffer");
  });
});
