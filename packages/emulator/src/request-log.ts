import type { PayloadSummary, RecordedRequest } from './types.js';

/** Keeps the last requests received (no secrets: see {@link RecordedRequest}). */
export class RequestLog {
  private entries: RecordedRequest[] = [];
  private seq = 0;

  constructor(private readonly limit = 10_000) {}

  /**
   * Allocates the next sequence number, for an entry about to be added: only logged requests are numbered, so
   * after a reset (or at start) the log reads 1, 2, 3… whatever admin requests came in between.
   */
  nextSeq(): number {
    return ++this.seq;
  }

  /** Adds an entry, dropping the oldest past the limit. */
  add(entry: RecordedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  /** Number of entries kept. */
  get size(): number {
    return this.entries.length;
  }

  /** A copy of the entries, oldest first. */
  list(): RecordedRequest[] {
    return this.entries.map((e) => structuredClone(e));
  }

  /** Forgets everything. */
  clear(): void {
    this.entries = [];
    this.seq = 0;
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/;
const MAX_NAMES = 100;

function name(v: unknown): string | undefined {
  return typeof v === 'string' && NAME.test(v) ? v : undefined;
}

function names(list: Iterable<unknown>): string[] {
  const out = new Set<string>();
  for (const v of list) {
    const n = name(v);
    if (n !== undefined) out.add(n);
    if (out.size >= MAX_NAMES) break;
  }
  return [...out];
}

function isHash(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Field paths a filter tree of any accepted form tests, without relations or values. */
function filterPaths(node: unknown, out: unknown[], depth = 0): void {
  if (depth > 32 || out.length >= MAX_NAMES) return;
  if (Array.isArray(node)) {
    if (typeof node[0] === 'string') out.push(node[0]);
    else for (const item of node) filterPaths(item, out, depth + 1);
    return;
  }
  if (!isHash(node)) return;
  if ('path' in node) out.push(node['path']);
  for (const key of ['conditions', 'filters']) if (Array.isArray(node[key])) filterPaths(node[key], out, depth + 1);
}

function fieldNames(fields: unknown): string[] | undefined {
  if (Array.isArray(fields)) return names(fields.map((f) => (isHash(f) ? f['field_name'] : undefined)));
  if (isHash(fields)) return names(Object.keys(fields));
  return undefined;
}

/**
 * The redacted outline of an RPC `params[1]` for the request log: its top-level keys and a {@link PayloadSummary}.
 * Only names, counts and paging numbers are copied; never a value.
 */
export function summarizePayload(payload: unknown): { payloadKeys?: string[]; payloadSummary?: PayloadSummary } {
  if (Array.isArray(payload)) {
    const summary: PayloadSummary = { items: payload.length };
    const hashes = payload.filter(isHash);
    const requestTypes = hashes.map((h) => name(h['request_type']) ?? '?').slice(0, MAX_NAMES);
    if (requestTypes.length) summary.requestTypes = requestTypes;
    const types = names(hashes.map((h) => h['type'] ?? h['entity_type']));
    if (types.length) summary.itemEntityTypes = types;
    return { payloadSummary: summary };
  }
  if (!isHash(payload)) return {};
  const summary: PayloadSummary = {};
  const type = name(payload['type'] ?? payload['entity_type']);
  if (type !== undefined) summary.entityType = type;
  if (payload['filters'] !== undefined && payload['filters'] !== null) {
    const found: unknown[] = [];
    filterPaths(payload['filters'], found);
    summary.filterPaths = names(found);
  }
  if (Array.isArray(payload['sorts'])) summary.sortFields = names(payload['sorts'].map((s) => (isHash(s) ? s['field_name'] ?? s['column'] : undefined)));
  if (Array.isArray(payload['return_fields'])) summary.returnFieldCount = payload['return_fields'].length;
  const paging = payload['paging'];
  if (isHash(paging)) {
    const p: NonNullable<PayloadSummary['paging']> = {};
    if (typeof paging['entities_per_page'] === 'number') p.entities_per_page = paging['entities_per_page'];
    if (typeof paging['current_page'] === 'number') p.current_page = paging['current_page'];
    summary.paging = p;
  }
  const written = fieldNames(payload['fields']);
  if (written) summary.fieldNames = written;
  return { payloadKeys: names(Object.keys(payload)), payloadSummary: summary };
}
