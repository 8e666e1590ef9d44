import { afterAll, beforeAll, expect, it } from "vitest";
import { completeEmulatorOnboarding } from "../../src/testing/marketplace-fixtures.js";
import { type StripeDriver, startStripeDriver } from "../../src/testing/provider-drivers.js";
import { type ProviderHarness, startProviderHarness } from "../../src/testing/provider-harness.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";

interface Dashboard {
  totals: Array<{ currency: string; pendingMinor: number; availableMinor: number; paidMinor: number }>;
  charges: Array<{
    providerPaymentId: string;
    grossMinor: number;
    sellerNetMinor: number;
    disputedMinor: number;
    status: string;
  }>;
}

describeEachDialect("disputes on a creator marketplace through the Stripe emulator (issue #8)", (fixture) => {
  let harness: ProviderHarness<StripeDriver>;
  let sequence = 0;
  const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${sequence++}`;

  beforeAll(async () => {
    harness = await startProviderHarness(fixture.storage(), await startStripeDriver("disputes"), {
      marketplace: {},
      settings: { platformFeeBps: 1000, sellerSettlementDelayDays: 7 },
    });
    // Every delivery twice, some overtaken: a dispute may well arrive before the charge it disputes.
    await harness.driver.setFaults({ webhookDuplicateRate: 1, webhookReorderRate: 0.3 });
  });
  afterAll(() => harness?.close());

  const control = async (path: string, body: unknown = {}) => {
    const response = await fetch(`${harness.driver.emulatorUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return response.json() as Promise<{ id: string; status: string }>;
  };
  const dashboard = async (sellerId: string): Promise<Dashboard> =>
    (await harness.api(`/v1/sellers/${sellerId}/dashboard`, { key: harness.serverKey })).json();
  const usd = (board: Dashboard) => board.totals.find((row) => row.currency === "USD")!;

  async function onboardedSeller(): Promise<string> {
    const externalId = unique("creator");
    const created = await harness.api("/v1/sellers", {
      method: "POST",
      key: harness.serverKey,
      json: { externalId, email: `${externalId}@example.com`, country: "US" },
    });
    expect(created.status).toBe(201);
    const { seller, onboardingUrl } = (await created.json()) as {
      seller: { id: string };
      onboardingUrl: string;
    };
    const submitted = await completeEmulatorOnboarding(onboardingUrl);
    expect(submitted.status).toBe(303);
    await harness.settle();
    return seller.id;
  }

  async function tip(sellerId: string, amountMinor: number, card: string): Promise<string> {
    const checkout = await harness.api(`/v1/sellers/${sellerId}/tips/checkout`, {
      method: "POST",
      key: harness.serverKey,
      json: {
        customerId: unique("viewer"),
        amountMinor,
        currency: "USD",
        successUrl: "https://app.example.com/thanks",
      },
    });
    expect(checkout.status).toBe(201);
    const { id, url } = (await checkout.json()) as { id: string; url: string };
    expect((await harness.payHosted(url, card)).status).toBe(303);
    await harness.settle();
    const session = await harness.driver.stripe.checkout.sessions.retrieve(id);
    return session.payment_intent as string;
  }

  async function disputeOf(paymentIntent: string) {
    const disputes = await harness.driver.stripe.disputes.list({ payment_intent: paymentIntent });
    expect(disputes.data).toHaveLength(1);
    return disputes.data[0]!;
  }

  it("holds a disputed tip back, recovers a lost one from the seller at Stripe, and releases a won one", async () => {
    const sellerId = await onboardedSeller();
    // 4000 0000 0000 0259 pays and is then disputed: the dispute's events come with the payment's.
    const lostPayment = await tip(sellerId, 1000, "4000000000000259");
    const wonPayment = await tip(sellerId, 2500, "4242424242424242");
    const intent = await harness.driver.stripe.paymentIntents.retrieve(wonPayment);
    await control(`/_emulator/charges/${intent.latest_charge as string}/dispute`, {
      reason: "product_not_received",
    });
    await harness.settle();

    let board = await dashboard(sellerId);
    const lost = board.charges.find((charge) => charge.providerPaymentId === lostPayment)!;
    const won = board.charges.find((charge) => charge.providerPaymentId === wonPayment)!;
    expect(lost).toMatchObject({ grossMinor: 1000, disputedMinor: 1000 });
    expect(won).toMatchObject({ grossMinor: 2500, disputedMinor: 2500 });
    // Both held in full: nothing is pending for the seller.
    expect(usd(board)).toMatchObject({ pendingMinor: 0, availableMinor: 0 });

    await control(`/_emulator/disputes/${(await disputeOf(lostPayment)).id}/resolve`, { outcome: "lost" });
    await control(`/_emulator/disputes/${(await disputeOf(wonPayment)).id}/resolve`, { outcome: "won" });
    await harness.settle();
    board = await dashboard(sellerId);
    expect(board.charges.find((charge) => charge.providerPaymentId === wonPayment)).toMatchObject({
      disputedMinor: 0,
    });
    expect(usd(board)).toMatchObject({ pendingMinor: won.sellerNetMinor, availableMinor: 0 });

    // The lost dispute's seller share is taken back from the connected account, once.
    const lostCharge = await harness.driver.stripe.charges.retrieve(
      (await harness.driver.stripe.paymentIntents.retrieve(lostPayment)).latest_charge as string,
    );
    type Listed = { items: Array<{ providerPaymentId: string; status: string; recovery: unknown }> };
    const listed = async (query: string): Promise<Listed> => {
      const response = await harness.api(`/v1/marketplace/disputes${query}`, { key: harness.adminKey });
      expect(response.status).toBe(200);
      return response.json();
    };
    const due = (await listed("?recovery=due")).items.find((item) => item.providerPaymentId === lostPayment);
    expect(due).toMatchObject({
      status: "lost",
      recovery: { status: "due", amountMinor: lost.sellerNetMinor, attempts: 0, providerReversalId: null },
    });
    // The admin list is not for server keys.
    expect((await harness.api("/v1/marketplace/disputes", { key: harness.serverKey })).status).toBe(403);

    expect(await harness.billhook.marketplace.recoverLostDisputes()).toEqual({ recovered: 1, failed: 0 });
    expect(await harness.billhook.marketplace.recoverLostDisputes()).toEqual({ recovered: 0, failed: 0 });
    const done = (await listed("?recovery=done")).items.find(
      (item) => item.providerPaymentId === lostPayment,
    );
    expect(done).toMatchObject({
      recovery: { status: "done", providerReversalId: expect.stringMatching(/^trr_/) },
    });
    expect((await listed("")).items.find((item) => item.providerPaymentId === wonPayment)).toMatchObject({
      status: "won",
      heldMinor: 0,
      recovery: null,
    });
    const transfer = await harness.driver.stripe.transfers.retrieve(lostCharge.transfer as string);
    // The whole charge was transferred and the application fee (platform + Stripe fee) taken from the
    // account; reversing the seller's net leaves the account with nothing of this tip.
    expect(transfer.amount).toBe(1000);
    expect(transfer.amount_reversed).toBe(lost.sellerNetMinor);

    // Past the settlement delay the won tip is available, and what Stripe holds for the seller covers
    // exactly that: the payout of all of it goes through.
    await harness.advanceDays(8);
    board = await dashboard(sellerId);
    expect(usd(board)).toMatchObject({ pendingMinor: 0, availableMinor: won.sellerNetMinor });
    const payout = await harness.api(`/v1/sellers/${sellerId}/payouts`, {
      method: "POST",
      key: harness.serverKey,
      json: { currency: "USD", idempotencyKey: unique("payout") },
    });
    expect(payout.status).toBe(201);
    expect((await payout.json()).amountMinor).toBe(won.sellerNetMinor);

    const events = (
      await fixture.storage().read((stores) => stores.domainEvents.listUndispatched(10_000))
    ).filter((event) => event.data.sellerId === sellerId);
    const ofType = (type: string) => events.filter((event) => event.type === type).map((event) => event.data);
    expect(
      ofType("seller.dispute_opened")
        .map((data) => data.paymentId)
        .sort(),
    ).toEqual([lostPayment, wonPayment].sort());
    expect(ofType("seller.dispute_closed")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ paymentId: lostPayment, outcome: "lost", sellerNetReinstatedMinor: 0 }),
        expect.objectContaining({
          paymentId: wonPayment,
          outcome: "won",
          reason: "product_not_received",
          sellerNetReinstatedMinor: won.sellerNetMinor,
        }),
      ]),
    );
    expect((await harness.billhook.ledger.verify()).ok).toBe(true);
  });

  it("refuses to refund a disputed charge, changing nothing", async () => {
    const sellerId = await onboardedSeller();
    const payment = await tip(sellerId, 1500, "4000000000000259");
    const refund = await harness.api(`/v1/marketplace/charges/${payment}/refund`, {
      method: "POST",
      key: harness.adminKey,
      json: {},
    });
    expect(refund.status).toBe(409);
    expect(await refund.json()).toMatchObject({ code: "CHARGE_DISPUTED" });
    // Stripe refuses as well when Billhook has not heard of the dispute yet: the same answer.
    await expect(
      harness.billhook.provider!.sellerPayments!.refundSellerCharge({ providerPaymentId: payment }),
    ).rejects.toMatchObject({ code: "CHARGE_DISPUTED" });
    const board = await dashboard(sellerId);
    expect(board.charges[0]).toMatchObject({ disputedMinor: 1500 });
    expect(usd(board)).toMatchObject({ pendingMinor: 0 });
  });
});
