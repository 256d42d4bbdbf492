/** Whether a call only reads (safe to retry after it may have been sent) or may change the site. */
export type MethodKind = "read" | "write";

const READ_METHODS: ReadonlySet<string> = new Set([
  "info",
  "read",
  "summarize",
  "schema_read",
  "schema_entity_read",
  "schema_field_read",
  "query_display_name_cache",
  "note_thread_contents",
  "activity_stream",
  "followers",
  "following",
  "preferences_read",
  "work_schedule_read",
  "user_subscriptions_read",
  "export_page",
  "get_session_token",
  "nav_expand",
  "nav_search",
]);

/** The kind of an API method by name; unknown methods count as writes (the safe assumption). */
export function methodKind(method: string): MethodKind {
  return READ_METHODS.has(method) ? "read" : "write";
}
