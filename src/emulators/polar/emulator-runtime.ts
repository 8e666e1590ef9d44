import type { EmulatorClock } from "./emulator-clock.js";
import { TestClock } from "./emulator-clock.js";
import { FaultInjector, type FaultSettings } from "./emulator-faults.js";
import type { PolarStateSnapshot } from "./polar-store.js";
import { PolarStore } from "./polar-store.js";
import { polarToken, SeededRandom } from "./seeded-random.js";
import { DELIVERY_TIMEOUT_MS_DEFAULT, WebhookDispatcher } from "./webhook-delivery.js";

/** Options shared by the app factory and the server start. */
export interface PolarEmulatorOptions {
  /** Base time source; the emulator's test clock adds its offset on top. Default: the wall clock. */
  clock?: EmulatorClock;
  /** Seeds ids, secrets, back-off jitter and fault decisions. Default 1. */
  seed?: number | string;
  /** The Bearer token the API accepts. Default: a `polar_oat_…` token derived from the seed. */
  token?: string;
  /** Public origin used in checkout and portal URLs. Default: the origin of each request. */
  publicUrl?: string;
  /** Divides webhook back-off waits (tests use e.g. 1000). Default 1. */
  deliverySpeedFactor?: number;
  /** Per-delivery timeout. Default 10 000 ms, like Polar. */
  deliveryTimeoutMs?: number;
  faults?: Partial<FaultSettings>;
  /** State restored at start (see `PolarStore.snapshot`). */
  initialState?: PolarStateSnapshot;
  /** Called after each change of state, e.g. to persist it. */
  onStateChange?: () => void;
  /** Used for webhook deliveries. Default: global fetch. */
  fetch?: typeof fetch;
}

type WebhookData = Record<string, unknown>;

/** Everything one emulator instance owns: state, time, randomness, faults and the webhook pipeline. */
export class PolarEmulatorRuntime {
  readonly store: PolarStore;
  readonly clock: TestClock;
  readonly random: SeededRandom;
  readonly faults: FaultInjector;
  readonly dispatcher: WebhookDispatcher;
  readonly token: string;
  publicUrl: string | undefined;

  constructor(readonly options: PolarEmulatorOptions = {}) {
    const seed = options.seed ?? 1;
    this.random = new SeededRandom(`data:${seed}`);
    this.clock = new TestClock(options.clock);
    this.faults = new FaultInjector(seed, options.faults);
    this.token = options.token ?? polarToken(this.random.fork("token"), "polar_oat_");
    this.publicUrl = options.publicUrl;
    const createdAt = this.clock.now().toISOString();
    this.store = new PolarStore({
      id: this.random.uuid(),
      created_at: createdAt,
      modified_at: null,
      name: "Emulated Organization",
      slug: "emulated-org",
    });
    if (options.initialState) {
      this.store.restore(options.initialState);
      this.clock.restoreOffsetSeconds(options.initialState.clockOffsetSeconds);
    }
    this.dispatcher = new WebhookDispatcher({
      store: this.store,
      clock: this.clock,
      signingClock: { now: () => new Date() },
      random: this.random.fork("delivery"),
      faults: this.faults,
      speedFactor: options.deliverySpeedFactor ?? 1,
      timeoutMs: options.deliveryTimeoutMs ?? DELIVERY_TIMEOUT_MS_DEFAULT,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      onChange: () => this.changed(),
    });
  }

  now(): Date {
    return this.clock.now();
  }

  nowIso(): string {
    return this.clock.now().toISOString();
  }

  newId(): string {
    return this.random.uuid();
  }

  changed(): void {
    this.options.onStateChange?.();
  }

  snapshot(): PolarStateSnapshot {
    return this.store.snapshot(this.clock.offsetSeconds);
  }

  /**
   * Records and queues one webhook event per enabled endpoint subscribed to `type`, with the compact
   * `{type, timestamp, data}` envelope Polar sends.
   */
  emit(type: string, data: WebhookData): void {
    const timestamp = this.nowIso();
    const payload = JSON.stringify({ type, timestamp, data });
    for (const endpoint of this.store.webhookEndpoints.all()) {
      if (!endpoint.enabled || !endpoint.events.includes(type)) continue;
      const event = this.store.webhookEvents.put({
        id: this.newId(),
        created_at: timestamp,
        modified_at: null,
        endpoint_id: endpoint.id,
        type,
        payload,
        last_http_code: null,
        succeeded: null,
        skipped: false,
      });
      this.dispatcher.enqueue(event);
    }
  }
}
