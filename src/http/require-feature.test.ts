import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../config/index.js";
import { createBillhook } from "../engine.js";
import { ManualClock } from "../kernel/index.js";
import { openStorage } from "../storage/open-storage.js";
import { proSubscription } from "../testing/billing-fixtures.js";
import { testCatalog } from "../testing/polar-harness.js";
import { requireFeature } from "./require-feature.js";

describe("requireFeature middleware", () => {
  it("lets an entitled customer through and answers 403 with an upgrade hint otherwise", async () => {
    const storage = openStorage({ databaseUrl: ":memory:" });
    await storage.migrate();
    const clock = new ManualClock();
    const billhook = createBillhook({
      storage,
      clock,
      config: resolveConfig(
        {},
        { ...testCatalog, settings: { upgradeUrl: "https://app.example.com/pricing?f={feature}" } },
      ),
    });
    await storage.transaction((stores) =>
      billhook.billing.apply(stores, "polar", proSubscription("alice", clock.now())),
    );
    const app = new Hono().get(
      "/export",
      requireFeature(billhook, "export", { customerId: (c) => c.req.header("x-user") }),
      (c) => c.text("exported"),
    );

    const allowed = await app.request("/export", { headers: { "x-user": "alice" } });
    expect(await allowed.text()).toBe("exported");

    await storage.transaction((stores) =>
      billhook.billing.apply(
        stores,
        "polar",
        proSubscription("carol", new Date(clock.now().getTime() - 40 * 86_400_000), {
          status: "past_due",
          pastDueAt: new Date(clock.now().getTime() - 9 * 86_400_000),
          modifiedAt: clock.now(),
        }),
      ),
    );
    const overdue = await app.request("/export", { headers: { "x-user": "carol" } });
    expect(overdue.status).toBe(402);
    expect(await overdue.json()).toMatchObject({ code: "PAYMENT_REQUIRED" });

    const denied = await app.request("/export", { headers: { "x-user": "bob" } });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({
      code: "SUBSCRIPTION_REQUIRED",
      upgradeProduct: "pro",
      upgradeUrl: "https://app.example.com/pricing?f=export",
    });
  });
});
