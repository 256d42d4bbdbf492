/**
 * Site settings and per-user RPCs (rpc-protocol §2.7): `preferencesRead`, `workScheduleRead`,
 * `workScheduleUpdate`, `userSubscriptionsRead`, `userSubscriptionsCreate`, `updateProjectLastAccessed`.
 *
 * @packageDocumentation
 */
import type { CallOptions, EntityRef } from "@sg/core";
import { callOptions, type Context } from "./context.js";
import { checkBoolean, checkEntityRef, checkId, checkObject, checkOneOf, checkOptions, checkString, checkWireDate, fail, isPlainObject } from "./validate.js";

/** Why a day is (not) a working day. */
export type WorkDayReason = "STUDIO_WORK_WEEK" | "STUDIO_EXCEPTION" | "PROJECT_WORK_WEEK" | "PROJECT_EXCEPTION" | "USER_WORK_WEEK" | "USER_EXCEPTION";

/** One day of a work schedule. */
export interface WorkDay {
  /** Whether it is a working day. */
  readonly working: boolean;
  /** The exception's description, if any. */
  readonly description: string | null;
  /** Which rule decided. */
  readonly reason: WorkDayReason | (string & {});
}

/** Options of `workScheduleRead`, plus call options. */
export interface WorkScheduleReadOptions extends CallOptions {
  /** The project whose schedule applies. */
  readonly project?: EntityRef<"Project">;
  /** The user whose schedule applies. */
  readonly user?: EntityRef<"HumanUser">;
}

/** Options of `workScheduleUpdate`, plus call options. */
export interface WorkScheduleUpdateOptions extends WorkScheduleReadOptions {
  /** The exception's description. */
  readonly description?: string;
  /** Which task field to recalculate: `due_date` or `duration`. */
  readonly recalculateField?: "due_date" | "duration";
}

/** One subscription assignment. */
export interface UserSubscription {
  /** The HumanUser id. */
  readonly humanUserId: number;
  /** The subscription(s); `null` removes them. */
  readonly subscription: string | readonly string[] | null;
}

/** Options of `updateProjectLastAccessed`, plus call options. */
export interface ProjectAccessOptions extends CallOptions {
  /** The user (default: the user the credentials act as, looked up by login). */
  readonly user?: EntityRef<"HumanUser">;
}

const link = (ref: EntityRef | undefined): { type: string; id: number } | null => (ref ? { type: ref.type, id: ref.id } : null);

function scope(options: Record<string, unknown>): { project: { type: string; id: number } | null; user: { type: string; id: number } | null } {
  const project = options["project"] === undefined || options["project"] === null ? undefined : checkEntityRef(options["project"], ["options", "project"], "a Project link {type: 'Project', id}");
  const user = options["user"] === undefined || options["user"] === null ? undefined : checkEntityRef(options["user"], ["options", "user"], "a HumanUser link {type: 'HumanUser', id}");
  return { project: link(project), user: link(user) };
}

/** `preferences_read`. */
export async function preferencesRead(ctx: Context, prefs: unknown, rawOptions: unknown): Promise<{ readonly [name: string]: unknown }> {
  let names: string[] = [];
  if (prefs !== undefined && prefs !== null) {
    if (!Array.isArray(prefs)) fail(["prefs"], "an array of preference names", prefs);
    names = prefs.map((p, i) => checkString(p, ["prefs", i], "a preference name"));
  }
  const options = checkOptions(rawOptions, ["options"]);
  const call = callOptions(ctx, options);
  await ctx.requireVersion("preferencesRead", [7, 10, 0], call);
  return ctx.call<Record<string, unknown>>("preferences_read", { prefs: names }, call);
}

/** `work_schedule_read` → `{ "YYYY-MM-DD": WorkDay }` for every day of the inclusive range. */
export async function workScheduleRead(ctx: Context, startDate: unknown, endDate: unknown, rawOptions: unknown): Promise<{ readonly [date: string]: WorkDay }> {
  const start = checkWireDate(startDate, ["startDate"]);
  const end = checkWireDate(endDate, ["endDate"]);
  if (end < start) fail(["endDate"], `a date on or after startDate (${start})`, end);
  const options = checkOptions(rawOptions, ["options"]);
  const call = callOptions(ctx, options);
  await ctx.requireVersion("workScheduleRead", [3, 2, 0], call);
  return ctx.call<Record<string, WorkDay>>("work_schedule_read", { start_date: start, end_date: end, ...scope(options) }, call);
}

