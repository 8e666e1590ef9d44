import { afterAll, beforeAll, expect, it } from "vitest";
import { type PolarHarness, startPolarHarness } from "../../src/testing/polar-harness.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";

let sequence = 0;
const customer = () => `buyer_${Date.now().toString(36)}_${sequence++}`;

const creditCatalog = {
  features: { generate: { type: "credits", creditType: "images" } },
  credits: { images: { unit: "image" } },
  creditPacks: {
    images_100: {
      name: "100 images",
      creditType: "images",
      price: { amountMinor: 500, currency: "USD" },
      amount: 100,
    },
    images_any: {
      name: "Images, pay what you want",
      creditType: "images",
      payWhatYouWant: { currency: "USD", minimumMinor: 100, maximumMinor: 10_000, creditsPerMinor: 0.5 },
    },
  },
};

async function buyPack(harness: PolarHarness, customerId: string, product: string, amountMinor?: number) {
  const response = await harness.api("/v1/checkouts", {
    method: "POST",
    key: harness.serverKey,
    json: {
      customerId,
      product,
      successUrl: "https://app.example.com/thanks",
      email: `${customerId}@example.com`,
      ...(amountMinor !== undefined ? { amountMinor } : {}),
    },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const { url } = (await response.json()) as { url: string };
  const paid = await harness.payHosted(
    url,
    "4242424242424242",
    amountMinor ? String(amountMinor / 100) : undefined,
  );
  expect(paid.status).toBe(303);
  await harness.settle();
}

async function balanceOf(harness: PolarHarness, customerId: string) {
  const response = await harness.api(`/v1/customers/${customerId}/credits`, { key: harness.serverKey });
  const { items } = (await response.json()) as {
    items: Array<{ type: string; available: number; held: number }>;
  };
  return items.find((item) => item.type === "images")!;
}

function spend(harness: PolarHarness, customerId: string, amount: number, idempotencyKey: string) {
  return harness.api("/v1/credits/spend", {
    method: "POST",
    key: harness.serverKey,
    json: { customerId, type: "images", amount, idempotencyKey },
  });
}

describeEachDialect("credit packs through Polar, end to end", (fixture) => {
  let harness: PolarHarness;
  beforeAll(async () => {
    harness = await startPolarHarness(fixture.storage(), {
      catalog: creditCatalog,
      settings: { buyCreditsUrl: "https://app.example.com/credits?type={type}" },
    });
    expect((await harness.api("/v1/catalog/push", { method: "POST" })).status).toBe(200);
  });
  afterAll(() => harness?.close());

  it("raises the balance exactly once despite duplicated deliveries, then answers 402 with buyUrl at zero", async () => {
    const customerId = customer();
    await harness.faults({ webhookDuplicateRate: 1 });
    try {
      await buyPack(harness, customerId, "images_100");
    } finally {
      await harness.faults({ webhookDuplicateRate: 0 });
    }
    for (const delivery of await harness.billhook.webhooks.list({ limit: 500 })) {
      await harness.billhook.webhooks.replay({ id: delivery.id });
    }
    expect(await balanceOf(harness, customerId)).toMatchObject({ available: 100, held: 0 });

    expect((await spend(harness, customerId, 60, "a")).status).toBe(200);
    const last = await spend(harness, customerId, 40, "b");
    expect(await last.json()).toEqual({ balance: 0, replayed: false });
    const refused = await spend(harness, customerId, 1, "c");
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({
      code: "INSUFFICIENT_CREDITS",
      balance: 0,
      required: 1,
      buyUrl: "https://app.example.com/credits?type=images",
    });
    const check = await harness.api(
      `/v1/entitlements/check?customerId=${customerId}&feature=generate&units=1`,
      {
        key: harness.serverKey,
      },
    );
    expect(await check.json()).toMatchObject({ allowed: false, code: "INSUFFICIENT_CREDITS", balance: 0 });
  });

  it("claws back the unspent credits when the order is refunded at the provider", async () => {
    const customerId = customer();
    await buyPack(harness, customerId, "images_100");
    expect((await spend(harness, customerId, 30, "a")).status).toBe(200);
    const orders = await harness.polar.orders.list({ externalCustomerId: customerId });
    const order = orders.result.items[0]!;
    await harness.polar.refunds.create({
      orderId: order.id,
      reason: "customer_request",
      amount: order.netAmount,
    });
    await harness.settle();
    expect(await balanceOf(harness, customerId)).toMatchObject({ available: 0 });
    const history = await harness.api(`/v1/customers/${customerId}/credits/images/history`, {
      key: harness.serverKey,
    });
    const actions = ((await history.json()) as { items: Array<{ action: string; amount: number }> }).items;
    expect(actions.map((item) => [item.action, item.amount])).toEqual([
      ["claw_back", -70],
      ["spend", -30],
      ["grant", 100],
    ]);
    expect((await harness.billhook.ledger.verify()).ok).toBe(true);
  });

  it("grants a pay-what-you-want pack the amount paid × its rate", async () => {
    const customerId = customer();
    await buyPack(harness, customerId, "images_any", 1_000);
    expect(await balanceOf(harness, customerId)).toMatchObject({ available: 500 });
  });
});
