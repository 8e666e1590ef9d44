import type { EmulatorClock } from "../shared/emulator-clock.js";
import {
  attemptWithFaults,
  CancellableTimers,
  type DispatcherSettings,
  postWebhook,
} from "../shared/webhook-transport.js";
import { POLAR_API_VERSION, type WebhookEndpointRecord, type WebhookEventRecord } from "./polar-records.js";
import type { PolarStore } from "./polar-store.js";
import { signedHeaders } from "./webhook-signer.js";

/** Polar: 10 attempts per event (server `WEBHOOK_MAX_RETRIES`). */
export const DELIVERY_ATTEMPTS_MAX = 10;
/** Polar: an endpoint is disabled when its last 10 completed events all failed for good. */
export const ENDPOINT_FAILURE_THRESHOLD = 10;
/** Polar: `httpx` timeout of 10 s per request. */
export const DELIVERY_TIMEOUT_MS_DEFAULT = 10_000;
/** dramatiq `compute_backoff(factor=2000 ms, max_backoff=20 min)`. */
const BACKOFF_FACTOR_MS = 2_000;
const BACKOFF_MS_MAX = 20 * 60 * 1_000;
const RESPONSE_TEXT_LENGTH_MAX = 1_000;
/**
 * Polar's FIFO guard (`WEBHOOK_FIFO_GUARD_DELAY_MS`, `WEBHOOK_FIFO_GUARD_MAX_AGE`): an event waits
 * 300 ms per earlier pending event of its endpoint, but only for earlier events younger than a minute,
 * so one event the receiver keeps rejecting delays the ones behind it by a minute at most.
 */
const FIFO_GUARD_DELAY_MS = 300;
const FIFO_GUARD_MAX_AGE_MS = 60_000;

export interface DeliveryOptions extends DispatcherSettings {
  store: PolarStore;
  /** Stamps record times; signatures use `signingClock` so receivers' 5-minute tolerance holds. */
  clock: EmulatorClock;
}

/** One event on its way to its endpoint: Polar runs each as its own task with its own retries. */
interface PendingDelivery {
  eventId: string;
  endpointId: string;
  /** Wall-clock ms when it was queued, for the FIFO guard's age limit. */
  queuedAtMs: number;
  /**
   * Back-off it waited, at Polar's pace: sleeps are divided by the speed factor, so this is what makes
   * a retried event age as it would at Polar while an in-flight request ages in real time.
   */
  backoffMs: number;
  sequence: number;
}

/**
 * Delivers webhook events with Polar's rules: each event is retried up to 10 times with back-off; a
 * FIFO guard holds an event while earlier events of its endpoint are pending (a minute at most); an
 * endpoint whose last 10 finished events failed is disabled and its pending events skipped; a deleted
 * endpoint's deliveries stop at once.
 */
export class WebhookDispatcher {
  private readonly pending = new Map<string, PendingDelivery[]>();
  private readonly tasks = new Set<Promise<void>>();
  private readonly held = new Map<string, { eventId: string; timer: ReturnType<typeof setTimeout> }>();
  /** Per endpoint, so deleting one wakes (and ends) only its sleeping deliveries. */
  private readonly timers = new Map<string, CancellableTimers>();
  private sequence = 0;
  private closed = false;
  /** Aborts in-flight requests on close, so a dead receiver cannot hold the process for the full timeout. */
  private readonly shutdown = new AbortController();

  constructor(private readonly options: DeliveryOptions) {}

