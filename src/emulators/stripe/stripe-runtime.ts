import type { TestClock } from "../shared/emulator-clock.js";
import type { FaultInjector } from "../shared/emulator-faults.js";
import { createRuntimeCore, deliverySettings, type EmulatorBaseOptions } from "../shared/emulator-runtime.js";
import type { SeededRandom } from "../shared/seeded-random.js";
import type { EventObject } from "./billing-records.js";
import { type StripeStateSnapshot, StripeStore } from "./stripe-store.js";
import { DELIVERY_TIMEOUT_MS_DEFAULT, StripeWebhookDispatcher } from "./webhook-delivery.js";

/** The one API version the emulator speaks: the one the newest `stripe` (23.2) pins; 23.1's 2026-10-28 reads the same. */
export const STRIPE_API_VERSION = "2026-11-18.endive";

/** Options shared by the app factory and the server start. */
export interface StripeEmulatorOptions extends EmulatorBaseOptions<StripeStateSnapshot> {
  /** The secret key the API accepts. Default: an `sk_test_…` key derived from the seed. */
  secretKey?: string;
}

/** Who caused an event: `request.id` and `request.idempotency_key` of the API call, or nulls for time. */
export interface RequestOrigin {
  id: string | null;
  idempotency_key: string | null;
}

const AUTOMATIC: RequestOrigin = { id: null, idempotency_key: null };

/** Everything one emulator instance owns: state, time, randomness, faults and webhook delivery. */
export class StripeEmulatorRuntime {
  readonly store = new StripeStore();
  readonly clock: TestClock;
  readonly random: SeededRandom;
  readonly faults: FaultInjector;
  readonly dispatcher: StripeWebhookDispatcher;
  readonly secretKey: string;
  readonly publishableKey: string;
  publicUrl: string | undefined;
  /**
   * The request whose handler is running. Set after the last `await` of body parsing, so the
   * synchronous operation that follows (and every event it emits) sees its own request.
   */
  origin: RequestOrigin = AUTOMATIC;
  /** Connect fault knobs: how many of the next payouts to arrive fail instead of being paid. */
  readonly connectKnobs = { failNextPayouts: 0 };

  constructor(readonly options: StripeEmulatorOptions = {}) {
    ({ random: this.random, clock: this.clock, faults: this.faults } = createRuntimeCore("stripe", options));
    const keyTail = this.random.fork("keys").alphanumeric(24);
    this.secretKey = options.secretKey ?? `sk_test_emu${keyTail}`;
    this.publishableKey = `pk_test_emu${keyTail}`;
    this.publicUrl = options.publicUrl;
    if (options.initialState) {
      this.store.restore(options.initialState);
      this.clock.restoreOffsetSeconds(options.initialState.clockOffsetSeconds);
    }
    this.dispatcher = new StripeWebhookDispatcher({
      store: this.store,
      ...deliverySettings(options, this, DELIVERY_TIMEOUT_MS_DEFAULT, () => this.changed()),
    });
  }

  private virtualNowSeconds: number | undefined;

  /** Unix seconds on the emulator clock: Stripe's unit for every timestamp. */
  nowSeconds(): number {
    return this.virtualNowSeconds ?? Math.floor(this.clock.now().getTime() / 1000);
  }

  /**
   * Runs time-driven work as of `seconds` (a renewal at its period end, a retry at its due time), so a
   * clock jump over several periods leaves the same timestamps as waiting would have, with no request.
   */
  atTime<T>(seconds: number, work: () => T): T {
    const previous = this.virtualNowSeconds;
    this.virtualNowSeconds = seconds;
    try {
      return this.automatically(work);
    } finally {
      this.virtualNowSeconds = previous;
    }
  }

  /** `cus_…`-style id with 14 base62 characters after the prefix, like Stripe's. */
  newId(prefix: string, length = 14): string {
    return `${prefix}${this.random.alphanumeric(length)}`;
  }

  changed(): void {
    this.options.onStateChange?.();
  }

  snapshot(): StripeStateSnapshot {
    return this.store.snapshot(this.clock.offsetSeconds);
  }

  /** Runs time-driven work with null `request` on the events it emits. */
  automatically<T>(work: () => T): T {
    const previous = this.origin;
    this.origin = AUTOMATIC;
    try {
      return work();
    } finally {
      this.origin = previous;
    }
  }

  /**
   * Records an event (a deep copy of `object` as it is now) and queues it for every enabled endpoint
   * that listens to its type.
   */
  emit(
    type: string,
    object: object,
    previousAttributes?: Record<string, unknown>,
    account?: string,
  ): EventObject {
    // Connect endpoints get the connected accounts' events (with `account`), the others the platform's.
    const endpoints = this.store.webhookEndpoints
      .all()
      .filter(
        (endpoint) =>
          endpoint.status === "enabled" &&
          (this.store.connectEndpoints.get(endpoint.id) !== undefined) === (account !== undefined) &&
          (endpoint.enabled_events.includes("*") || endpoint.enabled_events.includes(type)),
      );
    const event: EventObject = {
      id: this.newId("evt_", 24),
      object: "event",
      ...(account ? { account } : {}),
      api_version: STRIPE_API_VERSION,
      created: this.nowSeconds(),
      data: {
        object: structuredClone(object) as Record<string, unknown>,
        ...(previousAttributes ? { previous_attributes: structuredClone(previousAttributes) } : {}),
      },
      livemode: false,
      pending_webhooks: endpoints.length,
      request: { ...this.origin },
      type,
    };
    this.store.events.put(event);
    for (const endpoint of endpoints) this.dispatcher.enqueue(event, endpoint);
    return event;
  }
}
