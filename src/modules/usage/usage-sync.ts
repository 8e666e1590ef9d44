import type { UsageSyncSettings } from "../../config/index.js";
import { type Clock, type Logger, randomBase62, type StoreAccess, sha256Hex } from "../../kernel/index.js";
import type { BillingProvider, ProviderUsageEvent } from "../provider/index.js";
import type { DeadLetter, OutboxEntry, UsageSyncStore } from "./usage-sync-store.js";

/** Requests per `runOnce`, so one call cannot hold a worker forever behind a huge backlog. */
const batchesPerRunMax = 200;

export interface UsageSyncOptions {
  access: StoreAccess<{ usageSync: UsageSyncStore }>;
  clock: Clock;
  logger: Logger;
  provider: BillingProvider | null;
  settings: UsageSyncSettings;
  /** For jitter; tests pass a fixed one. */
  random?: () => number;
}

export interface UsageSyncRun {
  /** Events the provider took as new. */
  inserted: number;
  /** Events the provider already had (a resend after a lost answer). */
  duplicates: number;
  /** Events whose request failed (they will be retried, or are now dead). */
  failed: number;
  dead: number;
}

export interface UsageSyncStatus {
  enabled: boolean;
  provider: string | null;
  /** Events not yet delivered (due, waiting for a retry, or being sent). */
  backlog: number;
  leased: number;
  dead: number;
  /** When the oldest undelivered event was queued, and how long ago. */
  oldestPendingAt: string | null;
  lagSeconds: number;
}

/**
 * Usage to the provider through the outbox: each committed event has a row queued in its own
 * transaction; workers lease due rows, send them in batches with ids the provider deduplicates on,
 * delete what was delivered, and back off (exponentially, with jitter) on failure until the event
 * becomes a dead letter. A send never happens inside a user's request.
 */
export class UsageSync {
  readonly #access: StoreAccess<{ usageSync: UsageSyncStore }>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #provider: BillingProvider | null;
  readonly #settings: UsageSyncSettings;
  readonly #random: () => number;
  /** This instance's lease owner id. */
  readonly #owner = `sync_${randomBase62(12)}`;
  #running: Promise<UsageSyncRun> | null = null;

  constructor(options: UsageSyncOptions) {
    this.#access = options.access;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#provider = options.provider;
    this.#settings = options.settings;
    this.#random = options.random ?? Math.random;
  }

  /** Whether usage is queued at all: only with a provider that takes usage events. */
  get enabled(): boolean {
    return typeof this.#provider?.ingestUsage === "function";
  }

