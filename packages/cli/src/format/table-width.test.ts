import { describe, expect, it } from "vitest";
import { emulatorSuite } from "../test-support/emulator-suite.js";
import { displayWidth } from "./display-width.js";

// Table columns are sized in terminal columns: a CJK character or an emoji takes two, as a terminal draws it.
const { sg, env } = emulatorSuite();

describe("displayWidth", () => {
  it("counts wide and fullwidth characters and emoji as two columns, marks and joiners as none", () => {
    expect(displayWidth("SH010")).toBe(5);
    expect(displayWidth("日本語")).toBe(6);
    expect(displayWidth("한국어")).toBe(6);
    expect(displayWidth("ｶﾀｶﾅ")).toBe(4); // halfwidth katakana: one each
    expect(displayWidth("ＡＢ")).toBe(4); // fullwidth Latin
    expect(displayWidth("🎬")).toBe(2);
    expect(displayWidth("👍🏽")).toBe(2); // with a skin tone: one picture
    expect(displayWidth("👨‍👩‍👧")).toBe(2); // a ZWJ family
    expect(displayWidth("🇫🇷")).toBe(2); // a flag
    expect(displayWidth("❤️")).toBe(2); // a text pictograph with the emoji selector
    expect(displayWidth("e\u0301")).toBe(1); // e + combining acute
    expect(displayWidth("a\u200Bb")).toBe(2); // zero-width space
    expect(displayWidth("✓ ⏎ ␉")).toBe(5);
  });
});

describe("--format table", () => {
  it("aligns the columns after CJK and emoji cells, and clips them to 60 columns without splitting a character", async () => {
    const codes = ["日本語-🎬", "abc", "長".repeat(40)];
    for (const code of codes) {
      const made = await sg(["create", "Shot", JSON.stringify({ code, sg_status_list: "ip", project: { type: "Project", id: 1 } })], env());
      expect(made.code, made.stderr).toBe(0);
    }
    const r = await sg(["find", "Shot", JSON.stringify([["code", "in", codes]]), "--fields", "code,sg_status_list", "--format", "table"], env());
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split("\n").filter((l) => l.startsWith("Shot "));
    expect(rows).toHaveLength(3);
    // The longest cell is the clipped one: 29 ideographs (58 columns) and the ellipsis, 59 columns (never 60 split).
    const clipped = `${"長".repeat(29)}…`;
    expect(rows.find((l) => l.includes("長"))).toContain(`${clipped}  ip`);
    expect(rows.find((l) => l.includes("🎬"))).toContain(`日本語-🎬${" ".repeat(59 - 9)}  ip`);
    expect(rows.find((l) => l.includes("abc"))).toContain(`abc${" ".repeat(59 - 3)}  ip`);
  });
});
