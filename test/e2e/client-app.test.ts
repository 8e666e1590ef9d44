import { afterAll, beforeAll, expect, it } from "vitest";
import { type ClientApp, startClientApp } from "../../examples/client-app/app.js";
import { type PolarHarness, startPolarHarness } from "../../src/testing/polar-harness.js";
import { conformanceCatalog } from "../../src/testing/provider-harness.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";

let sequence = 0;
const customer = () => `app_user_${Date.now().toString(36)}_${sequence++}`;

describeEachDialect("an app built on billhook/client, end to end through Polar", (fixture) => {
  let harness: PolarHarness;
  let app: ClientApp;

  /** What the worker does every second: fan events out and deliver them. */
  const deliver = () => harness.billhook.outbound.dispatcher.run();
  const pay = async (customerId: string, product: string) => {
    const paid = await harness.payHosted(await app.checkoutUrl(customerId, product), "4242424242424242");
    expect(paid.status).toBe(303);
    await harness.settle();
    await deliver();
  };

  beforeAll(async () => {
    harness = await startPolarHarness(fixture.storage(), {
      catalog: { ...conformanceCatalog.catalog, meters: { api_calls: { event: "api.request" } } },
      settings: { creditsLowBalance: 20 },
    });
    expect((await harness.api("/v1/catalog/push", { method: "POST" })).status).toBe(200);
    app = await startClientApp({
      billhookUrl: harness.server.url,
      serverKey: harness.serverKey,
      adminKey: harness.adminKey,
    });
    const endpoint = await app.registerWebhooks();
    expect(endpoint.secret).toMatch(/^whsec_/);
  });
  afterAll(async () => {
    await app?.close();
    await harness?.close();
  });

  it("buys on the hosted checkout, then check allows and the app hears entitlements.changed", async () => {
    const customerId = customer();
    expect(await app.can(customerId, "reports")).toMatchObject({ allowed: false, source: "billhook" });

    await pay(customerId, "reports_pack");

    expect(await app.can(customerId, "reports")).toMatchObject({ allowed: true, source: "billhook" });
    const [changed] = app.eventsOf(customerId, "entitlements.changed");
    expect(changed?.data).toMatchObject({ customerId, added: ["reports"], removed: [] });
    expect(app.eventsOf(customerId, "order.paid")).toHaveLength(1);
  });

  it("tracks usage, spends a credit pack down and hears credits.low once, then credits.depleted", async () => {
    const customerId = customer();
    await pay(customerId, "images_100");
    expect(await app.track(customerId, "api.request")).toEqual({ inserted: 1, duplicates: 0 });

    expect(await app.spend(customerId, "images", 70, "job_1")).toMatchObject({ balance: 30 });
    expect(await app.spend(customerId, "images", 15, "job_2")).toMatchObject({ balance: 15 });
    expect(await app.spend(customerId, "images", 5, "job_3")).toMatchObject({ balance: 10 });
    await deliver();
    const low = app.eventsOf(customerId, "credits.low");
    expect(low.map((event) => event.data)).toEqual([
      { customerId, type: "images", balance: 15, threshold: 20 },
    ]);

    await app.spend(customerId, "images", 10, "job_4");
    await deliver();
    expect(app.eventsOf(customerId).map((event) => event.type)).toEqual([
      "order.paid",
      "credits.low",
      "credits.depleted",
    ]);
  });
});
