import { beforeAll, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/index.js";
import { type Billhook, createBillhook } from "../../src/engine.js";
import { createHttpApp } from "../../src/http/app.js";
import { ManualClock, randomBase62 } from "../../src/kernel/index.js";
import { proSubscription } from "../../src/testing/billing-fixtures.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";
import { authorized } from "../../src/testing/test-engine.js";

const config = resolveConfig(
  {},
  {
    catalog: {
      features: {
        generate: {
          rateLimits: [
            { limit: 3, window: "minute" },
            { limit: 5, window: "day" },
          ],
        },
      },
      plans: {
        pro: {
          name: "Pro",
          price: { amountMinor: 1000, currency: "USD" },
          interval: "month",
          features: ["generate"],
        },
      },
    },
  },
);

describeEachDialect("rate limits over HTTP", (fixture) => {
  let billhook: Billhook;
  let app: ReturnType<typeof createHttpApp>;
  let serverKey: string;
  const clock = new ManualClock(new Date("2026-05-20T09:00:00Z"));
  const check = (customerId: string) =>
    app.request(`/v1/entitlements/check?customerId=${customerId}&feature=generate`, authorized(serverKey));
  const subscribe = (customerId: string) =>
    fixture
      .storage()
      .transaction((stores) =>
        billhook.billing.apply(stores, "polar", proSubscription(customerId, clock.now())),
      );

  beforeAll(async () => {
    billhook = createBillhook({ storage: fixture.storage(), clock, config });
    app = createHttpApp(billhook);
    serverKey = (await billhook.apiKeys.create({ scope: "server", name: "server" })).secret;
  });

  it("answers allowed checks with RateLimit headers, then 429 RATE_LIMITED with Retry-After", async () => {
    const customerId = `c_${randomBase62(8)}`;
    await subscribe(customerId);
    const first = await check(customerId);
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-policy")).toBe("3;w=60, 5;w=86400");
    expect(first.headers.get("ratelimit-limit")).toBe("3");
    expect(first.headers.get("ratelimit-remaining")).toBe("2");
    await check(customerId);
    await check(customerId);
    const refused = await check(customerId);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(await refused.json()).toMatchObject({
      code: "RATE_LIMITED",
      status: 429,
      retryAfterSeconds: retryAfter,
    });

    // Past Retry-After the minute window has room again, until the day's 5 are spent.
    clock.advance(retryAfter * 1000);
    expect((await check(customerId)).status).toBe(200);
    clock.advance(120_000);
    expect((await check(customerId)).status).toBe(200);
    clock.advance(120_000);
    const daily = await check(customerId);
    expect(daily.status).toBe(429);
    expect(daily.headers.get("ratelimit-limit")).toBe("5");
  });

  it("does not count refused checks: a customer without access never uses up the rate", async () => {
    const customerId = `c_${randomBase62(8)}`;
    for (let index = 0; index < 5; index++) {
      const answer = await check(customerId);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ allowed: false, code: "SUBSCRIPTION_REQUIRED" });
    }
    await subscribe(customerId);
    expect((await check(customerId)).headers.get("ratelimit-remaining")).toBe("2");
  });

  it("keeps each customer's rate apart", async () => {
    const [a, b] = [`c_${randomBase62(8)}`, `c_${randomBase62(8)}`];
    await subscribe(a);
    await subscribe(b);
    for (let index = 0; index < 3; index++) await check(a);
    expect((await check(a)).status).toBe(429);
    expect((await check(b)).status).toBe(200);
  });
});
