import { beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../config/index.js";
import { ManualClock, randomBase62 } from "../../kernel/index.js";
import type { Storage } from "../../storage/index.js";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import { Catalog } from "../catalog/index.js";
import { Ledger } from "../ledger/index.js";
import { type AllowanceSubscription, addMonths, allowanceMonth } from "./allowance-credits.js";
import { Credits } from "./credits-service.js";

const dayMs = 24 * 60 * 60 * 1000;
const start = new Date("2026-01-31T00:00:00.000Z").getTime();

function setup(storage: Storage) {
  const config = resolveConfig(
    {},
    {
      catalog: {
        credits: { tokens: { unit: "token" } },
        plans: {
          monthly: {
            name: "Monthly",
            price: { amountMinor: 1000, currency: "USD" },
            interval: "month",
            credits: { tokens: { amount: 100 } },
          },
          yearly: {
            name: "Yearly",
            price: { amountMinor: 10000, currency: "USD" },
            interval: "year",
            credits: { tokens: { amount: 100, rollover: true, rolloverCap: 30 } },
          },
        },
      },
    },
  );
  const clock = new ManualClock(new Date(start));
  const catalog = new Catalog(config.catalog);
  const credits = new Credits({
    access: storage,
    ledger: new Ledger(storage, clock),
    clock,
    catalog,
    settings: config.credits,
  });
  return { credits, clock, catalog };
}

describe("allowance months", () => {
  it("counts calendar months from the period start, clamping to the month's last day", () => {
    expect(new Date(addMonths(start, 1)).toISOString()).toBe("2026-02-28T00:00:00.000Z");
    const yearly: AllowanceSubscription = {
      providerSubscriptionId: "s",
      customerId: "c",
      status: "active",
      currentPeriodStartMs: start,
      currentPeriodEndMs: addMonths(start, 12),
    };
    expect(allowanceMonth(yearly, start + 70 * dayMs)).toEqual({
      startMs: addMonths(start, 2),
      endMs: addMonths(start, 3),
    });
    expect(allowanceMonth(yearly, addMonths(start, 12))).toBeNull();
  });
});

describeEachDialect("plan allowances", (fixture) => {
  let world: ReturnType<typeof setup>;
  beforeAll(() => {
    world = setup(fixture.storage());
  });
  const apply = (plan: string, subscription: AllowanceSubscription) =>
    fixture
      .storage()
      .transaction((stores) =>
        world.credits.applySubscriptionWithin(stores, world.catalog.find(plan), subscription),
      );
  const subscriptionOf = (customerId: string, months: number): AllowanceSubscription => ({
    providerSubscriptionId: `sub_${customerId}`,
    customerId,
    status: "active",
    currentPeriodStartMs: world.clock.now().getTime(),
    currentPeriodEndMs: addMonths(world.clock.now().getTime(), months),
  });

  it("grants a monthly allowance once per month; without rollover it lapses at the month's end", async () => {
    const customerId = `a_${randomBase62(8)}`;
    world.clock.set(new Date(start));
    const subscription = subscriptionOf(customerId, 1);
    expect(await apply("monthly", subscription)).toBe(1);
    expect(await apply("monthly", subscription)).toBe(0);
    await world.credits.spend({ customerId, type: "tokens", amount: 40, idempotencyKey: "s" });
    world.clock.set(new Date(subscription.currentPeriodEndMs!));
    expect((await world.credits.balance(customerId, "tokens")).available).toBe(0);
    const renewed = {
      ...subscription,
      currentPeriodStartMs: subscription.currentPeriodEndMs!,
      currentPeriodEndMs: addMonths(subscription.currentPeriodEndMs!, 1),
    };
    expect(await apply("monthly", renewed)).toBe(1);
    expect((await world.credits.balance(customerId, "tokens")).available).toBe(100);
  });

  it("allocates monthly on a yearly plan, rolling over at most the cap", async () => {
    const customerId = `a_${randomBase62(8)}`;
    world.clock.set(new Date(start));
    const subscription = subscriptionOf(customerId, 12);
    await apply("yearly", subscription);
    await world.credits.spend({ customerId, type: "tokens", amount: 10, idempotencyKey: "s" });
    world.clock.set(new Date(addMonths(start, 1) + dayMs));
    expect(await apply("yearly", subscription)).toBe(1);
    // 90 left of month one, capped to 30, plus month two's 100.
    expect((await world.credits.balance(customerId, "tokens")).available).toBe(130);
    const history = await world.credits.history({ customerId, type: "tokens" });
    expect(history.items.map((item) => [item.action, item.amount])).toEqual([
      ["grant", 100],
      ["expire", -60],
      ["spend", -10],
      ["grant", 100],
    ]);
  });
});
