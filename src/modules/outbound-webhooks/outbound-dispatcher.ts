import { assert, type Clock, dayMs, type Logger, newId, type StoreAccess } from "../../kernel/index.js";
import type { DomainEventRecord, DomainEventStores } from "../domain-events/index.js";
import { matchesEventType } from "./event-type-patterns.js";
import type { OutboundStores } from "./outbound-store.js";
import { type OutboundDelivery, outboundLimits, type WebhookEndpoint } from "./outbound-types.js";
import type { AddressVetter } from "./url-policy.js";
import type { WebhookNetwork } from "./webhook-network.js";
import { signedHeaders } from "./webhook-signing.js";

export type DispatcherStores = OutboundStores & DomainEventStores;

export interface DispatcherOptions {
  access: StoreAccess<DispatcherStores>;
  clock: Clock;
  logger: Logger;
  network: WebhookNetwork;
  vet: AddressVetter;
  /** Failed attempts in a row before an endpoint is paused. */
  failuresBeforePause?: number;
  /** Source of jitter, in [0, 1); injectable so tests can pin the back-off. */
  random?: () => number;
}

const subscriptionCacheMs = 5_000;

/**
 * Delivers recorded domain events to the app's endpoints, after commit: `fanOut` turns each event
 * into one delivery row per subscribed endpoint (the outbox), `deliver` sends due rows signed with
 * Standard Webhooks. A row is claimed before it is sent, so several workers never send it at once; a
 * customer's later event waits while an earlier one to the same endpoint is undelivered; failures are
 * retried with exponential back-off and jitter, and an endpoint failing `failuresBeforePause` times in
 * a row is paused with the reason shown on it.
 */
export class OutboundDispatcher {
  readonly #access: StoreAccess<DispatcherStores>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #network: WebhookNetwork;
  readonly #vet: AddressVetter;
  readonly #failuresBeforePause: number;
  readonly #random: () => number;
  #subscriptions: { patterns: string[]; loadedAtMs: number } | null = null;
  #running: Promise<{ delivered: number; failed: number }> | null = null;

  constructor(options: DispatcherOptions) {
    this.#access = options.access;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#network = options.network;
    this.#vet = options.vet;
    this.#failuresBeforePause = options.failuresBeforePause ?? outboundLimits.failuresBeforePause;
    this.#random = options.random ?? Math.random;
  }

