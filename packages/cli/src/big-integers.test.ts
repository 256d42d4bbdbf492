/** A JSON argument's integer past 2^53 is refused: JSON.parse would round it, and the site would get another number. */
import { describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";

const { sg, site, env } = emulatorSuite();

const writes = (): number => site().requests().filter((r) => r.method_name === "update" || r.method_name === "create").length;
const HINT = "hint: Give it as a string (\"9007199254740993\") if the field takes text, or a number within ±9007199254740991.\n";

describe("integers past 2^53 in a JSON argument", () => {
  it("refuses one in the data, naming its path and the digits as typed, before anything is sent (exit 2)", async () => {
    const before = writes();
    const r = await sg(["update", "Task", "1", '{"splits": {"frame_id": 9007199254740993}}'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("sg: data.splits.frame_id: 9007199254740993 is outside ±9007199254740991: JSON numbers past 2^53 cannot be kept exactly (it would become 9007199254740992)\n" + HINT);
    const piped = await sg(["create", "Shot", "-"], env(), undefined, '{"code": "big", "x y": [1, {"z": -9007199254740993}]}');
    expect(piped.code).toBe(2);
    expect(piped.stderr.split("\n")[0]).toBe('sg: data["x y"][1].z from standard input: -9007199254740993 is outside ±9007199254740991: JSON numbers past 2^53 cannot be kept exactly (it would become -9007199254740992)');
    expect(writes()).toBe(before);
  });

  it("refuses one in the filters", async () => {
    const r = await sg(["find", "Shot", '[["id", "in", [1, 9007199254740993]]]'], env());
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("sg: filters[0][2][1]: 9007199254740993 is outside ±9007199254740991: JSON numbers past 2^53 cannot be kept exactly (it would become 9007199254740992)");
  });

  it("takes the digits inside a string, safe integers and fractions as they are", async () => {
    const description = 'say "9007199254740993" [{';
    const data = { code: "big_ok", description, sg_cut_in: 1001, sg_cut_duration: 2147483647 };
    const r = await sg(["create", "Shot", JSON.stringify(data).replace("1001", "1001.0e0"), "--fields", "description,sg_cut_in"], env());
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ description, sg_cut_in: 1001 });
  });
});
