import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import Stripe from "stripe-latest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeclaredShapes } from "../shared/testing/declared-shapes.js";
import { type RunningStripeEmulator, STRIPE_API_VERSION, startStripeEmulator } from "./index.js";

/** The newest `stripe` package's resource declarations, one file set per type (names repeat across files). */
function shapesOf(file: string): DeclaredShapes {
  // The package entry is `<root>/cjs/stripe.cjs.node.js`; its declarations sit in `<root>/esm`.
  const root = dirname(dirname(createRequire(import.meta.url).resolve("stripe-latest")));
  return DeclaredShapes.fromFiles([join(root, "esm", "resources", `${file}.d.ts`)]);
}

const DECLARED: Record<string, string> = {
  Customer: "Customers",
  Product: "Products",
  Price: "Prices",
  Session: "Checkout/Sessions",
  Subscription: "Subscriptions",
  SubscriptionItem: "SubscriptionItems",
  Invoice: "Invoices",
  PaymentIntent: "PaymentIntents",
  Charge: "Charges",
  Refund: "Refunds",
  Event: "Events",
  WebhookEndpoint: "WebhookEndpoints",
};

/**
 * Every object a subscription checkout, a refund and a cancel-then-restore produce, checked against the
 * types of the newest `stripe` package (which type-checked clients such as better-auth's plugin read),
 * and the restore better-auth does (`cancel_at: ""`) undoing a scheduled cancellation.
 */
describe("Stripe emulator objects as the newest stripe package declares them", () => {
  let emulator: RunningStripeEmulator;
  let stripe: Stripe;
  const shapes = new Map<string, DeclaredShapes>();
  const problemsOf = (value: unknown, type: string) => {
    const file = DECLARED[type]!;
    if (!shapes.has(file)) shapes.set(file, shapesOf(file));
    return shapes.get(file)!.problems(value, type);
  };

  beforeAll(async () => {
    emulator = await startStripeEmulator({ seed: 20, deliverySpeedFactor: 100_000 });
    stripe = new Stripe(emulator.secretKey, {
      host: emulator.host,
      port: emulator.port,
      protocol: emulator.protocol,
      maxNetworkRetries: 0,
    });
  });
  afterAll(async () => emulator.close());

  it("speaks the API version the newest stripe package pins", async () => {
    const pinned = (stripe as unknown as { getApiField(name: string): string }).getApiField("version");
    expect(STRIPE_API_VERSION).toBe(pinned);
  });

  it("carries every field the types require on checkout, subscription, invoice and payment objects", async () => {
    const customer = await stripe.customers.create({ email: "ada@example.com" });
    const price = await stripe.prices.create({
      currency: "usd",
      unit_amount: 1500,
      recurring: { interval: "month" },
      product_data: { name: "Pro" },
    });
    const session = await stripe.checkout.sessions.create({
      mode: "subscription",
      customer: customer.id,
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: "https://app.example/success",
    });
    const paid = await fetch(`${emulator.url}/_emulator/checkout/sessions/${session.id}/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ card: "4242424242424242" }),
    });
    expect(paid.status).toBe(200);
    const subscription = (await stripe.subscriptions.list({ customer: customer.id })).data[0]!;
    const invoice = (await stripe.invoices.list({ customer: customer.id })).data[0]!;
    const intent = (await stripe.paymentIntents.list({ customer: customer.id })).data[0]!;
    const charge = (await stripe.charges.list({ customer: customer.id })).data[0]!;
    const refund = await stripe.refunds.create({ charge: charge.id, amount: 100 });
    const endpoint = await stripe.webhookEndpoints.create({
      url: "https://app.example/hook",
      enabled_events: ["*"],
    });
    const objects: Array<[string, unknown]> = [
      ["Customer", await stripe.customers.retrieve(customer.id)],
      ["Product", await stripe.products.retrieve(price.product as string)],
      ["Price", price],
      ["Session", await stripe.checkout.sessions.retrieve(session.id)],
      ["Subscription", subscription],
      ["SubscriptionItem", subscription.items.data[0]],
      ["Invoice", invoice],
      ["PaymentIntent", intent],
      ["Charge", charge],
      ["Refund", refund],
      ["WebhookEndpoint", endpoint],
      ["Event", (await stripe.events.list({ limit: 1 })).data[0]],
    ];
    expect(objects.flatMap(([type, object]) => problemsOf(object, type))).toEqual([]);
    expect(subscription.items.data[0]!.plan).toMatchObject({ id: price.id, amount: 1500, interval: "month" });
    expect(invoice.total_excluding_tax).toBe(1500);
  });

  it("undoes a scheduled cancellation when cancel_at is cleared, as better-auth's restore does", async () => {
    const customer = await stripe.customers.create({
      email: "grace@example.com",
      payment_method: "pm_card_visa",
    });
    const price = await stripe.prices.create({
      currency: "usd",
      unit_amount: 900,
      recurring: { interval: "month" },
      product_data: { name: "Basic" },
    });
    const created = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: "pm_card_visa",
    });
    const canceling = await stripe.subscriptions.update(created.id, { cancel_at_period_end: true });
    expect(canceling.cancel_at).not.toBeNull();
    const restored = await stripe.subscriptions.update(created.id, { cancel_at: "" });
    expect(restored).toMatchObject({ cancel_at: null, cancel_at_period_end: false, canceled_at: null });
    const atPeriodEnd = await stripe.subscriptions.update(created.id, { cancel_at: "min_period_end" });
    expect(atPeriodEnd.cancel_at).toBe(created.items.data[0]!.current_period_end);
  });

  it("opens the portal on a subscription's cancellation (flow_data), and refuses one already set to cancel", async () => {
    const customer = await stripe.customers.create({
      email: "flow@example.com",
      payment_method: "pm_card_visa",
    });
    const price = await stripe.prices.create({
      currency: "usd",
      unit_amount: 500,
      recurring: { interval: "month" },
      product_data: { name: "Flow" },
    });
    const subscription = await stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: price.id }],
      default_payment_method: "pm_card_visa",
    });
    const flowData = {
      type: "subscription_cancel" as const,
      subscription_cancel: { subscription: subscription.id },
    };
    const session = await stripe.billingPortal.sessions.create({
      customer: customer.id,
      flow_data: flowData,
    });
    expect(session.flow).toMatchObject({
      type: "subscription_cancel",
      subscription_cancel: { subscription: subscription.id },
    });
    const portalShapes = shapesOf("BillingPortal/Sessions");
    expect(portalShapes.problems(session, "Session")).toEqual([]);
    await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await expect(
      stripe.billingPortal.sessions.create({ customer: customer.id, flow_data: flowData }),
    ).rejects.toThrow(/already set to be canceled/);
  });
});