/** `work_schedule_update` → the site's echo of the change. */
export async function workScheduleUpdate(ctx: Context, date: unknown, working: unknown, rawOptions: unknown): Promise<{ readonly [key: string]: unknown }> {
  const day = checkWireDate(date, ["date"]);
  const isWorking = checkBoolean(working, ["working"]);
  const options = checkOptions(rawOptions, ["options"]);
  const description = options["description"] === undefined ? null : checkString(options["description"], ["options", "description"], "a string");
  const recalc = options["recalculateField"] === undefined ? null : checkOneOf(options["recalculateField"], ["due_date", "duration"] as const, ["options", "recalculateField"]);
  const call = callOptions(ctx, options);
  await ctx.requireVersion("workScheduleUpdate", [3, 2, 0], call);
  return ctx.call<Record<string, unknown>>("work_schedule_update", { date: day, working: isWorking, description, ...scope(options), recalculate_field: recalc }, call);
}

/** `user_subscriptions_read`. */
export async function userSubscriptionsRead(ctx: Context, rawOptions: unknown): Promise<UserSubscription[]> {
  const options = checkOptions(rawOptions, ["options"]);
  const result = await ctx.call<unknown>("user_subscriptions_read", undefined, callOptions(ctx, options));
  return Array.isArray(result) ? (result as UserSubscription[]) : [];
}

/** `user_subscriptions_create` → true when the site reports success. */
export async function userSubscriptionsCreate(ctx: Context, users: unknown, rawOptions: unknown): Promise<boolean> {
  if (!Array.isArray(users) || users.length === 0) fail(["users"], "a non-empty array of { humanUserId, subscription }", users);
  const list = users.map((u, i) => {
    const o = checkObject(u, ["users", i], "{ humanUserId, subscription }");
    const humanUserId = checkId(o["humanUserId"], ["users", i, "humanUserId"]);
    const s = o["subscription"];
    const ok = s === null || typeof s === "string" || (Array.isArray(s) && s.every((x) => typeof x === "string"));
    if (!ok) fail(["users", i, "subscription"], "null, a subscription name or an array of names", s);
    return { humanUserId, subscription: s };
  });
  const options = checkOptions(rawOptions, ["options"]);
  const result = await ctx.call<unknown>("user_subscriptions_create", { users: list }, callOptions(ctx, options));
  const first = Array.isArray(result) ? (result[0] as unknown) : result;
  return isPlainObject(first) && first["status"] === "success";
}

/** `update_project_last_accessed_by_current_user`. */
export async function updateProjectLastAccessed(ctx: Context, project: unknown, rawOptions: unknown): Promise<void> {
  const p = checkEntityRef(project, ["project"], "a Project link {type: 'Project', id}");
  const options = checkOptions(rawOptions, ["options"]);
  let userId: number | undefined;
  if (options["user"] !== undefined) userId = checkEntityRef(options["user"], ["options", "user"], "a HumanUser link {type: 'HumanUser', id}").id;
  const call: CallOptions = callOptions(ctx, options);
  await ctx.requireVersion("updateProjectLastAccessed", [5, 3, 20], call);
  if (userId === undefined) {
    const creds = await ctx.client.credentials();
    const login = creds.kind === "user" ? creds.login : creds.sudoAsLogin;
    if (login) {
      const found = await ctx.call<unknown>("read", {
        type: "HumanUser",
        return_fields: ["id"],
        filters: { logical_operator: "and", conditions: [{ path: "login", relation: "is", values: [login] }] },
        return_only: "active",
        paging: { entities_per_page: 1, current_page: 1 },
      }, call);
      const first = isPlainObject(found) && Array.isArray(found["entities"]) ? (found["entities"][0] as unknown) : undefined;
      if (isPlainObject(first) && typeof first["id"] === "number") userId = first["id"];
    }
  }
  await ctx.call<unknown>("update_project_last_accessed_by_current_user", { project_id: p.id, ...(userId === undefined ? {} : { user_id: userId }) }, call);
}
