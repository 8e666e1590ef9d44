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
    settings: { refundOnFailure: true },
  },
);

describeEachDialect("credits over HTTP", (fixture) => {
  let app: ReturnType<typeof createHttpApp>;
  let adminKey: string;
  let serverKey: string;
  let customerId: string;
  const call = async (method: string, path: string, body?: unknown, key = serverKey) => {
    const response = await app.request(
      path,
      authorized(key, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }),
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const grant = (amount: number, key = adminKey) =>
    call(
      "POST",
      "/v1/credits/grants",
      { customerId, type: "images", amount, idempotencyKey: `g${amount}` },
      key,
    );

  beforeAll(async () => {
    const billhook = createBillhook({ storage: fixture.storage(), clock: new ManualClock(), config });
    app = createHttpApp(billhook);
    adminKey = (await billhook.apiKeys.create({ scope: "admin", name: "admin" })).secret;
    serverKey = (await billhook.apiKeys.create({ scope: "server", name: "server" })).secret;
  });

  it("grants with an admin key only", async () => {
    customerId = `h_${randomBase62(8)}`;
    expect((await grant(10, serverKey)).status).toBe(403);
    expect(await grant(10)).toMatchObject({ status: 201, body: { balance: 10, replayed: false } });
    expect(await grant(10)).toMatchObject({ status: 201, body: { balance: 10, replayed: true } });
  });

  it("reserves, fails and refunds a job: the balance ends where it started", async () => {
    customerId = `h_${randomBase62(8)}`;
    await grant(20);
    const hold = await call("POST", "/v1/credits/holds", {
      customerId,
      type: "images",
      amount: 8,
      idempotencyKey: "job",
    });
    expect(hold).toMatchObject({ status: 201, body: { status: "held", balance: 12 } });
    const id = hold.body.id as string;
    expect(await call("GET", `/v1/customers/${customerId}/credits`)).toMatchObject({
      body: { items: [{ type: "images", unit: "image", available: 12, held: 8 }] },
    });
    expect(await call("POST", `/v1/credits/holds/${id}/commit`, { amount: 8 })).toMatchObject({
      status: 200,
      body: { status: "committed", balance: 12 },
    });
    expect(await call("POST", `/v1/credits/holds/${id}/fail`)).toMatchObject({
      body: { status: "refunded", balance: 20 },
    });
    expect(await call("POST", `/v1/credits/holds/${id}/fail`)).toMatchObject({
      body: { status: "refunded", balance: 20 },
    });
  });

  it("commits less than held and returns the rest", async () => {
    customerId = `h_${randomBase62(8)}`;
    await grant(20);
    const hold = await call("POST", "/v1/credits/holds", {
      customerId,
      type: "images",
      amount: 10,
      idempotencyKey: "job",
    });
    const committed = await call("POST", `/v1/credits/holds/${hold.body.id}/commit`, { amount: 3 });
    expect(committed.body).toMatchObject({ amountCommitted: 3, balance: 17 });
    expect(await call("POST", `/v1/credits/holds/${hold.body.id}/release`)).toMatchObject({
      status: 409,
      body: { code: "HOLD_NOT_ACTIVE" },
    });
  });

  it("answers check for a credit-backed feature by comparing units to the available balance", async () => {
    customerId = `h_${randomBase62(8)}`;
    await grant(5);
    const check = (units: number) =>
      call("GET", `/v1/entitlements/check?customerId=${customerId}&feature=generate&units=${units}`);
    expect((await check(5)).body).toMatchObject({ allowed: true, code: "ALLOWED", balance: 5 });
    expect((await check(6)).body).toMatchObject({ allowed: false, code: "INSUFFICIENT_CREDITS", balance: 5 });
  });

  it("refuses malformed spends with 422 and unknown types with 404", async () => {
    customerId = `h_${randomBase62(8)}`;
    const bad = await call("POST", "/v1/credits/spend", {
      customerId,
      type: "images",
      amount: -1,
      idempotencyKey: "k",
    });
    expect(bad.status).toBe(422);
    const unknown = await call("POST", "/v1/credits/spend", {
      customerId,
      type: "gold",
      amount: 1,
      idempotencyKey: "k",
    });
    expect(unknown).toMatchObject({ status: 404, body: { code: "UNKNOWN_CREDIT_TYPE" } });
  });
});
