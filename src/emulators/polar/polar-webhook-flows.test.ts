import { validateEvent, WebhookVerificationError } from "@polar-sh/sdk/webhooks";
import { describe, expect, it } from "vitest";
import { type EmulatorFixture, useCheckedEmulatorFixture } from "./testing/emulator-fixture.js";
import { OpenApiResponseValidator } from "./testing/openapi-response-validator.js";

const PAID_CHECKOUT_SEQUENCE = [
  "checkout.updated",
  "customer.created",
  "order.created",
  "order.paid",
  "order.updated",
  "subscription.created",
  "subscription.active",
  "checkout.updated",
  "benefit_grant.created",
  "customer.state_changed",
];

async function createMonthlyProduct(fixture: EmulatorFixture): Promise<string> {
  const benefit = await fixture.polar.benefits.create({
    type: "feature_flag",
    description: "Pro features",
    properties: {},
  });
  const product = await fixture.polar.products.create({
    name: "Pro monthly",
    recurringInterval: "month",
    prices: [{ amountType: "fixed", priceAmount: 1500, priceCurrency: "usd" }],
  });
  await fixture.polar.products.updateBenefits({
    id: product.id,
    productBenefitsUpdate: { benefits: [benefit.id] },
  });
  return product.id;
}

async function openCheckout(fixture: EmulatorFixture, productId: string) {
  return fixture.polar.checkouts.create({
    products: [productId],
    customerEmail: "ada@example.com",
    externalCustomerId: "user_ada",
    successUrl: "https://shop.example/thanks?checkout={CHECKOUT_ID}",
  });
}

