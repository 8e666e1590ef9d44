import { expect, it } from "vitest";
import { resolveConfig } from "../config/index.js";
import { createBillhook } from "../engine.js";
import { ManualClock } from "../kernel/index.js";
import { describeEachDialect } from "../testing/storage-matrix.js";
import { startWorker } from "./worker.js";

const yearlyCatalog = {
  catalog: {
    credits: { tokens: { unit: "token" } },
    plans: {
      yearly: {
        name: "Yearly",
        price: { amountMinor: 10_000, currency: "USD" },
        interval: "year",
        credits: { tokens: { amount: 100 } },
      },
    },
  },
};

describeEachDialect("worker", (fixture) => {
  it("grants a yearly plan's monthly allowance between provider events, once per month", async () => {
    const clock = new ManualClock(new Date("2026-03-01T00:00:00.000Z"));
    const billhook = createBillhook({
      storage: fixture.storage(),
      clock,
      config: resolveConfig({}, yearlyCatalog),
    });
    const customerId = `yearly_${Date.now().toString(36)}`;
    await fixture.storage().transaction((stores) =>
      billhook.billing.apply(stores, "polar", {
        kind: "subscription",
        subscription: {
          providerSubscriptionId: `sub_${customerId}`,
          externalCustomerId: customerId,
          providerProductId: "prod_yearly",
          catalogKey: "yearly",
          status: "active",
          cancelAtPeriodEnd: false,
          currentPeriodStart: clock.now(),
          currentPeriodEnd: new Date("2027-03-01T00:00:00.000Z"),
          pastDueAt: null,
          endedAt: null,
          modifiedAt: clock.now(),
        },
      }),
    );
    const worker = startWorker(billhook, { reconcileIntervalMs: 0 });
    try {
      expect((await billhook.credits.balance(customerId, "tokens")).available).toBe(100);
      clock.advance(40 * 24 * 60 * 60 * 1000);
      await worker.runOnce();
      await worker.runOnce();
      const history = await billhook.credits.history({ customerId, type: "tokens" });
      expect(history.items.filter((item) => item.action === "grant")).toHaveLength(2);
    } finally {
      worker.stop();
    }
  });
});
