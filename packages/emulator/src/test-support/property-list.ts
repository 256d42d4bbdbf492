/** Properties by name, as a test writes them. */
export type Props = Record<string, unknown>;

/** `properties` as `schema_field_create/update` take them: `[{property_name, value}]`. */
export function propertyList(props: Props): { property_name: string; value: unknown }[] {
  return Object.entries(props).map(([property_name, value]) => ({ property_name, value }));
}
