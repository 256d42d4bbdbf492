import { it } from "vitest";
import { assertAuthStrategy } from "@sg/testing";
import { scriptAuth } from "./index.js";
import type { ScriptAuthOptions } from "./index.js";

// The conformance kit starts an emulator and makes hundreds of calls, and gives each check 20 s of its own:
// vitest's 5 s default would cut it short on a busy CI machine. This is a bound for hangs, not a speed check.
const KIT_TIMEOUT_MS = 60_000;

it("passes the @sg/testing auth strategy conformance kit", async () => {
  await assertAuthStrategy({
    name: "@sg/auth-script",
    create: (env) => scriptAuth({ scriptName: env.card.scripts[0]!.name, scriptKey: env.card.scripts[0]!.key }),
    invalidOptions: [
      () => scriptAuth({ scriptName: "ingest" } as ScriptAuthOptions),
      (env) => scriptAuth({ scriptName: "ingest", scriptKey: `${env.card.scripts[0]!.key}\n` }),
      (env) => scriptAuth({ scriptName: "ingest", apiKey: env.card.scripts[0]!.key } as unknown as ScriptAuthOptions),
    ],
    secrets: (env) => [env.card.scripts[0]!.key],
    refreshes: "never",
  });
}, KIT_TIMEOUT_MS);
