/**
 * `delete` and `revive` (Python `delete` / `revive`, RPCs of the same names).
 *
 * @packageDocumentation
 */
import type { CallOptions, DateMode } from "@sg/core";
import { callOptions, contextOf, type EntityTarget } from "./context.js";
import { callExpecting } from "./reply.js";
import type { EntityTypeName, LooseSchema, SiteSchema } from "./schema-types.js";
import { checkEntityType, checkId, checkOptions } from "./validate.js";

/**
 * Retire an entity (Python `delete`; `delete` is a reserved word, hence the name): true if retired now, false
 * if it already was.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entityType - e.g. `"Shot"`.
 * @param entityId - the entity's id.
 * @param options - call options.
 */
export function deleteEntity<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(target: EntityTarget<S, D>, entityType: EntityTypeName<S>, entityId: number, options?: CallOptions): Promise<boolean>;
export function deleteEntity(target: unknown, entityType: unknown, entityId: unknown, options?: unknown): Promise<boolean> {
  return retire(target, "delete", entityType, entityId, options);
}

/**
 * Bring a retired entity back (Python `revive`): true if revived, false if it was not retired.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entityType - e.g. `"Shot"`.
 * @param entityId - the entity's id.
 * @param options - call options.
 */
export function revive<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(target: EntityTarget<S, D>, entityType: EntityTypeName<S>, entityId: number, options?: CallOptions): Promise<boolean>;
export function revive(target: unknown, entityType: unknown, entityId: unknown, options?: unknown): Promise<boolean> {
  return retire(target, "revive", entityType, entityId, options);
}

/** `delete` / `revive` → true when the entity changed state now, false when it already was in it. */
async function retire(target: unknown, method: "delete" | "revive", entityType: unknown, entityId: unknown, rawOptions: unknown): Promise<boolean> {
  const ctx = contextOf(target);
  const type = checkEntityType(entityType, ["entityType"]);
  const id = checkId(entityId, ["entityId"]);
  const options = checkOptions(rawOptions, ["options"]);
  return callExpecting(ctx, method, { type, id }, callOptions(ctx, options), "true or false");
}
