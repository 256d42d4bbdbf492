import type { startEmulator } from "@sg/emulator";

/** A running emulator, as `startEmulator` resolves it. */
export type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** A small `read` every test can send once logged in. */
export const READ_SHOTS: Readonly<Record<string, unknown>> = {
  type: "Shot",
  filters: { logical_operator: "and", conditions: [] },
  return_fields: ["code"],
  return_only: "active",
  paging: { entities_per_page: 5, current_page: 1 },
};

/** The demo fixture password of `login`, from the site card. */
export function passwordOf(emulator: Emulator, login: string): string {
  const user = emulator.card.users.find((u) => u.login === login);
  if (!user?.password) throw new Error(`no password for ${login} on the card`);
  return user.password;
}

/** How many requests for `method` the emulator received since its last reset. */
export const count = (emulator: Emulator, method: string): number => emulator.requests().filter((r) => r.method_name === method).length;