  /**
   * Sends every due event, batch by batch, until none is due (or a bounded number of batches ran).
   * Concurrent calls on one instance share one run; several instances split the work by leases.
   *
   * @example
   * const { inserted, failed } = await billhook.usageSync.runOnce();
   */
  runOnce(): Promise<UsageSyncRun> {
    this.#running ??= this.#drain().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async status(): Promise<UsageSyncStatus> {
    const nowMs = this.#clock.now().getTime();
    const counts = await this.#access.read((stores) => stores.usageSync.counts(nowMs));
    const oldest = counts.oldestPendingCreatedAtMs;
    return {
      enabled: this.enabled,
      provider: this.enabled ? (this.#provider?.name ?? null) : null,
      backlog: counts.pending,
      leased: counts.leased,
      dead: counts.dead,
      oldestPendingAt: oldest === null ? null : new Date(oldest).toISOString(),
      lagSeconds: oldest === null ? 0 : Math.max(0, (nowMs - oldest) / 1000),
    };
  }

  async deadLetters(limit = 100): Promise<Array<DeadLetter & { eventId: string }>> {
    const rows = await this.#access.read((stores) => stores.usageSync.listDead(limit));
    return rows.map((row) => ({ ...row, eventId: usageEventId(row.customerId, row.idempotencyKey) }));
  }

  /**
   * Dead letters (all, or the given outbox ids) back to the queue with a fresh attempt budget.
   *
   * @example
   * await billhook.usageSync.requeueDead(); // { requeued: 3 }
   */
  async requeueDead(ids: number[] | null = null): Promise<{ requeued: number }> {
    const nowMs = this.#clock.now().getTime();
    const requeued = await this.#access.transaction((stores) => stores.usageSync.requeueDead(ids, nowMs));
    return { requeued };
  }

  async #drain(): Promise<UsageSyncRun> {
    const run: UsageSyncRun = { inserted: 0, duplicates: 0, failed: 0, dead: 0 };
    const provider = this.#provider;
    if (!provider?.ingestUsage) return run;
    for (let batch = 0; batch < batchesPerRunMax; batch++) {
      const nowMs = this.#clock.now().getTime();
      const entries = await this.#access.transaction((stores) =>
        stores.usageSync.claim({
          owner: this.#owner,
          nowMs,
          leaseExpiresAtMs: nowMs + this.#settings.leaseMs,
          limit: this.#settings.batchSize,
        }),
      );
      if (entries.length === 0) break;
      try {
        const result = await provider.ingestUsage(entries.map(toProviderEvent), {
          timeoutMs: this.#settings.requestTimeoutMs,
        });
        const rejected = new Map((result.rejected ?? []).map((item) => [item.eventId, item.reason]));
        const refused = entries.filter((entry) =>
          rejected.has(usageEventId(entry.customerId, entry.idempotencyKey)),
        );
        const delivered = entries.filter((entry) => !refused.includes(entry));
        await this.#access.transaction((stores) =>
          stores.usageSync.complete(
            delivered.map((entry) => entry.id),
            this.#owner,
          ),
        );
        run.inserted += result.inserted;
        run.duplicates += result.duplicates;
        if (refused.length > 0) {
          const reason = [...new Set(rejected.values())].join("; ");
          run.failed += refused.length;
          run.dead += await this.#recordFailure(refused, new Error(reason));
        }
      } catch (error) {
        const dead = await this.#recordFailure(entries, error);
        run.failed += entries.length;
        run.dead += dead;
      }
    }
    return run;
  }

  async #recordFailure(entries: OutboxEntry[], error: unknown): Promise<number> {
    const nowMs = this.#clock.now().getTime();
    const message = describe(error);
    const failures = entries.map((entry) => {
      const attempts = entry.attempts + 1;
      return {
        id: entry.id,
        attempts,
        availableAtMs: nowMs + this.#retryDelayMs(attempts),
        dead: attempts >= this.#settings.attemptsMax,
      };
    });
    await this.#access.transaction((stores) => stores.usageSync.fail(failures, this.#owner, message, nowMs));
    const dead = failures.filter((failure) => failure.dead).length;
    this.#logger.warn(
      { events: entries.length, dead, attempts: failures[0]?.attempts, error: message },
      "usage sync batch failed",
    );
    return dead;
  }

  /** Exponential, capped, with "equal jitter": between half and all of the step, so retries spread out. */
  #retryDelayMs(attempts: number): number {
    const stepMs = Math.min(
      this.#settings.retryDelayMsMax,
      this.#settings.retryDelayMsBase * 2 ** (attempts - 1),
    );
    return Math.round(stepMs / 2 + this.#random() * (stepMs / 2));
  }
}

/**
 * The id the provider deduplicates on: the same (customer, idempotency key) always gives the same id,
 * so every resend of an event is recognised, whichever worker sends it.
 *
 * @example
 * usageEventId("user_1", "req_81"); // "bhe_3f0c…" (36 characters)
 */
export function usageEventId(customerId: string, idempotencyKey: string): string {
  return `bhe_${sha256Hex(`${customerId}\u0000${idempotencyKey}`).slice(0, 32)}`;
}

function toProviderEvent(entry: OutboxEntry): ProviderUsageEvent {
  return {
    eventId: usageEventId(entry.customerId, entry.idempotencyKey),
    customerId: entry.customerId,
    providerCustomerId: entry.providerCustomerId,
    name: entry.eventName,
    value: entry.value,
    properties: entry.properties,
    timestamp: new Date(entry.timestampMs),
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
