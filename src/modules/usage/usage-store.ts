import type { Meter } from "../catalog/index.js";
import type { MeterValueRecord, UsageEventRecord } from "./usage-types.js";

/** Persistence port of usage. Implemented in `src/storage/stores/usage-store.ts`. */
export interface UsageStore {
  /**
   * Inserts the events whose (customer, idempotency key) is new and skips the rest, without error;
   * returns the `customerId\u0000idempotencyKey` of every event actually inserted, or `"all"` when
   * every one was new (the common case, which spares building the set). Runs inside a transaction.
   */
  insertEvents(events: UsageEventRecord[]): Promise<Set<string> | "all">;
  insertMeterValues(values: MeterValueRecord[]): Promise<void>;
  /** Queues the events for the provider sync (one outbox row each, due at `nowMs`). */
  queueSync(
    events: ReadonlyArray<Pick<UsageEventRecord, "customerId" | "idempotencyKey">>,
    nowMs: number,
  ): Promise<void>;
  /** The meter's aggregate over events with `fromMs <= timestamp < toMs`; 0 when there are none. */
  aggregate(
    customerId: string,
    meter: Pick<Meter, "key" | "aggregation">,
    fromMs: number,
    toMs: number,
  ): Promise<number>;
}
