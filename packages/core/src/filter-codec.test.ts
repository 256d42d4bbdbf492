import { describe, expect, it } from "vitest";
import { SgValidationError } from "./errors.js";
import { encodeFilters, type Filter } from "./filter-codec.js";

const enc = (filters: unknown, operator?: "all" | "any"): unknown => encodeFilters(filters as Filter[], operator ? { operator } : {});
const err = (filters: unknown): SgValidationError => {
  try {
    enc(filters);
  } catch (e) {
    expect(e).toBeInstanceOf(SgValidationError);
    return e as SgValidationError;
  }
  throw new Error("expected a validation error");
};

describe("encodeFilters: the wire rules of rpc-protocol §3.4", () => {
  it("turns an empty list into an empty 'and' group", () => {
    expect(enc([])).toEqual({ logical_operator: "and", conditions: [] });
  });

  it.each([
    [["id", "is", 5], [5]],
    [["id", "in", [1, 2]], [1, 2]],
    [["id", "in", 1, 2], [1, 2]],
    [["x", "between", [1, 5]], [1, 5]],
    [["x", "between", 1, 5], [1, 5]],
    [["d", "in_last", 1, "DAY"], [1, "DAY"]],
    [["d", "in_next", [2, "WEEK"]], [2, "WEEK"]],
    [["x", "is", null], [null]],
    [["d", "in_calendar_month", -1], [-1]],
  ])("unwraps %j to values %j", (condition, values) => {
    expect(enc([condition])).toEqual({ logical_operator: "and", conditions: [{ path: condition[0], relation: condition[1], values }] });
  });

  it("maps any/or to 'or' and nests groups", () => {
    const filters = [
      ["code", "in", ["test"]],
      { filter_operator: "any", filters: [["sg_status_list", "is", "ip"], { filter_operator: "all", filters: [["assets", "is", { type: "Asset", id: 9 }]] }] },
    ];
    expect(enc(filters)).toEqual({
      logical_operator: "and",
      conditions: [
        { path: "code", relation: "in", values: ["test"] },
        {
          logical_operator: "or",
          conditions: [
            { path: "sg_status_list", relation: "is", values: ["ip"] },
            { logical_operator: "and", conditions: [{ path: "assets", relation: "is", values: [{ type: "Asset", id: 9 }] }] },
          ],
        },
      ],
    });
    expect(enc([["a", "is", 1]], "any")).toMatchObject({ logical_operator: "or" });
  });

  it("encodes Dates as wire datetimes and trims entity links in is/in", () => {
    const out = enc([
      ["created_at", "greater_than", new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))],
      ["project", "is", { type: "Project", id: 1, name: "Demo", sg_extra: "x" }],
      ["entity", "in", [{ type: "Shot", id: 1, code: "a" }, { type: "Asset", id: 2 }]],
    ]) as { conditions: { values: unknown[] }[] };
    expect(out.conditions[0]!.values).toEqual(["2024-01-02T03:04:05Z"]);
    expect(out.conditions[1]!.values).toEqual([{ type: "Project", id: 1, name: "Demo" }]);
    expect(out.conditions[2]!.values).toEqual([{ type: "Shot", id: 1 }, { type: "Asset", id: 2 }]);
    const untrimmed = encodeFilters([["project", "is", { type: "Project", id: 1, sg_extra: "x" }]], { trimEntities: false });
    expect((untrimmed.conditions[0] as { values: unknown[] }).values).toEqual([{ type: "Project", id: 1, sg_extra: "x" }]);
  });

  it("reads a link once, into a copy: a caller reusing its object after the call, or a link class with getters", () => {
    const ref = { type: "Project", id: 1, sg_extra: "x" };
    const untrimmed = encodeFilters([["project", "is", ref]], { trimEntities: false });
    const tree = encodeFilters({ logical_operator: "and", conditions: [{ path: "project", relation: "in", values: [ref] }] });
    ref.id = 2;
    expect([untrimmed, tree].map((g) => (g.conditions[0] as { values: unknown[] }).values)).toEqual([[{ type: "Project", id: 1, sg_extra: "x" }], [{ type: "Project", id: 1 }]]);
    class Link {
      readonly #id: number;
      constructor(id: number) {
        this.#id = id;
      }
      get type(): string {
        return "Project";
      }
      get id(): number {
        return this.#id;
      }
    }
    const wire = (filters: unknown, trimEntities?: boolean): unknown => JSON.parse(JSON.stringify(encodeFilters(filters as Filter[], { trimEntities })));
    const p3 = { type: "Project", id: 3 };
    expect(wire([["project", "is", new Link(3)]], false)).toEqual({ logical_operator: "and", conditions: [{ path: "project", relation: "is", values: [p3] }] });
    // Every operand of a list is trimmed, not only when the first is a link.
    expect(wire([["project", "in", [null, new Link(3), { ...p3, sg_extra: "x" }]]])).toEqual({ logical_operator: "and", conditions: [{ path: "project", relation: "in", values: [null, p3, p3] }] });
  });

  it("reads a link's nested objects once too: a storage or local_storage changed after the call changes nothing", () => {
    const att = { type: "Attachment", id: 7, local_storage: { type: "LocalStorage", id: 1 }, storage: { type: "LocalStorage", id: 1 } };
    const untrimmed = encodeFilters([["sg_uploaded_movie", "is", att]], { trimEntities: false });
    const trimmed = encodeFilters([["sg_uploaded_movie", "in", [att]]]);
    att.local_storage.id = 2;
    att.storage.id = 2;
    const values = [untrimmed, trimmed].map((g) => (g.conditions[0] as { values: unknown[] }).values);
    const one = { type: "LocalStorage", id: 1 };
    expect(values).toEqual([[{ type: "Attachment", id: 7, local_storage: one, storage: one }], [{ type: "Attachment", id: 7, storage: one }]]);
  });

  it("keeps exactly the keys of spec §3.5 (since 3.9.1) when it trims a full Attachment dict in is/in", () => {
    const storage = { type: "LocalStorage", id: 3, name: "primary" };
    const full = {
      type: "Attachment",
      id: 9,
      name: "plate.exr",
      url: "https://files.example/plate.exr",
      content_type: "image/x-exr",
      local_path: "/mnt/proj/plate.exr",
      storage,
      relative_path: "proj/plate.exr",
      link_type: "local",
      this_file: { type: "Attachment", id: 9 },
      sg_custom: "dropped",
    };
    const kept = { type: "Attachment", id: 9, name: "plate.exr", url: full.url, content_type: "image/x-exr", local_path: "/mnt/proj/plate.exr", storage, relative_path: "proj/plate.exr" };
    const out = enc([
      ["sg_uploaded_movie", "is", full],
      ["attachments", "in", [full, { type: "Attachment", id: 10, sg_custom: "x" }]],
    ]) as { conditions: { values: unknown[] }[] };
    expect(out.conditions[0]!.values).toEqual([kept]);
    expect(out.conditions[1]!.values).toEqual([kept, { type: "Attachment", id: 10 }]);
  });

  it("sends a dict under the path 'id' whole: only a link field's operand is trimmed (spec §3.5)", () => {
    const dict = { type: "Shot", id: 4, code: "sh010", sg_custom: "kept" };
    const out = enc([
      ["id", "is", dict],
      ["id", "in", [dict]],
    ]) as { conditions: { values: unknown[] }[] };
    expect(out.conditions[0]!.values).toEqual([dict]);
    expect(out.conditions[1]!.values).toEqual([dict]);
  });

  it("validates and copies a wire tree passed in", () => {
    const wire = { logical_operator: "or", conditions: [{ path: "id", relation: "in", values: [1, 2] }] };
    expect(enc(wire)).toEqual(wire);
    expect(err({ logical_operator: "xor", conditions: [] }).path).toEqual(["filters", "logical_operator"]);
  });
});

