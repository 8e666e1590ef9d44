import type { IdempotencyRecord, StoredResponse } from "./idempotency-types.js";

export interface IdempotencyStore {
  /**
   * Claims the key for a new request unless someone holds it. A record that expired, or an in-flight
   * claim whose lock ran out (its process died), is taken over. Returns null when claimed, otherwise
   * the record that blocks the claim.
   */
  claim(record: IdempotencyRecord, nowMs: number): Promise<IdempotencyRecord | null>;
  complete(principalId: string, key: string, response: StoredResponse): Promise<void>;
  /** Drops an in-flight claim so the client may retry (used when the request failed on our side). */
  release(principalId: string, key: string): Promise<void>;
  /** Deletes records that expired before `nowMs`; returns how many. */
  purgeExpired(nowMs: number, limit: number): Promise<number>;
}
