import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { DUNNING_RETRY_DELAYS_DAYS } from "./subscription-lifecycle.js";
import { type StripeFixture, useCheckedStripeFixture } from "./testing/stripe-fixture.js";

async function subscribe(fixture: StripeFixture, card: string, options: { trialDays?: number } = {}) {
  const { stripe } = fixture;
  const price = await stripe.prices.create({
    currency: "usd",
    unit_amount: 2000,
    recurring: { interval: "month" },
    product_data: { name: "Membership" },
  });
  const session = await stripe.checkout.sessions.create({
    mode: "subscription",
    line_items: [{ price: price.id, quantity: 1 }],
    client_reference_id: "user_7",
    metadata: { plan: "member" },
    subscription_data: {
      metadata: { plan: "member" },
      ...(options.trialDays ? { trial_period_days: options.trialDays } : {}),
    },
    success_url: "https://app.example/ok",
  });
  const response = await fixture.pay(session.id, card, { email: "member@example.com" });
  expect(response.status).toBe(200);
  const completed = await stripe.checkout.sessions.retrieve(session.id);
  return {
    price,
    session: completed,
    subscription: await stripe.subscriptions.retrieve(completed.subscription as string),
  };
}

function periodOf(subscription: Stripe.Subscription): { start: number; end: number } {
  const item = subscription.items.data[0]!;
  return { start: item.current_period_start, end: item.current_period_end };
}