describe("encodeFilters: bad input names the path", () => {
  it.each([
    ["not an array", "x", ["filters"]],
    ["a number as filter", [5], ["filters", 0]],
    ["a missing relation", [["code"]], ["filters", 0, 1]],
    ["an unknown relation", [["code", "equals", "x"]], ["filters", 0, 1]],
    ["an Object.prototype name as relation", [["code", "constructor", "x"]], ["filters", 0, 1]],
    ["a wire relation named toString", { logical_operator: "and", conditions: [{ path: "code", relation: "toString", values: ["x"] }] }, ["filters", "conditions", 0, 1]],
    ["a non-string path", [[1, "is", 2]], ["filters", 0, 0]],
    ["a bad dotted path", [["entity..code", "is", 2]], ["filters", 0, 0]],
    // A link path is whole hops, field.EntityType.field, as in `fields` and sort keys.
    ["a link path without its field", [["sg_sequence.Sequence", "is", 2]], ["filters", 0, 0]],
    ["a link path of two parts", [["code", "is", 1], ["entity.code", "is", 2]], ["filters", 1, 0]],
    ["a second hop without its field", [["entity.Shot.sg_sequence.Sequence", "is", 2]], ["filters", 0, 0]],
    ["a path with a space", [["sg sequence", "is", 2]], ["filters", 0, 0]],
    ["a path starting with a dot", [[".code", "is", 2]], ["filters", 0, 0]],
    ["a bad path in a nested group", [["code", "is", 1], { filter_operator: "any", filters: [["id", "is", 1], { filter_operator: "all", filters: [["sg_sequence.Sequence", "is", null]] }] }], ["filters", 1, "filters", 1, "filters", 0, 0]],
    ["a bad path in a wire tree", { logical_operator: "and", conditions: [{ logical_operator: "or", conditions: [{ path: "sg_sequence.Sequence", relation: "is", values: [null] }] }] }, ["filters", "conditions", 0, "conditions", 0, 0]],
    ["between with one value", [["x", "between", 1]], ["filters", 0, 2]],
    ["between with three values", [["x", "between", [1, 2, 3]]], ["filters", 0, 2]],
    ["in with a scalar", [["id", "in", 5]], ["filters", 0, 2]],
    ["is with two values", [["id", "is", 1, 2]], ["filters", 0, 2]],
    ["is with no value", [["id", "is"]], ["filters", 0, 2]],
    ["in_last without a unit", [["d", "in_last", 1]], ["filters", 0, 2]],
    ["in_last with a bad unit", [["d", "in_last", 1, "DECADE"]], ["filters", 0, 2]],
    ["an entity without id", [["project", "is", { type: "Project" }]], ["filters", 0, 2]],
    ["an entity with a string id", [["entity", "in", [{ type: "Shot", id: 1 }, { type: "Shot", id: "2" }]]], ["filters", 0, 2, 1]],
    ["a NaN", [["id", "is", Number.NaN]], ["filters", 0, 2]],
    ["an invalid Date", [["created_at", "is", new Date("nope")]], ["filters", 0, 2]],
    ["a Date past year 9999", [["created_at", "between", [null, new Date(8.64e15)]]], ["filters", 0, 2, 1]],
    ["undefined", [["code", "is", undefined]], ["filters", 0, 2]],
    ["starts_with a number", [["code", "starts_with", 5]], ["filters", 0, 2]],
    ["a group without filters", [{ filter_operator: "any" }], ["filters", 0]],
    ["a group with a bad operator", [{ filter_operator: "xor", filters: [] }], ["filters", 0, "filter_operator"]],
    ["a nested bad condition", [{ filter_operator: "any", filters: [["a", "is", 1], ["b", "nope", 1]] }], ["filters", 0, "filters", 1, 1]],
    ["in_calendar_day with a string", [["d", "in_calendar_day", "today"]], ["filters", 0, 2]],
    // A list given to a one-value relation is not unwrapped: the list itself is the bad value, not its item.
    ["is with a list", [["sg_status_list", "is", ["ip"]]], ["filters", 0, 2]],
    ["in_calendar_day with a list", [["d", "in_calendar_day", [1]]], ["filters", 0, 2]],
    ["a wire is with a list", { logical_operator: "and", conditions: [{ path: "code", relation: "is", values: [["ip"]] }] }, ["filters", "conditions", 0, "values", 0]],
    ["a nested array in an in list", [["id", "in", [1, [2]]]], ["filters", 0, 2, 1]],
    ["a nested array as in's second operand", [["id", "in", 1, [2]]], ["filters", 0, 3]],
    ["a nested array in a between pair", [["x", "between", [1, [2]]]], ["filters", 0, 2, 1]],
    ["a nested array as between's high operand", [["x", "between", 1, [2]]], ["filters", 0, 3]],
  ])("refuses %s", (_name, filters, path) => {
    const e = err(filters);
    expect(e.path).toEqual(path);
    expect(e.code).toBe("SG_VALIDATION");
    expect(e.message).toMatch(/^@sg\/core: filters/);
    expect(e.message).toContain("expected");
  });

  it.each(["code", "id", "entity.Shot.code", "entity.Shot.sg_sequence.Sequence.code", "assets.Asset.code", "sg_task.Task.step.Step.id", "$FROM$Task.step.entity", "sg_x.CustomEntity01.sg_y"])("sends the path %s as it is", (path) => {
    expect(enc([[path, "is", null]])).toEqual({ logical_operator: "and", conditions: [{ path, relation: "is", values: [null] }] });
  });

  it("names a malformed link path in the words of a field list's error", () => {
    expect(() => enc([["sg_sequence.Sequence", "is", null]])).toThrow("@sg/core: filters[0][0]: expected a field name such as 'code' or a dotted link path such as 'sg_sequence.Sequence.code', got string \"sg_sequence.Sequence\"");
  });

  it("names the list given to a one-value relation, not its item, in the message and the path", () => {
    const e = err([["sg_status_list", "is", ["ip"]]]);
    expect(e.message).toBe("@sg/core: filters[0][2]: expected a single value for 'is' (not a nested array), got an array of 1");
    expect(e.path).toEqual(["filters", 0, 2]);
  });

  it("refuses a bad top-level operator", () => {
    expect(() => encodeFilters([], { operator: "xor" as "all" })).toThrow(/filter_operator: expected 'all' or 'any'/);
  });

  it("refuses a group inside itself, or groups nested deeper than 256 levels, with the path, not a stack overflow", () => {
    const g = { filter_operator: "all" as const, filters: [["code", "is", "x"]] as unknown[] };
    g.filters.push(g);
    expect(() => enc([g])).toThrow("@sg/core: filters[0].filters[1]: expected a value that does not contain itself, got an object with keys filter_operator, filters");
    const w = { logical_operator: "and", conditions: [] as unknown[] };
    w.conditions.push(w);
    expect(err(w).path).toEqual(["filters", "conditions", 0]);
    const nest = (levels: number): unknown => {
      let f: unknown = ["code", "is", "x"];
      for (let i = 0; i < levels; i++) f = { filter_operator: "any", filters: [f] };
      return [f];
    };
    expect(() => enc(nest(254))).not.toThrow();
    const deep = err(nest(2000));
    expect(deep.message).toMatch(/^@sg\/core: filters\[0\](\.filters\[0\]){255}: expected a value nested at most 256 levels deep/);
    let wire: unknown = { path: "id", relation: "is", values: [1] };
    for (let i = 0; i < 2000; i++) wire = { logical_operator: "or", conditions: [wire] };
    expect(err(wire).expected).toBe("a value nested at most 256 levels deep");
  });

  it("refuses a hole in a list of filters with its index, as undefined", () => {
    expect(() => enc([, ["code", "is", "x"]])).toThrow("@sg/core: filters[0]: expected a condition [path, relation, value] or a group {filter_operator, filters}, got undefined");
    expect(err([{ filter_operator: "any", filters: [["code", "is", "x"], ,] }]).path).toEqual(["filters", 0, "filters", 1]);
    expect(err({ logical_operator: "and", conditions: [,] }).path).toEqual(["filters", "conditions", 0]);
  });

  it("refuses a link operand JSON cannot write (a bigint member, a link inside itself) with the operand's path", () => {
    expect(() => enc([["sg_sequence", "is", { type: "Sequence", id: 1, name: 10n }]])).toThrow(
      "@sg/core: filters[0][2]: expected an entity link JSON can write (no bigint, nothing inside itself), got an object with keys type, id, name",
    );
    const self: Record<string, unknown> = { type: "Sequence", id: 1 };
    self["parent"] = self;
    expect(err([["sg_sequence", "in", [{ type: "Sequence", id: 2 }, self]]]).path).toEqual(["filters", 0, 2, 1]);
    expect(enc([["sg_sequence", "is", { type: "Sequence", id: 1, name: "sq1" }]])).toEqual({ logical_operator: "and", conditions: [{ path: "sg_sequence", relation: "is", values: [{ type: "Sequence", id: 1, name: "sq1" }] }] });
  });

  it("refuses a fake Date (an object whose tag says Date) as an operand instead of throwing a TypeError", () => {
    expect(() => enc([["created_at", "is", { [Symbol.toStringTag]: "Date" }]])).toThrow(/^@sg\/core: filters\[0\]\[2\]: expected an entity link/);
  });
});

