import Stripe from "stripe";
import { afterAll, beforeAll, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/index.js";
import { type RunningStripeEmulator, startStripeEmulator } from "../../src/emulators/stripe/index.js";
import { createBillhook } from "../../src/engine.js";
import { ManualClock, randomBase62 } from "../../src/kernel/index.js";
import { StripeProvider } from "../../src/providers/stripe/stripe-provider.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";

describeEachDialect("usage sync to Stripe Billing Meter events", (fixture) => {
  let emulator: RunningStripeEmulator;
  let stripe: Stripe;

  beforeAll(async () => {
    emulator = await startStripeEmulator({ seed: `usage-sync-stripe-${fixture.dialect}` });
    stripe = new Stripe(emulator.secretKey, { host: emulator.host, port: emulator.port, protocol: "http" });
    await stripe.billing.meters.create({
      display_name: "Tokens",
      event_name: "llm.completion",
      default_aggregation: { formula: "sum" },
      customer_mapping: { event_payload_key: "stripe_customer_id", type: "by_id" },
      value_settings: { event_payload_key: "value" },
    });
  });
  afterAll(() => emulator?.close());

  it("sends each event once with identifier = event id, and waits for customers Stripe does not know", async () => {
    const clock = new ManualClock(emulator.clock.now());
    const provider = new StripeProvider({
      secretKey: emulator.secretKey,
      webhookSecret: undefined,
      apiUrl: emulator.url,
      clock,
    });
    const billhook = createBillhook({
      storage: fixture.storage(),
      clock,
      provider,
      config: resolveConfig({}, { settings: { usageSync: { attemptsMax: 5, retryDelayMsBase: 1_000 } } }),
    });
    const known = `s_${randomBase62(8)}`;
    const stranger = `s_${randomBase62(8)}`;
    const customer = await stripe.customers.create({ email: `${known}@example.com` });
    await fixture.storage().transaction((stores) =>
      stores.customers.save(
        {
          id: known,
          email: `${known}@example.com`,
          name: null,
          provider: "stripe",
          providerCustomerId: customer.id,
          createdAtMs: clock.now().getTime(),
        },
        clock.now().getTime(),
      ),
    );
    await billhook.usage.ingest([
      { customerId: known, event: "llm.completion", value: 3, idempotencyKey: "a" },
      { customerId: known, event: "llm.completion", value: 4, idempotencyKey: "b" },
    ]);
    await billhook.usage.ingest([{ customerId: stranger, event: "llm.completion", idempotencyKey: "a" }]);

    const run = await billhook.usageSync.runOnce();
    expect(run).toMatchObject({ inserted: 2, failed: 1 });
    expect(await billhook.usageSync.status()).toMatchObject({ backlog: 1, dead: 0 });
    const stored = [...emulator.runtime.store.meterEvents.all()].filter(
      (event) => event.payload.stripe_customer_id === customer.id,
    );
    expect(stored.map((event) => event.payload.value).sort()).toEqual(["3", "4"]);

    const resend = stored.map((event) => ({
      eventId: event.identifier,
      customerId: known,
      providerCustomerId: customer.id,
      name: "llm.completion",
      value: Number(event.payload.value),
      properties: {},
      timestamp: clock.now(),
    }));
    // A resend (say, after a lost answer) on the v2 stream is accepted and deduplicated by identifier
    // after acceptance, as at Stripe: nothing is stored twice.
    const again = await provider.ingestUsage(resend, { timeoutMs: 5_000 });
    expect(again).toMatchObject({ inserted: 2, duplicates: 0, rejected: [] });
    expect(
      emulator.runtime.store.meterEvents.filter((event) => event.payload.stripe_customer_id === customer.id),
    ).toHaveLength(2);
    // Over v1 the same resend is Stripe's "already exists": counted as a duplicate.
    const overV1 = new StripeProvider({
      secretKey: emulator.secretKey,
      webhookSecret: undefined,
      apiUrl: emulator.url,
      clock,
      meterEventsApi: "v1",
    });
    expect(await overV1.ingestUsage(resend, { timeoutMs: 5_000 })).toMatchObject({
      inserted: 0,
      duplicates: 2,
      rejected: [],
    });
  });
});
