/**
 * When to sweep a table that grows only on insertion and whose entries die with time (sessions, approval
 * requests): just before an insertion that finds the table at its threshold, which then becomes twice the entries
 * that survived (never below `minimum`). A sweep visits every entry, but at least as many insertions as survivors
 * came before it, so the work is O(1) per insertion on average, and the table never holds more than
 * `max(minimum, 2 × the entries alive at the last sweep)`. Each sweep judges every entry afresh, so a clock that
 * moves back cannot make it skip dead ones.
 */
export class SweepSchedule {
  private threshold: number;

  /** @param minimum - Entries below which no sweep runs. */
  constructor(private readonly minimum: number) {
    this.threshold = minimum;
  }

  /** Call before inserting into `table`: deletes the entries `dead` says are gone, when a sweep is due. */
  beforeInsert<K, V>(table: Map<K, V>, dead: (value: V) => boolean): void {
    if (table.size < this.threshold) return;
    for (const [key, value] of table) if (dead(value)) table.delete(key);
    this.threshold = Math.max(this.minimum, 2 * table.size);
  }

  /** Back to the initial threshold (after the table was emptied). */
  reset(): void {
    this.threshold = this.minimum;
  }
}
