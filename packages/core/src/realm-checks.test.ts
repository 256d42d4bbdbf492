/**
 * Dates made by another realm's `Date` (a `node:vm` context here; an iframe or jsdom in an app) fail
 * `instanceof Date`: they used to be refused in filters as "an empty object", copied as `{}` in payloads and
 * described as one in errors.
 */
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { encodeDateTime, encodeWireValues } from "./date-codec.js";
import { describeValue } from "./errors.js";
import { encodeFilters } from "./filter-codec.js";
import { redactValue } from "./redact.js";
import { isDate } from "./realm-checks.js";

const otherRealm = (source: string): unknown => runInNewContext(source);
const when = otherRealm(`new Date("2030-01-02T03:04:05.678Z")`) as Date;

describe("a Date from another realm", () => {
  it("is not an instance of this realm's Date, and isDate says it is a Date", () => {
    expect(when instanceof Date).toBe(false);
    expect(isDate(when)).toBe(true);
    expect(isDate({})).toBe(false);
    expect(isDate(Object.create(Date.prototype))).toBe(false);
    // A tag is not a Date: getTime refuses it (describing it as a Date threw a TypeError).
    const fake = { [Symbol.toStringTag]: "Date" };
    expect(isDate(fake)).toBe(false);
    expect(describeValue(fake)).toBe("an empty object");
    expect(isDate(otherRealm("new Date(NaN)"))).toBe(true);
  });

  it("is encoded as a wire datetime in a filter", () => {
    expect(encodeFilters([["created_at", "greater_than", when]])).toEqual({
      logical_operator: "and",
      conditions: [{ path: "created_at", relation: "greater_than", values: ["2030-01-02T03:04:05Z"] }],
    });
  });

  it("is encoded as a wire datetime in a payload, at any depth, and refused with its path when invalid", () => {
    expect(encodeWireValues({ fields: [{ field_name: "due", value: when }] })).toEqual({ fields: [{ field_name: "due", value: "2030-01-02T03:04:05Z" }] });
    expect(encodeDateTime(when)).toBe("2030-01-02T03:04:05Z");
    expect(() => encodeWireValues({ due: otherRealm(`new Date("bad")`) }, ["data"])).toThrow("@sg/core: data.due: expected a valid Date, got an invalid Date");
  });

  it("is described as a Date in errors, and kept as it is by redactValue", () => {
    expect(describeValue(when)).toBe("a Date");
    expect(redactValue({ at: when })).toEqual({ at: when });
    expect((redactValue({ at: when }) as { at: unknown }).at).toBe(when);
  });
});
