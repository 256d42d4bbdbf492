// Two copies of @sg/core in one app (npm nests one under a dependency whose range does not take the app's, a plugin is
// `npm link`ed, a bundler keeps two): the errors one copy makes are recognised by the other's classes. Copy A is this
// source; copy B is the built package copied to a directory of its own, so that every module of it is another
// instance (its classes are not A's). Over a node:http site on 127.0.0.1 for what the client does with them.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuthStrategy } from "./auth-strategy.js";
import { createClient } from "./client.js";
import * as A from "./index.js";
import { fetchTransport, loopbackSites } from "./test-support/loopback-site.js";
import type { TransportStrategy } from "./transport-strategy.js";

type Core = typeof import("./index.js");

const root = fileURLToPath(new URL("..", import.meta.url));
let dir = "";
let B: Core;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "sg-core-copy-"));
  cpSync(join(root, "package.json"), join(dir, "package.json"));
  cpSync(join(root, "dist"), join(dir, "dist"), { recursive: true });
  B = (await import(pathToFileURL(join(dir, "dist", "index.js")).href)) as Core;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("errors of another copy of @sg/core", () => {
  it("are two copies indeed: other classes, the same names", () => {
    expect(B.SgAuthError).not.toBe(A.SgAuthError);
    expect(B.SgAuthError.name).toBe("SgAuthError");
    expect(Object.getPrototypeOf(new B.SgAuthError("x"))).not.toBe(A.SgAuthError.prototype);
  });

  it("are instanceof the same class and its bases of this copy, and of no other class", () => {
    const refused = new B.SgAuthError("refused", { errorCode: 102 });
    expect(refused instanceof A.SgAuthError).toBe(true);
    expect(refused instanceof A.SgError).toBe(true);
    expect(refused instanceof Error).toBe(true);
    expect(refused instanceof A.SgHttpError).toBe(false);
    expect(refused instanceof A.SgTwoFactorRequiredError).toBe(false);
    const http = new B.SgHttpError("bad gateway", { status: 502 });
    expect(http instanceof A.SgHttpError && http instanceof A.SgError).toBe(true);
    expect(http instanceof A.SgAuthError || http instanceof A.SgProtocolError).toBe(false);
    expect(new B.SgTwoFactorRequiredError("2fa") instanceof A.SgAuthError).toBe(true);
    // And the other way round.
    expect(new A.SgAbortError("stop") instanceof B.SgAbortError).toBe(true);
    expect(new A.SgValidationError("@sg/x", { path: [], expected: "a", received: "b" }) instanceof B.SgError).toBe(true);
  });

  it("made by a subclass of the other copy's class are instances of this copy's class; the subclass keeps its own check", () => {
    // A plugin's own refusal, built on copy B (its nested core).
    class ScriptRefused extends B.SgAuthError {}
    class Unrelated extends A.SgError {}
    const mine = new ScriptRefused("refused");
    expect(mine instanceof A.SgAuthError && mine instanceof A.SgError).toBe(true);
    expect(mine instanceof A.SgHttpError).toBe(false);
    // Not the other way round: an error of this copy is no instance of a plugin's subclass, nor of an unrelated one.
    expect(new A.SgAuthError("refused") instanceof ScriptRefused).toBe(false);
    expect(new B.SgAuthError("refused") instanceof ScriptRefused).toBe(false);
    expect(mine instanceof Unrelated).toBe(false);
    expect(new Unrelated("x") instanceof B.SgError).toBe(true);
    expect(new Unrelated("x") instanceof B.SgAuthError).toBe(false);
  });

  it("plain errors, forged names and codes, and other values are not instances", () => {
    const forged = Object.assign(new Error("refused"), { name: "SgAuthError", code: "SG_AUTH_FAILED", errorCode: 102 });
    const plain = { name: "SgError", code: "SG_ERROR", message: "x", constructor: { name: "SgError" } };
    class SgAuthError extends Error {}
    for (const value of [forged, plain, new SgAuthError("x"), Object.create(null), null, undefined, "SgError", 1, A.SgAuthError, B.SgAuthError]) {
      expect(value instanceof A.SgError).toBe(false);
      expect(value instanceof A.SgAuthError).toBe(false);
    }
  });

  it("a value whose prototype's constructor cannot be read is no instance, as plain instanceof says, instead of throwing", () => {
    const guarded = Object.create(
      Object.create(Object.prototype, {
        constructor: {
          get() {
            throw new Error("guarded: constructor is not readable");
          },
        },
      }),
    ) as object;
    const trapped = Object.create(new Proxy({}, { get: () => { throw new Error("trap"); }, getPrototypeOf: () => null })) as object;
    for (const value of [guarded, trapped]) {
      expect(value instanceof A.SgError).toBe(false);
      expect(value instanceof A.SgAuthError).toBe(false);
    }
  });

  it("a refusal made by the other copy gets the session renewed and the call re-sent; another error gets the site", async () => {
    const s = await site();
    let refreshes = 0;
    const auth: AuthStrategy = {
      name: "vault",
      credentials: async () => ({ kind: "session", sessionToken: "tok-stale" }),
      onRejected: async () => (refreshes++, { kind: "session", sessionToken: "tok-fresh" }),
    };
    const sg = createClient({ site: s.url, transport: otherCopyErrors(fetchTransport()), auth });
    const read = sg.call("read", { type: "Shot" });
    (await s.arrived(1)).fault(102, "session expired");
    // Raced with the call, which fails at once when the refusal is not recognised.
    const resent = await Promise.race([s.arrived(2), read.then(() => undefined, (e: unknown) => (expect.fail(`the call failed: ${String(e)}`), undefined))]);
    resent!.answer([{ type: "Shot", id: 1 }]);
    await expect(read).resolves.toEqual([{ type: "Shot", id: 1 }]);
    expect(refreshes).toBe(1);

    const failing = sg.call("read", { type: "Shot" }).catch((e: unknown) => e);
    (await s.arrived(3)).fault(104, "no such field");
    const fault = await failing;
    expect(fault instanceof A.SgFault).toBe(true);
    expect(fault).toMatchObject({ code: "SG_FAULT", site: s.url });
    await sg.close();
  });
});

const site = loopbackSites();

/** The loopback transport, whose errors are made again by copy B: a refusal (fault 102) and any other fault. */
function otherCopyErrors(transport: TransportStrategy): TransportStrategy {
  const send = transport.send.bind(transport);
  transport.send = async (request, context) => {
    try {
      return await send(request, context);
    } catch (error) {
      if (error instanceof A.SgAuthError && Object.getPrototypeOf(error) === A.SgAuthError.prototype) throw new B.SgAuthError(error.reason, { errorCode: 102, method: error.method });
      if (error instanceof A.SgFault) throw new B.SgFault(error.reason, { errorCode: error.errorCode, method: error.method });
      throw error;
    }
  };
  return transport;
}
