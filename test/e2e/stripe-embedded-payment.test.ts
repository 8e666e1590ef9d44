import { afterAll, beforeAll, expect, it } from "vitest";
import { type StripeDriver, startStripeDriver } from "../../src/testing/provider-drivers.js";
import { type ProviderHarness, startProviderHarness } from "../../src/testing/provider-harness.js";
import { sseReader } from "../../src/testing/sse-reader.js";
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

  it("a declined intent paid on retry ends succeeded, streams the success, and a late failure cannot undo it", async () => {
    const customerId = customer();
    const controller = new AbortController();
    const stream = await harness.api(`/v1/customers/${customerId}/events`, {
      key: harness.serverKey,
      signal: controller.signal,
    });
    const events = sseReader(stream);
    try {
      expect((await events.next()).event).toBe("snapshot");
      const intent = await (await start(customerId)).json();
      const paymentIntentId = intent.clientSecret.split("_secret_")[0];
      const { id: checkoutId } = intent;
      await harness.driver.stripe.paymentIntents
        .confirm(paymentIntentId, { payment_method: "pm_card_chargeDeclined" })
        .catch(() => undefined);
      await harness.settle();
      expect(await events.until("purchase")).toMatchObject({ data: { checkoutId, status: "failed" } });

      // Stripe's normal retry: the same PaymentIntent, confirmed again with another card.
      await harness.driver.stripe.paymentIntents.confirm(paymentIntentId, { payment_method: "pm_card_visa" });
      await harness.settle();
      expect(await events.until("purchase")).toMatchObject({ data: { checkoutId, status: "succeeded" } });
      expect((await harness.check(customerId, "reports")).allowed).toBe(true);
      const listed = async () =>
        (
          await (
            await harness.api(`/v1/customers/${customerId}/checkouts`, { key: harness.serverKey })
          ).json()
        ).items;
      expect(await listed()).toMatchObject([{ id: checkoutId, status: "succeeded" }]);

      // The failure delivered again (late, reordered or replayed) leaves the success in place.
      const failures = await (
        await harness.api("/v1/webhook-deliveries?eventType=payment_intent.payment_failed&limit=200")
      ).json();
      const ours: string[] = [];
      for (const delivery of failures.items as Array<{ id: string }>) {
        const full = await (await harness.api(`/v1/webhook-deliveries/${delivery.id}`)).json();
        if (full.payload.data.object.id === paymentIntentId) ours.push(delivery.id);
      }
      expect(ours).toHaveLength(1);
      expect((await harness.api(`/v1/webhook-deliveries/${ours[0]}/replay`, { method: "POST" })).status).toBe(
        200,
      );
      expect(await listed()).toMatchObject([{ id: checkoutId, status: "succeeded" }]);
      expect((await harness.check(customerId, "reports")).allowed).toBe(true);
    } finally {
      controller.abort();
      await events.cancel().catch(() => undefined);
    }
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
