import { beforeAll, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/index.js";
import { createBillhook } from "../../src/engine.js";
import { createHttpApp } from "../../src/http/app.js";
import { ManualClock, randomBase62 } from "../../src/kernel/index.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";
import { authorized } from "../../src/testing/test-engine.js";

const config = resolveConfig(
  {},
  {
    catalog: {
      features: { generate: { type: "credits", creditType: "images" } },
      credits: { images: { unit: "image" } },
    },
    settings: { refundOnFailure: false, platformFeeBps: 500 },
  },
);

describeEachDialect("runtime settings over HTTP", (fixture) => {
  const clock = new ManualClock();
  let app: ReturnType<typeof createHttpApp>;
  let otherInstance: ReturnType<typeof createHttpApp>;
  let adminKey: string;
  let serverKey: string;
  const call = async (method: string, path: string, body?: unknown, key = adminKey, on = app) => {
    const response = await on.request(
      path,
      authorized(key, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }),
    );
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    const billhook = createBillhook({ storage: fixture.storage(), clock, config });
    app = createHttpApp(billhook);
    otherInstance = createHttpApp(createBillhook({ storage: fixture.openAnother(), clock, config }));
    adminKey = (await billhook.apiKeys.create({ scope: "admin", name: "admin" })).secret;
    serverKey = (await billhook.apiKeys.create({ scope: "server", name: "server" })).secret;
  });

  it("starts from the configured defaults, and only admin keys may read or change them", async () => {
    const read = await call("GET", "/v1/settings");
    expect(read).toMatchObject({
      status: 200,
      body: {
        values: { platformFeeBps: 500, refundOnFailure: false, pastDueGraceDays: 3, creditsLowBalance: 10 },
        overrides: [],
      },
    });
    expect((await call("GET", "/v1/settings", undefined, serverKey)).status).toBe(403);
    expect((await call("PATCH", "/v1/settings", { platformFeeBps: 1 }, serverKey)).status).toBe(403);
    expect((await call("GET", "/v1/settings")).body.values.platformFeeBps).toBe(500);
  });

  it("refuses a bad patch as a whole and changes nothing", async () => {
    const before = (await call("GET", "/v1/settings")).body;
    const decreasing = await call("PATCH", "/v1/settings", {
      platformFeeBps: 700,
      usageThresholds: { warningPercent: 90, criticalPercent: 80, exceededPercent: 100 },
    });
    expect(decreasing.status).toBe(422);
    expect(decreasing.body.code).toBe("VALIDATION_FAILED");
    expect((await call("PATCH", "/v1/settings", { platformFeeBps: 10_001 })).status).toBe(422);
    expect((await call("PATCH", "/v1/settings", { noSuchSetting: true })).status).toBe(422);
    expect((await call("GET", "/v1/settings")).body).toEqual(before);
  });

  it("a change takes effect: refund on failure turns on for the next failed job", async () => {
    const customerId = `s_${randomBase62(8)}`;
    await call("POST", "/v1/credits/grants", { customerId, type: "images", amount: 20, idempotencyKey: "g" });
    const job = async (key: string) => {
      const hold = await call(
        "POST",
        "/v1/credits/holds",
        { customerId, type: "images", amount: 5, idempotencyKey: key },
        serverKey,
      );
      const id = hold.body.id as string;
      await call("POST", `/v1/credits/holds/${id}/commit`, { amount: 5 }, serverKey);
      return (await call("POST", `/v1/credits/holds/${id}/fail`, undefined, serverKey)).body;
    };
    expect(await job("before")).toMatchObject({ status: "committed", balance: 15 });

    const changed = await call("PATCH", "/v1/settings", { refundOnFailure: true });
    expect(changed.status).toBe(200);
    expect(changed.body.values.refundOnFailure).toBe(true);
    expect(changed.body.overrides).toEqual([
      expect.objectContaining({ key: "refundOnFailure", updatedBy: expect.stringMatching(/^api_key:/) }),
    ]);
    expect(await job("after")).toMatchObject({ status: "refunded", balance: 15 });
  });

  it("the default hold expiry follows the setting", async () => {
    const customerId = `s_${randomBase62(8)}`;
    await call("POST", "/v1/credits/grants", { customerId, type: "images", amount: 5, idempotencyKey: "g" });
    expect((await call("PATCH", "/v1/settings", { creditHoldTtlSeconds: 60 })).status).toBe(200);
    const hold = await call(
      "POST",
      "/v1/credits/holds",
      { customerId, type: "images", amount: 1, idempotencyKey: "short" },
      serverKey,
    );
    expect(hold.status).toBe(201);
    expect(Date.parse(hold.body.expiresAt) - clock.now().getTime()).toBe(60_000);
    await call("PATCH", "/v1/settings", { creditHoldTtlSeconds: null });
  });

  it("another instance sees the change once its cache expires, and null resets to the default", async () => {
    await call("PATCH", "/v1/settings", { platformFeeBps: 1_250 });
    clock.advance(2_001);
    expect(
      (await call("GET", "/v1/settings", undefined, adminKey, otherInstance)).body.values.platformFeeBps,
    ).toBe(1_250);

    await call("PATCH", "/v1/settings", { platformFeeBps: null, refundOnFailure: null });
    clock.advance(2_001);
    const reset = (await call("GET", "/v1/settings", undefined, adminKey, otherInstance)).body;
    expect(reset.values).toMatchObject({ platformFeeBps: 500, refundOnFailure: false });
    expect(reset.overrides).toEqual([]);
  });
});
