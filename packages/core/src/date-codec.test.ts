import { describe, expect, it } from "vitest";
import { decodeDateTime, decodeDateTimeFields, encodeDate, encodeDateTime, encodeWireValues, isWireDate, isWireDateTime } from "./date-codec.js";
import { SgValidationError } from "./errors.js";

describe("date codec (rpc-protocol §1.7)", () => {
  it("encodes datetimes in UTC without milliseconds", () => {
    expect(encodeDateTime(new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 999)))).toBe("2024-02-29T23:59:58Z");
  });

  it("encodes dates as the local or UTC calendar day", () => {
    const d = new Date(2024, 6, 4, 12);
    expect(encodeDate(d)).toBe("2024-07-04");
    expect(encodeDate(new Date(Date.UTC(2024, 0, 1, 0, 30)), "utc")).toBe("2024-01-01");
  });

  it("refuses a zone other than 'local' or 'utc' instead of taking the local day", () => {
    const d = new Date(Date.UTC(2026, 2, 19, 13, 30));
    for (const zone of ["UTC", "Utc", "Z", "Australia/Sydney", 42, null]) {
      expect(() => encodeDate(d, zone as never)).toThrow(new RegExp(`^@sg/core: zone: expected 'local' or 'utc', got ${zone === null ? "null" : typeof zone}`));
    }
    expect(() => encodeDate(d, "UTC" as never)).toThrow(`@sg/core: zone: expected 'local' or 'utc', got string "UTC"`);
    expect(encodeDate(d, undefined)).toBe(encodeDate(d, "local"));
  });

  it("names what was given instead of a Date, and an invalid Date as one", () => {
    expect(() => encodeDate("2026-01-09" as never)).toThrow(`@sg/core: (value): expected a valid Date, got string "2026-01-09"`);
    expect(() => encodeDateTime(1767916800000 as never)).toThrow("@sg/core: (value): expected a valid Date, got number 1767916800000");
    expect(() => encodeDate(null as never)).toThrow("@sg/core: (value): expected a valid Date, got null");
    expect(() => encodeDateTime(new Date(Number.NaN))).toThrow("@sg/core: (value): expected a valid Date, got an invalid Date");
  });

  it("decodes only real 20-character datetimes", () => {
    expect(decodeDateTime("2024-02-29T23:59:58Z")?.toISOString()).toBe("2024-02-29T23:59:58.000Z");
    expect(decodeDateTime("2023-02-29T00:00:00Z")).toBeUndefined();
    expect(decodeDateTime("2024-01-01 00:00:00 UTC")).toBeUndefined();
    expect(isWireDateTime("2024-01-01T00:00:00Z")).toBe(true);
    expect(isWireDateTime("2024-01-01T00:00:00.000Z")).toBe(false);
    expect(isWireDate("2024-02-30")).toBe(false);
    expect(isWireDate("2024-02-29")).toBe(true);
    // years 0–99 are not shifted to 1900–1999 (Date.UTC's rule)
    expect(decodeDateTime("0050-03-01T04:05:06Z")?.toISOString()).toBe("0050-03-01T04:05:06.000Z");
    expect(decodeDateTime("0048-02-29T00:00:00Z")?.getUTCFullYear()).toBe(48);
    expect(decodeDateTime("0050-02-29T00:00:00Z")).toBeUndefined();
    expect(isWireDate("0050-03-01")).toBe(true);
    expect(isWireDate("0050-02-29")).toBe(false);
    expect(decodeDateTime("2024-01-01T24:00:00Z")).toBeUndefined();
  });

  it("walks payloads turning Dates into strings and names an invalid one", () => {
    const when = new Date(Date.UTC(2020, 4, 6, 7, 8, 9));
    expect(encodeWireValues({ fields: [{ field_name: "x", value: when }], n: 1 })).toEqual({ fields: [{ field_name: "x", value: "2020-05-06T07:08:09Z" }], n: 1 });
    try {
      encodeWireValues({ fields: [{ value: new Date("bad") }] }, ["data"]);
      throw new Error("not thrown");
    } catch (e) {
      expect(e).toBeInstanceOf(SgValidationError);
      expect((e as SgValidationError).path).toEqual(["data", "fields", 0, "value"]);
    }
  });

  it("encodes Dates inside null-prototype objects too", () => {
    const fields = Object.create(null) as Record<string, unknown>;
    fields.due = new Date(Date.UTC(2021, 0, 2, 3, 4, 5));
    fields.list = [new Date(Date.UTC(2022, 0, 1))];
    expect(JSON.stringify(encodeWireValues({ data: fields }))).toBe('{"data":{"due":"2021-01-02T03:04:05Z","list":["2022-01-01T00:00:00Z"]}}');
    const bad = Object.create(null) as Record<string, unknown>;
    bad.due = new Date("bad");
    expect(() => encodeWireValues(bad, ["data"])).toThrow("@sg/core: data.due: expected a valid Date, got an invalid Date");
  });

  it("refuses years the four-digit wire form cannot hold, naming the path", () => {
    const at = (y: number, ms = 0): Date => {
      const d = new Date(ms);
      d.setUTCFullYear(y);
      return d;
    };
    expect(encodeDateTime(at(9999, Date.UTC(2000, 11, 31, 23, 59, 59)))).toBe("9999-12-31T23:59:59Z");
    expect(encodeDateTime(at(0))).toBe("0000-01-01T00:00:00Z");
    expect(encodeDate(at(0, Date.UTC(2000, 0, 1, 12)), "utc")).toBe("0000-01-01");
    expect(() => encodeWireValues({ fields: [{ value: at(10000) }] }, ["data"])).toThrow(
      "@sg/core: data.fields[0].value: expected a Date in years 0–9999, got year 10000",
    );
    expect(() => encodeWireValues([at(-1)], ["x"], "@sg/entities")).toThrow("@sg/entities: x[0]: expected a Date in years 0–9999, got year -1");
    expect(() => encodeDateTime(at(10000))).toThrow(SgValidationError);
    expect(() => encodeDate(at(10000, Date.UTC(2000, 5, 1)), "utc")).toThrow(/got year 10000/);
  });

  it("refuses, with the path, what JSON would not send as it is, and takes a toJSON value as what it returns", () => {
    expect(() => encodeWireValues({ a: [1, 2n] }, ["data"])).toThrow("@sg/core: data.a[1]: expected a number (convert the bigint with Number(); ShotGrid numbers are 32-bit ints), got bigint 2");
    expect(() => encodeWireValues({ a: new Set() }, ["data"])).toThrow("@sg/core: data.a: expected a JSON value: string, number, boolean, null, Date, list or plain object, got a Set");
    expect(() => encodeWireValues({ a: NaN })).toThrow("a: expected a finite number, got number NaN");
    const loop: Record<string, unknown> = {};
    loop["self"] = [loop];
    expect(() => encodeWireValues(loop, ["data"])).toThrow("@sg/core: data.self[0]: expected a value that does not contain itself");
    const shared = { type: "Shot", id: 1 };
    expect(encodeWireValues({ a: shared, b: [shared], n: { toJSON: (key: string) => `${key}!` }, u: undefined })).toEqual({ a: shared, b: [shared], n: "n!", u: undefined });
  });

  it("refuses undefined as a list's item, which JSON sends as null, and keeps it as an object's member, which JSON leaves out", () => {
    const link = { type: "Asset", id: 1 };
    const ITEM = "expected a value (JSON sends undefined in a list as null: use null, or leave the item out), got undefined";
    expect(() => encodeWireValues({ tags: [link, undefined] }, ["data"])).toThrow(`@sg/core: data.tags[1]: ${ITEM}`);
    expect(() => encodeWireValues([[1, undefined]], ["x"], "@sg/entities")).toThrow(`@sg/entities: x[0][1]: ${ITEM}`);
    // A hole, and an item whose toJSON gives undefined, go out as null too.
    expect(() => encodeWireValues({ tags: [link, , link] }, ["data"])).toThrow(`@sg/core: data.tags[1]: ${ITEM}`);
    expect(() => encodeWireValues({ tags: [{ toJSON: () => undefined }] }, ["data"])).toThrow(`@sg/core: data.tags[0]: ${ITEM}`);
    const error = (() => {
      try {
        encodeWireValues({ tags: [link, undefined] }, ["data"]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SgValidationError);
    expect(error).toMatchObject({ path: ["data", "tags", 1], received: "undefined" });
    const kept = { url: { url: "https://x.test/a", name: undefined }, gone: { toJSON: () => undefined }, tags: [link, null] };
    expect(JSON.stringify(encodeWireValues(kept))).toBe('{"url":{"url":"https://x.test/a"},"tags":[{"type":"Asset","id":1},null]}');
  });

  it("keeps an own __proto__ key (JSON.parse makes one) as an own member, never as the copy's prototype", () => {
    const out = encodeWireValues(JSON.parse('{"__proto__":{"a":1},"b":[{"__proto__":2}]}')) as object;
    expect(JSON.stringify(out)).toBe('{"__proto__":{"a":1},"b":[{"__proto__":2}]}');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)["a"]).toBeUndefined();
  });

  it("refuses a value nested deeper than 256 levels with the path, not a stack overflow", () => {
    const nest = (levels: number): unknown => {
      let v: unknown = 1;
      for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { a: v };
      return v;
    };
    expect(() => encodeWireValues(nest(256))).not.toThrow();
    const error = (() => {
      try {
        encodeWireValues({ sg_ser: nest(2000) }, ["data"]);
      } catch (e) {
        return e as SgValidationError;
      }
    })();
    expect(error).toBeInstanceOf(SgValidationError);
    expect(error?.expected).toBe("a value nested at most 256 levels deep");
    expect(error?.path).toHaveLength(257);
  });

  it("refuses a fake Date (its tag only says Date) as what it is, and calls toJSON once per value, as JSON.stringify does", () => {
    const fake = { [Symbol.toStringTag]: "Date" };
    expect(encodeWireValues({ fake })).toEqual({ fake: {} });
    class Fake {
      get [Symbol.toStringTag](): string {
        return "Date";
      }
    }
    expect(() => encodeWireValues({ fake: new Fake() }, ["data"])).toThrow("@sg/core: data.fake: expected a JSON value: string, number, boolean, null, Date, list or plain object, got a Fake");
    const chain = { toJSON: () => ({ toJSON: () => ({ ok: 1 }), x: 2 }) };
    // What toJSON returns is not asked for its own toJSON: a function member of it is refused, as any function is.
    expect(() => encodeWireValues({ chain }, ["data"])).toThrow("@sg/core: data.chain.toJSON: expected a JSON value: string, number, boolean, null, Date, list or plain object, got a function");
    class Link {
      x = 2;
      toJSON(): unknown {
        return { ok: 1 };
      }
    }
    const link = { toJSON: () => new Link() };
    expect(JSON.stringify(encodeWireValues({ link }))).toBe(JSON.stringify({ link }));
    expect(JSON.stringify(encodeWireValues({ link }))).toBe('{"link":{"x":2}}');
    expect(encodeWireValues({ c: { toJSON: () => ({ inner: { toJSON: () => "deep" } }) } })).toEqual({ c: { inner: "deep" } });
  });

  it("decodes datetime fields only, never text that looks like one", () => {
    const rec = { type: "Shot", id: 1, created_at: "2024-01-01T00:00:00Z", description: "2024-01-01T00:00:00Z" };
    const out = decodeDateTimeFields(rec, (f) => f === "created_at");
    expect(out.created_at).toBeInstanceOf(Date);
    expect(out.description).toBe("2024-01-01T00:00:00Z");
    expect(decodeDateTimeFields(rec, () => true, "string")).toBe(rec);
  });
});
