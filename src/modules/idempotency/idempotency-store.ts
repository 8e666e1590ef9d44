import type { IdempotencyRecord, InstanceLeaseRecord, StoredResponse } from "./idempotency-types.js";

export interface IdempotencyStore {
  /** Inserts a claim unless the key already has a record; true when inserted. */
  insert(record: IdempotencyRecord): Promise<boolean>;
  find(principalId: string, key: string): Promise<IdempotencyRecord | null>;
  /**
   * Replaces `previous` with `record` only if the row is still exactly `previous` (same claim, state
   * and expiry): a compare-and-set, so of two retries taking over one dead claim only one wins.
   */
  replace(record: IdempotencyRecord, previous: IdempotencyRecord): Promise<boolean>;
  /** Stores the response if claim `claimId` still holds the key in flight; false when it lost it. */
  complete(principalId: string, key: string, claimId: string, response: StoredResponse): Promise<boolean>;
  /** Drops claim `claimId` if it still holds the key in flight, so the client may retry at once. */
  release(principalId: string, key: string, claimId: string): Promise<boolean>;
  /** Deletes records that expired before `nowMs`; returns how many. */
  purgeExpired(nowMs: number, limit: number): Promise<number>;

  /** Creates or extends an instance's lease. */
  renewLease(lease: InstanceLeaseRecord): Promise<void>;
  findLease(instanceId: string): Promise<InstanceLeaseRecord | null>;
  dropLease(instanceId: string): Promise<void>;
  /** Deletes leases that ran out before `expiredBeforeMs`; returns how many. */
  purgeLeases(expiredBeforeMs: number, limit: number): Promise<number>;
  /**
   * Whether the instance still has a session open on the database — and so might still commit work
   * it started. Null when the database cannot tell (SQLite): then only the lease speaks.
   */
  hasSessions(instanceId: string): Promise<boolean | null>;
}
