import { afterAll, beforeAll, expect, it } from "vitest";
import { signWebhook } from "../../src/emulators/polar/index.js";
import { type PolarHarness, startPolarHarness } from "../../src/testing/polar-harness.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";

let sequence = 0;
const customer = () => `user_${Date.now().toString(36)}_${sequence++}`;

async function buy(harness: PolarHarness, customerId: string, product: string) {
  const response = await harness.api("/v1/checkouts", {
    method: "POST",
    key: harness.serverKey,
    json: {
      customerId,
      product,
      successUrl: "https://app.example.com/thanks",
      email: `${customerId}@example.com`,
    },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  await harness.payHosted(((await response.json()) as { url: string }).url, "4242424242424242");
  await harness.settle();
}

async function declineFutureCharges(harness: PolarHarness, customerId: string) {
  const polarCustomer = await harness.polar.customers.getExternal({ externalId: customerId });
  const response = await fetch(`${harness.emulator.url}/_emulator/customers/${polarCustomer.id}/card`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ card: "4000000000000002" }),
  });
  expect(response.status).toBe(200);
}

/** Everything that decides what a customer may do, to compare runs with and without faults. */
async function stateOf(harness: PolarHarness, customerId: string) {
  return {
    export: (await harness.check(customerId, "export")).allowed,
    reports: (await harness.check(customerId, "reports")).allowed,
  };
}

describeEachDialect("billing on Polar under failure", (fixture) => {
  let harness: PolarHarness;
  beforeAll(async () => {
    harness = await startPolarHarness(fixture.storage(), { settings: { pastDueGraceDays: 0 } });
    await harness.api("/v1/catalog/push", { method: "POST" });
  });
  afterAll(() => harness?.close());

  it("renews a plan, and on a declining card goes past due (no grace) and is revoked after the retries", async () => {
    const customerId = customer();
    await buy(harness, customerId, "pro");
    await harness.advanceDays(31);
    expect((await harness.check(customerId, "export")).allowed).toBe(true);

    await declineFutureCharges(harness, customerId);
    await harness.advanceDays(31);
    const [subscription] = await harness.billhook.storage.read((stores) =>
      stores.billing.listSubscriptionsOf(customerId),
    );
    expect(subscription?.status).toBe("past_due");
    expect(await harness.check(customerId, "export")).toMatchObject({
      allowed: false,
      code: "PAYMENT_REQUIRED",
    });

    await harness.advanceDays(25);
    const [revoked] = await harness.billhook.storage.read((stores) =>
      stores.billing.listSubscriptionsOf(customerId),
    );
    expect(revoked?.status).toBe("unpaid");
    expect(await harness.check(customerId, "export")).toMatchObject({
      allowed: false,
      code: "SUBSCRIPTION_REQUIRED",
    });
    expect((await harness.billhook.ledger.verify()).ok).toBe(true);
  });

  it("ends in the same state when every delivery is duplicated, reordered and delayed", async () => {
    const calm = customer();
    const stormy = customer();
    const revenue = { kind: "revenue", ownerId: "", currency: "USD" };
    await buy(harness, calm, "pro");
    await buy(harness, calm, "reports_pack");
    const before = await harness.billhook.ledger.balanceOf(revenue);

    await harness.faults({
      webhookDuplicateRate: 1,
      webhookReorderRate: 0.5,
      webhookDelayRate: 0.5,
      webhookDelayMs: 20,
    });
    try {
      await buy(harness, stormy, "pro");
      await buy(harness, stormy, "reports_pack");
    } finally {
      await harness.faults({ webhookDuplicateRate: 0, webhookReorderRate: 0, webhookDelayRate: 0 });
    }
    await harness.settle();

    expect(await stateOf(harness, stormy)).toEqual(await stateOf(harness, calm));
    expect(before - (await harness.billhook.ledger.balanceOf(revenue))).toBe(1200 + 4900);
    const { fired } = (await (await fetch(`${harness.emulator.url}/_emulator/faults`)).json()) as {
      fired: Record<string, number>;
    };
    expect(fired.webhookDuplicate).toBeGreaterThan(5);
    expect(fired.webhookReorder).toBeGreaterThan(0);
    expect((await harness.billhook.ledger.verify()).ok).toBe(true);
  });

  it("recovers what the inbox never received through the reconciler", async () => {
    const customerId = customer();
    await harness.faults({ webhookDropRate: 1 });
    try {
      await buy(harness, customerId, "pro");
    } finally {
      await harness.faults({ webhookDropRate: 0 });
    }
    expect((await harness.check(customerId, "export")).allowed).toBe(false);

    const report = await harness.api("/v1/reconcile", { method: "POST" });
    expect(report.status).toBe(200);
    expect((await report.json()).subscriptionsApplied).toBeGreaterThanOrEqual(1);
    expect((await harness.check(customerId, "export")).allowed).toBe(true);
    expect((await harness.billhook.ledger.verify()).ok).toBe(true);
  });

  it("refuses deliveries that do not verify, storing nothing, and acknowledges unknown types", async () => {
    const body = JSON.stringify({
      type: "discount.created",
      timestamp: new Date().toISOString(),
      data: { id: "d1" },
    });
    const nowSeconds = Math.floor(Date.now() / 1000);
    const sign = async (secret: string, id: string, at: number, payload = body) => ({
      "webhook-id": id,
      "webhook-timestamp": String(at),
      "webhook-signature": await signWebhook({ secret, id, timestampSeconds: at, payload }),
    });
    const post = (headers: Record<string, string>, payload = body) =>
      fetch(`${harness.server.url}/v1/webhooks/polar`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: payload,
      });
    const before = (await harness.billhook.webhooks.list({ limit: 200 })).length;

    const refused = [
      await post(await sign(harness.webhookSecret, "msg_tampered", nowSeconds), body.replace("d1", "d2")),
      await post(await sign("whsec_wrong", "msg_wrong", nowSeconds)),
      await post(await sign(harness.webhookSecret, "msg_stale", nowSeconds - 600)),
      await post(await sign(harness.webhookSecret, "msg_future", nowSeconds + 600)),
      await post({}),
    ];
    expect(refused.map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
    expect((await refused[0]!.json()).code).toBe("WEBHOOK_SIGNATURE_INVALID");
    expect((await harness.billhook.webhooks.list({ limit: 200 })).length).toBe(before);

    const accepted = await post(await sign(harness.webhookSecret, "msg_unknown_type", nowSeconds));
    expect(accepted.status).toBe(202);
    const again = await post(await sign(harness.webhookSecret, "msg_unknown_type", nowSeconds));
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    await harness.billhook.webhooks.drain();
    const [stored] = await harness.billhook.webhooks.list({ eventType: "discount.created", limit: 5 });
    expect(stored?.status).toBe("ignored");
  });
});