  /**
   * Whether any endpoint (not disabled) subscribes to `type`. Lets emitters skip work nobody listens
   * to on hot paths; cached for a few seconds, and dropped at once when endpoints change here.
   */
  async wants(type: string): Promise<boolean> {
    // The cache's age is wall time, not business time: a paused test clock must not freeze it.
    const nowMs = Date.now();
    if (!this.#subscriptions || nowMs - this.#subscriptions.loadedAtMs > subscriptionCacheMs) {
      const endpoints = await this.#access.read((stores) => stores.outbound.listEndpoints());
      const patterns = endpoints
        .filter((endpoint) => endpoint.status !== "disabled")
        .flatMap((endpoint) => endpoint.eventTypes);
      this.#subscriptions = { patterns, loadedAtMs: nowMs };
    }
    return matchesEventType(this.#subscriptions.patterns, type);
  }

  forgetSubscriptions(): void {
    this.#subscriptions = null;
  }

  /**
   * Fans out and delivers everything due. Concurrent calls in one process share one run; several
   * processes may run at once (claims keep them apart).
   */
  run(): Promise<{ delivered: number; failed: number }> {
    this.#running ??= (async () => {
      try {
        while ((await this.fanOut()) > 0) {}
        const totals = { delivered: 0, failed: 0 };
        // Bounded: a run ends even if events keep arriving; the next tick picks up the rest.
        for (let round = 0; round < 20; round++) {
          const { delivered, failed } = await this.#deliverBatch();
          totals.delivered += delivered;
          totals.failed += failed;
          if (delivered + failed === 0) break;
          while ((await this.fanOut()) > 0) {}
        }
        return totals;
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }

  /**
   * Deletes delivered deliveries and dispatched events older than `retentionMs` (an event still owed
   * to a paused endpoint is kept). What the worker runs now and then.
   */
  async purge(retentionMs = 30 * dayMs): Promise<number> {
    const beforeMs = this.#clock.now().getTime() - retentionMs;
    let purged = 0;
    for (;;) {
      const count = await this.#access.transaction(
        async (stores) =>
          (await stores.outbound.purgeDelivered(beforeMs, 500)) +
          (await stores.domainEvents.purgeDispatched(beforeMs, 500)),
      );
      purged += count;
      if (count === 0) return purged;
    }
  }

  /** Turns undispatched events into delivery rows; idempotent, so two workers may race harmlessly. */
  async fanOut(): Promise<number> {
    const events = await this.#access.read((stores) =>
      stores.domainEvents.listUndispatched(outboundLimits.fanOutBatchSize),
    );
    if (events.length === 0) return 0;
    const endpoints = (await this.#access.read((stores) => stores.outbound.listEndpoints())).filter(
      (endpoint) => endpoint.status !== "disabled",
    );
    const nowMs = this.#clock.now().getTime();
    const deliveries = events.flatMap((event) =>
      endpoints
        .filter((endpoint) => matchesEventType(endpoint.eventTypes, event.type))
        .map((endpoint) => newDelivery(endpoint, event, nowMs)),
    );
    await this.#access.transaction(async (stores) => {
      await stores.outbound.insertDeliveries(deliveries);
      await stores.domainEvents.markDispatched(events.map((event) => event.id));
    });
    return events.length;
  }

  async #deliverBatch(): Promise<{ delivered: number; failed: number }> {
    const nowMs = this.#clock.now().getTime();
    const due = await this.#access.read((stores) =>
      stores.outbound.listDeliverable(nowMs, outboundLimits.deliverBatchSize),
    );
    const claimed: OutboundDelivery[] = [];
    for (const delivery of due) {
      const won = await this.#access.transaction((stores) =>
        stores.outbound.claim(delivery.id, nowMs, outboundLimits.leaseMs),
      );
      if (won) claimed.push(delivery);
    }
    const outcomes = await mapConcurrently(claimed, outboundLimits.deliverConcurrency, (delivery) =>
      this.#attempt(delivery),
    );
    return {
      delivered: outcomes.filter(Boolean).length,
      failed: outcomes.filter((outcome) => !outcome).length,
    };
  }

  async #attempt(delivery: OutboundDelivery): Promise<boolean> {
    const [endpoint, event] = await this.#access.read(
      async (stores) =>
        [
          await stores.outbound.findEndpoint(delivery.endpointId),
          await stores.domainEvents.find(delivery.eventId),
        ] as const,
    );
    if (endpoint?.status !== "active") return false;
    const sentAt = this.#clock.now();
    let outcome: { statusCode: number | null; error: string | null; responseBody: string | null };
    try {
      assert(event, `event ${delivery.eventId} of a pending delivery is stored (purges keep them)`);
      const body = JSON.stringify(webhookBody(event));
      const response = await this.#network.send({
        url: endpoint.url,
        headers: signedHeaders(event.id, sentAt, body, secretsOf(endpoint, sentAt.getTime())),
        body,
        timeoutMs: outboundLimits.attemptTimeoutMs,
        responseBodyBytesMax: outboundLimits.responseBodyBytesMax,
        vet: this.#vet,
      });
      const ok = response.status >= 200 && response.status < 300;
      outcome = {
        statusCode: response.status,
        error: ok ? null : `HTTP ${response.status}`,
        responseBody: response.body,
      };
    } catch (error) {
      outcome = { statusCode: null, error: describeError(error), responseBody: null };
    }
    const delivered = outcome.error === null;
    const nowMs = this.#clock.now().getTime();
    const paused = await this.#access.transaction(async (stores) => {
      await stores.outbound.recordAttempt(
        delivery.id,
        { delivered, ...outcome, nextAttemptAtMs: nowMs + this.#retryDelayMs(delivery.attempts + 1) },
        nowMs,
      );
      if (delivered) {
        await stores.outbound.recordSuccess(endpoint.id);
        return false;
      }
      const reason = `paused after ${this.#failuresBeforePause} consecutive failed deliveries; last: ${outcome.error}`;
      return stores.outbound.recordFailure(endpoint.id, this.#failuresBeforePause, reason, nowMs);
    });
    if (!delivered) {
      this.#logger.warn(
        {
          endpoint: endpoint.id,
          delivery: delivery.id,
          attempts: delivery.attempts + 1,
          error: outcome.error,
        },
        "webhook delivery failed",
      );
    }
    if (paused)
      this.#logger.error({ endpoint: endpoint.id, error: outcome.error }, "webhook endpoint paused");
    return delivered;
  }

  /** Exponential back-off with equal jitter: half the delay is fixed, half random. */
  #retryDelayMs(attempts: number): number {
    const delayMs = Math.min(
      outboundLimits.retryDelayMsMax,
      outboundLimits.retryDelayMsBase * 2 ** (attempts - 1),
    );
    return Math.round(delayMs / 2 + (this.#random() * delayMs) / 2);
  }
}

/** What an endpoint receives: `id` equals the `webhook-id` header. */
export function webhookBody(event: DomainEventRecord) {
  return {
    id: event.id,
    type: event.type,
    timestamp: new Date(event.occurredAtMs).toISOString(),
    data: event.data,
  };
}

function newDelivery(endpoint: WebhookEndpoint, event: DomainEventRecord, nowMs: number): OutboundDelivery {
  return {
    id: newId("wdl"),
    endpointId: endpoint.id,
    eventId: event.id,
    eventType: event.type,
    eventSequence: event.sequence,
    orderingKey: event.customerId,
    status: "pending",
    attempts: 0,
    nextAttemptAtMs: nowMs,
    lastAttemptAtMs: null,
    lastStatusCode: null,
    lastError: null,
    lastResponseBody: null,
    deliveredAtMs: null,
    createdAtMs: nowMs,
  };
}

function secretsOf(endpoint: WebhookEndpoint, nowMs: number): string[] {
  const previousValid = endpoint.previousSecret && (endpoint.previousSecretExpiresAtMs ?? 0) > nowMs;
  return previousValid ? [endpoint.secret, endpoint.previousSecret!] : [endpoint.secret];
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return (message + cause).slice(0, 500);
}

async function mapConcurrently<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(lanes);
  return results;
}
