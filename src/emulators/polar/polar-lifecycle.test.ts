import { describe, expect, it } from "vitest";
import { ALL_EMITTED_EVENT_TYPES } from "./index.js";
import { type EmulatorFixture, useCheckedEmulatorFixture } from "./testing/emulator-fixture.js";

async function subscribe(fixture: EmulatorFixture, product: { trialDays?: number } = {}) {
  const created = await fixture.polar.products.create({
    name: "Team monthly",
    recurringInterval: "month",
    ...(product.trialDays ? { trialInterval: "day" as const, trialIntervalCount: product.trialDays } : {}),
    prices: [{ amountType: "fixed", priceAmount: 2000, priceCurrency: "usd" }],
  });
  const checkout = await fixture.polar.checkouts.create({
    products: [created.id],
    customerEmail: "team@example.com",
  });
  const paid = await fixture.api("POST", `/_emulator/checkouts/${checkout.id}/pay`, {
    card: "4242424242424242",
  });
  expect(paid.status).toBe(200);
  const { customerId, subscriptionId } = await fixture.polar.checkouts.get({ id: checkout.id });
  return { customerId: customerId!, subscriptionId: subscriptionId!, checkoutId: checkout.id };
}

describe("subscription lifecycle and other time-driven behaviour", () => {
  let fixture: EmulatorFixture;
  useCheckedEmulatorFixture({ events: ALL_EMITTED_EVENT_TYPES }, (started) => {
    fixture = started;
  });

  it("cancels from the customer portal and ends at period end", async () => {
    const { customerId, subscriptionId } = await subscribe(fixture);
    const session = await fixture.polar.customerSessions.create({ customerId });
    const portal = await fetch(session.customerPortalUrl);
    expect(portal.status).toBe(200);
    const html = await portal.text();
    expect(html).toContain("Team monthly");
    expect(html).toContain("20.00 USD");
    const mark = (await fixture.typesSince(0)).length;
    const cancelPath = `/emulated-org/portal/subscriptions/${subscriptionId}/cancel`;
    const canceled = await fetch(`${fixture.emulator.url}${cancelPath}`, {
      method: "POST",
      body: new URLSearchParams({ customer_session_token: session.token }),
      redirect: "manual",
    });
    expect(canceled.status).toBe(303);
    expect(await fixture.typesSince(mark)).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "customer.state_changed",
    ]);
    const scheduled = await fixture.polar.subscriptions.get({ id: subscriptionId });
    expect([scheduled.status, scheduled.cancelAtPeriodEnd]).toEqual(["active", true]);
    const atEnd = (await fixture.typesSince(0)).length;
    await fixture.advanceDays(32);
    expect(await fixture.typesSince(atEnd)).toEqual([
      "subscription.updated",
      "subscription.revoked",
      "customer.state_changed",
    ]);
    expect((await fixture.polar.subscriptions.get({ id: subscriptionId })).status).toBe("canceled");
  });

  it("uncancels, then revokes immediately with the documented sequences", async () => {
    const { subscriptionId } = await subscribe(fixture);
    await fixture.polar.subscriptions.update({
      id: subscriptionId,
      subscriptionUpdate: { cancelAtPeriodEnd: true },
    });
    const mark = (await fixture.typesSince(0)).length;
    await fixture.polar.subscriptions.update({
      id: subscriptionId,
      subscriptionUpdate: { cancelAtPeriodEnd: false },
    });
    expect(await fixture.typesSince(mark)).toEqual([
      "subscription.updated",
      "subscription.uncanceled",
      "customer.state_changed",
    ]);
    const beforeRevoke = (await fixture.typesSince(0)).length;
    const revoked = await fixture.polar.subscriptions.update({
      id: subscriptionId,
      subscriptionUpdate: { revoke: true },
    });
    expect(revoked.status).toBe("canceled");
    expect(await fixture.typesSince(beforeRevoke)).toEqual([
      "subscription.updated",
      "subscription.canceled",
      "subscription.revoked",
      "customer.state_changed",
    ]);
    const again = await fixture.api("DELETE", `/v1/subscriptions/${subscriptionId}`);
    expect(again.status).toBe(403);
    expect(await again.json()).toMatchObject({ error: "AlreadyCanceledSubscription" });
  });

  it("rejects revoke together with cancel_at_period_end in Polar's 422 shape", async () => {
    const { subscriptionId } = await subscribe(fixture);
    const response = await fixture.api("PATCH", `/v1/subscriptions/${subscriptionId}`, {
      revoke: true,
      cancel_at_period_end: true,
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { detail: Array<{ msg: string; type: string; loc: unknown[] }> };
    expect(body.detail[0]?.msg).toContain("Use either `revoke`");
  });

  it("starts a trial without charging and activates it when the trial ends", async () => {
    const { subscriptionId } = await subscribe(fixture, { trialDays: 7 });
    const trialing = await fixture.polar.subscriptions.get({ id: subscriptionId });
    expect(trialing.status).toBe("trialing");
    expect(trialing.trialEnd).not.toBeNull();
    const mark = (await fixture.typesSince(0)).length;
    await fixture.advanceDays(8);
    const types = await fixture.typesSince(mark);
    expect(types.slice(0, 5)).toEqual([
      "subscription.cycled",
      "subscription.updated",
      "order.created",
      "order.updated",
      "order.paid",
    ]);
    expect(types).toContain("subscription.active");
    expect((await fixture.polar.subscriptions.get({ id: subscriptionId })).status).toBe("active");
  });

  it("expires an abandoned checkout after 24 hours", async () => {
    const product = await fixture.polar.products.create({
      name: "One-off",
      prices: [{ amountType: "fixed", priceAmount: 900, priceCurrency: "usd" }],
    });
    const checkout = await fixture.polar.checkouts.create({ products: [product.id] });
    const mark = (await fixture.typesSince(0)).length;
    await fixture.advanceDays(1.01);
    expect(await fixture.typesSince(mark)).toEqual(["checkout.expired"]);
    expect((await fixture.polar.checkouts.get({ id: checkout.id })).status).toBe("expired");
    const client = await fetch(`${fixture.emulator.url}/v1/checkouts/client/${checkout.clientSecret}`);
    expect(client.status).toBe(410);
    expect((await fetch(checkout.url)).status).toBe(410);
  });

  it("refunds: refund.created, order.refunded, order.updated; a second full refund is RefundedAlready", async () => {
    const { checkoutId } = await subscribe(fixture);
    const [order] = (await fixture.polar.orders.list({ checkoutId })).result.items;
    const mark = (await fixture.typesSince(0)).length;
    await fixture.polar.refunds.create({ orderId: order!.id, reason: "customer_request", amount: 2000 });
    expect(await fixture.typesSince(mark)).toEqual(["refund.created", "order.refunded", "order.updated"]);
    expect((await fixture.polar.orders.get({ id: order!.id })).status).toBe("refunded");
    const again = await fixture.api("POST", "/v1/refunds/", {
      order_id: order!.id,
      reason: "other",
      amount: 1,
    });
    expect(again.status).toBe(403);
    expect(await again.json()).toEqual({
      error: "RefundedAlready",
      detail: "Order is already fully refunded.",
    });
  });

  it("pauses at period end and resumes with an immediate charge", async () => {
    const { subscriptionId } = await subscribe(fixture);
    await fixture.api("PATCH", `/v1/subscriptions/${subscriptionId}`, { pause_at_period_end: true });
    const mark = (await fixture.typesSince(0)).length;
    await fixture.advanceDays(32);
    expect(await fixture.typesSince(mark)).toEqual([
      "subscription.updated",
      "subscription.paused",
      "customer.state_changed",
    ]);
    const resumeMark = (await fixture.typesSince(0)).length;
    const resumed = await fixture.api("PATCH", `/v1/subscriptions/${subscriptionId}`, { resume: true });
    expect(resumed.status).toBe(200);
    const types = await fixture.typesSince(resumeMark);
    expect(types.slice(0, 3)).toEqual(["subscription.updated", "subscription.resumed", "order.created"]);
    expect(types).toContain("order.paid");
  });
});
