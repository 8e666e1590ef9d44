import { beforeAll, expect, it } from "vitest";
import { resolveConfig } from "../../config/index.js";
import { type Billhook, createBillhook } from "../../engine.js";
import { ManualClock, randomBase62, ValidationError } from "../../kernel/index.js";
import { proSubscription } from "../../testing/billing-fixtures.js";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import type { UsageEventInput } from "./usage-types.js";

const config = resolveConfig(
  {},
  {
    catalog: {
      meters: {
        api_calls: { event: "api.request" },
        tokens: { event: "llm.completion", aggregation: "sum", property: "tokens", reset: "subscription" },
        peak_seats: { event: "seats.changed", aggregation: "max", property: "value" },
        active_users: { event: "api.request", aggregation: "unique", property: "userId" },
      },
      features: { api: { type: "metered", meter: "api_calls" } },
      plans: {
        pro: {
          name: "Pro",
          price: { amountMinor: 1000, currency: "USD" },
          interval: "month",
          features: ["api"],
          limits: { api_calls: { limit: 10 }, tokens: { limit: 1000, overage: "allow_overage" } },
        },
      },
    },
  },
);

describeEachDialect("usage", (fixture) => {
  let billhook: Billhook;
  const clock = new ManualClock(new Date("2026-03-10T12:00:00Z"));
  const customer = () => `u_${randomBase62(8)}`;
  const subscribe = (customerId: string, startAt: Date) =>
    fixture
      .storage()
      .transaction((stores) =>
        billhook.billing.apply(
          stores,
          "polar",
          proSubscription(customerId, startAt, { modifiedAt: clock.now() }),
        ),
      );

  beforeAll(() => {
    billhook = createBillhook({ storage: fixture.storage(), clock, config });
  });

  it("stores each key once and reports duplicates, within a batch and across batches", async () => {
    const customerId = customer();
    const call = (key: string): UsageEventInput => ({
      customerId,
      event: "api.request",
      idempotencyKey: key,
    });
    expect(await billhook.usage.ingest([call("a"), call("b"), call("a")])).toEqual({
      inserted: 2,
      duplicates: 1,
    });
    expect(await billhook.usage.ingest([call("b"), call("c")])).toEqual({ inserted: 1, duplicates: 1 });
    expect((await billhook.usage.quota(customerId, "api_calls")).used).toBe(3);
  });

  it("refuses a batch with one bad event whole, naming its index", async () => {
    const customerId = customer();
    const future = new Date(clock.now().getTime() + 3_600_000).toISOString();
    const error = await billhook.usage
      .ingest([
        { customerId, event: "api.request", idempotencyKey: "ok" },
        { customerId, event: "api.request", idempotencyKey: "late", timestamp: future },
      ])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(["events.1.timestamp"]);
    expect((await billhook.usage.quota(customerId, "api_calls")).used).toBe(0);
  });

  it("aggregates count, sum, max and unique within the period only", async () => {
    const customerId = customer();
    const lastMonth = "2026-02-27T00:00:00Z";
    await billhook.usage.ingest([
      { customerId, event: "api.request", idempotencyKey: "1", properties: { userId: "a" } },
      { customerId, event: "api.request", idempotencyKey: "2", properties: { userId: "b" } },
      { customerId, event: "api.request", idempotencyKey: "3", properties: { userId: "a" } },
      { customerId, event: "api.request", idempotencyKey: "old", timestamp: lastMonth },
      { customerId, event: "seats.changed", idempotencyKey: "s1", value: 4 },
      { customerId, event: "seats.changed", idempotencyKey: "s2", value: 9 },
      { customerId, event: "seats.changed", idempotencyKey: "s3", value: 2 },
      { customerId, event: "llm.completion", idempotencyKey: "t1", properties: { tokens: 300 } },
      { customerId, event: "llm.completion", idempotencyKey: "t2", properties: { tokens: 250 } },
    ]);
    const used = async (meter: string) => (await billhook.usage.quota(customerId, meter)).used;
    expect([
      await used("api_calls"),
      await used("active_users"),
      await used("peak_seats"),
      await used("tokens"),
    ]).toEqual([3, 2, 9, 550]);
  });

  it("keeps exact totals under concurrent batches with 5 % duplicate keys", async () => {
    const customerId = customer();
    const events = Array.from({ length: 400 }, (_, index) => ({
      customerId,
      event: "llm.completion",
      idempotencyKey: `e${index % 20 === 19 ? index - 1 : index}`,
      properties: { tokens: (index % 20 === 19 ? index - 1 : index) + 1 },
    }));
    const unique = new Map(events.map((event) => [event.idempotencyKey, event.properties.tokens]));
    const batches = Array.from({ length: 16 }, (_, index) => events.slice(index * 25, index * 25 + 25));
    // Every batch twice, concurrently, in different orders: each key must still count once.
    const results = await Promise.all(
      [...batches, ...[...batches].reverse()].map((batch) => billhook.usage.ingest(batch)),
    );
    expect(results.reduce((sum, result) => sum + result.inserted, 0)).toBe(unique.size);
    expect(results.reduce((sum, result) => sum + result.inserted + result.duplicates, 0)).toBe(800);
    const expected = [...unique.values()].reduce((sum, tokens) => sum + tokens, 0);
    expect((await billhook.usage.quota(customerId, "tokens")).used).toBe(expected);
  });

  it("checks a metered feature against the plan's limit until the period resets", async () => {
    const customerId = customer();
    await subscribe(customerId, clock.now());
    const events = Array.from({ length: 9 }, (_, index) => ({
      customerId,
      event: "api.request",
      idempotencyKey: `${index}`,
    }));
    await billhook.usage.ingest(events);
    expect(await billhook.entitlements.checkUnits({ customerId, feature: "api" })).toMatchObject({
      allowed: true,
      used: 9,
      limit: 10,
      remaining: 1,
      resetsAt: "2026-04-01T00:00:00.000Z",
    });
    expect(await billhook.entitlements.checkUnits({ customerId, feature: "api", units: 2 })).toMatchObject({
      allowed: false,
      code: "QUOTA_EXCEEDED",
    });
    expect(await billhook.usage.status(customerId)).toContainEqual(
      expect.objectContaining({
        meter: "api_calls",
        consumed: 9,
        credited: 10,
        percentUsed: 90,
        status: "warning",
      }),
    );
    const tokens = (await billhook.usage.status(customerId)).find((item) => item.meter === "tokens");
    expect(tokens).toMatchObject({ overage: "allow_overage", resetsAt: "2026-04-09T12:00:00.000Z" });
  });
});
