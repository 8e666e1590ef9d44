import { type Clock, type Logger, randomBase62, type StoreAccess } from "../../kernel/index.js";
import type { IdempotencyStore } from "./idempotency-store.js";
import type { Ticker } from "./ticker.js";

export interface LeaseStores {
  idempotency: IdempotencyStore;
}

export interface InstanceLeaseOptions {
  access: StoreAccess<LeaseStores>;
  clock: Clock;
  logger: Logger;
  ticker: Ticker;
  /** Unique per process start (a restarted process is a new instance); see `newInstanceId`. */
  instanceId: string;
  /** How long the lease lasts unrenewed: after a crash, claims of the dead instance wait this long at most. */
  ttlMs: number;
  /** How often the heartbeat renews it; a third of the ttl, so two late beats in a row are still no lapse. */
  renewIntervalMs: number;
  /** Runs after every beat (the idempotency service retries completions the database refused). */
  afterBeat?: () => Promise<void>;
}

/** A fresh instance id: `bh-` and 20 base62 characters, well under PostgreSQL's 63 for `application_name`. */
export function newInstanceId(): string {
  return `bh-${randomBase62(20)}`;
}

/**
 * This instance's lease: a row renewed by a heartbeat that says "I am alive until …". A retry that
 * finds a key claimed by an instance whose lease ran out may take the claim over. Started by the
 * first claim, so an instance that never claims a key never writes a lease.
 */
export class InstanceLease {
  readonly instanceId: string;
  readonly #options: InstanceLeaseOptions;
  #heldUntilMs = Number.NEGATIVE_INFINITY;
  #startedAtMs: number | null = null;
  #heartbeat: { stop(): void } | null = null;
  #renewing: Promise<void> | null = null;
  #stopped = false;

  constructor(options: InstanceLeaseOptions) {
    this.instanceId = options.instanceId;
    this.#options = options;
  }

  /** Until when (clock time) this instance knows its lease holds; -Infinity before the first renewal. */
  get heldUntilMs(): number {
    return this.#heldUntilMs;
  }

  /** Makes sure the lease holds for at least one more beat and the heartbeat runs. */
  async hold(): Promise<void> {
    if (this.#stopped) throw new Error(`instance ${this.instanceId} stopped its lease; it takes no claims`);
    this.#heartbeat ??= this.#options.ticker.every(this.#options.renewIntervalMs, () => this.#beat());
    const nowMs = this.#options.clock.now().getTime();
    if (nowMs >= this.#heldUntilMs - this.#options.renewIntervalMs) await this.renew();
  }

  /** Extends the lease to now + ttl; concurrent callers share one write. */
  renew(): Promise<void> {
    this.#renewing ??= this.#renew().finally(() => {
      this.#renewing = null;
    });
    return this.#renewing;
  }

  /** Stops the heartbeat for good; the lease then lapses on its own (what a crash looks like to others). */
  stop(): void {
    this.#stopped = true;
    this.#heartbeat?.stop();
    this.#heartbeat = null;
  }

  /** Stops and deletes the lease: a clean shutdown with nothing in flight frees its claims at once. */
  async release(): Promise<void> {
    const wasHeld = this.#startedAtMs !== null;
    this.stop();
    await this.#renewing?.catch(() => undefined);
    if (wasHeld)
      await this.#options.access.transaction((stores) => stores.idempotency.dropLease(this.instanceId));
  }

  async #renew(): Promise<void> {
    const { clock, ttlMs, logger } = this.#options;
    const nowMs = clock.now().getTime();
    // A beat later than the lease: the event loop stalled (or the database was away). Retries elsewhere
    // may have taken claims over meanwhile; completing those is fenced by their claim ids.
    if (this.#startedAtMs !== null && nowMs > this.#heldUntilMs) {
      logger.warn(
        { instanceId: this.instanceId, lapsedMs: nowMs - this.#heldUntilMs },
        "instance lease lapsed; claims it held may have been taken over",
      );
    }
    this.#startedAtMs ??= nowMs;
    const lease = {
      instanceId: this.instanceId,
      startedAtMs: this.#startedAtMs,
      renewedAtMs: nowMs,
      expiresAtMs: nowMs + ttlMs,
    };
    await this.#options.access.transaction((stores) => stores.idempotency.renewLease(lease));
    this.#heldUntilMs = Math.max(this.#heldUntilMs, lease.expiresAtMs);
  }

  async #beat(): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.renew();
      await this.#options.afterBeat?.();
    } catch (error) {
      this.#options.logger.warn(
        { instanceId: this.instanceId, error: error instanceof Error ? error.message : String(error) },
        "instance lease heartbeat failed",
      );
    }
  }
}
