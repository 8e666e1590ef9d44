import { describe, expect, it } from "vitest";
import { type StripeFixture, sdkFor, useCheckedStripeFixture } from "./testing/stripe-fixture.js";

describe("PaymentIntents, refunds, portal, meters and idempotency through the SDK", () => {
  let fixture: StripeFixture;
  useCheckedStripeFixture({}, (started) => {
    fixture = started;
  });

  it("gives each test card its outcome", async () => {
    const { stripe } = fixture;
    const customer = await stripe.customers.create({ email: "cards@example.com" });
    const intent = await stripe.paymentIntents.create({
      amount: 2500,
      currency: "eur",
      customer: customer.id,
      metadata: { order: "1" },
    });
    expect(intent).toMatchObject({
      status: "requires_payment_method",
      automatic_payment_methods: { enabled: true },
    });
    expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_`));
    const paid = await stripe.paymentIntents.confirm(intent.id, { payment_method: "pm_card_visa" });
    expect(paid).toMatchObject({ status: "succeeded", amount_received: 2500 });

    const declined = await stripe.paymentIntents.create({ amount: 500, currency: "usd" });
    await expect(
      stripe.paymentIntents.confirm(declined.id, { payment_method: "pm_card_visa_chargeDeclined" }),
    ).rejects.toMatchObject({
      type: "StripeCardError",
      code: "card_declined",
      decline_code: "generic_decline",
    });
    await expect(
      stripe.paymentIntents.create({
        amount: 500,
        currency: "usd",
        payment_method: "pm_card_chargeDeclinedInsufficientFunds",
        confirm: true,
      }),
    ).rejects.toMatchObject({ statusCode: 402, decline_code: "insufficient_funds" });
    const after = await stripe.paymentIntents.retrieve(declined.id);
    expect(after.status).toBe("requires_payment_method");
    expect(after.last_payment_error?.decline_code).toBe("generic_decline");

    const threeDs = await stripe.paymentIntents.create({
      amount: 700,
      currency: "usd",
      payment_method: "pm_card_authenticationRequiredOnSetup",
      confirm: true,
      return_url: "https://app.example/back",
    });
    expect(threeDs.status).toBe("requires_action");
    expect(threeDs.next_action?.type).toBe("redirect_to_url");
  });

  it("refunds in part and in full, and refuses more than was paid", async () => {
    const { stripe } = fixture;
    const intent = await stripe.paymentIntents.create({
      amount: 1000,
      currency: "usd",
      payment_method: "pm_card_visa",
      confirm: true,
    });
    const partial = await stripe.refunds.create({
      payment_intent: intent.id,
      amount: 400,
      reason: "requested_by_customer",
    });
    expect(partial).toMatchObject({ status: "succeeded", amount: 400 });
    await expect(stripe.refunds.create({ payment_intent: intent.id, amount: 700 })).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
    });
    const rest = await stripe.refunds.create({ payment_intent: intent.id });
    expect(rest.amount).toBe(600);
    const charge = await stripe.charges.retrieve(intent.latest_charge as string);
    expect(charge).toMatchObject({ refunded: true, amount_refunded: 1000 });
    const types = await fixture.typesSince(0);
    expect(types.filter((type) => type === "charge.refunded")).toHaveLength(2);
  });

  it("opens a billing portal session with a usable URL", async () => {
    const { stripe } = fixture;
    const customer = await stripe.customers.create({ email: "portal@example.com" });
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      return_url: "https://app.example/account",
    });
    expect(session.url).toContain("/p/session/");
    const page = await fetch(session.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("portal@example.com");
  });

  it("records meter events and rejects a duplicate identifier with Stripe's error", async () => {
    const { stripe } = fixture;
    const customer = await stripe.customers.create({ email: "usage@example.com" });
    const meter = await stripe.billing.meters.create({
      display_name: "API calls",
      event_name: "api_call",
      default_aggregation: { formula: "sum" },
      customer_mapping: { event_payload_key: "stripe_customer_id", type: "by_id" },
      value_settings: { event_payload_key: "value" },
    });
    const payload = { stripe_customer_id: customer.id, value: "3" };
    const event = await stripe.billing.meterEvents.create({
      event_name: "api_call",
      identifier: "evt-local-1",
      payload,
    });
    expect(event).toMatchObject({ object: "billing.meter_event", identifier: "evt-local-1" });
    await expect(
      stripe.billing.meterEvents.create({ event_name: "api_call", identifier: "evt-local-1", payload }),
    ).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      message: "An event already exists with identifier evt-local-1.",
    });
    await stripe.billing.meterEvents.create({
      event_name: "api_call",
      identifier: "evt-local-2",
      payload: { ...payload, value: "4" },
    });
    const now = Math.floor(fixture.emulator.clock.now().getTime() / 1000);
    const summaries = await stripe.billing.meters.listEventSummaries(meter.id, {
      customer: customer.id,
      start_time: now - 60,
      end_time: now + 60,
    });
    expect(summaries.data[0]?.aggregated_value).toBe(7);
  });

  it("replays an idempotent POST and rejects the key with other parameters", async () => {
    const { stripe } = fixture;
    const first = await stripe.customers.create({ email: "once@example.com" }, { idempotencyKey: "key-1" });
    const replay = await stripe.customers.create({ email: "once@example.com" }, { idempotencyKey: "key-1" });
    expect(replay.id).toBe(first.id);
    expect(replay.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect((await stripe.customers.list()).data).toHaveLength(1);
    await expect(
      stripe.customers.create({ email: "other@example.com" }, { idempotencyKey: "key-1" }),
    ).rejects.toMatchObject({
      type: "StripeIdempotencyError",
      rawType: "idempotency_error",
    });
  });

  it("applies a key once when many clients send it at the same time", async () => {
    const clients = Array.from({ length: 8 }, () => sdkFor(fixture.emulator, { maxNetworkRetries: 3 }));
    const results = await Promise.all(
      clients.map((client) =>
        client.customers.create({ email: "race@example.com" }, { idempotencyKey: "race-1" }),
      ),
    );
    expect(new Set(results.map((customer) => customer.id)).size).toBe(1);
    expect((await fixture.stripe.customers.list({ email: "race@example.com" })).data).toHaveLength(1);
  });

  it("answers 401 for a wrong key, and never sends stripe-notice", async () => {
    const wrong = sdkFor({ ...fixture.emulator, secretKey: "sk_test_wrong" });
    await expect(wrong.customers.list()).rejects.toMatchObject({
      type: "StripeAuthenticationError",
      statusCode: 401,
    });
    const customer = await fixture.stripe.customers.create({});
    expect(customer.lastResponse.headers["stripe-notice"]).toBeUndefined();
    expect(customer.lastResponse.requestId).toMatch(/^req_/);
  });
});
