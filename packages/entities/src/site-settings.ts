/**
 * Site settings and per-user RPCs (rpc-protocol §2.7): `preferencesRead`, `workScheduleRead`,
 * `workScheduleUpdate`, `userSubscriptionsRead`, `userSubscriptionsCreate`, `updateProjectLastAccessed`.
 *
 * @packageDocumentation
 */
import type { CallOptions, DateMode, EntityRef } from "@sg/core";
import { callOptions, contextOf, type EntityTarget } from "./context.js";
import { callExpecting, expectReply, firstEntity, firstRecord } from "./reply.js";
import type { LooseSchema, SchemaLinkTo, SiteSchema } from "./schema-types.js";
import { checkBoolean, checkId, checkLinkTo, checkObject, checkOneOf, checkOptions, checkString, checkWireDate, fail, isPlainObject } from "./validate.js";

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
  readonly project?: EntityRef<"Project"> | undefined;
  /** The user whose schedule applies. */
  readonly user?: EntityRef<"HumanUser"> | undefined;
}

/** Options of `workScheduleUpdate`, plus call options. */
export interface WorkScheduleUpdateOptions extends WorkScheduleReadOptions {
  /** The exception's description. */
  readonly description?: string | undefined;
  /** Which task field to recalculate: `due_date` or `duration`. */
  readonly recalculateField?: "due_date" | "duration" | undefined;
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
  /** The HumanUser link (default: the user the credentials act as, looked up by login). `null`: not given, as Python's `None`. */
  readonly user?: EntityRef<"HumanUser"> | null | undefined;
}

/** `options[key]`, a link to a `type` only, as `{type, id}`; null when not given. */
function linkOption(options: Record<string, unknown>, key: string, type: string): { type: string; id: number } | null {
  const value = options[key];
  if (value === undefined || value === null) return null;
  return checkLinkTo(value, ["options", key], type);
}

function scope(options: Record<string, unknown>): { project: { type: string; id: number } | null; user: { type: string; id: number } | null } {
  return { project: linkOption(options, "project", "Project"), user: linkOption(options, "user", "HumanUser") };
}

/**
 * Site preferences by name; unknown names are left out (Python `preferences_read`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param prefs - preference names (all when omitted).
 * @param options - call options.
 */
export function preferencesRead(target: EntityTarget<SiteSchema, DateMode>, prefs?: readonly string[], options?: CallOptions): Promise<{ readonly [name: string]: unknown }>;
export async function preferencesRead(target: unknown, prefs?: unknown, rawOptions?: unknown): Promise<{ readonly [name: string]: unknown }> {
  const ctx = contextOf(target);
  let names: string[] = [];
  if (prefs !== undefined && prefs !== null) {
    if (!Array.isArray(prefs)) fail(["prefs"], "an array of preference names", prefs);
    names = Array.from(prefs, (p, i) => checkString(p, ["prefs", i], "a preference name"));
  }
  const options = checkOptions(rawOptions, ["options"]);
  const call = callOptions(ctx, options);
  await ctx.requireVersion("preferencesRead", [7, 10, 0], call);
  return callExpecting(ctx, "preferences_read", { prefs: names }, call, "an object");
}

/**
 * The work schedule of an inclusive date range (Python `work_schedule_read`): `{ "YYYY-MM-DD": WorkDay }`.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param startDate - first day, `YYYY-MM-DD`.
 * @param endDate - last day, `YYYY-MM-DD`.
 * @param options - `project`, `user` and call options.
 */
export function workScheduleRead(target: EntityTarget<SiteSchema, DateMode>, startDate: string, endDate: string, options?: WorkScheduleReadOptions): Promise<{ readonly [date: string]: WorkDay }>;
export async function workScheduleRead(target: unknown, startDate: unknown, endDate: unknown, rawOptions?: unknown): Promise<{ readonly [date: string]: WorkDay }> {
  const ctx = contextOf(target);
  const start = checkWireDate(startDate, ["startDate"]);
  const end = checkWireDate(endDate, ["endDate"]);
  if (end < start) fail(["endDate"], `a date on or after startDate (${start})`, end);
  const options = checkOptions(rawOptions, ["options"], ["project", "user"]);
  const links = scope(options);
  const call = callOptions(ctx, options);
  await ctx.requireVersion("workScheduleRead", [3, 2, 0], call);
  return callExpecting(ctx, "work_schedule_read", { start_date: start, end_date: end, ...links }, call, "an object");
}

/**
 * Set whether a day is a working day (Python `work_schedule_update`); resolves to the site's echo.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param date - the day, `YYYY-MM-DD`.
 * @param working - whether it is a working day.
 * @param options - `description`, `project`, `user`, `recalculateField` and call options.
 */