describe("subscriptions, invoices, renewals and dunning", () => {
  let fixture: StripeFixture;
  useCheckedStripeFixture({}, (started) => {
    fixture = started;
  });

  it("creates an active subscription from checkout with periods on its items and a paid first invoice", async () => {
    const { session, subscription } = await subscribe(fixture, "4242424242424242");
    expect(session).toMatchObject({ status: "complete", payment_status: "paid", mode: "subscription" });
    expect(subscription).toMatchObject({
      status: "active",
      metadata: { plan: "member" },
      cancel_at_period_end: false,
    });
    expect(subscription).not.toHaveProperty("current_period_end");
    const period = periodOf(subscription);
    expect(period.end - period.start).toBeGreaterThanOrEqual(28 * 86_400);
    const invoice = await fixture.stripe.invoices.retrieve(subscription.latest_invoice as string);
    expect(invoice).toMatchObject({
      status: "paid",
      amount_paid: 2000,
      billing_reason: "subscription_create",
    });
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscription.id);
    const types = await fixture.typesSince(0);
    for (const type of [
      "customer.subscription.created",
      "invoice.paid",
      "invoice.payment_succeeded",
      "checkout.session.completed",
    ])
      expect(types).toContain(type);
  });

  it("renews at the period end with a new paid invoice", async () => {
    const { subscription } = await subscribe(fixture, "4242424242424242");
    const first = periodOf(subscription);
    const mark = fixture.receiver.received.length;
    await fixture.advanceDays(32);
    const renewed = await fixture.stripe.subscriptions.retrieve(subscription.id);
    expect(periodOf(renewed).start).toBe(first.end);
    expect(renewed.status).toBe("active");
    const invoices = await fixture.stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data.map((invoice) => [invoice.billing_reason, invoice.status])).toEqual([
      ["subscription_cycle", "paid"],
      ["subscription_create", "paid"],
    ]);
    expect(invoices.data[0]?.created).toBe(first.end);
    const types = await fixture.typesSince(mark);
    expect(types).toEqual(
      expect.arrayContaining(["customer.subscription.updated", "invoice.created", "invoice.paid"]),
    );
  });

  it("goes past_due when a renewal fails, retries on schedule, then cancels", async () => {
    const { subscription } = await subscribe(fixture, "4242424242424242");
    await fixture.control("POST", `/_emulator/customers/${subscription.customer}/card`, {
      card: "4000000000000341",
    });
    await fixture.advanceDays(31);
    const pastDue = await fixture.stripe.subscriptions.retrieve(subscription.id);
    expect(pastDue.status).toBe("past_due");
    const invoice = await fixture.stripe.invoices.retrieve(pastDue.latest_invoice as string);
    expect(invoice).toMatchObject({ status: "open", attempt_count: 1 });
    const retryDays = DUNNING_RETRY_DELAYS_DAYS.reduce((sum, days) => sum + days, 0);
    await fixture.advanceDays(retryDays);
    const canceled = await fixture.stripe.subscriptions.retrieve(subscription.id);
    expect(canceled.status).toBe("canceled");
    const failed = fixture.emulator.webhooks.events("invoice.payment_failed");
    expect(failed).toHaveLength(DUNNING_RETRY_DELAYS_DAYS.length + 1);
  });

  it("recovers from past_due when the customer fixes the card before the next retry", async () => {
    const { subscription } = await subscribe(fixture, "4242424242424242");
    await fixture.control("POST", `/_emulator/customers/${subscription.customer}/card`, {
      card: "4000000000009995",
    });
    await fixture.advanceDays(31);
    await fixture.control("POST", `/_emulator/customers/${subscription.customer}/card`, {
      card: "4242424242424242",
    });
    await fixture.advanceDays(DUNNING_RETRY_DELAYS_DAYS[0]);
    const recovered = await fixture.stripe.subscriptions.retrieve(subscription.id);
    expect(recovered.status).toBe("active");
  });

  it("cancels at period end when asked, and cancels now on delete", async () => {
    const { subscription } = await subscribe(fixture, "4242424242424242");
    const updated = await fixture.stripe.subscriptions.update(subscription.id, {
      cancel_at_period_end: true,
    });
    expect(updated.cancel_at_period_end).toBe(true);
    expect(updated.cancel_at).toBe(periodOf(subscription).end);
    await fixture.advanceDays(32);
    expect((await fixture.stripe.subscriptions.retrieve(subscription.id)).status).toBe("canceled");
    const listed = await fixture.stripe.subscriptions.list({
      customer: subscription.customer as string,
      status: "all",
    });
    expect(listed.data).toHaveLength(1);
    expect(
      (await fixture.stripe.subscriptions.list({ customer: subscription.customer as string })).data,
    ).toHaveLength(0);

    const second = await subscribe(fixture, "4242424242424242");
    const canceled = await fixture.stripe.subscriptions.cancel(second.subscription.id);
    expect(canceled.status).toBe("canceled");
    expect(fixture.emulator.webhooks.events("customer.subscription.deleted")).toHaveLength(2);
  });

  it("starts a trial without payment and charges when it ends", async () => {
    const { session, subscription } = await subscribe(fixture, "4242424242424242", { trialDays: 7 });
    expect(session.payment_status).toBe("no_payment_required");
    expect(subscription.status).toBe("trialing");
    await fixture.advanceDays(8);
    const active = await fixture.stripe.subscriptions.retrieve(subscription.id);
    expect(active.status).toBe("active");
    const invoice = await fixture.stripe.invoices.retrieve(active.latest_invoice as string);
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 2000 });
  });

  it("bills metered usage in arrears at renewal", async () => {
    const { stripe } = fixture;
    const meter = await stripe.billing.meters.create({
      display_name: "Tokens",
      event_name: "tokens",
      default_aggregation: { formula: "sum" },
    });
    const price = await stripe.prices.create({
      currency: "usd",
      unit_amount: 2,
      recurring: { interval: "month", usage_type: "metered", meter: meter.id },
      product_data: { name: "Tokens" },
    });
    const customer = await stripe.customers.create({
      email: "meter@example.com",
      payment_method: "pm_card_visa",
    });
    const paymentMethod = (await stripe.customers.listPaymentMethods(customer.id)).data[0]!;
    await stripe.customers.update(customer.id, {
      invoice_settings: { default_payment_method: paymentMethod.id },
    });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
    });
    expect(subscription.status).toBe("active");
    await stripe.billing.meterEvents.create({
      event_name: "tokens",
      payload: { stripe_customer_id: customer.id, value: "150" },
    });
    await fixture.advanceDays(32);
    const renewed = await stripe.subscriptions.retrieve(subscription.id);
    const invoice = await stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(invoice).toMatchObject({ status: "paid", amount_paid: 300 });
  });

  it("advances Stripe test clocks through the SDK", async () => {
    const { subscription } = await subscribe(fixture, "4242424242424242");
    const now = Math.floor(fixture.emulator.clock.now().getTime() / 1000);
    const clock = await fixture.stripe.testHelpers.testClocks.create({ frozen_time: now });
    const advanced = await fixture.stripe.testHelpers.testClocks.advance(clock.id, {
      frozen_time: now + 40 * 86_400,
    });
    expect(advanced.status).toBe("ready");
    const invoices = await fixture.stripe.invoices.list({ subscription: subscription.id });
    expect(invoices.data).toHaveLength(2);
  });
});
