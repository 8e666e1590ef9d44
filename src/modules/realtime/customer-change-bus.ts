/** The PostgreSQL NOTIFY channel and Redis pub/sub channel; the message is the customer id. */
export const customerChangedChannel = "billhook_customer_changed";

export type CustomerChangeListener = (customerId: string) => void;

/**
 * "Something this customer can see changed": a wake-up signal, not the change itself. Watchers re-read
 * the database when woken, so a lost or duplicated signal costs latency (the fallback poll) or one
 * extra read, never correctness. Published after commit, so a woken watcher always sees the change.
 */
export interface CustomerChangeBus {
  /** What carries the signal between instances: `local` (this process only), `postgres` or `redis`. */
  readonly transport: string;
  publish(customerId: string): void;
  /** Calls `listener` for every change announced on any instance; returns the unsubscribe. */
  subscribe(listener: CustomerChangeListener): () => void;
  close(): Promise<void>;
}

/** The listeners of one process. Remote buses deliver what they receive through one of these. */
export class ChangeListeners {
  readonly #listeners = new Set<CustomerChangeListener>();

  add(listener: CustomerChangeListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  deliver(customerId: string): void {
    for (const listener of this.#listeners) {
      try {
        listener(customerId);
      } catch {
        // A watcher's failure is its own: the others must still wake.
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }
}

/**
 * One process only: enough for SQLite (a single instance) and as the default. Other instances'
 * changes are still seen, by the watchers' fallback poll.
 */
export class LocalChangeBus implements CustomerChangeBus {
  readonly transport = "local";
  readonly #listeners = new ChangeListeners();

  publish(customerId: string): void {
    this.#listeners.deliver(customerId);
  }

  subscribe(listener: CustomerChangeListener): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {}
}
