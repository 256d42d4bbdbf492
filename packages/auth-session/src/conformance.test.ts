import { it } from "vitest";
import { createClient } from "@sg/core";
import type { AuthStrategy } from "@sg/core";
import { jsonRpcTransport } from "@sg/transport";
import { assertAuthStrategy, expireSessions } from "@sg/testing";
import type { ConformanceEnv } from "@sg/testing";
import { sessionAuth } from "./index.js";
import type { SessionAuthOptions } from "./index.js";

// The conformance kit starts an emulator and makes hundreds of calls, and gives each check 20 s of its own:
// vitest's 5 s default would cut it short on a busy CI machine. This is a bound for hangs, not a speed check.
const KIT_TIMEOUT_MS = 60_000;

/** Mint a session for `login` with get_session_token, as another tool would. */
async function mint(env: ConformanceEnv, login = "coord"): Promise<string> {
  const user = env.card.users.find((u) => u.login === login)!;
  const minter: AuthStrategy = { name: "minter", credentials: async () => ({ kind: "user", login: user.login, password: user.password! }) };
  const client = createClient({ site: env.url, transport: jsonRpcTransport(), auth: minter });
  try {
    return (await client.call<{ session_id: string }>("get_session_token")).session_id;
  } finally {
    await client.close();
  }
}

it("passes the @sg/testing auth strategy conformance kit (refresh once)", async () => {
  const minted: string[] = [];
  let first = "";
  await assertAuthStrategy({
    name: "@sg/auth-session",
    create: (env) => {
      // The kit's create is synchronous: the first token is minted lazily through refresh.
      return sessionAuth({
        sessionToken: first || "not-yet-minted-placeholder-token",
        refresh: async () => {
          const token = await mint(env);
          minted.push(token);
          first = token;
          return token;
        },
      });
    },
    invalidOptions: [
      () => sessionAuth({} as SessionAuthOptions),
      () => sessionAuth({ sessionToken: "_session_id=abcdefabcdef" }),
      () => sessionAuth({ sessionToken: "abcdefabcdef", refresh: "soon" } as unknown as SessionAuthOptions),
    ],
    secrets: () => [...minted],
    expire: expireSessions,
    refreshes: "once",
  });
}, KIT_TIMEOUT_MS);

it("passes the conformance kit with sudoAsLogin: an admin's session acting as another user", async () => {
  const minted: string[] = [];
  let first = "";
  await assertAuthStrategy({
    name: "@sg/auth-session",
    create: (env) =>
      sessionAuth({
        sessionToken: first || "not-yet-minted-placeholder-token",
        sudoAsLogin: "coord",
        refresh: async () => {
          first = await mint(env, "admin");
          minted.push(first);
          return first;
        },
      }),
    invalidOptions: [() => sessionAuth({ sessionToken: "abcdefabcdef", sudoAsLogin: "" })],
    secrets: () => [...minted],
    expire: expireSessions,
    refreshes: "once",
  });
}, KIT_TIMEOUT_MS);
