import Stripe from "stripe";
import type { ProviderIngestResult, ProviderUsageEvent } from "../../modules/provider/index.js";

/** Stripe: at most 100 events per meter event stream request. */
export const METER_EVENT_BATCH_MAX = 100;
/** Sessions last 15 minutes; a new one is taken this long before the old one ends. */
const SESSION_RENEW_MARGIN_MS = 60_000;

/** Which Billing Meter API usage goes through: the v2 stream (default) or v1, one request per event. */
export type MeterEventsApi = "v2" | "v1";

export interface StripeUsageSyncOptions {
  stripe: Stripe;
  /** Builds a client that authenticates with a meter event session token (same host as `stripe`). */
  clientForToken: (token: string) => Stripe;
  api?: MeterEventsApi;
  now?: () => number;
}

type Rejection = { eventId: string; reason: string };

/**
 * Sends usage to Stripe Billing Meters. The v2 meter event stream takes 100 events per request
 * (10,000 requests/s per stream in live mode, against v1's 1,000 events/s) with a 15-minute session
 * token; its validation is asynchronous, so every event of an accepted batch counts as inserted and a
 * repeated `identifier` is deduplicated by Stripe. An account or emulator without the v2 API (the
 * session request answers 404) falls back to v1, where a repeat answers 400 "already exists" and counts
 * as a duplicate.
 *
 * @example
 * const sync = new StripeUsageSync({ stripe, clientForToken: (token) => new Stripe(token) });
 * await sync.ingest(events, { timeoutMs: 10_000 }); // { inserted, duplicates, rejected }
 */
export class StripeUsageSync {
  #api: MeterEventsApi;
  #session: { client: Stripe; renewAtMs: number } | null = null;
  readonly #options: StripeUsageSyncOptions;

  constructor(options: StripeUsageSyncOptions) {
    this.#options = options;
    this.#api = options.api ?? "v2";
  }

  /** The API the next batch goes through (v2 until Stripe said it has none). */
  get api(): MeterEventsApi {
    return this.#api;
  }

  async ingest(events: ProviderUsageEvent[], options: { timeoutMs: number }): Promise<ProviderIngestResult> {
    const rejected: Rejection[] = [];
    const sendable = events.filter((event) => {
      if (event.providerCustomerId) return true;
      rejected.push({
        eventId: event.eventId,
        reason: `customer ${event.customerId} has no Stripe customer yet`,
      });
      return false;
    });
    if (this.#api === "v2") {
      const streamed = await this.#ingestV2(sendable, options.timeoutMs);
      if (streamed) return { ...streamed, rejected };
    }
    return { ...(await this.#ingestV1(sendable, options.timeoutMs)), rejected };
  }

  /** The stream, batch by batch; null when this Stripe has no v2 meter API (then v1 takes over). */
  async #ingestV2(events: ProviderUsageEvent[], timeoutMs: number) {
    let inserted = 0;
    for (let start = 0; start < events.length; start += METER_EVENT_BATCH_MAX) {
      const batch = events.slice(start, start + METER_EVENT_BATCH_MAX);
      const client = await this.#sessionClient(timeoutMs);
      if (!client) return null;
      const body = { events: batch.map(toStreamEvent) };
      try {
        await client.v2.billing.meterEventStream.create(body, { timeout: timeoutMs, maxNetworkRetries: 0 });
      } catch (error) {
        if (!(error instanceof Stripe.errors.TemporarySessionExpiredError)) throw error;
        // The token ran out between our check and Stripe's: one new session, one more try.
        this.#session = null;
        const renewed = await this.#sessionClient(timeoutMs);
        if (!renewed) return null;
        await renewed.v2.billing.meterEventStream.create(body, { timeout: timeoutMs, maxNetworkRetries: 0 });
      }
      inserted += batch.length;
    }
    return { inserted, duplicates: 0 };
  }

  async #sessionClient(timeoutMs: number): Promise<Stripe | null> {
    const now = this.#options.now?.() ?? Date.now();
    if (this.#session && now < this.#session.renewAtMs) return this.#session.client;
    try {
      const session = await this.#options.stripe.v2.billing.meterEventSession.create(
        {},
        { timeout: timeoutMs, maxNetworkRetries: 0 },
      );
      const expiresAtMs = Date.parse(String(session.expires_at));
      this.#session = {
        client: this.#options.clientForToken(session.authentication_token),
        renewAtMs: expiresAtMs - SESSION_RENEW_MARGIN_MS,
      };
      return this.#session.client;
    } catch (error) {
      if (error instanceof Stripe.errors.StripeError && error.statusCode === 404) {
        this.#api = "v1";
        return null;
      }
      throw error;
    }
  }

  /** v1: one request per event; Stripe refuses a repeated identifier, which is a duplicate, not a failure. */
  async #ingestV1(events: ProviderUsageEvent[], timeoutMs: number) {
    let inserted = 0;
    let duplicates = 0;
    for (const event of events) {
      try {
        await this.#options.stripe.billing.meterEvents.create(
          {
            event_name: event.name,
            identifier: event.eventId,
            timestamp: Math.floor(event.timestamp.getTime() / 1000),
            payload: { stripe_customer_id: event.providerCustomerId!, value: String(event.value) },
          },
          { timeout: timeoutMs, maxNetworkRetries: 0 },
        );
        inserted += 1;
      } catch (error) {
        if (error instanceof Stripe.errors.StripeInvalidRequestError && /already exists/i.test(error.message))
          duplicates += 1;
        else throw error;
      }
    }
    return { inserted, duplicates };
  }
}

function toStreamEvent(event: ProviderUsageEvent) {
  return {
    event_name: event.name,
    identifier: event.eventId,
    timestamp: event.timestamp.toISOString(),
    payload: { stripe_customer_id: event.providerCustomerId!, value: String(event.value) },
  };
}
