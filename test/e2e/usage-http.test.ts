import { OpenAPIHono } from "@hono/zod-openapi";
import { beforeAll, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/index.js";
import { type Billhook, createBillhook } from "../../src/engine.js";
import { createHttpApp } from "../../src/http/app.js";
import { requireFeature } from "../../src/http/require-feature.js";
import { ManualClock, randomBase62 } from "../../src/kernel/index.js";
import { proSubscription } from "../../src/testing/billing-fixtures.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";
import { authorized } from "../../src/testing/test-engine.js";

const config = resolveConfig(
  {},
  {
    catalog: {
      meters: { api_calls: { event: "api.request", filter: { billable: true } } },
      features: { api: { type: "metered", meter: "api_calls" } },
      plans: {
        pro: {
          name: "Pro",
          price: { amountMinor: 1000, currency: "USD" },
          interval: "month",
          features: ["api"],
          limits: { api_calls: { limit: 5, overage: "block" } },
        },
      },
    },
  },
);

describeEachDialect("usage over HTTP", (fixture) => {
  let billhook: Billhook;
  let app: ReturnType<typeof createHttpApp>;
  let serverKey: string;
  const clock = new ManualClock(new Date("2026-05-20T09:00:00Z"));
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await app.request(
      path,
      authorized(serverKey, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }),
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const event = (customerId: string, key: string) => ({
    customerId,
    event: "api.request",
    properties: { billable: true },
    idempotencyKey: key,
  });

  beforeAll(async () => {
    billhook = createBillhook({ storage: fixture.storage(), clock, config });
    app = createHttpApp(billhook);
    serverKey = (await billhook.apiKeys.create({ scope: "server", name: "server" })).secret;
  });

  it("takes one event or a batch and reports inserted and duplicates", async () => {
    const customerId = `c_${randomBase62(8)}`;
    expect(await call("POST", "/v1/usage", event(customerId, "a"))).toEqual({
      status: 200,
      body: { inserted: 1, duplicates: 0 },
    });
    const batch = { events: [event(customerId, "a"), event(customerId, "b"), event(customerId, "c")] };
    expect(await call("POST", "/v1/usage", batch)).toEqual({
      status: 200,
      body: { inserted: 2, duplicates: 1 },
    });
  });

  it("refuses a bad batch whole and names the event's index", async () => {
    const customerId = `c_${randomBase62(8)}`;
    const answer = await call("POST", "/v1/usage", {
      events: [event(customerId, "a"), { ...event(customerId, "b"), value: "many" }],
    });
    expect(answer.status).toBe(422);
    expect(JSON.stringify(answer.body.issues)).toContain("json.events.1.value");
    const tooMany = Array.from({ length: 1001 }, (_, index) => event(customerId, `k${index}`));
    expect((await call("POST", "/v1/usage", { events: tooMany })).status).toBe(422);
    const status = await call("GET", `/v1/customers/${customerId}/usage`);
    expect(status.body.items).toEqual([expect.objectContaining({ meter: "api_calls", consumed: 0 })]);
  });

  it("blocks with 402 QUOTA_EXCEEDED at the limit and allows again once the month resets", async () => {
    const customerId = `c_${randomBase62(8)}`;
    await fixture
      .storage()
      .transaction((stores) =>
        billhook.billing.apply(
          stores,
          "polar",
          proSubscription(customerId, clock.now(), { currentPeriodEnd: null }),
        ),
      );
    const guarded = new OpenAPIHono();
    guarded.get("/api", requireFeature(billhook, "api", { customerId: () => customerId }), (c) =>
      c.text("ok"),
    );

    const events = Array.from({ length: 5 }, (_, index) => event(customerId, `r${index}`));
    await call("POST", "/v1/usage", { events });
    const status = await call("GET", `/v1/customers/${customerId}/usage`);
    expect(status.body.items).toEqual([
      expect.objectContaining({
        consumed: 5,
        credited: 5,
        remaining: 0,
        percentUsed: 100,
        status: "exceeded",
      }),
    ]);
    const check = await call("GET", `/v1/entitlements/check?customerId=${customerId}&feature=api`);
    expect(check.body).toMatchObject({ allowed: false, code: "QUOTA_EXCEEDED", remaining: 0, limit: 5 });

    const denied = await guarded.request("/api");
    expect(denied.status).toBe(402);
    expect(await denied.json()).toMatchObject({
      code: "QUOTA_EXCEEDED",
      used: 5,
      remaining: 0,
      resetsAt: "2026-06-01T00:00:00.000Z",
    });

    clock.set(new Date("2026-06-01T00:00:00Z"));
    expect((await guarded.request("/api")).status).toBe(200);
    clock.set(new Date("2026-05-20T09:00:00Z"));
  });

  it("documents both routes in the OpenAPI document", async () => {
    const document = (await (await app.request("/openapi.json")).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(["/v1/usage", "/v1/customers/{customerId}/usage"]),
    );
  });
});
