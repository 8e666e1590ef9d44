import {
  attemptWithFaults,
  CancellableTimers,
  type DispatcherSettings,
  postWebhook,
} from "../shared/webhook-transport.js";
import type { EventObject, WebhookEndpointObject } from "./billing-records.js";
import type { StripeStore } from "./stripe-store.js";
import { stripeSignatureHeader } from "./webhook-signer.js";

/**
 * Test-mode Stripe retries a failed delivery 3 times over a few hours (facts §3.3; exact intervals are
 * not published). These waits are divided by the speed factor in tests.
 */
export const RETRY_DELAYS_MS = [5 * 60_000, 30 * 60_000, 2 * 60 * 60_000] as const;
export const DELIVERY_ATTEMPTS_MAX = RETRY_DELAYS_MS.length + 1;
/** Stripe gives a receiver about 10 s before it counts the attempt as failed (UNCONFIRMED exact value). */
export const DELIVERY_TIMEOUT_MS_DEFAULT = 10_000;
const RESPONSE_TEXT_LENGTH_MAX = 500;

export interface StripeDeliveryOptions extends DispatcherSettings {
  store: StripeStore;
}

/**
 * Sends each event to each endpoint: first attempts go out in creation order per endpoint, retries
 * are rescheduled independently, so later events may overtake a failing one, as at Stripe.
 */
export class StripeWebhookDispatcher {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly timers = new CancellableTimers();
  private pending = 0;
  private waiters: Array<() => void> = [];
  private closed = false;
  private readonly shutdown = new AbortController();

  constructor(private readonly options: StripeDeliveryOptions) {}

  enqueue(event: EventObject, endpoint: WebhookEndpointObject): void {
    if (this.closed) return;
    this.pending += 1;
    if (this.options.faults.roll("webhookReorder")) {
      // Held back on the wall clock so the next event gets a real chance to overtake it.
      this.later(this.options.faults.settings.webhookReorderHoldMs, () =>
        this.chain(endpoint.id, event.id, 1),
      );
      return;
    }
    this.chain(endpoint.id, event.id, 1);
  }

  /** Resolves when nothing is in flight, held back or waiting for a retry. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    this.shutdown.abort();
    this.timers.cancelAll();
    this.pending = 0;
    this.settle();
  }

  private chain(endpointId: string, eventId: string, attempt: number): void {
    const tail = this.tails.get(endpointId) ?? Promise.resolve();
    // A bug in one delivery must not stall the endpoint's later events.
    const next = tail.then(() => this.run(endpointId, eventId, attempt)).catch(() => this.finish());
    this.tails.set(endpointId, next);
  }

  private later(ms: number, action: () => void): void {
    this.timers.later(ms, () => {
      if (!this.closed) action();
    });
  }

  private finish(): void {
    this.pending = Math.max(0, this.pending - 1);
    this.settle();
  }

  private settle(): void {
    if (this.pending > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  private async run(endpointId: string, eventId: string, attempt: number): Promise<void> {
    if (this.closed) return;
    const { store, faults } = this.options;
    const endpoint = store.webhookEndpoints.get(endpointId);
    const event = store.events.get(eventId);
    // A deleted or disabled endpoint gets no further attempts (facts §3.3).
    if (!endpoint || !event || endpoint.status !== "enabled") return this.finish();
    const outcome = await attemptWithFaults(
      faults,
      // Not cancelled on close: the aborted send that follows is what ends the attempt.
      (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
      () => this.send(endpoint, event),
      { succeeded: true, status: null, error: "dropped by fault injection" },
    );
    this.record(endpoint, event, attempt, outcome);
    if (outcome.succeeded || attempt >= DELIVERY_ATTEMPTS_MAX) {
      if (outcome.succeeded) event.pending_webhooks = Math.max(0, event.pending_webhooks - 1);
      this.options.onChange?.();
      return this.finish();
    }
    const delayMs = (RETRY_DELAYS_MS[attempt - 1] ?? 0) / this.options.speedFactor;
    this.later(delayMs, () => this.chain(endpointId, eventId, attempt + 1));
  }

  private async send(endpoint: WebhookEndpointObject, event: EventObject): Promise<Outcome> {
    const secret = this.options.store.endpointSecrets.get(endpoint.id)?.secret;
    if (!secret) return { succeeded: false, status: null, error: "endpoint has no secret" };
    // Serialised at send time from the stored event, which never changes once created.
    const payload = JSON.stringify(event, null, 2);
    const timestampSeconds = Math.floor(this.options.signingClock.now().getTime() / 1000);
    const signature = await stripeSignatureHeader({ secrets: [secret], timestampSeconds, payload });
    const result = await postWebhook({
      fetch: this.options.fetch,
      url: endpoint.url,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        "stripe-signature": signature,
      },
      body: payload,
      timeoutMs: this.options.timeoutMs,
      shutdown: this.shutdown.signal,
      responseTextMax: RESPONSE_TEXT_LENGTH_MAX,
    });
    return {
      succeeded: result.succeeded,
      status: result.status,
      error: result.succeeded ? null : result.text,
    };
  }

  private record(
    endpoint: WebhookEndpointObject,
    event: EventObject,
    attempt: number,
    outcome: Outcome,
  ): void {
    const id = `whd_${this.options.random.alphanumeric(24)}`;
    this.options.store.deliveries.put({
      id,
      event_id: event.id,
      endpoint_id: endpoint.id,
      attempt,
      http_status: outcome.status,
      succeeded: outcome.succeeded,
      error: outcome.error,
      delivered_at_ms: Date.now(),
    });
  }
}

interface Outcome {
  succeeded: boolean;
  status: number | null;
  error: string | null;
}
