import type { UsagePropertyValue } from "./usage-types.js";

/** An outbox entry leased for sending, with the event it stands for. */
export interface OutboxEntry {
  id: number;
  customerId: string;
  idempotencyKey: string;
  /** Failed attempts so far. */
  attempts: number;
  eventName: string;
  value: number;
  properties: Record<string, UsagePropertyValue>;
  timestampMs: number;
  /** The provider's id of the customer, when Billhook created or found it there. */
  providerCustomerId: string | null;
}

/** What one failed entry becomes: due again at `availableAtMs`, or dead. */
export interface OutboxFailure {
  id: number;
  attempts: number;
  availableAtMs: number;
  dead: boolean;
}

export interface DeadLetter {
  id: number;
  customerId: string;
  idempotencyKey: string;
  attempts: number;
  lastError: string | null;
  createdAtMs: number;
  deadAtMs: number | null;
}

export interface OutboxCounts {
  /** Entries still to be delivered (due, waiting for a retry, or being sent). */
  pending: number;
  /** Of those, leased to a worker right now. */
  leased: number;
  dead: number;
  /** When the oldest undelivered entry was queued; null when there is none. */
  oldestPendingCreatedAtMs: number | null;
}

/**
 * Persistence port of the usage sync outbox (rows are queued by `UsageStore.queueSync`). Implemented
 * in `src/storage/stores/usage-sync-store.ts`. Every write takes the lease owner, so a worker whose
 * lease ran out can no longer change what another worker has taken over.
 */
export interface UsageSyncStore {
  /**
   * Leases up to `limit` due pending entries (not leased, or whose lease expired) to `owner` until
   * `leaseExpiresAtMs`, oldest first. Concurrent claimers never receive the same entry.
   */
  claim(input: {
    owner: string;
    nowMs: number;
    leaseExpiresAtMs: number;
    limit: number;
  }): Promise<OutboxEntry[]>;
  /** Deletes delivered entries still leased to `owner`; returns how many. */
  complete(ids: number[], owner: string): Promise<number>;
  /** Records a failed attempt on entries still leased to `owner`. */
  fail(failures: OutboxFailure[], owner: string, error: string, nowMs: number): Promise<void>;
  counts(nowMs: number): Promise<OutboxCounts>;
  listDead(limit: number): Promise<DeadLetter[]>;
  /** Dead entries (all, or those `ids`) back to pending, due now with a fresh attempt budget. */
  requeueDead(ids: number[] | null, nowMs: number): Promise<number>;
}
