import Stripe from "stripe";
import { startStripeEmulator } from "../src/emulators/stripe/index.js";
import { ManualClock } from "../src/kernel/index.js";
import type { ProviderUsageEvent } from "../src/modules/provider/index.js";
import { StripeProvider } from "../src/providers/stripe/stripe-provider.js";
import { comparisonRow, perSecond, type Row, timeIt } from "./measure.js";

/** Events per `ingestUsage` call, as the usage sync worker sends them. */
const callSize = 500;
const v1Events = 2_000;
const v2Events = 20_000;

/**
 * Usage synced to the in-process Stripe emulator through Billhook's Stripe provider, in one run: the
 * v2 meter event stream (100 events per request) against v1 (one request per event). Both pay the
 * same emulator work per event, so the ratio is the cost of the requests themselves.
 */
export async function benchUsageSyncStripe(): Promise<Row> {
  const emulator = await startStripeEmulator({ seed: "bench-usage-sync" });
  try {
    const stripe = new Stripe(emulator.secretKey, {
      host: emulator.host,
      port: emulator.port,
      protocol: "http",
    });
    await stripe.billing.meters.create({
      display_name: "Tokens",
      event_name: "llm.completion",
      default_aggregation: { formula: "sum" },
      customer_mapping: { event_payload_key: "stripe_customer_id", type: "by_id" },
      value_settings: { event_payload_key: "value" },
    });
    const customer = await stripe.customers.create({ email: "bench@example.com" });
    const clock = new ManualClock(emulator.clock.now());
    const providerOver = (meterEventsApi: "v1" | "v2") =>
      new StripeProvider({
        secretKey: emulator.secretKey,
        webhookSecret: undefined,
        apiUrl: emulator.url,
        clock,
        meterEventsApi,
      });
    const events = (prefix: string, count: number): ProviderUsageEvent[] =>
      Array.from({ length: count }, (_, index) => ({
        eventId: `${prefix}_${index}`,
        customerId: "customer_1",
        providerCustomerId: customer.id,
        name: "llm.completion",
        value: 1 + (index % 7),
        properties: {},
        timestamp: clock.now(),
      }));
    const sync = async (provider: StripeProvider, all: ProviderUsageEvent[]) => {
      for (let start = 0; start < all.length; start += callSize) {
        const result = await provider.ingestUsage(all.slice(start, start + callSize), { timeoutMs: 30_000 });
        if (result.inserted !== Math.min(callSize, all.length - start))
          throw new Error("events were not accepted");
      }
    };
    const v2 = events("v2", v2Events);
    const v1 = events("v1", v1Events);
    const v2Seconds = await timeIt(() => sync(providerOver("v2"), v2));
    const v1Seconds = await timeIt(() => sync(providerOver("v1"), v1));
    return comparisonRow(
      "usage sync to the Stripe emulator, v2 meter event stream (100 per request)",
      { rate: perSecond(v2Events, v2Seconds), unit: "events/s" },
      { name: "v1 meter events, one request each", rate: perSecond(v1Events, v1Seconds), unit: "events/s" },
    );
  } finally {
    await emulator.close();
  }
}
