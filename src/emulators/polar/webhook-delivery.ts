import type { EmulatorClock } from "../shared/emulator-clock.js";
import {
  attemptWithFaults,
  CancellableTimers,
  type DispatcherSettings,
  postWebhook,
} from "../shared/webhook-transport.js";
import type { WebhookEndpointRecord, WebhookEventRecord } from "./polar-records.js";
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
/** How long a reordered event waits for a later one to overtake it before it is sent anyway. */
const REORDER_HOLD_MS = 250;

export interface DeliveryOptions extends DispatcherSettings {
  store: PolarStore;
  /** Stamps record times; signatures use `signingClock` so receivers' 5-minute tolerance holds. */
  clock: EmulatorClock;
}

interface QueuedDelivery {
  eventId: string;
  attempt: number;
}

/** Delivers webhook events FIFO per endpoint with Polar's retry, timeout and auto-disable rules. */
export class WebhookDispatcher {
  private readonly queues = new Map<string, QueuedDelivery[]>();
  private readonly workers = new Map<string, Promise<void>>();
  private readonly held = new Map<string, { eventId: string; timer: ReturnType<typeof setTimeout> }>();
  private readonly timers = new CancellableTimers();
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
      this.push(event.endpoint_id, event.id);
      this.push(event.endpoint_id, held.eventId);
      return;
    }
    if (this.options.faults.roll("webhookReorder")) {
      // Wall-clock, not scaled: the next event must have a real chance to overtake this one.
      const timer = setTimeout(() => {
        this.held.delete(event.endpoint_id);
        this.push(event.endpoint_id, event.id);
      }, REORDER_HOLD_MS);
      this.held.set(event.endpoint_id, { eventId: event.id, timer });
      return;
    }
    this.push(event.endpoint_id, event.id);
  }

  /** Manual redelivery (`POST /v1/webhooks/events/{id}/redeliver`): the event is queued again. */
  redeliver(event: WebhookEventRecord): void {
    if (this.closed) return;
    event.skipped = false;
    this.push(event.endpoint_id, event.id);
  }

  /** Resolves once every queue is empty and nothing is held back. */
  async idle(): Promise<void> {
    while (this.workers.size > 0 || this.held.size > 0) {
      await Promise.all([...this.workers.values()]);
      if (this.held.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  close(): void {
    this.closed = true;
    this.shutdown.abort();
    for (const held of this.held.values()) clearTimeout(held.timer);
    this.held.clear();
    this.timers.cancelAll();
    this.queues.clear();
  }

  private push(endpointId: string, eventId: string): void {
    const queue = this.queues.get(endpointId) ?? [];
    queue.push({ eventId, attempt: 0 });
    this.queues.set(endpointId, queue);
    if (!this.workers.has(endpointId)) {
      const worker = this.drain(endpointId).finally(() => this.workers.delete(endpointId));
      this.workers.set(endpointId, worker);
    }
  }

  private async drain(endpointId: string): Promise<void> {
    const queue = this.queues.get(endpointId);
    while (queue && queue.length > 0 && !this.closed) {
      const head = queue[0]!;
      const endpoint = this.options.store.webhookEndpoints.get(endpointId);
      const event = this.options.store.webhookEvents.get(head.eventId);
      if (!endpoint || !event) {
        queue.shift();
        continue;
      }
      if (!endpoint.enabled) {
        this.skipPending(endpoint, queue);
        break;
      }
      head.attempt += 1;
      const succeeded = await this.attempt(endpoint, event);
      if (succeeded) {
        queue.shift();
        endpoint.consecutive_failed_events = 0;
      } else if (head.attempt >= DELIVERY_ATTEMPTS_MAX) {
        queue.shift();
        this.onEventFailed(endpoint);
      } else {
        await this.timers.sleep(this.backoffMs(head.attempt) / this.options.speedFactor);
      }
      this.options.onChange?.();
    }
  }

  private backoffMs(attempt: number): number {
    const base = Math.min(BACKOFF_FACTOR_MS * 2 ** attempt, BACKOFF_MS_MAX);
    // dramatiq adds jitter; a seeded draw keeps replays identical.
    return base / 2 + this.options.random.next() * (base / 2);
  }

  private onEventFailed(endpoint: WebhookEndpointRecord): void {
    endpoint.consecutive_failed_events += 1;
    if (endpoint.consecutive_failed_events >= ENDPOINT_FAILURE_THRESHOLD) {
      endpoint.enabled = false;
      endpoint.modified_at = this.options.clock.now().toISOString();
    }
  }

  private skipPending(endpoint: WebhookEndpointRecord, queue: QueuedDelivery[]): void {
    for (const item of queue.splice(0)) {
      const event = this.options.store.webhookEvents.get(item.eventId);
      if (event && event.succeeded === null) event.skipped = true;
    }
    endpoint.modified_at = this.options.clock.now().toISOString();
  }

  private async attempt(endpoint: WebhookEndpointRecord, event: WebhookEventRecord): Promise<boolean> {
    const dropped: Outcome = { succeeded: true, httpCode: null, response: "dropped by fault injection" };
    const outcome = await attemptWithFaults(
      this.options.faults,
      (ms) => this.timers.sleep(ms),
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
      id: event.id,
      timestampSeconds,
      payload: event.payload,
    });
    const result = await postWebhook({
      fetch: this.options.fetch,
      url: endpoint.url,
      headers: { ...headers, "content-type": "application/json", "user-agent": "polar.sh webhooks" },
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
    event.succeeded = outcome.succeeded;
    event.modified_at = now;
  }
}

interface Outcome {
  succeeded: boolean;
  httpCode: number | null;
  response: string | null;
}
