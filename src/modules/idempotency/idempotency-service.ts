import { BillhookError, type Clock, type StoreAccess } from "../../kernel/index.js";
import type { IdempotencyStore } from "./idempotency-store.js";
import type { IdempotencyDecision, StoredResponse } from "./idempotency-types.js";

export interface IdempotencyStores {
  idempotency: IdempotencyStore;
}

export interface IdempotencyOptions {
  /** How long a completed response is kept for replay. At least 24 h by default. */
  retentionMs: number;
  /** How long an in-flight claim blocks retries before it is presumed dead and may be taken over. */
  inFlightLockMs: number;
}

export const defaultIdempotencyOptions: IdempotencyOptions = {
  retentionMs: 24 * 60 * 60 * 1000,
  inFlightLockMs: 60 * 1000,
};

export const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

/**
 * Makes retried writes exact: the same key with the same request replays the stored response, the
 * same key with another request is refused (422), and a retry racing the original is refused (409).
 */
export class Idempotency {
  readonly #access: StoreAccess<IdempotencyStores>;
  readonly #clock: Clock;
  readonly #options: IdempotencyOptions;

  constructor(access: StoreAccess<IdempotencyStores>, clock: Clock, options: IdempotencyOptions) {
    this.#access = access;
    this.#clock = clock;
    this.#options = options;
  }

  /** Claims `key` for this request, or says which stored response to replay. */
  async begin(principalId: string, key: string, requestHash: string): Promise<IdempotencyDecision> {
    const nowMs = this.#clock.now().getTime();
    const blocking = await this.#access.transaction((stores) =>
      stores.idempotency.claim(
        {
          principalId,
          key,
          requestHash,
          state: "in_flight",
          response: null,
          lockedUntilMs: nowMs + this.#options.inFlightLockMs,
          createdAtMs: nowMs,
          expiresAtMs: nowMs + this.#options.retentionMs,
        },
        nowMs,
      ),
    );
    if (blocking === null) return { kind: "proceed" };
    if (blocking.requestHash !== requestHash) {
      throw new BillhookError(
        "IDEMPOTENCY_KEY_REUSED",
        "This Idempotency-Key was already used with a different request.",
        { idempotencyKey: key },
      );
    }
    if (blocking.state === "in_flight" || blocking.response === null) {
      throw new BillhookError(
        "IDEMPOTENCY_IN_FLIGHT",
        "A request with this Idempotency-Key is still being processed; retry later.",
        { idempotencyKey: key },
      );
    }
    return { kind: "replay", response: blocking.response };
  }

  async complete(principalId: string, key: string, response: StoredResponse): Promise<void> {
    await this.#access.transaction((stores) => stores.idempotency.complete(principalId, key, response));
  }

  async abandon(principalId: string, key: string): Promise<void> {
    await this.#access.transaction((stores) => stores.idempotency.release(principalId, key));
  }

  /** Removes expired records in batches; run by the worker. */
  async purgeExpired(batchSize = 1000): Promise<number> {
    const nowMs = this.#clock.now().getTime();
    return this.#access.transaction((stores) => stores.idempotency.purgeExpired(nowMs, batchSize));
  }
}
