import {
  type Clock,
  GroupCommit,
  type Logger,
  NotFoundError,
  newId,
  type StoreAccess,
} from "../../kernel/index.js";
import type { BillingProvider, ProviderEvent } from "../provider/index.js";
import type { WebhookStore } from "./webhook-store.js";
import type { WebhookDelivery } from "./webhook-types.js";

export interface WebhookStores {
  webhooks: WebhookStore;
}

/** Applies one provider event inside the unit of work that also marks the delivery processed. */
export type EventApplier<S> = (
  stores: S,
  provider: string,
  event: ProviderEvent,
) => Promise<"applied" | "stale" | "ignored">;

const leaseMs = 30_000;
const retryDelayMsMax = 60 * 60 * 1000;
const drainBatchSize = 100;
/** Deliveries stored in one transaction at most, when many arrive at once. */
const storeBatchMax = 64;

/**
 * Record first, process second. `receive` verifies a delivery on its raw body and stores it before
 * anything else, deduplicated on the provider's delivery id, and returns at once; `drain` applies
 * stored deliveries after the fact, retrying failures with back-off. Types Billhook does not act on
 * are stored as `ignored` and acknowledged, never answered with an error that would make the provider
 * disable the endpoint.
 */
export class WebhookInbox<S extends WebhookStores> {
  readonly #access: StoreAccess<S>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #providers: (name: string) => BillingProvider | null;
  readonly #apply: EventApplier<S>;
  /** Deliveries arriving together share one commit, each still stored before it is acknowledged. */
  readonly #store: GroupCommit<S, WebhookDelivery, boolean>;
  #draining: Promise<void> | null = null;
  #drainAgain = false;

  constructor(options: {
    access: StoreAccess<S>;
    clock: Clock;
    logger: Logger;
    providers: (name: string) => BillingProvider | null;
    apply: EventApplier<S>;
  }) {
    this.#access = options.access;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#providers = options.providers;
    this.#apply = options.apply;
    this.#store = new GroupCommit(
      this.#access,
      (stores, delivery) => stores.webhooks.insertIfAbsent(delivery),
      {
        batchMax: storeBatchMax,
        // One insert-if-absent each, in arrival order: a repeat within the batch finds the first.
        applyMany: async (stores, deliveries) => {
          const outcomes = [];
          for (const delivery of deliveries) {
            outcomes.push({ ok: true as const, value: await stores.webhooks.insertIfAbsent(delivery) });
          }
          return outcomes;
        },
      },
    );
  }

  /**
   * Verifies and stores a delivery. Throws WebhookSignatureError (nothing stored) when not authentic.
   * `queued` says it was stored now and waits to be processed (neither a repeat nor an ignored type).
   */
  async receive(
    providerName: string,
    rawBody: string,
    headers: Record<string, string | undefined>,
  ): Promise<{ id: string; duplicate: boolean; queued: boolean }> {
    const provider = this.#requireProvider(providerName);
    const verified = await provider.verifyWebhook(rawBody, headers);
    const nowMs = this.#clock.now().getTime();
    // Types Billhook never acts on are stored as ignored right away: kept for the audit log, no work.
    const ignored = !provider.handlesEvent(verified.eventType);
    const delivery: WebhookDelivery = {
      id: newId("whd"),
      provider: providerName,
      deliveryId: verified.deliveryId,
      eventType: verified.eventType,
      payload: rawBody,
      status: ignored ? "ignored" : "received",
      attempts: 0,
      lastError: null,
      receivedAtMs: nowMs,
      nextAttemptAtMs: nowMs,
      processedAtMs: ignored ? nowMs : null,
    };
    const inserted = await this.#store.submit(delivery);
    return { id: delivery.id, duplicate: !inserted, queued: inserted && !ignored };
  }

  /**
   * Processes every due delivery. Concurrent calls in one process share a single run; several
   * processes may drain at once, since each delivery is leased before it is applied.
   */
  drain(): Promise<void> {
    if (this.#draining) {
      this.#drainAgain = true;
      return this.#draining;
    }
    this.#draining = (async () => {
      try {
        do {
          this.#drainAgain = false;
          while ((await this.#processBatch()) > 0) {}
        } while (this.#drainAgain);
      } finally {
        this.#draining = null;
      }
    })();
    return this.#draining;
  }

  async #processBatch(): Promise<number> {
    const nowMs = this.#clock.now().getTime();
    const due = await this.#access.read((stores) => stores.webhooks.listDue(nowMs, drainBatchSize));
    let processed = 0;
    for (const delivery of due) {
      const leased = await this.#access.transaction((stores) =>
        stores.webhooks.lease(delivery.id, nowMs, leaseMs),
      );
      if (!leased) continue;
      await this.#process(delivery);
      processed++;
    }
    return processed;
  }

  async #process(delivery: WebhookDelivery): Promise<void> {
    try {
      const provider = this.#requireProvider(delivery.provider);
      const event = provider.parseEvent(delivery.eventType, JSON.parse(delivery.payload));
      await this.#access.transaction(async (stores) => {
        const outcome = await this.#apply(stores, delivery.provider, event);
        const nowMs = this.#clock.now().getTime();
        await stores.webhooks.markDone(delivery.id, outcome === "ignored" ? "ignored" : "processed", nowMs);
      });
    } catch (error) {
      const attempts = delivery.attempts + 1;
      const delayMs = Math.min(retryDelayMsMax, 1000 * 2 ** attempts);
      const message = error instanceof Error ? error.message : String(error);
      this.#logger.error(
        { delivery: delivery.id, eventType: delivery.eventType, attempts, error: message },
        "webhook processing failed",
      );
      await this.#access.transaction((stores) =>
        stores.webhooks.markFailed(
          delivery.id,
          message.slice(0, 2000),
          this.#clock.now().getTime() + delayMs,
        ),
      );
    }
  }

  /** Makes one delivery (or every failed one) due again now, and processes it. */
  async replay(target: { id: string } | { failed: true }): Promise<number> {
    const nowMs = this.#clock.now().getTime();
    const count = await this.#access.transaction(async (stores) => {
      if ("id" in target) {
        if (!(await stores.webhooks.find(target.id))) throw new NotFoundError("Webhook delivery", target.id);
        return stores.webhooks.requeue([target.id], nowMs);
      }
      return stores.webhooks.requeue(await stores.webhooks.idsWithStatus("failed", 10_000), nowMs);
    });
    await this.drain();
    return count;
  }

  list(filter: Parameters<WebhookStore["list"]>[0]): Promise<WebhookDelivery[]> {
    return this.#access.read((stores) => stores.webhooks.list(filter));
  }

  async get(id: string): Promise<WebhookDelivery> {
    const delivery = await this.#access.read((stores) => stores.webhooks.find(id));
    if (!delivery) throw new NotFoundError("Webhook delivery", id);
    return delivery;
  }

  #requireProvider(name: string): BillingProvider {
    const provider = this.#providers(name);
    if (!provider) throw new NotFoundError("Provider", name);
    return provider;
  }
}