describe("webhook flows", () => {
  let fixture: EmulatorFixture;
  const restart = useCheckedEmulatorFixture({}, (started) => {
    fixture = started;
  });

  it("pays through the hosted page and sends the documented, verifiable sequence", async () => {
    const productId = await createMonthlyProduct(fixture);
    const checkout = await openCheckout(fixture, productId);
    const page = await fetch(checkout.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Pro monthly");
    expect(html).toContain("15.00 USD per 1 month");
    const mark = (await fixture.typesSince(0)).length;
    const paid = await fixture.submitCheckoutForm(checkout.url, { card: "4242 4242 4242 4242" });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`https://shop.example/thanks?checkout=${checkout.id}`);
    expect(await fixture.typesSince(mark)).toEqual(PAID_CHECKOUT_SEQUENCE);

    const validator = new OpenApiResponseValidator();
    for (const webhook of fixture.receiver.received) {
      const event = validateEvent(webhook.body, webhook.headers, fixture.endpoint.secret);
      expect(event.type).toBe(webhook.type);
      expect(validator.validateWebhook(webhook.type, webhook.body)).toBeUndefined();
      expect(() => validateEvent(webhook.body, webhook.headers, `${fixture.endpoint.secret}x`)).toThrow(
        WebhookVerificationError,
      );
      expect(webhook.headers["user-agent"]).toBe("polar.sh webhooks");
      expect(webhook.body).not.toContain("\n");
    }
    const order = JSON.parse(
      fixture.receiver.received.find((webhook) => webhook.type === "order.paid")!.body,
    ).data;
    expect(order).toMatchObject({
      status: "paid",
      total_amount: 1500,
      billing_reason: "subscription_create",
    });
  });

  it("fails the checkout on a declined card and never sends order.paid", async () => {
    const productId = await createMonthlyProduct(fixture);
    const checkout = await openCheckout(fixture, productId);
    const mark = (await fixture.typesSince(0)).length;
    const declined = await fixture.submitCheckoutForm(checkout.url, { card: "4000 0000 0000 0002" });
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain("Your card was declined.");
    expect(await fixture.typesSince(mark)).toEqual([
      "checkout.updated",
      "customer.created",
      "checkout.updated",
    ]);
    expect((await fixture.polar.checkouts.get({ id: checkout.id })).status).toBe("failed");
    const other = await openCheckout(fixture, productId);
    const poor = await fixture.api("POST", `/_emulator/checkouts/${other.id}/pay`, {
      card: "4000000000009995",
    });
    expect(poor.status).toBe(402);
    expect(await poor.json()).toMatchObject({ decline_code: "insufficient_funds" });
    expect(fixture.receiver.types()).not.toContain("order.paid");
  });

  it("lets the buyer choose a pay-what-you-want amount within min and max", async () => {
    const product = await fixture.polar.products.create({
      name: "Tip jar",
      prices: [{ amountType: "custom", minimumAmount: 100, maximumAmount: 5000, priceCurrency: "usd" }],
    });
    const checkout = await fixture.polar.checkouts.create({
      products: [product.id],
      customerEmail: "tip@example.com",
    });
    expect(await (await fetch(checkout.url)).text()).toContain('name="amount"');
    const tooMuch = await fixture.submitCheckoutForm(checkout.url, {
      card: "4242424242424242",
      amount: "60.00",
    });
    expect(tooMuch.status).toBe(422);
    const paid = await fixture.submitCheckoutForm(checkout.url, {
      card: "4242424242424242",
      amount: "12.34",
    });
    expect(paid.status).toBe(303);
    const orders = (await fixture.polar.orders.list({})).result.items;
    expect(orders.map((order) => [order.totalAmount, order.billingReason])).toEqual([[1234, "purchase"]]);
  });

  it("renews after one period: cycled, pending order, then paid", async () => {
    fixture = await restart({
      events: ["subscription.cycled", "subscription.updated", "order.created", "order.updated", "order.paid"],
    });
    const productId = await createMonthlyProduct(fixture);
    const checkout = await openCheckout(fixture, productId);
    await fixture.api("POST", `/_emulator/checkouts/${checkout.id}/pay`, { card: "4242424242424242" });
    const mark = (await fixture.typesSince(0)).length;
    await fixture.advanceDays(31);
    expect(await fixture.typesSince(mark)).toEqual([
      "subscription.cycled",
      "subscription.updated",
      "order.created",
      "order.updated",
      "order.paid",
    ]);
    const renewal = fixture.receiver.received.filter((webhook) => webhook.type === "order.created").at(-1)!;
    expect(JSON.parse(renewal.body).data).toMatchObject({
      status: "pending",
      billing_reason: "subscription_cycle",
    });
    // subscription.cycled is not in SDK 0.49's validateEvent: the signature verifies, the parse fails.
    const cycled = fixture.receiver.received.find((webhook) => webhook.type === "subscription.cycled")!;
    expect(() => validateEvent(cycled.body, cycled.headers, fixture.endpoint.secret)).toThrow(
      /Failed to parse event|Unknown event type/,
    );
    const orders = (await fixture.polar.orders.list({ sorting: ["created_at"] })).result.items;
    expect(orders.map((order) => [order.billingReason, order.status])).toEqual([
      ["subscription_create", "paid"],
      ["subscription_cycle", "paid"],
    ]);
  });

  it("goes past_due on a declining card and is revoked when retries run out", async () => {
    const productId = await createMonthlyProduct(fixture);
    const checkout = await openCheckout(fixture, productId);
    await fixture.api("POST", `/_emulator/checkouts/${checkout.id}/pay`, { card: "4242424242424242" });
    const paidCheckout = await fixture.polar.checkouts.get({ id: checkout.id });
    await fixture.api("POST", `/_emulator/customers/${paidCheckout.customerId}/card`, {
      card: "4000000000000002",
    });
    const mark = (await fixture.typesSince(0)).length;
    await fixture.advanceDays(31);
    expect(await fixture.typesSince(mark)).toEqual([
      "subscription.updated",
      "order.created",
      "subscription.updated",
      "subscription.past_due",
      "customer.state_changed",
    ]);
    const subscriptionId = paidCheckout.subscriptionId!;
    expect((await fixture.polar.subscriptions.get({ id: subscriptionId })).status).toBe("past_due");
    await fixture.advanceDays(3);
    expect((await fixture.polar.subscriptions.get({ id: subscriptionId })).status).toBe("past_due");
    const beforeRevoke = (await fixture.typesSince(0)).length;
    await fixture.advanceDays(30);
    const revokeTypes = await fixture.typesSince(beforeRevoke);
    expect(revokeTypes).toEqual([
      "order.updated",
      "subscription.updated",
      "subscription.revoked",
      "benefit_grant.revoked",
      "customer.state_changed",
    ]);
    const subscription = await fixture.polar.subscriptions.get({ id: subscriptionId });
    expect(subscription.status).toBe("unpaid");
    expect(
      (await fixture.polar.customers.getState({ id: paidCheckout.customerId! })).activeSubscriptions,
    ).toEqual([]);
  });

  it("recovers a past_due subscription when the card is fixed before the next retry", async () => {
    const productId = await createMonthlyProduct(fixture);
    const checkout = await openCheckout(fixture, productId);
    await fixture.api("POST", `/_emulator/checkouts/${checkout.id}/pay`, { card: "4242424242424242" });
    const { customerId, subscriptionId } = await fixture.polar.checkouts.get({ id: checkout.id });
    await fixture.api("POST", `/_emulator/customers/${customerId}/card`, { card: "4000000000009995" });
    await fixture.advanceDays(31);
    await fixture.api("POST", `/_emulator/customers/${customerId}/card`, { card: "4242424242424242" });
    const mark = (await fixture.typesSince(0)).length;
    await fixture.advanceDays(2);
    const types = await fixture.typesSince(mark);
    expect(types.slice(0, 4)).toEqual([
      "order.updated",
      "order.paid",
      "subscription.updated",
      "subscription.active",
    ]);
    expect((await fixture.polar.subscriptions.get({ id: subscriptionId! })).status).toBe("active");
  });
});
