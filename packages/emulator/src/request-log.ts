import type { RecordedRequest } from './types.js';

/** Keeps the last requests received (no secrets: see {@link RecordedRequest}). */
export class RequestLog {
  private entries: RecordedRequest[] = [];
  private seq = 0;

  constructor(private readonly limit = 10_000) {}

  /** Allocates the next sequence number. */
  nextSeq(): number {
    return ++this.seq;
  }

  /** Adds an entry, dropping the oldest past the limit. */
  add(entry: RecordedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  /** A copy of the entries, oldest first. */
  list(): RecordedRequest[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** Forgets everything. */
  clear(): void {
    this.entries = [];
    this.seq = 0;
  }
}
