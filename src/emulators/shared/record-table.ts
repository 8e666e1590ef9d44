/** A collection keyed by id that keeps insertion order (= creation order, since the clock only moves on). */
export class RecordTable<T extends { id: string }> {
  private readonly rows = new Map<string, T>();

  get(id: string): T | undefined {
    return this.rows.get(id);
  }

  put(row: T): T {
    this.rows.set(row.id, row);
    return row;
  }

  delete(id: string): void {
    this.rows.delete(id);
  }

  all(): T[] {
    return [...this.rows.values()];
  }

  find(predicate: (row: T) => boolean): T | undefined {
    for (const row of this.rows.values()) if (predicate(row)) return row;
    return undefined;
  }

  filter(predicate: (row: T) => boolean): T[] {
    return this.all().filter(predicate);
  }

  get size(): number {
    return this.rows.size;
  }
}