  enqueue(event: WebhookEventRecord): void {
    if (this.closed) return;
    const held = this.held.get(event.endpoint_id);
    if (held) {
      // A held-back event goes out right after the one that overtook it.
      clearTimeout(held.timer);
      this.held.delete(event.endpoint_id);
      this.start(event.endpoint_id, event.id);
      this.start(event.endpoint_id, held.eventId);
      return;
    }
    if (this.options.faults.roll("webhookReorder")) {
      // Wall-clock, not scaled: the next event must have a real chance to overtake this one.
      const timer = setTimeout(() => {
        this.held.delete(event.endpoint_id);
        this.start(event.endpoint_id, event.id);
      }, this.options.faults.settings.webhookReorderHoldMs);
      this.held.set(event.endpoint_id, { eventId: event.id, timer });
      return;
    }
    this.start(event.endpoint_id, event.id);
  }

  /** Manual redelivery (`POST /v1/webhooks/events/{id}/redeliver`): the event is sent again. */
  redeliver(event: WebhookEventRecord): void {
    if (this.closed) return;
    event.skipped = false;
    this.start(event.endpoint_id, event.id);
  }

  /** The endpoint was deleted: its pending deliveries end now instead of retrying into the void. */
  dropEndpoint(endpointId: string): void {
    const held = this.held.get(endpointId);
    if (held) clearTimeout(held.timer);
    this.held.delete(endpointId);
    this.timers.get(endpointId)?.cancelAll();
  }

