/**
 * Values declared as interfaces, which have no implicit index signature, where the core takes objects: an entity
 * link in a filter, a record whose dates are decoded. This file is type-checked (`tsc -p tsconfig.json` includes
 * tests): the calls must compile and each `@ts-expect-error` line must still be refused; the runtime part checks
 * what the calls return.
 */
import { describe, expect, it } from "vitest";
import { decodeDateTimeFields } from "./date-codec.js";
import { encodeFilters, type Filter, type FilterValue } from "./filter-codec.js";
import { secretsOf, type Credentials } from "./credentials.js";

interface ProjectLink {
  type: "Project";
  id: number;
  name: string;
}
interface NoId {
  type: "Project";
  name: string;
}
/** Extra auth params declared as an interface. */
interface ExtraParams {
  product: string;
  api_token: string;
}
interface ShotRecord {
  type: "Shot";
  id: number;
  created_at: string;
}

describe("interface-typed values", () => {
  it("an interface-typed link is a filter value, alone and in a list; a link without an id is not", () => {
    const project: ProjectLink = { type: "Project", id: 7, name: "Demo" };
    const value: FilterValue = project;
    const filters: Filter[] = [["project", "is", project], ["project", "in", [project]], { filter_operator: "any", filters: [["project", "is_not", value]] }];
    const noId: NoId = { type: "Project", name: "Demo" };
    // @ts-expect-error — a link without an id
    const refused: FilterValue = noId;
    void refused;
    // @ts-expect-error — an object literal still takes other keys, but not without an id
    const literal: FilterValue = { type: "Project", name: "Demo" };
    void literal;
    const extra: FilterValue = { type: "Project", id: 7, name: "Demo", code: "x" };
    void extra;
    const wire = encodeFilters(filters);
    const link = { type: "Project", id: 7, name: "Demo" };
    expect(wire.conditions).toEqual([
      { path: "project", relation: "is", values: [link] },
      { path: "project", relation: "in", values: [link] },
      { logical_operator: "or", conditions: [{ path: "project", relation: "is_not", values: [link] }] },
    ]);
  });

  it("decodes the dates of an interface-typed record", () => {
    const record: ShotRecord = { type: "Shot", id: 1, created_at: "2026-01-05T09:00:00Z" };
    const decoded: ShotRecord = decodeDateTimeFields(record, (field) => field === "created_at");
    expect(decoded.created_at).toEqual(new Date("2026-01-05T09:00:00Z"));
    // @ts-expect-error — not an object
    decodeDateTimeFields("x", () => true);
  });

  it("extra auth params declared as an interface are taken spread, their values checked; other values are refused", () => {
    const params: ExtraParams = { product: "rv", api_token: "t0k3n-secret" };
    // The values of `extra` are checked (string, number or boolean), which no type can do for an interface, which has
    // no implicit index signature: an interface-typed value is refused, and taken spread into an object literal.
    // @ts-expect-error — interface-typed: spread it
    const refusedInterface: Credentials = { kind: "script", scriptName: "demo", scriptKey: "k", extra: params };
    void refusedInterface;
    const credentials: Credentials = { kind: "script", scriptName: "demo", scriptKey: "k", extra: { ...params } };
    // @ts-expect-error — a Date is no auth param value
    const date: Credentials = { kind: "session", sessionToken: "s", extra: { since: new Date() } };
    void date;
    // @ts-expect-error — nor an object
    const nested: Credentials = { kind: "session", sessionToken: "s", extra: { product: { name: "rv" } } };
    void nested;
    // @ts-expect-error — nor is a string the whole extra
    const whole: Credentials = { kind: "session", sessionToken: "s", extra: "product=rv" };
    void whole;
    expect(secretsOf(credentials)).toEqual(["k", "t0k3n-secret"]);
  });
});
