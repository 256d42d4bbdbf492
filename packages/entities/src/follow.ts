/**
 * Following (rpc-protocol §2.7): `follow`, `unfollow`, `followers`, `following`.
 *
 * @packageDocumentation
 */
import type { CallOptions, DateMode, EntityRef } from "@sg/core";
import { callOptions, contextOf, type EntityTarget } from "./context.js";
import { callExpecting } from "./reply.js";
import type { LooseSchema, SchemaEntityLink, SiteSchema } from "./schema-types.js";
import { checkEntityRef, checkEntityType, checkLinkTo, checkOptions } from "./validate.js";

/** Options of `following`, plus call options. */
export interface FollowingOptions extends CallOptions {
  /** Only entities of this project. */
  readonly project?: EntityRef<"Project"> | undefined;
  /** Only entities of this type. */
  readonly entityType?: string | undefined;
}

/**
 * Make a user follow an entity (Python `follow`); resolves to the site's answer (`{ followed: true, user, entity }`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param user - a HumanUser or ApiUser link.
 * @param entity - the entity to follow.
 * @param options - call options.
 */
export function follow<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(target: EntityTarget<S, D>, user: SchemaEntityLink<S>, entity: SchemaEntityLink<S>, options?: CallOptions): Promise<{ readonly [key: string]: unknown }>;
export function follow(target: unknown, user: unknown, entity: unknown, options?: unknown): Promise<Record<string, unknown>> {
  return followOrUnfollow(target, "follow", user, entity, options);
}

/**
 * Make a user stop following an entity (Python `unfollow`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param user - a HumanUser or ApiUser link.
 * @param entity - the entity to stop following.
 * @param options - call options.
 */
export function unfollow<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(target: EntityTarget<S, D>, user: SchemaEntityLink<S>, entity: SchemaEntityLink<S>, options?: CallOptions): Promise<{ readonly [key: string]: unknown }>;
export function unfollow(target: unknown, user: unknown, entity: unknown, options?: unknown): Promise<Record<string, unknown>> {
  return followOrUnfollow(target, "unfollow", user, entity, options);
}

async function followOrUnfollow(target: unknown, method: "follow" | "unfollow", user: unknown, entity: unknown, rawOptions: unknown): Promise<Record<string, unknown>> {
  const ctx = contextOf(target);
  const u = checkEntityRef(user, ["user"], "a HumanUser or ApiUser link {type, id}");
  const e = checkEntityRef(entity, ["entity"]);
  const options = checkOptions(rawOptions, ["options"]);
  const call = callOptions(ctx, options);
  await ctx.requireVersion(method, [5, 1, 22], call);
  return callExpecting(ctx, method, { user: u, entity: e }, call, "an object");
}

/**
 * The users following an entity (Python `followers`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param entity - the entity.
 * @param options - call options.
 */
export function followers<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(target: EntityTarget<S, D>, entity: SchemaEntityLink<S>, options?: CallOptions): Promise<SchemaEntityLink<S>[]>;
export async function followers(target: unknown, entity: unknown, rawOptions?: unknown): Promise<EntityRef[]> {
  const ctx = contextOf(target);
  const e = checkEntityRef(entity, ["entity"]);
  const options = checkOptions(rawOptions, ["options"]);
  const call = callOptions(ctx, options);
  await ctx.requireVersion("followers", [5, 1, 22], call);
  return callExpecting(ctx, "followers", { entity: e }, call, "a list");
}

/**
 * The entities a user follows (Python `following`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param user - a HumanUser or ApiUser link.
 * @param options - `project`, `entityType` and call options.
 */
export function following<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(target: EntityTarget<S, D>, user: SchemaEntityLink<S>, options?: FollowingOptions): Promise<SchemaEntityLink<S>[]>;
export async function following(target: unknown, user: unknown, rawOptions?: unknown): Promise<EntityRef[]> {
  const ctx = contextOf(target);
  const u = checkEntityRef(user, ["user"], "a HumanUser or ApiUser link {type, id}");
  const options = checkOptions(rawOptions, ["options"], ["project", "entityType"]);
  const payload: Record<string, unknown> = { user: u };
  if (options["project"] != null) payload["project"] = checkLinkTo(options["project"], ["options", "project"], "Project");
  if (options["entityType"] != null) payload["entity_type"] = checkEntityType(options["entityType"], ["options", "entityType"]);
  const call = callOptions(ctx, options);
  await ctx.requireVersion("following", [7, 0, 12], call);
  return callExpecting(ctx, "following", payload, call, "a list");
}
