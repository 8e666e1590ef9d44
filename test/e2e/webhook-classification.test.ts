import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ProviderDriver,
  type StripeDriver,
  startPolarDriver,
  startStripeDriver,
} from "../../src/testing/provider-drivers.js";
import { type ProviderHarness, startProviderHarness } from "../../src/testing/provider-harness.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";

const drivers: Array<[string, (seed: string) => Promise<ProviderDriver>]> = [
  ["polar", startPolarDriver],
  ["stripe", startStripeDriver],
];

/**
 * What the inbox must store for each type of delivery the flows below bring: `processed` when Billhook
 * acted on it, `ignored` when it did not. `mixed` marks types whose deliveries differ by object (a
 * PaymentIntent that a Checkout Session made is booked through the session; an embedded one is not).
 */
const expectedStatus: Record<string, Record<string, "processed" | "ignored" | "mixed">> = {
  polar: {
    "checkout.updated": "processed",
    "order.created": "processed",
    "order.paid": "processed",
    "order.updated": "processed",
    "order.refunded": "processed",
    "subscription.created": "processed",
    "subscription.active": "processed",
    "subscription.updated": "processed",
    "subscription.canceled": "processed",
    "subscription.revoked": "processed",
    "customer.created": "ignored",
    "customer.state_changed": "ignored",
    "checkout.created": "ignored",
    "checkout.expired": "ignored",
  },
  stripe: {
    "checkout.session.completed": "processed",
    "checkout.session.expired": "processed",
    "customer.subscription.created": "processed",
    "customer.subscription.updated": "processed",
    "customer.subscription.deleted": "processed",
    "invoice.paid": "processed",
    "charge.refunded": "processed",
    "payment_intent.succeeded": "mixed",
    "payment_intent.payment_failed": "processed",
    "customer.created": "ignored",
    "charge.succeeded": "ignored",
    "charge.failed": "ignored",
    "invoice.created": "ignored",
    "invoice.finalized": "ignored",
    "payment_intent.created": "ignored",
  },
};

let sequence = 0;
const customer = () => `wc_${Date.now().toString(36)}_${sequence++}`;

for (const [providerName, startDriver] of drivers) {
  describe(`webhook inbox classification: ${providerName}`, () => {
    describeEachDialect(providerName, (fixture) => {
      let harness: ProviderHarness;
      beforeAll(async () => {
        harness = await startProviderHarness(
          fixture.storage(),
          await startDriver(`classify-${providerName}`),
        );
        expect((await harness.api("/v1/catalog/push", { method: "POST" })).status).toBe(200);
      });
      afterAll(() => harness?.close());

      /** Every flow the seeds drive, so every type the provider maps arrives at least once. */
      const driveEveryFlow = async () => {
        const subscriber = customer();
        await harness.buy(subscriber, "pro");
        const buyer = customer();
        await harness.buy(buyer, "reports_pack");
        await harness.driver.refundLatestPurchase(buyer);
        await harness.settle();

        const provider = harness.billhook.provider!;
        if (provider.capabilities.embeddedPayments) {
          const payer = customer();
          const started = await harness.api("/v1/payment-intents", {
            method: "POST",
            key: harness.serverKey,
            json: { customerId: payer, product: "reports_pack" },
          });
          const intentId = (await started.json()).clientSecret.split("_secret_")[0];
          const { stripe } = harness.driver as StripeDriver;
          await stripe.paymentIntents
            .confirm(intentId, { payment_method: "pm_card_chargeDeclined" })
            .catch(() => undefined);
          await stripe.paymentIntents.confirm(intentId, { payment_method: "pm_card_visa" });
          await harness.settle();
        }

        const abandoned = customer();
        const opened = await harness.api("/v1/checkouts", {
          method: "POST",
          key: harness.serverKey,
          json: { customerId: abandoned, product: "reports_pack", successUrl: "https://app.example.com/ok" },
        });
        expect(opened.status).toBe(201);
        await harness.advanceDays(2);
        await harness.driver.cancelAtPeriodEnd(subscriber);
        await harness.advanceDays(31);
      };

      it("stores a delivery as ignored only when Billhook did not act on it", async () => {
        await driveEveryFlow();
        const provider = harness.billhook.provider!;
        const deliveries = await harness.billhook.webhooks.list({ limit: 10_000 });
        const seen = new Map<string, Set<string>>();
        for (const delivery of deliveries) {
          expect(delivery.status, `${delivery.eventType} ${delivery.lastError ?? ""}`).not.toBe("failed");
          const statuses = seen.get(delivery.eventType) ?? new Set<string>();
          statuses.add(delivery.status);
          seen.set(delivery.eventType, statuses);
          // What the mapping says and what the inbox stored agree, delivery by delivery.
          const mapped = provider.parseEvent(delivery.eventType, JSON.parse(delivery.payload));
          const acted = provider.handlesEvent(delivery.eventType) && mapped.kind !== "ignored";
          expect(
            { type: delivery.eventType, kind: mapped.kind, status: delivery.status },
            "a mapped event is applied (processed); an unmapped one is ignored",
          ).toEqual({ type: delivery.eventType, kind: mapped.kind, status: acted ? "processed" : "ignored" });
        }
        const table = expectedStatus[providerName]!;
        const observed = Object.fromEntries(
          Object.keys(table).map((type) => {
            const statuses = [...(seen.get(type) ?? [])];
            return [type, statuses.length > 1 ? "mixed" : (statuses[0] ?? "never delivered")];
          }),
        );
        expect(observed).toEqual(table);
        // Every type the provider says it handles and the flows brought is in the table.
        const handled = [...seen.keys()].filter((type) => provider.handlesEvent(type));
        expect(handled.filter((type) => !(type in table))).toEqual([]);
      });
    });
  });
}
