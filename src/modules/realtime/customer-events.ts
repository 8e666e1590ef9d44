import type { Catalog } from "../catalog/index.js";
import type { Credits } from "../credits/index.js";
import type { Entitlements } from "../entitlements/index.js";

/** What a customer may do right now: the state a purchase modal or usage bar renders. */
export interface CustomerSnapshot {
  entitlements: Array<{ feature: string; catalogKey: string; activeUntil: string | null }>;
  balances: Record<string, number>;
}

export type CustomerEvent =
  | { type: "snapshot"; data: CustomerSnapshot }
  | { type: "entitlements.changed"; data: Pick<CustomerSnapshot, "entitlements"> }
  | { type: "balance.changed"; data: Pick<CustomerSnapshot, "balances"> };

export interface WatchOptions {
  /** How often the customer's state is compared with what was last sent. */
  intervalMs: number;
  /** Stops the watch (the client went away). */
  signal: AbortSignal;
}

/**
 * Realtime changes of one customer's entitlements and credit balances. The watch compares snapshots
 * of the projections rather than listening to an in-process bus, so it sees changes applied by any
 * instance (the webhook may be processed on another one) at the cost of one indexed read per interval.
 */
export class CustomerEvents {
  readonly #entitlements: Entitlements;
  readonly #credits: Credits;
  readonly #catalog: Catalog;

  constructor(options: { entitlements: Entitlements; credits: Credits; catalog: Catalog }) {
    this.#entitlements = options.entitlements;
    this.#credits = options.credits;
    this.#catalog = options.catalog;
  }

  async snapshot(customerId: string): Promise<CustomerSnapshot> {
    const rows = await this.#entitlements.listActive(customerId);
    const entitlements = rows
      .map((row) => ({
        feature: row.featureKey,
        catalogKey: row.catalogKey,
        activeUntil: row.activeUntilMs === null ? null : new Date(row.activeUntilMs).toISOString(),
      }))
      .sort((a, b) => (a.feature + a.catalogKey < b.feature + b.catalogKey ? -1 : 1));
    const balances: Record<string, number> = {};
    for (const creditType of this.#catalog.creditTypes) {
      balances[creditType.key] = await this.#credits.available(customerId, creditType.key);
    }
    return { entitlements, balances };
  }

  /** The current snapshot first, then one event per change, until the signal aborts. */
  async *watch(customerId: string, options: WatchOptions): AsyncGenerator<CustomerEvent> {
    let last = await this.snapshot(customerId);
    yield { type: "snapshot", data: last };
    while (!options.signal.aborted) {
      await sleep(options.intervalMs, options.signal);
      if (options.signal.aborted) return;
      const next = await this.snapshot(customerId);
      if (JSON.stringify(next.entitlements) !== JSON.stringify(last.entitlements)) {
        yield { type: "entitlements.changed", data: { entitlements: next.entitlements } };
      }
      if (JSON.stringify(next.balances) !== JSON.stringify(last.balances)) {
        yield { type: "balance.changed", data: { balances: next.balances } };
      }
      last = next;
    }
  }
}

function sleep(durationMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, durationMs);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
