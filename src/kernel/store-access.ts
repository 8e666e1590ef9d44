/**
 * How a domain service reaches its stores without knowing the database. The caller of `transaction`
 * owns the unit of work: everything done with the given stores commits or rolls back together, and a
 * service that is handed `stores` by its caller must not open a transaction of its own.
 */
export interface StoreAccess<Stores> {
  /** Runs `work` in one write transaction, retried as a whole on transient conflicts. */
  transaction<T>(work: (stores: Stores, unit: UnitOfWork) => Promise<T>): Promise<T>;
  /** Runs `work` outside any write transaction (plain reads). */
  read<T>(work: (stores: Stores) => Promise<T>): Promise<T>;
  /**
   * A value that changes whenever a write, by this process or another, may have changed what `read`
   * returns: a service may keep a read in memory for exactly as long as the stamp stays the same.
   * Null (or absent) when the database cannot tell cheaply; nothing may then be kept.
   */
  changeStamp?(): string | null;
}

/** The open transaction itself, for work that must be able to undo part of it. */
export interface UnitOfWork {
  /**
   * Runs `work` inside a savepoint: if it throws, what it wrote is undone and the transaction goes
   * on; the error is rethrown.
   */
  savepoint<T>(work: () => Promise<T>): Promise<T>;
  /** Whether an error is a lock conflict the whole transaction should be retried for. */
  isTransientConflict(error: unknown): boolean;
}
