import { describe, expect, it } from "vitest";
import { copyError } from "./error-copy.js";
import { SgAuthError, SgError, SgHttpError } from "./errors.js";

/** A class whose constructor takes other arguments, as a transport's or a custom fetch's own class may. */
class SiteDownError extends SgError {
  readonly shelf: string;
  constructor(shelf: string, made: { count: number }) {
    made.count++;
    super(`site down on ${shelf}`, { code: "SITE_DOWN", hint: "wait" });
    this.shelf = shelf;
  }
}

describe("copyError", () => {
  it("keeps the class and own fields without calling the class's constructor, and leaves the original unchanged", () => {
    const made = { count: 0 };
    const original = new SiteDownError("rack-4", made);
    const copy = copyError(original, { hint: "check the site first" });
    expect(made.count).toBe(1);
    expect(copy).not.toBe(original);
    expect(copy).toBeInstanceOf(SiteDownError);
    expect(copy.shelf).toBe("rack-4");
    expect(copy.code).toBe("SITE_DOWN");
    expect(copy.name).toBe("SiteDownError");
    expect(copy.hint).toBe("check the site first");
    expect(copy.message).toBe("site down on rack-4\nHint: check the site first");
    expect(original.hint).toBe("wait");
    expect(original.message).toBe("site down on rack-4\nHint: wait");
  });

  it("keeps the cause, method, attempts and a subclass's fields unless changed", () => {
    const cause = new Error("socket hang up");
    const attempts = [{ attempt: 1, error: "SG_HTTP", status: 502 }];
    const original = new SgHttpError("HTTP 502", { status: 502, method: "create", attempts, cause });
    const copy = copyError(original);
    expect(copy).toBeInstanceOf(SgHttpError);
    expect(copy.status).toBe(502);
    expect(copy.method).toBe("create");
    expect(copy.attempts).toEqual(attempts);
    // the cause, already reduced to name, code and message when the original was made, is reduced again: equal
    expect(copy.cause).toEqual(original.cause);
    expect((copy.cause as Error).message).toBe("socket hang up");
    expect(copy.stack).toBeDefined();
  });

  it("scrubs the secrets it is given out of a new cause, and adds fields only to the copy", () => {
    const secret = "s3cr3t-value-42";
    const shared = new SgAuthError("login refused", { errorCode: 102, serverMessage: "bad key" });
    const copy = Object.assign(copyError(shared, { cause: new Error(`refused ${secret}`), secrets: [secret] }), { maybeSent: true as const });
    expect(copy).toBeInstanceOf(SgAuthError);
    expect(copy.errorCode).toBe(102);
    expect(copy.serverMessage).toBe("bad key");
    expect(String((copy.cause as Error).message)).not.toContain(secret);
    expect(copy.maybeSent).toBe(true);
    expect("maybeSent" in shared).toBe(false);
    expect(shared.cause).toBeUndefined();
  });
});

describe("copyError's changes", () => {
  it("take only a hint, a cause and its secrets: the code, method and attempts are the original's", () => {
    const original = new SgHttpError("HTTP 502", { status: 502, method: "read", code: "SG_HTTP" });
    // @ts-expect-error a code is not a change copyError makes: set it on the copy
    const copy = copyError(original, { code: "SG_MINE", method: "create", attempts: [] });
    expect(copy.code).toBe("SG_HTTP");
    expect(copy.method).toBe("read");
  });
});
