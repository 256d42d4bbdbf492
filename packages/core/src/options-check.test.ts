import { describe, expect, it } from "vitest";
import { SgValidationError } from "./errors.js";
import { checkOptionsObject } from "./options-check.js";

const SHAPE = { factory: "testAuth", expected: "an object { name, key }", known: ["name", "key"], aliases: { api_key: "key" } };

describe("checkOptionsObject", () => {
  it("refuses an unknown option with the alias it stands for, describing its value by type only", () => {
    expect(checkOptionsObject("@sg/test", { name: "a", key: "k" }, SHAPE)).toEqual({ name: "a", key: "k" });
    expect(() => checkOptionsObject("@sg/test", { api_key: "s3cr3t-value" }, SHAPE)).toThrow(
      expect.objectContaining({ name: "SgValidationError", path: ["api_key"], received: "a string ([REDACTED])", hint: "Did you mean 'key'?" }),
    );
  });

  it("a name that Object.prototype has is no alias (no \"Did you mean 'function Object() …'\")", () => {
    for (const key of ["constructor", "toString", "hasOwnProperty", "__proto__"]) {
      let error: unknown;
      try {
        checkOptionsObject("@sg/test", JSON.parse(`{ "name": "a", "key": "k", ${JSON.stringify(key)}: 1 }`), SHAPE);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SgValidationError);
      expect(error).toMatchObject({ path: [key], hint: "Remove it; testAuth takes name, key." });
    }
  });
});
