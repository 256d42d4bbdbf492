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

  it("decodes datetime fields only, never text that looks like one", () => {
    const rec = { type: "Shot", id: 1, created_at: "2024-01-01T00:00:00Z", description: "2024-01-01T00:00:00Z" };
    const out = decodeDateTimeFields(rec, (f) => f === "created_at");
    expect(out.created_at).toBeInstanceOf(Date);
    expect(out.description).toBe("2024-01-01T00:00:00Z");
    expect(decodeDateTimeFields(rec, () => true, "string")).toBe(rec);
  });
});
