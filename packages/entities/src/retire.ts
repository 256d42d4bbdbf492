/**
 * `delete` and `revive` (Python `delete` / `revive`, RPCs of the same names).
 *
 * @packageDocumentation
 */
import { callOptions, type Context } from "./context.js";
import { checkEntityType, checkId, checkOptions } from "./validate.js";

/** `delete` → true when the entity was retired now, false when it already was. */
export async function retire(ctx: Context, method: "delete" | "revive", entityType: unknown, entityId: unknown, rawOptions: unknown): Promise<boolean> {
  const type = checkEntityType(entityType, ["entityType"]);
  const id = checkId(entityId, ["entityId"]);
  const options = checkOptions(rawOptions, ["options"]);
  const result = await ctx.call<unknown>(method, { type, id }, callOptions(ctx, options));
  return result === true;
}
