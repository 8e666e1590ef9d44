import { afterAll, beforeAll, expect, it } from "vitest";
import { type PolarHarness, startPolarHarness } from "../../src/testing/polar-harness.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";

let sequence = 0;
const customer = () => `user_${Date.now().toString(36)}_${sequence++}`;

async function buy(
  harness: PolarHarness,
  customerId: string,
  product: string,
  card = "4242424242424242",
  amount?: number,
) {
  const response = await harness.api("/v1/checkouts", {
    method: "POST",
    key: harness.serverKey,
    json: {
      customerId,
      product,
      successUrl: "https://app.example.com/thanks?checkout={CHECKOUT_ID}",
      email: `${customerId}@example.com`,
      ...(amount !== undefined ? { amountMinor: amount } : {}),
    },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const { url } = (await response.json()) as { url: string };
  const paid = await harness.payHosted(url, card);
  await harness.settle();
  return paid;
}

describeEachDialect("billing on Polar, end to end", (fixture) => {
  let harness: PolarHarness;
  beforeAll(async () => {
    harness = await startPolarHarness(fixture.storage());
    const pushed = await harness.api("/v1/catalog/push", { method: "POST" });
    expect(pushed.status).toBe(200);
  });
  afterAll(() => harness?.close());

  it("pushes the catalog idempotently: a second push changes nothing", async () => {
    const second = (await (await harness.api("/v1/catalog/push", { method: "POST" })).json()) as {
      actions: Array<{ kind: string }>;
    };
    expect(second.actions.map((action) => action.kind)).toEqual(["unchanged", "unchanged", "unchanged"]);
    const products = await harness.polar.products.list({ limit: 100 });
    expect(products.result.items.filter((product) => !product.isArchived)).toHaveLength(3);
  });

  it("buys a plan through the hosted checkout, after which check allows its features", async () => {
    const customerId = customer();
    expect((await harness.check(customerId, "export")).allowed).toBe(false);

    const paid = await buy(harness, customerId, "pro");
    expect(paid.status).toBe(303);
    const checkouts = await harness.api(`/v1/customers/${customerId}/checkouts`, { key: harness.serverKey });
    expect((await checkouts.json()).items).toMatchObject([{ product: "pro", status: "succeeded" }]);
    expect(await harness.check(customerId, "export")).toMatchObject({ allowed: true, activeUntil: null });
    expect((await harness.check(customerId, "reports")).allowed).toBe(false);

    const again = await harness.api("/v1/checkouts", {
      method: "POST",
      key: harness.serverKey,
      json: { customerId, product: "pro", successUrl: "https://app.example.com/thanks" },
    });
    expect(again.status).toBe(409);
    expect((await again.json()).code).toBe("ALREADY_ENTITLED");
  });

  it("books a paid order in the ledger exactly once", async () => {
    const customerId = customer();
    const before = await harness.billhook.ledger.balanceOf({ kind: "revenue", ownerId: "", currency: "USD" });
    await buy(harness, customerId, "reports_pack");
    // Replaying every stored delivery must not book anything twice.
    for (const delivery of await harness.billhook.webhooks.list({ limit: 200 })) {
      await harness.billhook.webhooks.replay({ id: delivery.id });
    }
    const after = await harness.billhook.ledger.balanceOf({ kind: "revenue", ownerId: "", currency: "USD" });
    expect(before - after).toBe(4900);
    expect((await harness.check(customerId, "reports")).allowed).toBe(true);
    expect((await harness.billhook.ledger.verify()).ok).toBe(true);
  });

  it("leaves a customer whose card is declined without access", async () => {
    const customerId = customer();
    const declined = await buy(harness, customerId, "pro", "4000000000000002");
    expect(declined.status).not.toBe(303);
    expect((await harness.check(customerId, "export")).allowed).toBe(false);
    const checkouts = await harness.api(`/v1/customers/${customerId}/checkouts`, { key: harness.serverKey });
    expect((await checkouts.json()).items).toMatchObject([{ product: "pro", status: "failed" }]);
  });

  it("refuses unknown products (404), out-of-range tips (422) and answers the tip in range", async () => {
    const base = { customerId: customer(), successUrl: "https://app.example.com/thanks" };
    const unknown = await harness.api("/v1/checkouts", {
      method: "POST",
      key: harness.serverKey,
      json: { ...base, product: "nope" },
    });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).code).toBe("UNKNOWN_PRODUCT");
    const tooMuch = await harness.api("/v1/checkouts", {
      method: "POST",
      key: harness.serverKey,
      json: { ...base, product: "tip", amountMinor: 20_000 },
    });
    expect(tooMuch.status).toBe(422);
    expect((await tooMuch.json()).code).toBe("AMOUNT_OUT_OF_RANGE");
    const tip = await harness.api("/v1/checkouts", {
      method: "POST",
      key: harness.serverKey,
      json: { ...base, product: "tip", amountMinor: 700 },
    });
    expect(tip.status).toBe(201);
  });

  it("keeps access after cancel-at-period-end until the period ends, then revokes it", async () => {
    const customerId = customer();
    await buy(harness, customerId, "pro");
    const subscriptions = await harness.polar.subscriptions.list({ externalCustomerId: customerId });
    const subscription = subscriptions.result.items[0]!;
    await harness.polar.subscriptions.update({
      id: subscription.id,
      subscriptionUpdate: { cancelAtPeriodEnd: true },
    });
    await harness.settle();

    const during = await harness.check(customerId, "export");
    expect(during.allowed).toBe(true);
    expect(during.activeUntil).toBe(subscription.currentPeriodEnd.toISOString());

    await harness.advanceDays(32);
    expect((await harness.check(customerId, "export")).allowed).toBe(false);
  });

  it("links a customer to Polar's portal, where a person sees their subscription", async () => {
    const customerId = customer();
    await buy(harness, customerId, "pro");
    const response = await harness.api(`/v1/customers/${customerId}/portal`, {
      method: "POST",
      key: harness.serverKey,
      json: { returnUrl: "https://app.example.com/account" },
    });
    expect(response.status).toBe(200);
    const { url } = (await response.json()) as { url: string };
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Pro");
  });

  it("ensures a customer at Polar once, by external id", async () => {
    const customerId = customer();
    const body = { customerId, email: `${customerId}@example.com` };
    const first = await harness.api("/v1/customers", { method: "POST", key: harness.serverKey, json: body });
    const second = await harness.api("/v1/customers", { method: "POST", key: harness.serverKey, json: body });
    const [a, b] = [await first.json(), await second.json()];
    expect(a.providerCustomerId).toBeTruthy();
    expect(b.providerCustomerId).toBe(a.providerCustomerId);
    const atPolar = await harness.polar.customers.list({ email: body.email });
    expect(atPolar.result.items).toHaveLength(1);
  });

  it("maps a Polar benefit that names a Billhook feature to that feature, and revokes it with the grant", async () => {
    const customerId = customer();
    const flag = await harness.polar.benefits.create({
      type: "feature_flag",
      description: "Reports via a Polar benefit",
      properties: {},
      metadata: { billhook_feature: "reports" },
    });
    const products = await harness.polar.products.list({ limit: 100 });
    const pro = products.result.items.find((product) => product.metadata.billhook_key === "pro")!;
    await harness.polar.products.updateBenefits({
      id: pro.id,
      productBenefitsUpdate: { benefits: [flag.id] },
    });
    try {
      await buy(harness, customerId, "pro");
      expect(await harness.check(customerId, "reports")).toMatchObject({ allowed: true });

      const subscriptions = await harness.polar.subscriptions.list({ externalCustomerId: customerId });
      await harness.polar.subscriptions.revoke({ id: subscriptions.result.items[0]!.id });
      await harness.settle();
      expect((await harness.check(customerId, "reports")).allowed).toBe(false);
      expect((await harness.check(customerId, "export")).allowed).toBe(false);
    } finally {
      await harness.polar.products.updateBenefits({ id: pro.id, productBenefitsUpdate: { benefits: [] } });
    }
  });
});
