import { afterAll, beforeAll, expect, it } from "vitest";
import { type StripeDriver, startStripeDriver } from "../../src/testing/provider-drivers.js";
import { type ProviderHarness, startProviderHarness } from "../../src/testing/provider-harness.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";

let sequence = 0;
const customer = () => `pi_${Date.now().toString(36)}_${sequence++}`;

describeEachDialect("embedded payment on Stripe (Seed 004)", (fixture) => {
  let harness: ProviderHarness<StripeDriver>;
  beforeAll(async () => {
    harness = await startProviderHarness(fixture.storage(), await startStripeDriver("embedded"));
    await harness.api("/v1/catalog/push", { method: "POST" });
  });
  afterAll(() => harness?.close());

  const start = (customerId: string, product = "reports_pack") =>
    harness.api("/v1/payment-intents", {
      method: "POST",
      key: harness.serverKey,
      json: { customerId, product },
    });

  it("flips the entitlement when the browser confirms the payment, then refuses a second purchase", async () => {
    const customerId = customer();
    const started = await start(customerId);
    expect(started.status).toBe(201);
    const intent = await started.json();
    expect(intent).toMatchObject({ amountMinor: 4900, currency: "USD" });
    expect(intent.clientSecret).toMatch(/^pi_.+_secret_/);
    expect(intent.publishableKey).toMatch(/^pk_test_/);

    const paymentIntentId = intent.clientSecret.split("_secret_")[0];
    await harness.driver.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" });
    await harness.settle();

    expect((await harness.check(customerId, "reports")).allowed).toBe(true);
    const again = await start(customerId);
    expect(again.status).toBe(409);
    expect((await again.json()).code).toBe("ALREADY_ENTITLED");
    const attempts = await harness.api(`/v1/customers/${customerId}/checkouts`, { key: harness.serverKey });
    expect((await attempts.json()).items).toMatchObject([{ product: "reports_pack", status: "succeeded" }]);
  });

  it("records a declined payment as failed and grants nothing", async () => {
    const customerId = customer();
    const intent = await (await start(customerId)).json();
    const paymentIntentId = intent.clientSecret.split("_secret_")[0];
    await harness.driver.stripe.paymentIntents
      .confirm(paymentIntentId, { payment_method: "pm_card_chargeDeclined" })
      .catch(() => undefined);
    await harness.settle();

    expect((await harness.check(customerId, "reports")).allowed).toBe(false);
    const attempts = await harness.api(`/v1/customers/${customerId}/checkouts`, { key: harness.serverKey });
    expect((await attempts.json()).items).toMatchObject([{ status: "failed" }]);
  });

  it("answers 404 for an unknown product, 409 for a plan, and 502 with nothing written when Stripe fails", async () => {
    const customerId = customer();
    expect((await start(customerId, "nope")).status).toBe(404);
    const plan = await start(customerId, "pro");
    expect(plan.status).toBe(409);
    expect((await plan.json()).code).toBe("UNSUPPORTED_BY_PROVIDER");

    await harness.driver.setFaults({ apiErrorRate: 1 });
    try {
      const failed = await start(customerId);
      expect(failed.status).toBe(502);
      expect((await failed.json()).code).toBe("PROVIDER_UNAVAILABLE");
    } finally {
      await harness.driver.setFaults({ apiErrorRate: 0 });
    }
    const attempts = await harness.api(`/v1/customers/${customerId}/checkouts`, { key: harness.serverKey });
    expect((await attempts.json()).items).toEqual([]);
  });
});