  /** Resolves once no delivery is pending and nothing is held back. */
  async idle(): Promise<void> {
    while (this.tasks.size > 0 || this.held.size > 0) {
      await Promise.all([...this.tasks]);
      if (this.held.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  close(): void {
    this.closed = true;
    this.shutdown.abort();
    for (const held of this.held.values()) clearTimeout(held.timer);
    this.held.clear();
    for (const timers of this.timers.values()) timers.cancelAll();
    this.pending.clear();
  }

  private start(endpointId: string, eventId: string): void {
    const delivery: PendingDelivery = {
      eventId,
      endpointId,
      queuedAtMs: Date.now(),
      backoffMs: 0,
      sequence: this.sequence++,
    };
    const queue = this.pending.get(endpointId) ?? [];
    queue.push(delivery);
    this.pending.set(endpointId, queue);
    const task = this.deliver(delivery).finally(() => {
      this.tasks.delete(task);
      const rest = (this.pending.get(endpointId) ?? []).filter((row) => row !== delivery);
      if (rest.length > 0) this.pending.set(endpointId, rest);
      else this.pending.delete(endpointId);
    });
    this.tasks.add(task);
  }

  private endpointTimers(endpointId: string): CancellableTimers {
    let timers = this.timers.get(endpointId);
    if (!timers) {
      timers = new CancellableTimers();
      this.timers.set(endpointId, timers);
    }
    return timers;
  }

  /** Earlier deliveries of the same endpoint still pending and younger than the guard's age limit. */
  private earlierPending(delivery: PendingDelivery): number {
    const now = Date.now();
    const scale = 1 - 1 / this.options.speedFactor;
    return (this.pending.get(delivery.endpointId) ?? []).filter(
      (row) =>
        row.sequence < delivery.sequence &&
        now - row.queuedAtMs + row.backoffMs * scale < FIFO_GUARD_MAX_AGE_MS,
    ).length;
  }

  private async deliver(delivery: PendingDelivery): Promise<void> {
    const { store } = this.options;
    const timers = this.endpointTimers(delivery.endpointId);
    let attempts = 0;
    while (!this.closed) {
      const endpoint = store.webhookEndpoints.get(delivery.endpointId);
      const event = store.webhookEvents.get(delivery.eventId);
      if (!endpoint || !event) return;
      if (!endpoint.enabled) {
        if (event.succeeded === null) event.skipped = true;
        this.options.onChange?.();
        return;
      }
      const earlier = this.earlierPending(delivery);
      if (earlier > 0) {
        const waitMs = Math.min(earlier * FIFO_GUARD_DELAY_MS, FIFO_GUARD_MAX_AGE_MS);
        await timers.sleep(waitMs / this.options.speedFactor);
        continue;
      }
      attempts += 1;
      const succeeded = await this.attempt(endpoint, event);
      this.options.onChange?.();
      if (succeeded) {
        endpoint.consecutive_failed_events = 0;
        return;
      }
      // Disabled while this attempt was in flight: the event is one of the skipped.
      if (!endpoint.enabled) continue;
      if (attempts >= DELIVERY_ATTEMPTS_MAX) {
        if (event.succeeded !== true) event.succeeded = false;
        this.onEventFailed(endpoint);
        return;
      }
      const backoffMs = this.backoffMs(attempts);
      delivery.backoffMs += backoffMs;
      await timers.sleep(backoffMs / this.options.speedFactor);
    }
  }

  private backoffMs(attempt: number): number {
    const base = Math.min(BACKOFF_FACTOR_MS * 2 ** attempt, BACKOFF_MS_MAX);
    // dramatiq adds jitter; a seeded draw keeps replays identical.
    return base / 2 + this.options.random.next() * (base / 2);
  }

  private onEventFailed(endpoint: WebhookEndpointRecord): void {
    endpoint.consecutive_failed_events += 1;
    if (endpoint.consecutive_failed_events < ENDPOINT_FAILURE_THRESHOLD || !endpoint.enabled) return;
    endpoint.enabled = false;
    endpoint.modified_at = this.options.clock.now().toISOString();
    // Polar marks the endpoint's pending events skipped; their sleeping retries end now.
    for (const row of this.pending.get(endpoint.id) ?? []) {
      const event = this.options.store.webhookEvents.get(row.eventId);
      if (event && event.succeeded === null) event.skipped = true;
    }
    this.timers.get(endpoint.id)?.cancelAll();
  }

  private async attempt(endpoint: WebhookEndpointRecord, event: WebhookEventRecord): Promise<boolean> {
    const dropped: Outcome = { succeeded: true, httpCode: null, response: "dropped by fault injection" };
    const outcome = await attemptWithFaults(
      this.options.faults,
      (ms) => this.endpointTimers(endpoint.id).sleep(ms),
      () => this.send(endpoint, event),
      dropped,
    );
    this.record(endpoint, event, outcome);
    return outcome.succeeded;
  }

  private async send(endpoint: WebhookEndpointRecord, event: WebhookEventRecord): Promise<Outcome> {
    const timestampSeconds = Math.floor(this.options.signingClock.now().getTime() / 1000);
    const headers = await signedHeaders({
      secret: endpoint.secret,
      keyRule: endpoint.signature_scheme ?? "polar-utf8",
      id: event.id,
      timestampSeconds,
      payload: event.payload,
    });
    const result = await postWebhook({
      fetch: this.options.fetch,
      url: endpoint.url,
      headers: {
        ...headers,
        "content-type": "application/json",
        "user-agent": "polar.sh webhooks",
        "webhook-api-version": endpoint.api_version ?? POLAR_API_VERSION,
      },
      body: event.payload,
      timeoutMs: this.options.timeoutMs,
      shutdown: this.shutdown.signal,
      responseTextMax: RESPONSE_TEXT_LENGTH_MAX,
    });
    return { succeeded: result.succeeded, httpCode: result.status || null, response: result.text };
  }

  private record(endpoint: WebhookEndpointRecord, event: WebhookEventRecord, outcome: Outcome): void {
    const now = this.options.clock.now().toISOString();
    this.options.store.webhookDeliveries.put({
      id: this.options.random.uuid(),
      created_at: now,
      modified_at: null,
      webhook_event_id: event.id,
      endpoint_id: endpoint.id,
      succeeded: outcome.succeeded,
      http_code: outcome.httpCode,
      response: outcome.response,
    });
    event.last_http_code = outcome.httpCode;
    // Polar leaves `succeeded` null while retries remain; false only once the event failed for good.
    if (outcome.succeeded) event.succeeded = true;
    event.modified_at = now;
  }
}

interface Outcome {
  succeeded: boolean;
  httpCode: number | null;
  response: string | null;
}
