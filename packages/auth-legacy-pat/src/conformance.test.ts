import { it } from "vitest";
import { assertAuthStrategy, expireSessions } from "@sg/testing";
import { legacyLoginAuth } from "./index.js";
import type { LegacyLoginOptions } from "./index.js";

// The conformance kit starts an emulator and makes hundreds of calls, and gives each check 20 s of its own:
// vitest's 5 s default would cut it short on a busy CI machine. This is a bound for hangs, not a speed check.
const KIT_TIMEOUT_MS = 60_000;

const passwordOf = (card: { users: { login: string; password: string | null }[] }, login: string): string =>
  card.users.find((u) => u.login === login)?.password ?? "missing-from-card";

it("passes the @sg/testing auth strategy conformance kit (login + session re-login)", async () => {
  await assertAuthStrategy({
    name: "@sg/auth-legacy-pat",
    create: (env) => legacyLoginAuth({ login: "coord", password: passwordOf(env.card, "coord") }),
    invalidOptions: [
      () => legacyLoginAuth({ login: "coord" } as LegacyLoginOptions),
      (env) => legacyLoginAuth({ login: "coord", passphrase: passwordOf(env.card, "coord") } as unknown as LegacyLoginOptions),
      (env) => legacyLoginAuth({ login: "coord", password: passwordOf(env.card, "coord"), keepSession: "no" } as unknown as LegacyLoginOptions),
    ],
    secrets: (env) => [passwordOf(env.card, "coord")],
    expire: expireSessions,
    refreshes: "once",
  });
}, KIT_TIMEOUT_MS);

it("passes the conformance kit with sudoAsLogin: an admin acting as another user", async () => {
  await assertAuthStrategy({
    name: "@sg/auth-legacy-pat",
    create: (env) => legacyLoginAuth({ login: "admin", password: passwordOf(env.card, "admin"), sudoAsLogin: "coord" }),
    invalidOptions: [(env) => legacyLoginAuth({ login: "admin", password: passwordOf(env.card, "admin"), sudoAsLogin: " coord" })],
    secrets: (env) => [passwordOf(env.card, "admin")],
    expire: expireSessions,
    refreshes: "once",
  });
}, KIT_TIMEOUT_MS);