export function workScheduleUpdate(target: EntityTarget<SiteSchema, DateMode>, date: string, working: boolean, options?: WorkScheduleUpdateOptions): Promise<{ readonly [key: string]: unknown }>;
export async function workScheduleUpdate(target: unknown, date: unknown, working: unknown, rawOptions?: unknown): Promise<{ readonly [key: string]: unknown }> {
  const ctx = contextOf(target);
  const day = checkWireDate(date, ["date"]);
  const isWorking = checkBoolean(working, ["working"]);
  const options = checkOptions(rawOptions, ["options"], ["description", "project", "user", "recalculateField"]);
  const description = options["description"] == null ? null : checkString(options["description"], ["options", "description"], "a string");
  const recalc = options["recalculateField"] == null ? null : checkOneOf(options["recalculateField"], ["due_date", "duration"] as const, ["options", "recalculateField"]);
  const links = scope(options);
  const call = callOptions(ctx, options);
  await ctx.requireVersion("workScheduleUpdate", [3, 2, 0], call);
  return callExpecting(ctx, "work_schedule_update", { date: day, working: isWorking, description, ...links, recalculate_field: recalc }, call, "an object");
}

/**
 * The users' subscriptions (Python `user_subscriptions_read`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param options - call options.
 */
export function userSubscriptionsRead(target: EntityTarget<SiteSchema, DateMode>, options?: CallOptions): Promise<UserSubscription[]>;
export async function userSubscriptionsRead(target: unknown, rawOptions?: unknown): Promise<UserSubscription[]> {
  const ctx = contextOf(target);
  const options = checkOptions(rawOptions, ["options"]);
  return callExpecting(ctx, "user_subscriptions_read", undefined, callOptions(ctx, options), "a list");
}

/**
 * Assign subscriptions (Python `user_subscriptions_create`); true on success.
 *
 * @param target - a client or an {@link EntityContext}.
 * @param users - `{ humanUserId, subscription }` assignments.
 * @param options - call options.
 */
export function userSubscriptionsCreate(target: EntityTarget<SiteSchema, DateMode>, users: readonly UserSubscription[], options?: CallOptions): Promise<boolean>;
export async function userSubscriptionsCreate(target: unknown, users: unknown, rawOptions?: unknown): Promise<boolean> {
  const ctx = contextOf(target);
  if (!Array.isArray(users) || users.length === 0) fail(["users"], "a non-empty array of { humanUserId, subscription }", users);
  const list = Array.from(users, (u, i) => {
    const o = checkObject(u, ["users", i], "{ humanUserId, subscription }");
    const humanUserId = checkId(o["humanUserId"], ["users", i, "humanUserId"]);
    const s = o["subscription"];
    const ok = s === null || typeof s === "string" || (Array.isArray(s) && [...s].every((x) => typeof x === "string"));
    if (!ok) fail(["users", i, "subscription"], "null, a subscription name or an array of names", s);
    return { humanUserId, subscription: s };
  });
  const options = checkOptions(rawOptions, ["options"]);
  // As Python: true only for `{ status: "success" }` (or a list of it); another object is a refusal.
  const method = "user_subscriptions_create";
  const result = await ctx.call<unknown>(method, { users: list }, callOptions(ctx, options));
  return expectReply<Record<string, unknown>>(method, Array.isArray(result) ? result[0] : result, "an object")["status"] === "success";
}

/**
 * Record that the current user opened a project (Python `update_project_last_accessed`).
 *
 * @param target - a client or an {@link EntityContext}.
 * @param project - the Project link (a link of another type is refused).
 * @param options - `user` (a HumanUser link) and call options.
 */
export function updateProjectLastAccessed<S extends SiteSchema = LooseSchema, D extends DateMode = "date">(target: EntityTarget<S, D>, project: SchemaLinkTo<S, "Project">, options?: ProjectAccessOptions): Promise<void>;
export async function updateProjectLastAccessed(target: unknown, project: unknown, rawOptions?: unknown): Promise<void> {
  const ctx = contextOf(target);
  const p = checkLinkTo(project, ["project"], "Project");
  const options = checkOptions(rawOptions, ["options"], ["user"]);
  let userId: number | undefined;
  if (options["user"] != null) userId = checkLinkTo(options["user"], ["options", "user"], "HumanUser").id;
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
      const first = firstEntity(found);
      if (isPlainObject(first) && typeof first["id"] === "number") userId = first["id"];
    }
  }
  // Python takes the first of the reply (the project's record); nothing else is the site's answer.
  const method = "update_project_last_accessed_by_current_user";
  firstRecord(await ctx.call<unknown>(method, { project_id: p.id, ...(userId === undefined ? {} : { user_id: userId }) }, call), method);
}
