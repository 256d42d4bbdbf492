/**
 * Following (rpc-protocol §2.7): `follow`, `unfollow`, `followers`, `following`.
 *
 * @packageDocumentation
 */
import type { CallOptions, EntityRef } from "@sg/core";
import { callOptions, type Context } from "./context.js";
import { checkEntityRef, checkEntityType, checkOptions } from "./validate.js";

/** Options of `following`, plus call options. */
export interface FollowingOptions extends CallOptions {
  /** Only entities of this project. */
  readonly project?: EntityRef<"Project">;
  /** Only entities of this type. */
  readonly entityType?: string;
}

const link = (ref: EntityRef): EntityRef => ({ type: ref.type, id: ref.id });

/** `follow` / `unfollow` → the site's answer (`{followed: true, user, entity}`). */
export async function followOrUnfollow(ctx: Context, method: "follow" | "unfollow", user: unknown, entity: unknown, rawOptions: unknown): Promise<Record<string, unknown>> {
  const u = checkEntityRef(user, ["user"], "a HumanUser or ApiUser link {type, id}");
  const e = checkEntityRef(entity, ["entity"]);
  const options = checkOptions(rawOptions, ["options"]);
  const call = callOptions(ctx, options);
  await ctx.requireVersion(method, [5, 1, 22], call);
  return ctx.call<Record<string, unknown>>(method, { user: link(u), entity: link(e) }, call);
}

/** `followers` → the users following an entity. */
export async function followers(ctx: Context, entity: unknown, rawOptions: unknown): Promise<EntityRef[]> {
  const e = checkEntityRef(entity, ["entity"]);
  const options = checkOptions(rawOptions, ["options"]);
  const call = callOptions(ctx, options);
  await ctx.requireVersion("followers", [5, 1, 22], call);
  return ctx.call<EntityRef[]>("followers", { entity: link(e) }, call);
}

/** `following` → the entities a user follows. */
export async function following(ctx: Context, user: unknown, rawOptions: unknown): Promise<EntityRef[]> {
  const u = checkEntityRef(user, ["user"], "a HumanUser or ApiUser link {type, id}");
  const options = checkOptions(rawOptions, ["options"]);
  const payload: Record<string, unknown> = { user: link(u) };
  if (options["project"] !== undefined) payload["project"] = link(checkEntityRef(options["project"], ["options", "project"], "a Project link {type: 'Project', id}"));
  if (options["entityType"] !== undefined) payload["entity_type"] = checkEntityType(options["entityType"], ["options", "entityType"]);
  const call = callOptions(ctx, options);
  await ctx.requireVersion("following", [7, 0, 12], call);
  return ctx.call<EntityRef[]>("following", payload, call);
}