describe("encodeFilters: checkOperand", () => {
  it("sees each operand as given, with its field and its path as written, and its throw refuses the filters", () => {
    const seen: unknown[] = [];
    const checkOperand = (field: string, value: unknown, path: readonly (string | number)[]): void => void seen.push([field, value, path]);
    const day = new Date(Date.UTC(2026, 2, 29));
    encodeFilters([["a", "is", day], ["b", "in", [1, 2]], { filter_operator: "any", filters: [["c", "between", "x", null]] }, ["d", "in_last", 2, "DAY"]], { checkOperand });
    encodeFilters({ logical_operator: "and", conditions: [{ path: "e", relation: "is", values: [3] }] }, { checkOperand });
    expect(seen).toEqual([
      ["a", day, ["filters", 0, 2]],
      ["b", 1, ["filters", 1, 2, 0]],
      ["b", 2, ["filters", 1, 2, 1]],
      ["c", "x", ["filters", 2, "filters", 0, 2]],
      ["c", null, ["filters", 2, "filters", 0, 3]],
      ["d", 2, ["filters", 3, 2]],
      ["d", "DAY", ["filters", 3, 3]],
      ["e", 3, ["filters", "conditions", 0, "values", 0]],
    ]);
    const refused = new SgValidationError("@sg/x", { path: ["filters", 0, 2], expected: "e", received: "r" });
    expect(() => encodeFilters([["a", "is", 1]], { checkOperand: () => { throw refused; } })).toThrow(refused);
  });
});

