import type { Schema } from './schema.js';
import type { ReverseLinkSpec } from './types.js';

/** One side of a pair: a link field of an entity type. */
export interface LinkSide {
  readonly type: string;
  readonly field: string;
  /** Whether the field holds a list of links (multi-entity) rather than one. */
  readonly multi: boolean;
}

/** Two link fields kept in step. */
export interface LinkPair {
  readonly a: LinkSide;
  readonly b: LinkSide;
}

/** A `Type.field` of a spec; `type` is `*` for "every type the other side may link to". */
interface SpecSide {
  readonly type: string;
  readonly field: string;
}

/** A checked {@link ReverseLinkSpec}. */
export interface ParsedSpec {
  readonly field: SpecSide;
  readonly reverse: SpecSide;
}

const SIDE = /^(\*|[A-Za-z][A-Za-z0-9_]*)\.([A-Za-z][A-Za-z0-9_]*)$/;

function parseSide(spec: unknown, key: 'field' | 'reverse'): SpecSide {
  const text = spec && typeof spec === 'object' ? (spec as Record<string, unknown>)[key] : undefined;
  const m = typeof text === 'string' ? SIDE.exec(text) : null;
  if (!m || (key === 'field' && m[1] === '*')) {
    const form = key === 'field' ? "'Type.field'" : "'Type.field' or '*.field'";
    throw new Error(`Invalid reverse link ${JSON.stringify(spec)}: '${key}' must be ${form}`);
  }
  return { type: m[1] ?? '', field: m[2] ?? '' };
}

/** Checks reverse-link specs (`{field, reverse}` items); throws an Error naming the first malformed one. */
export function parseReverseLinkSpecs(specs: unknown): ParsedSpec[] {
  if (!Array.isArray(specs)) throw new Error(`reverseLinks must be a list of {field, reverse}, got ${JSON.stringify(specs)}`);
  return specs.map((spec: unknown) => ({ field: parseSide(spec, 'field'), reverse: parseSide(spec, 'reverse') }));
}

/** Identifies a pair, whichever side comes first. */
export function pairKey(pair: LinkPair): string {
  return [`${pair.a.type}.${pair.a.field}`, `${pair.b.type}.${pair.b.field}`].sort().join('~');
}

/** The active pairs of a schema, found by either side. */
export class LinkPairs {
  /** Every active pair, in the order of the specs. */
  readonly pairs: LinkPair[] = [];
  private readonly partnersBySide = new Map<string, LinkSide[]>();
  private readonly sidesByType = new Map<string, LinkSide[]>();

  /** The sides paired with `type.field` (one per entity type it links to), or none. */
  partners(type: string, field: string): readonly LinkSide[] {
    return this.partnersBySide.get(`${type}.${field}`) ?? [];
  }

  /** The paired fields of an entity type. */
  sidesOf(type: string): readonly LinkSide[] {
    return this.sidesByType.get(type) ?? [];
  }

  /** Adds a pair unless one of its sides is already paired with a field of the other side's type. */
  add(pair: LinkPair): boolean {
    const taken = (side: LinkSide, other: LinkSide): boolean => this.partners(side.type, side.field).some((p) => p.type === other.type);
    if (taken(pair.a, pair.b) || taken(pair.b, pair.a)) return false;
    this.link(pair.a, pair.b);
    this.link(pair.b, pair.a);
    this.pairs.push(pair);
    return true;
  }

  private link(side: LinkSide, other: LinkSide): void {
    const key = `${side.type}.${side.field}`;
    const partners = this.partnersBySide.get(key);
    if (partners) {
      partners.push(other);
      return;
    }
    this.partnersBySide.set(key, [other]);
    const sides = this.sidesByType.get(side.type) ?? [];
    sides.push(side);
    this.sidesByType.set(side.type, sides);
  }
}

function linkSide(schema: Schema, type: string, field: string): LinkSide | undefined {
  const dataType = schema.field(type, field)?.data_type.value;
  if (dataType !== 'entity' && dataType !== 'multi_entity') return undefined;
  return { type, field, multi: dataType === 'multi_entity' };
}

/** The pair of two fields when the schema has both, each linking to the other's type, and one at least is multi-entity. */
function concretePair(schema: Schema, field: SpecSide, reverse: SpecSide): LinkPair | undefined {
  const a = linkSide(schema, field.type, field.field);
  const b = linkSide(schema, reverse.type, reverse.field);
  if (!a || !b || (!a.multi && !b.multi) || (a.type === b.type && a.field === b.field)) return undefined;
  if (!schema.validTypes(a.type, a.field).includes(b.type) || !schema.validTypes(b.type, b.field).includes(a.type)) return undefined;
  return { a, b };
}

/**
 * The pairs the specs describe that the schema supports, in order; a pair that claims a side already paired with
 * a field of the same entity type is left out (the earlier spec wins).
 */
export function resolvePairs(schema: Schema, specs: readonly ParsedSpec[]): LinkPairs {
  const out = new LinkPairs();
  for (const { field, reverse } of specs) {
    const types = reverse.type === '*' ? schema.validTypes(field.type, field.field) : [reverse.type];
    for (const type of types) {
      const pair = concretePair(schema, field, { type, field: reverse.field });
      if (pair) out.add(pair);
    }
  }
  return out;
}
