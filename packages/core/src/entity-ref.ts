/** A link to an entity, the shape every entity value has on the wire. */
export interface EntityRef<T extends string = string> {
  /** The entity type, e.g. `Shot`. */
  readonly type: T;
  /** The entity id. */
  readonly id: number;
  /** The display name the site adds to links it returns: `null` when the entity's display field (often `code`) is empty. */
  readonly name?: string | null | undefined;
}

/** Whether a value is a `{type, id}` entity link (a non-empty type string and an integer id). */
export function isEntityRef(value: unknown): value is EntityRef {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const v = value as { type?: unknown; id?: unknown };
  return typeof v.type === "string" && v.type.length > 0 && typeof v.id === "number" && Number.isInteger(v.id);
}

/** Keys an entity dict keeps when it is trimmed for a filter or update (as the Python client does since 3.9.1). */
export const ENTITY_REF_KEYS: readonly string[] = Object.freeze(["id", "type", "url", "name", "content_type", "local_path", "storage", "relative_path"]);

/** A copy of an entity dict with only the {@link ENTITY_REF_KEYS}; other values are returned unchanged. */
export function trimEntityRef<T>(value: T): T {
  if (!isEntityRef(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of ENTITY_REF_KEYS) {
    const v = (value as unknown as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out as T;
}
