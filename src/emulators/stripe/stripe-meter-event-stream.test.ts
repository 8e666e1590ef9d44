import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningStripeEmulator, startStripeEmulator } from "./index.js";

/** Stripe's v2 meter event stream as stripe-node drives it: a session token, then batches of events. */
describe("Stripe emulator: v2 meter event sessions and stream", () => {
  let emulator: RunningStripeEmulator;
  let stripe: Stripe;
  let customerId: string;
  const location = () => ({ host: emulator.host, port: emulator.port, protocol: emulator.protocol });
  const streamClient = async () => {
    const session = await stripe.v2.billing.meterEventSession.create();
    return {
      session,
      client: new Stripe(session.authentication_token, { ...location(), maxNetworkRetries: 0 }),
    };
  };
  const event = (identifier: string, value: number, customer = customerId) => ({
    event_name: "api.request",
    identifier,
    payload: { stripe_customer_id: customer, value: String(value) },
  });

  beforeAll(async () => {
    emulator = await startStripeEmulator({ seed: 21 });
    stripe = new Stripe(emulator.secretKey, { ...location(), maxNetworkRetries: 0 });
    await stripe.billing.meters.create({
      display_name: "Requests",
      event_name: "api.request",
      default_aggregation: { formula: "sum" },
      customer_mapping: { event_payload_key: "stripe_customer_id", type: "by_id" },
      value_settings: { event_payload_key: "value" },
    });
    customerId = (await stripe.customers.create({ email: "ada@example.com" })).id;
  });
  afterAll(async () => emulator.close());

  it("hands out a 15-minute session token and accepts up to 100 events per request", async () => {
    const { session, client } = await streamClient();
    expect(session.object).toBe("v2.billing.meter_event_session");
    expect(Date.parse(String(session.expires_at)) - Date.parse(String(session.created))).toBe(15 * 60 * 1000);
    const events = Array.from({ length: 100 }, (_, index) => event(`batch-${index}`, 1));
    await client.v2.billing.meterEventStream.create({ events });
    const stored = emulator.runtime.store.meterEvents.filter((row) => row.identifier.startsWith("batch-"));
    expect(stored).toHaveLength(100);
    await expect(
      client.v2.billing.meterEventStream.create({ events: [...events, event("batch-100", 1)] }),
    ).rejects.toThrow(/events/);
  });

  it("validates after accepting: repeats are dropped and unusable events are reported, not refused", async () => {
    const { client } = await streamClient();
    await client.v2.billing.meterEventStream.create({
      events: [event("late-1", 5), event("late-1", 5), event("late-2", 7, "cus_unknown")],
    });
    expect(
      emulator.runtime.store.meterEvents.filter((row) => row.identifier.startsWith("late-")),
    ).toHaveLength(1);
    const errors = await (await fetch(`${emulator.url}/_emulator/meter_event_stream/errors`)).json();
    expect(errors.data).toEqual([
      expect.objectContaining({ identifier: "late-2", event_name: "api.request" }),
    ]);
  });

  it("refuses an expired token with temporary_session_expired, which stripe-node raises as its own class", async () => {
    const { client } = await streamClient();
    emulator.clock.advance(15 * 60 + 1);
    const error = await client.v2.billing.meterEventStream
      .create({ events: [event("expired", 1)] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(Stripe.errors.TemporarySessionExpiredError);
    expect(error.statusCode).toBe(401);
    const wrongKey = new Stripe("sk_test_wrong", { ...location(), maxNetworkRetries: 0 });
    await expect(wrongKey.v2.billing.meterEventSession.create()).rejects.toMatchObject({ statusCode: 401 });
  });
});
