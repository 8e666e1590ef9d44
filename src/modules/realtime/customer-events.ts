import type { Catalog } from "../catalog/index.js";
import type { CheckoutRecord } from "../checkout/index.js";
import type { Credits } from "../credits/index.js";
import type { Entitlements } from "../entitlements/index.js";
import type { MeterStatus, Usage } from "../usage/index.js";
import type { CustomerChangeBus } from "./customer-change-bus.js";

export type UsageHealth = MeterStatus["status"];

/** What a customer may do right now: the state a purchase modal, balance or usage bar renders. */
export interface CustomerSnapshot {
  entitlements: Array<{ feature: string; catalogKey: string; activeUntil: string | null }>;
  balances: Record<string, number>;
  /** Each meter's health this period (empty when the catalog declares no meters). */
  usage: Record<string, { status: UsageHealth; percentUsed: number | null }>;
}

/** How a checkout ended, as the purchase modal needs it. */
export interface PurchaseOutcome {
  checkoutId: string;
  product: string;
  status: "succeeded" | "failed" | "expired";
}

export type CustomerEvent =
  | { type: "snapshot"; data: CustomerSnapshot }
  | { type: "entitlements.changed"; data: Pick<CustomerSnapshot, "entitlements"> }
  | { type: "balance.changed"; data: Pick<CustomerSnapshot, "balances"> }
  | { type: "usage.changed"; data: Pick<CustomerSnapshot, "usage"> }
  | {
      type: "usage.threshold";
      data: { meter: string; status: UsageHealth; previousStatus: UsageHealth; percentUsed: number | null };
    }
  | { type: "purchase"; data: PurchaseOutcome };

export interface WatchOptions {
  /** Stops the watch (the client went away). */
  signal: AbortSignal;
  /** Re-read at least this often even without a signal; default the engine's fallback poll. */
  fallbackPollMs?: number;
}

export interface CustomerEventsOptions {
  entitlements: Entitlements;
  credits: Credits;
  catalog: Catalog;
  usage: Usage;
  checkoutsOf: (customerId: string) => Promise<CheckoutRecord[]>;
  bus: CustomerChangeBus;
  /** The slow poll that catches changes whose signal was lost (or came from a bus-less instance). */
  fallbackPollMs: number;
}

const finalStatuses = new Set(["succeeded", "failed", "expired"]);

interface WatchedState {
  snapshot: CustomerSnapshot;
  checkouts: Map<string, { status: string; product: string }>;
}

/**
 * Realtime changes of one customer. A watch re-reads the customer's projections when the change bus
 * says they changed (on any instance: PostgreSQL NOTIFY or Redis pub/sub carry the signal), and every
 * `fallbackPollMs` regardless, then sends what differs from what it sent last.
 */
export class CustomerEvents {
  readonly #options: CustomerEventsOptions;

  constructor(options: CustomerEventsOptions) {
    this.#options = options;
  }

  async snapshot(customerId: string): Promise<CustomerSnapshot> {
    const { entitlements: entitlementReads, credits, catalog, usage } = this.#options;
    const rows = await entitlementReads.listActive(customerId);
    const entitlements = rows
      .map((row) => ({
        feature: row.featureKey,
        catalogKey: row.catalogKey,
        activeUntil: row.activeUntilMs === null ? null : new Date(row.activeUntilMs).toISOString(),
      }))
      .sort((a, b) => (a.feature + a.catalogKey < b.feature + b.catalogKey ? -1 : 1));
    const balances: Record<string, number> = {};
    for (const creditType of catalog.creditTypes) {
      balances[creditType.key] = await credits.available(customerId, creditType.key);
    }
    const meters: CustomerSnapshot["usage"] = {};
    if (catalog.meters.length > 0) {
      for (const item of await usage.status(customerId)) {
        meters[item.meter] = { status: item.status, percentUsed: item.percentUsed };
      }
    }
    return { entitlements, balances, usage: meters };
  }

  /** The current snapshot first, then one event per change, until the signal aborts. */
  async *watch(customerId: string, options: WatchOptions): AsyncGenerator<CustomerEvent> {
    const fallbackPollMs = options.fallbackPollMs ?? this.#options.fallbackPollMs;
    const wakeUp = new WakeUp();
    const unsubscribe = this.#options.bus.subscribe((changed) => {
      if (changed === customerId) wakeUp.set();
    });
    try {
      let last = await this.#read(customerId);
      yield { type: "snapshot", data: last.snapshot };
      while (!options.signal.aborted) {
        await wakeUp.wait(fallbackPollMs, options.signal);
        if (options.signal.aborted) return;
        const next = await this.#read(customerId);
        yield* differences(last, next);
        last = next;
      }
    } finally {
      unsubscribe();
    }
  }

  async #read(customerId: string): Promise<WatchedState> {
    const [snapshot, records] = await Promise.all([
      this.snapshot(customerId),
      this.#options.checkoutsOf(customerId),
    ]);
    const checkouts = new Map(
      records.map((record) => [record.id, { status: record.status, product: record.catalogKey }]),
    );
    return { snapshot, checkouts };
  }
}

function* differences(last: WatchedState, next: WatchedState): Generator<CustomerEvent> {
  const before = last.snapshot;
  const after = next.snapshot;
  if (JSON.stringify(after.entitlements) !== JSON.stringify(before.entitlements)) {
    yield { type: "entitlements.changed", data: { entitlements: after.entitlements } };
  }
  if (JSON.stringify(after.balances) !== JSON.stringify(before.balances)) {
    yield { type: "balance.changed", data: { balances: after.balances } };
  }
  if (JSON.stringify(after.usage) !== JSON.stringify(before.usage)) {
    yield { type: "usage.changed", data: { usage: after.usage } };
  }
  for (const [meter, health] of Object.entries(after.usage)) {
    const previousStatus = before.usage[meter]?.status ?? "ok";
    if (health.status !== previousStatus) {
      yield {
        type: "usage.threshold",
        data: { meter, status: health.status, previousStatus, percentUsed: health.percentUsed },
      };
    }
  }
  for (const [checkoutId, checkout] of next.checkouts) {
    const previous = last.checkouts.get(checkoutId)?.status;
    if (finalStatuses.has(checkout.status) && previous !== checkout.status) {
      yield {
        type: "purchase",
        data: { checkoutId, product: checkout.product, status: checkout.status as PurchaseOutcome["status"] },
      };
    }
  }
}

/** A latch: `set` before or during `wait` ends the wait; a set while the reader is busy is kept. */
class WakeUp {
  #pending = false;
  #resolve: (() => void) | null = null;

  set(): void {
    this.#pending = true;
    this.#resolve?.();
  }

  async wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (!this.#pending && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        const onAbort = () => done();
        signal.addEventListener("abort", onAbort, { once: true });
        this.#resolve = done;
        function done() {
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
          resolve();
        }
      });
    }
    this.#resolve = null;
    this.#pending = false;
  }
}
