import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ProviderDriver,
  startPolarDriver,
  startStripeDriver,
} from "../../src/testing/provider-drivers.js";
import { type ProviderHarness, startProviderHarness } from "../../src/testing/provider-harness.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";

const drivers: Array<[string, (seed: string) => Promise<ProviderDriver>]> = [
  ["polar", startPolarDriver],
  ["stripe", startStripeDriver],
];
let sequence = 0;
const customer = () => `user_${Date.now().toString(36)}_${sequence++}`;
const revenue = { kind: "revenue", ownerId: "", currency: "USD" };

for (const [providerName, startDriver] of drivers) {
  describe(`provider conformance: ${providerName}`, () => {
    describeEachDialect(providerName, (fixture) => {
      let harness: ProviderHarness;
      beforeAll(async () => {
        harness = await startProviderHarness(
          fixture.storage(),
          await startDriver(`conformance-${providerName}`),
          { settings: { pastDueGraceDays: 0 } },
        );
        const pushed = await harness.api("/v1/catalog/push", { method: "POST" });
        expect(pushed.status).toBe(200);
      });
      afterAll(() => harness?.close());

      it("pushes the catalog idempotently", async () => {
        const again = (await (await harness.api("/v1/catalog/push", { method: "POST" })).json()) as {
          actions: Array<{ kind: string }>;
        };
        expect(again.actions.map((action) => action.kind)).toEqual(["unchanged", "unchanged", "unchanged"]);
        expect(await harness.driver.activeProductCount()).toBe(3);
      });

      it("opens the portal for a known customer, and answers 404 for one the provider does not know", async () => {
        const customerId = customer();
        const unknown = await harness.api(`/v1/customers/${customerId}/portal`, {
          method: "POST",
          key: harness.serverKey,
          json: {},
        });
        expect(unknown.status, await unknown.clone().text()).toBe(404);
        expect(await unknown.json()).toMatchObject({ code: "NOT_FOUND", customerId });
        const ensured = await harness.api("/v1/customers", {
          method: "POST",
          key: harness.serverKey,
          json: { customerId, email: `${customerId}@example.com` },
        });
        expect(ensured.status).toBe(200);
        const known = await harness.api(`/v1/customers/${customerId}/portal`, {
          method: "POST",
          key: harness.serverKey,
          json: {},
        });
        expect(known.status, await known.clone().text()).toBe(200);
        expect(((await known.json()) as { url: string }).url).toMatch(/^https?:\/\//);
      });

      it("buys a plan: check flips to allowed and the first payment is booked once", async () => {
        const customerId = customer();
        const before = await harness.billhook.ledger.balanceOf(revenue);
        expect((await harness.check(customerId, "export")).allowed).toBe(false);
        expect((await harness.buy(customerId, "pro")).status).toBe(303);
        expect((await harness.check(customerId, "export")).allowed).toBe(true);
        expect(before - (await harness.billhook.ledger.balanceOf(revenue))).toBe(1200);
      });

      it("buys a one-time unlock exactly once, even when every delivery is duplicated", async () => {
        const customerId = customer();
        const before = await harness.billhook.ledger.balanceOf(revenue);
        await harness.driver.setFaults({ webhookDuplicateRate: 1 });
        try {
          await harness.buy(customerId, "reports_pack");
        } finally {
          await harness.driver.setFaults({ webhookDuplicateRate: 0 });
        }
        expect((await harness.driver.firedFaults()).webhookDuplicate).toBeGreaterThan(0);
        expect((await harness.check(customerId, "reports")).allowed).toBe(true);
        expect(before - (await harness.billhook.ledger.balanceOf(revenue))).toBe(4900);
        expect((await harness.billhook.ledger.verify()).ok).toBe(true);
      });

      it("grants a credit pack once despite duplicated and reordered deliveries; a refund claws back the unspent", async () => {
        const customerId = customer();
        await harness.driver.setFaults({ webhookDuplicateRate: 1, webhookReorderRate: 0.5 });
        try {
          await harness.buy(customerId, "images_100");
        } finally {
          await harness.driver.setFaults({ webhookDuplicateRate: 0, webhookReorderRate: 0 });
        }
        await harness.settle();
        const balance = async () => (await harness.billhook.credits.balance(customerId, "images")).available;
        expect(await balance()).toBe(100);

        const spent = await harness.api("/v1/credits/spend", {
          method: "POST",
          key: harness.serverKey,
          json: { customerId, type: "images", amount: 30, idempotencyKey: `${customerId}_spend` },
        });
        expect(spent.status).toBe(200);
        await harness.driver.refundLatestPurchase(customerId);
        await harness.settle();
        expect(await balance()).toBe(0);
        expect((await harness.billhook.ledger.verify()).ok).toBe(true);
      });

      it("reverses a refunded one-time unlock: access ends and revenue is reversed", async () => {
        const customerId = customer();
        await harness.buy(customerId, "reports_pack");
        const before = await harness.billhook.ledger.balanceOf(revenue);
        await harness.driver.refundLatestPurchase(customerId);
        await harness.settle();
        expect((await harness.check(customerId, "reports")).allowed).toBe(false);
        expect((await harness.billhook.ledger.balanceOf(revenue)) - before).toBe(4900);
        expect((await harness.billhook.ledger.verify()).ok).toBe(true);
      });

      it("grants nothing for a declined card", async () => {
        const customerId = customer();
        const answer = await harness.buy(customerId, "pro", harness.driver.cards.declined);
        expect(answer.status).not.toBe(303);
        expect((await harness.check(customerId, "export")).allowed).toBe(false);
      });

      it("keeps access until the end of a period canceled at its end, then revokes it", async () => {
        const customerId = customer();
        await harness.buy(customerId, "pro");
        const periodEnd = await harness.driver.cancelAtPeriodEnd(customerId);
        await harness.settle();
        const during = await harness.check(customerId, "export");
        expect(during.allowed).toBe(true);
        expect(during.activeUntil).toBe(periodEnd.toISOString());
        await harness.advanceDays(32);
        expect((await harness.check(customerId, "export")).allowed).toBe(false);
      });

      it("renews, and loses access when renewals start failing (no grace period)", async () => {
        const customerId = customer();
        await harness.buy(customerId, "pro");
        await harness.advanceDays(31);
        expect((await harness.check(customerId, "export")).allowed).toBe(true);
        await harness.driver.declineFutureCharges(customerId);
        await harness.advanceDays(31);
        expect((await harness.check(customerId, "export")).allowed).toBe(false);
        expect((await harness.billhook.ledger.verify()).ok).toBe(true);
      });

      it("recovers a purchase whose webhooks were all lost, through the reconciler", async () => {
        const customerId = customer();
        await harness.driver.setFaults({ webhookDropRate: 1 });
        try {
          await harness.buy(customerId, "pro");
        } finally {
          await harness.driver.setFaults({ webhookDropRate: 0 });
        }
        expect((await harness.check(customerId, "export")).allowed).toBe(false);
        expect((await harness.api("/v1/reconcile", { method: "POST" })).status).toBe(200);
        expect((await harness.check(customerId, "export")).allowed).toBe(true);
      });

      it("refuses a forged delivery with 401", async () => {
        const response = await fetch(`${harness.server.url}/v1/webhooks/${providerName}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "webhook-id": "msg_forged",
            "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
            "webhook-signature": "v1,Zm9yZ2Vk",
            "stripe-signature": `t=${Math.floor(Date.now() / 1000)},v1=00`,
          },
          body: JSON.stringify({ id: "evt_forged", type: "invoice.paid", data: { object: {} } }),
        });
        expect(response.status).toBe(401);
      });
    });
  });
}
