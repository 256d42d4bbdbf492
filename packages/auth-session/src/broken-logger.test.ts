import { describe, expect, it } from "vitest";
import type { Logger } from "@sg/core";
import { sessionAuth } from "./index.js";
import { READ_SHOTS, count, demoSite, loginFor } from "./test-support/session-site.js";

describe("sessionAuth with a logger that lacks a method", () => {
  const site = demoSite();

  it("renews a refused session and answers the call when the logger has no debug()", async () => {
    const written: string[] = [];
    const write = (message: string): void => void written.push(message);
    // A logger typed loosely elsewhere (plain JavaScript, a partial adapter): no debug at all.
    const logger = { info: write, warn: write, error: write } as unknown as Logger;
    const fresh = await loginFor(site.emulator);
    const auth = sessionAuth({ sessionToken: "refused-session-token-0123456789", refresh: async () => fresh });
    const sg = site.client(auth, logger);
    await expect(sg.call("read", READ_SHOTS)).resolves.toHaveProperty("entities");
    expect(written).toContain("@sg/auth-session: the session token was refused; calling refresh()");
    expect(count(site.emulator, "read")).toBe(2);
  });
});
