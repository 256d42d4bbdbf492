import { describe, expect, it } from "vitest";
import { clip, clipEnd } from "./clip.js";
import { displayClusters, displayWidth } from "./display-width.js";

/** The clip that measures the whole text first: the reference for what the shown text must be. */
function clipWhole(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = "";
  let used = 0;
  for (const [cluster, w] of displayClusters(text)) {
    if (used + w > max - 1) break;
    out += cluster;
    used += w;
  }
  return out + "…";
}

// A table cell is cut to 60 columns: deciding where must cost what is shown, not the cell's full length.
describe("clip", () => {
  const MB = 1 << 20;
  it("examines a bounded prefix of a 1 MB cell, whatever its script", () => {
    const cells = {
      ascii: "SH010 plate ".repeat(MB / 12),
      accented: "Plan séquence, caméra à l’épaule, retake demandé. ".repeat(MB / 50),
      cjk: "長".repeat(MB),
      emoji: "👍🏽🇫🇷".repeat(MB / 8),
      combining: "e\u0301".repeat(MB / 2),
    };
    for (const [name, text] of Object.entries(cells)) {
      const { end, examined } = clipEnd(text, 60);
      expect({ name, examined: examined <= 4 * 60 }).toEqual({ name, examined: true });
      expect(text.slice(0, end) + "…").toBe(clipWhole(text.slice(0, 4 * 60), 60));
    }
  });

  it("cuts as measuring the whole text would, for wide, emoji, combining and zero-width text", () => {
    const texts = [
      "",
      "abc",
      "a".repeat(60),
      "a".repeat(61),
      "a".repeat(60) + "\u0301", // fits: the accent takes no column
      "a".repeat(59) + "é",
      "é".repeat(60) + "\u0301", // fits: the accent joins the last é
      "’".repeat(59) + "e\u0301" + "ñ".repeat(5),
      "©\ufe0f".repeat(40), // a text pictograph made an emoji
      "¡Olé! ".repeat(20) + "日本",
      "長".repeat(30),
      "長".repeat(29) + "a",
      "長".repeat(31),
      "日本語-🎬".repeat(10),
      "👨‍👩‍👧".repeat(40),
      "x" + "\u0301".repeat(1000) + "y".repeat(70), // one long cluster
      "\u200b".repeat(239) + "🇫🇷".repeat(40), // a flag across the first prefix's end
      "\u200b".repeat(5000) + "abc", // fits, however long
      "❤".repeat(119) + "❤\ufe0f".repeat(10), // a text pictograph whose emoji selector is past the first prefix
    ];
    for (const text of texts) for (const max of [1, 2, 3, 10, 60]) expect([text, max, clip(text, max)]).toEqual([text, max, clipWhole(text, max)]);
  });
});
