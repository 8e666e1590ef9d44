import { describe, expect, it } from "vitest";
import { type EmulatorFixture, useCheckedEmulatorFixture } from "./testing/emulator-fixture.js";

describe("meters, credits and usage billing", () => {
  let fixture: EmulatorFixture;
  useCheckedEmulatorFixture({}, (started) => {
    fixture = started;
  });

  async function subscribeWithUsage() {
    const { polar } = fixture;
    const meter = await polar.meters.create({
      name: "Tokens",
      filter: { conjunction: "and", clauses: [{ property: "name", operator: "eq", value: "llm.tokens" }] },
      aggregation: { func: "sum", property: "tokens" },
    });
    const credit = await polar.benefits.create({
      type: "meter_credit",
      description: "100 free tokens",
      properties: { units: 100, rollover: false, meterId: meter.id },
    });
    const product = await polar.products.create({
      name: "Usage plan",
      recurringInterval: "month",
      prices: [
        { amountType: "fixed", priceAmount: 1000, priceCurrency: "usd" },
        { amountType: "metered_unit", meterId: meter.id, unitAmount: "2.5", priceCurrency: "usd" },
      ],
    });
    await polar.products.updateBenefits({ id: product.id, productBenefitsUpdate: { benefits: [credit.id] } });
    const checkout = await polar.checkouts.create({
      products: [product.id],
      customerEmail: "usage@example.com",
      externalCustomerId: "user_usage",
    });
    await fixture.api("POST", `/_emulator/checkouts/${checkout.id}/pay`, { card: "4242424242424242" });
    return { meter, customerId: (await polar.checkouts.get({ id: checkout.id })).customerId! };
  }

  it("credits meter_credit units and subtracts ingested usage in the customer state", async () => {
    const { meter, customerId } = await subscribeWithUsage();
    await fixture.polar.events.ingest({
      events: [
        { name: "llm.tokens", externalCustomerId: "user_usage", externalId: "t1", metadata: { tokens: 30 } },
        { name: "llm.tokens", externalCustomerId: "user_usage", externalId: "t2", metadata: { tokens: 10 } },
        { name: "other.event", externalCustomerId: "user_usage", metadata: { tokens: 999 } },
      ],
    });
    const state = await fixture.polar.customers.getState({ id: customerId });
    expect(state.activeMeters).toEqual([
      expect.objectContaining({ meterId: meter.id, consumedUnits: 40, creditedUnits: 100, balance: 60 }),
    ]);
  });

  it("bills the past period's usage on the renewal order", async () => {
    const { customerId } = await subscribeWithUsage();
    await fixture.polar.events.ingest({
      events: [
        { name: "llm.tokens", externalCustomerId: "user_usage", externalId: "t1", metadata: { tokens: 40 } },
      ],
    });
    await fixture.advanceDays(31);
    const orders = (await fixture.polar.orders.list({ customerId, sorting: ["created_at"] })).result.items;
    const renewal = orders[1]!;
    expect(renewal.billingReason).toBe("subscription_cycle");
    expect(renewal.items.map((item) => item.amount)).toEqual([1000, 100]);
    expect(renewal.totalAmount).toBe(1100);
    expect(await fixture.typesSince(0)).toContain("benefit_grant.cycled");
  });
});
