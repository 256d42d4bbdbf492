/** A JSON argument's integer JSON.parse would round (past 2^53 only some are exact) is refused: the site would get another number. */
import { describe, expect, it } from "vitest";
import { emulatorSuite } from "./test-support/emulator-suite.js";

const { sg, site, env } = emulatorSuite();

const writes = (): number => site().requests().filter((r) => r.method_name === "update" || r.method_name === "create").length;
const HINT = "hint: Give it as a string (\"9007199254740993\") if the field takes text, or a number within ±9007199254740991.\n";

describe("integers in a JSON argument that JSON.parse would round", () => {
  it("refuses one in the data, naming its path and the digits as typed, before anything is sent (exit 2)", async () => {
    const before = writes();
    const r = await sg(["update", "Task", "1", '{"splits": {"frame_id": 9007199254740993}}'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("sg: data.splits.frame_id: 9007199254740993 cannot be kept exactly: JavaScript would read it as 9007199254740992 (past ±9007199254740991 only some integers are exact)\n" + HINT);
    const piped = await sg(["create", "Shot", "-"], env(), undefined, '{"code": "big", "x y": [1, {"z": -9007199254740993}]}');
    expect(piped.code).toBe(2);
    expect(piped.stderr.split("\n")[0]).toBe('sg: data["x y"][1].z from standard input: -9007199254740993 cannot be kept exactly: JavaScript would read it as -9007199254740992 (past ±9007199254740991 only some integers are exact)');
    expect(writes()).toBe(before);
  });

  it("refuses one in the filters", async () => {
    const r = await sg(["find", "Shot", '[["id", "in", [1, 9007199254740993]]]'], env());
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("sg: filters[0][2][1]: 9007199254740993 cannot be kept exactly: JavaScript would read it as 9007199254740992 (past ±9007199254740991 only some integers are exact)");
  });

  it("refuses one far past 2^53, saying exactly what it would become, and one too large for any number", async () => {
    const r = await sg(["find", "Shot", '[["id", "in", [12345678901234567890123]]]'], env());
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("sg: filters[0][2][0]: 12345678901234567890123 cannot be kept exactly: JavaScript would read it as 12345678901234567741440 (past ±9007199254740991 only some integers are exact)");
    const huge = `1${"0".repeat(400)}`;
    const h = await sg(["find", "Shot", `[["id", "in", [${huge}]]]`], env());
    expect(h.code).toBe(2);
    expect(h.stderr.split("\n")[0]).toBe(`sg: filters[0][2][0]: ${huge} cannot be kept exactly: JavaScript would read it as Infinity (past ±9007199254740991 only some integers are exact)`);
  });

  it("takes an integer past 2^53 that JSON.parse keeps exactly (2^53, 10^16, -2^53, 10^21): not refused, the find runs", async () => {
    const r = await sg(["find", "Shot", '[["id", "in", [9007199254740992, 10000000000000000, -9007199254740992, 1000000000000000000000]]]'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("takes the digits inside a string, safe integers and fractions as they are", async () => {
    const description = 'say "9007199254740993" [{';
    const data = { code: "big_ok", description, sg_cut_in: 1001, sg_cut_duration: 2147483647 };
    const r = await sg(["create", "Shot", JSON.stringify(data).replace("1001", "1001.0e0"), "--fields", "description,sg_cut_in"], env());
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ description, sg_cut_in: 1001 });
  });
});