describe("encodeFilters: an operand with a toJSON is taken as what it returns, as in a write", () => {
  /** A date object as Temporal.PlainDate, dayjs or luxon make them: `toJSON()` gives the day; `calls` counts them. */
  class PlainDateLike {
    calls = 0;
    constructor(private readonly day: string) {}
    toJSON(): string {
      this.calls += 1;
      return this.day;
    }
  }
  /** An app's link class: what it sends is what its toJSON gives. */
  class ShotLink {
    constructor(readonly id: number) {}
    toJSON(): unknown {
      return { type: "Shot", id: this.id, code: "sh010" };
    }
  }

  it("a date object's toJSON gives the day sent, called once, in every relation", () => {
    const day = new PlainDateLike("2026-03-04");
    expect(enc([["sg_date", "is", day]])).toEqual({ logical_operator: "and", conditions: [{ path: "sg_date", relation: "is", values: ["2026-03-04"] }] });
    expect(day.calls).toBe(1);
    const [low, high] = [new PlainDateLike("2026-03-01"), new PlainDateLike("2026-03-31")];
    expect(enc([["sg_date", "between", [low, high]], ["sg_date", "in", [day]]])).toMatchObject({ conditions: [{ values: ["2026-03-01", "2026-03-31"] }, { values: ["2026-03-04"] }] });
    expect(enc({ logical_operator: "or", conditions: [{ path: "sg_date", relation: "less_than", values: [day] }] })).toMatchObject({ conditions: [{ values: ["2026-03-04"] }] });
    expect([low.calls, high.calls, day.calls]).toEqual([1, 1, 3]);
  });

  it("a link class's toJSON gives the link sent (trimmed in is/in), a Date given by toJSON goes as a wire datetime", () => {
    expect(enc([["entity", "is", new ShotLink(7)], ["entity", "in", [new ShotLink(8)]]])).toEqual({
      logical_operator: "and",
      conditions: [{ path: "entity", relation: "is", values: [{ type: "Shot", id: 7 }] }, { path: "entity", relation: "in", values: [{ type: "Shot", id: 8 }] }],
    });
    expect(encodeFilters([["entity", "is", new ShotLink(7)]], { trimEntities: false })).toMatchObject({ conditions: [{ values: [{ type: "Shot", id: 7, code: "sh010" }] }] });
    const instant = { toJSON: () => new Date(Date.UTC(2026, 2, 4, 12, 30, 15, 250)) };
    expect(enc([["created_at", "greater_than", instant]])).toMatchObject({ conditions: [{ values: ["2026-03-04T12:30:15Z"] }] });
  });

  it("what toJSON returns is checked as any operand, by the operand's path, and its own toJSON is not called", () => {
    expect(err([["sg_date", "is", { toJSON: () => Number.NaN }]])).toMatchObject({ path: ["filters", 0, 2], expected: "a finite number" });
    expect(err([["entity", "in", [1, { toJSON: () => ({ type: "Shot" }) }]]])).toMatchObject({ path: ["filters", 0, 2, 1], expected: expect.stringMatching(/^an entity link/) });
    expect(err([["sg_date", "is", { toJSON: () => undefined }]])).toMatchObject({ path: ["filters", 0, 2], received: "undefined" });
    expect(err([["code", "starts_with", { toJSON: () => 5 }]]).expected).toBe("a string for 'starts_with'");
    const twice = { toJSON: () => ({ toJSON: () => "again" }) };
    expect(err([["sg_date", "is", twice]]).expected).toMatch(/^an entity link/);
  });

  it("checkOperand gets the operand as given and as sent, and the toJSON is still called once", () => {
    const seen: unknown[] = [];
    const day = new PlainDateLike("2026-02-30");
    const when = new Date(Date.UTC(2026, 2, 4, 1, 2, 3, 400));
    encodeFilters([["sg_date", "is", day], ["created_at", "is", when], ["code", "is", "x"]], { checkOperand: (field, value, path, sent) => void seen.push([field, value, path, sent]) });
    expect(seen).toEqual([
      ["sg_date", day, ["filters", 0, 2], "2026-02-30"],
      ["created_at", when, ["filters", 1, 2], "2026-03-04T01:02:03Z"],
      ["code", "x", ["filters", 2, 2], "x"],
    ]);
    expect(day.calls).toBe(1);
  });
});
