import type { TestClock } from "../shared/emulator-clock.js";
import type { FaultInjector } from "../shared/emulator-faults.js";
import { createRuntimeCore, deliverySettings, type EmulatorBaseOptions } from "../shared/emulator-runtime.js";
import type { SeededRandom } from "../shared/seeded-random.js";
import { POLAR_API_VERSION } from "./polar-records.js";
import type { PolarStateSnapshot } from "./polar-store.js";
import { PolarStore } from "./polar-store.js";
import { polarToken } from "./polar-token.js";
import { DELIVERY_TIMEOUT_MS_DEFAULT, WebhookDispatcher } from "./webhook-delivery.js";

/** Options shared by the app factory and the server start. */
export interface PolarEmulatorOptions extends EmulatorBaseOptions<PolarStateSnapshot> {
  /** The Bearer token the API accepts. Default: a `polar_oat_…` token derived from the seed. */
  token?: string;
  /**
   * How endpoints created through the API sign deliveries. Default `polar-utf8` (Polar's original
   * scheme, which every SDK and Billhook verify); `standard-base64` is what Polar gives endpoints whose
   * secret was made since 2026-09-08.
   */
  webhookSignatureScheme?: "polar-utf8" | "standard-base64";
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
  /** What `POST /v1/events/ingest` answered in total, for tests (`GET /_emulator/events`). */
  readonly eventIngestTotals = { inserted: 0, duplicates: 0 };
  #externalEventIds: Set<string> | null = null;

  constructor(readonly options: PolarEmulatorOptions = {}) {
    ({ random: this.random, clock: this.clock, faults: this.faults } = createRuntimeCore("data", options));
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
      ...deliverySettings(options, this, DELIVERY_TIMEOUT_MS_DEFAULT, () => this.changed()),
    });
  }

  now(): Date {
    return this.clock.now();
  }

  /** Every ingested event's `external_id`, kept as events arrive (built once from restored state). */
  externalEventIds(): Set<string> {
    this.#externalEventIds ??= new Set(
      this.store.events.all().flatMap((event) => (event.external_id ? [event.external_id] : [])),
    );
    return this.#externalEventIds;
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
   * `{type, timestamp, api_version, data}` envelope Polar sends (the version is the endpoint's).
   */
  emit(type: string, data: WebhookData): void {
    const timestamp = this.nowIso();
    for (const endpoint of this.store.webhookEndpoints.all()) {
      if (!endpoint.enabled || !endpoint.events.includes(type)) continue;
      const apiVersion = endpoint.api_version ?? POLAR_API_VERSION;
      const payload = JSON.stringify({ type, timestamp, api_version: apiVersion, data });
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
