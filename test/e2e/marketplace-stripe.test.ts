import { afterAll, beforeAll, expect, it } from "vitest";
import { completeEmulatorOnboarding } from "../../src/testing/marketplace-fixtures.js";
import { type StripeDriver, startStripeDriver } from "../../src/testing/provider-drivers.js";
import { type ProviderHarness, startProviderHarness } from "../../src/testing/provider-harness.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";

/** What Billhook should book for a charge: 10 % platform fee rounded down, Stripe's 2.9 % + 30¢. */
function expectedSplit(grossMinor: number, feeBps: number) {
  const platformFeeMinor = Math.floor((grossMinor * feeBps) / 10_000);
  const providerFeeMinor = Math.round((grossMinor * 290) / 10_000) + 30;
  return {
    grossMinor,
    feeBps,
    platformFeeMinor,
    providerFeeMinor,
    sellerNetMinor: grossMinor - platformFeeMinor - providerFeeMinor,
  };
}

interface Dashboard {
  totals: Array<{
    currency: string;
    pendingMinor: number;
    availableMinor: number;
    paidMinor: number;
    lifetimeMinor: number;
  }>;
  charges: Array<{
    providerPaymentId: string;
    kind: string;
    grossMinor: number;
    feeBps: number;
    platformFeeMinor: number;
    providerFeeMinor: number;
    sellerNetMinor: number;
    refundedMinor: number;
    status: string;
  }>;
  payouts: Array<{ providerPayoutId: string; amountMinor: number; status: string }>;
}

describeEachDialect("creator marketplace on Stripe Connect (issue #8)", (fixture) => {
  let harness: ProviderHarness<StripeDriver>;
  let sequence = 0;
  const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${sequence++}`;

  beforeAll(async () => {
    harness = await startProviderHarness(fixture.storage(), await startStripeDriver("marketplace"), {
      marketplace: {},
      settings: { platformFeeBps: 1000, sellerSettlementDelayDays: 7 },
    });
    // Every delivery twice, and some held back so that later events overtake them.
    await harness.driver.setFaults({ webhookDuplicateRate: 1, webhookReorderRate: 0.3 });
  });
  afterAll(() => harness?.close());

  const control = (path: string, body: unknown = {}) =>
    fetch(`${harness.driver.emulatorUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const dashboard = async (sellerId: string): Promise<Dashboard> =>
    (await harness.api(`/v1/sellers/${sellerId}/dashboard`, { key: harness.serverKey })).json();
  const usd = (board: Dashboard) => board.totals.find((row) => row.currency === "USD")!;

  async function onboard(url: string): Promise<void> {
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const submitted = await completeEmulatorOnboarding(url);
    expect(submitted.status).toBe(303);
    await harness.settle();
  }

  async function createSeller() {
    const externalId = unique("creator");
    const response = await harness.api("/v1/sellers", {
      method: "POST",
      key: harness.serverKey,
      json: { externalId, email: `${externalId}@example.com`, country: "US" },
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { seller: { id: string; handle: string }; onboardingUrl: string };
  }

  async function pay(checkout: Response, card = "4242424242424242"): Promise<void> {
    expect(checkout.status).toBe(201);
    const { url } = (await checkout.json()) as { url: string };
    const paid = await harness.payHosted(url, card);
    expect(paid.status).toBe(303);
    await harness.settle();
  }

  const tip = (sellerId: string, customerId: string, amountMinor: number) =>
    harness.api(`/v1/sellers/${sellerId}/tips/checkout`, {
      method: "POST",
      key: harness.serverKey,
      json: { customerId, amountMinor, currency: "USD", successUrl: "https://app.example.com/thanks" },
    });

  it("onboards, sells a membership and two tips, settles, pays out and reverses a refund exactly", async () => {
    const { seller, onboardingUrl } = await createSeller();
    const viewer = unique("viewer");

    // A tier exists at the provider before it is listed; the seller cannot be bought from yet.
    const tierResponse = await harness.api(`/v1/sellers/${seller.id}/tiers`, {
      method: "POST",
      key: harness.serverKey,
      json: { name: "Gold", amountMinor: 500, currency: "USD", interval: "month" },
    });
    expect(tierResponse.status).toBe(201);
    const tier = (await tierResponse.json()) as {
      id: string;
      providerProductId: string;
      purchasable: boolean;
    };
    expect(tier.providerProductId).toMatch(/^prod_/);
    expect((await harness.driver.stripe.products.retrieve(tier.providerProductId)).active).toBe(true);
    const early = await harness.api(`/v1/sellers/${seller.id}/memberships/checkout`, {
      method: "POST",
      key: harness.serverKey,
      json: { customerId: viewer, tierId: tier.id, successUrl: "https://app.example.com/thanks" },
    });
    expect(early.status).toBe(409);
    expect((await early.json()).code).toBe("SELLER_NOT_READY");

    await onboard(onboardingUrl);
    const ready = await (await harness.api(`/v1/sellers/${seller.id}`, { key: harness.serverKey })).json();
    expect(ready).toMatchObject({
      detailsSubmitted: true,
      chargesEnabled: true,
      payoutsEnabled: true,
      requirementsDue: [],
    });

    // The public tier list needs no key.
    const listed = await fetch(`${harness.server.url}/v1/public/sellers/${seller.handle}/tiers`);
    expect(listed.status).toBe(200);
    expect((await listed.json()).items).toMatchObject([{ id: tier.id, name: "Gold", purchasable: true }]);

    await pay(
      await harness.api(`/v1/sellers/${seller.id}/memberships/checkout`, {
        method: "POST",
        key: harness.serverKey,
        json: { customerId: viewer, tierId: tier.id, successUrl: "https://app.example.com/thanks" },
      }),
    );
    await pay(await tip(seller.id, viewer, 1000));
    await pay(await tip(seller.id, viewer, 2500));

    const memberships = await (
      await harness.api(`/v1/customers/${viewer}/memberships`, { key: harness.serverKey })
    ).json();
    expect(memberships.items).toMatchObject([{ sellerId: seller.id, tierId: tier.id, status: "active" }]);

    const expected = [expectedSplit(500, 1000), expectedSplit(1000, 1000), expectedSplit(2500, 1000)];
    let board = await dashboard(seller.id);
    expect(
      board.charges
        .map(({ grossMinor, feeBps, platformFeeMinor, providerFeeMinor, sellerNetMinor }) => ({
          grossMinor,
          feeBps,
          platformFeeMinor,
          providerFeeMinor,
          sellerNetMinor,
        }))
        .sort((a, b) => a.grossMinor - b.grossMinor),
    ).toEqual(expected);
    const pending = expected.reduce((sum, split) => sum + split.sellerNetMinor, 0);
    expect(usd(board)).toMatchObject({
      pendingMinor: pending,
      availableMinor: 0,
      paidMinor: 0,
      lifetimeMinor: pending,
    });

    // A later fee change applies to the next charge only; earlier rows keep the fee they were booked with.
    const changed = await harness.api("/v1/settings", { method: "PATCH", json: { platformFeeBps: 2000 } });
    expect(changed.status).toBe(200);
    await pay(await tip(seller.id, viewer, 700));
    board = await dashboard(seller.id);
    expect(board.charges.find((row) => row.grossMinor === 700)).toMatchObject(expectedSplit(700, 2000));
    expect(board.charges.filter((row) => row.grossMinor !== 700).every((row) => row.feeBps === 1000)).toBe(
      true,
    );
    const pendingAfterFeeChange = pending + expectedSplit(700, 2000).sellerNetMinor;

    // Refund 1000 of the 2500 tip: every part reverses proportionally.
    const refunded = board.charges.find((row) => row.grossMinor === 2500)!;
    const refund = await harness.api(`/v1/marketplace/charges/${refunded.providerPaymentId}/refund`, {
      method: "POST",
      json: { amountMinor: 1000 },
    });
    expect(refund.status).toBe(202);
    await harness.settle();
    board = await dashboard(seller.id);
    const split = expectedSplit(2500, 1000);
    const feesShare = Math.round(((split.platformFeeMinor + split.providerFeeMinor) * 1000) / 2500);
    const sellerShare = 1000 - feesShare;
    expect(board.charges.find((row) => row.grossMinor === 2500)!.refundedMinor).toBe(1000);
    expect(usd(board).pendingMinor).toBe(pendingAfterFeeChange - sellerShare);

    // Past the settlement delay everything pending becomes available.
    await harness.advanceDays(8);
    board = await dashboard(seller.id);
    const available = pendingAfterFeeChange - sellerShare;
    expect(usd(board)).toMatchObject({ pendingMinor: 0, availableMinor: available, paidMinor: 0 });
    expect(board.charges.every((row) => row.status === "available")).toBe(true);

    // Payout of everything available: paid when Stripe says so.
    const payout = await harness.api(`/v1/sellers/${seller.id}/payouts`, {
      method: "POST",
      key: harness.serverKey,
      json: { currency: "USD", idempotencyKey: "first" },
    });
    expect(payout.status).toBe(201);
    const { providerPayoutId, amountMinor } = await payout.json();
    expect(amountMinor).toBe(available);
    await harness.settle();
    expect(usd(await dashboard(seller.id))).toMatchObject({ availableMinor: available, paidMinor: 0 });
    await harness.advanceDays(3);
    board = await dashboard(seller.id);
    expect(usd(board)).toMatchObject({
      pendingMinor: 0,
      availableMinor: 0,
      paidMinor: available,
      lifetimeMinor: available,
    });
    expect(board.payouts).toMatchObject([{ providerPayoutId, status: "paid", amountMinor: available }]);

    // The bank returns the payout: it goes back to available.
    expect((await control(`/_emulator/payouts/${providerPayoutId}/fail`)).status).toBe(200);
    await harness.settle();
    board = await dashboard(seller.id);
    expect(usd(board)).toMatchObject({ availableMinor: available, paidMinor: 0 });
    expect(board.payouts[0]!.status).toBe("failed");

    // Platform fee income: what every charge paid, less the refunded share of the one refund.
    const summary = await (await harness.api("/v1/marketplace/summary")).json();
    const platformShare = Math.floor(
      (split.platformFeeMinor * feesShare) / (split.platformFeeMinor + split.providerFeeMinor),
    );
    const feeIncome =
      [...expected, expectedSplit(700, 2000)].reduce((sum, row) => sum + row.platformFeeMinor, 0) -
      platformShare;
    expect(summary.items.find((row: { currency: string }) => row.currency === "USD").feeIncomeMinor).toBe(
      feeIncome,
    );

    // The deliveries really were duplicated and reordered on the way.
    const fired = await harness.driver.firedFaults();
    expect(fired.webhookDuplicate).toBeGreaterThan(0);
    expect(fired.webhookReorder).toBeGreaterThan(0);

    // Each change recorded its seller.* event once, despite every delivery arriving twice.
    const events = (
      await fixture.storage().read((stores) => stores.domainEvents.listUndispatched(10_000))
    ).filter((event) => event.data.sellerId === seller.id);
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    const ofType = (type: string) => events.filter((event) => event.type === type).map((event) => event.data);
    const charges = board.charges;
    expect(ofType("seller.charge_paid")).toHaveLength(4);
    for (const charge of charges) {
      expect(ofType("seller.charge_paid")).toContainEqual(
        expect.objectContaining({
          paymentId: charge.providerPaymentId,
          kind: charge.kind,
          grossMinor: charge.grossMinor,
          feeBps: charge.feeBps,
          platformFeeMinor: charge.platformFeeMinor,
          providerFeeMinor: charge.providerFeeMinor,
          sellerNetMinor: charge.sellerNetMinor,
          buyerCustomerId: viewer,
        }),
      );
    }
    expect(ofType("seller.refunded")).toEqual([
      expect.objectContaining({
        paymentId: refunded.providerPaymentId,
        amountMinor: 1000,
        totalRefundedMinor: 1000,
        sellerNetReversedMinor: sellerShare,
        from: "pending",
      }),
    ]);
    expect(
      ofType("seller.earnings_available")
        .map((data) => data.amountMinor as number)
        .sort(),
    ).toEqual(
      charges
        .map((charge) =>
          charge.grossMinor === 2500 ? charge.sellerNetMinor - sellerShare : charge.sellerNetMinor,
        )
        .sort(),
    );
    expect(ofType("seller.payout_paid")).toEqual([
      expect.objectContaining({ payoutId: providerPayoutId, amountMinor: available }),
    ]);
    expect(ofType("seller.payout_failed")).toEqual([
      expect.objectContaining({ payoutId: providerPayoutId, status: "failed", returnedToAvailable: true }),
    ]);
    // The account's creation and its onboarding; the last one says the seller can be paid.
    const updates = ofType("seller.updated");
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.at(-1)).toMatchObject({ chargesEnabled: true, payoutsEnabled: true, requirementsDue: [] });

    const verification = await (await harness.api("/v1/ledger/verification")).json();
    expect(verification).toMatchObject({ ok: true, differences: [], unbalancedTransactions: [] });
    await harness.api("/v1/settings", { method: "PATCH", json: { platformFeeBps: null } });
  });

  it("refuses a tip outside the bounds and a payout above what is available, changing nothing", async () => {
    const { seller, onboardingUrl } = await createSeller();
    await onboard(onboardingUrl);
    const low = await tip(seller.id, unique("viewer"), 99);
    expect(low.status).toBe(422);
    expect((await low.json()).code).toBe("AMOUNT_OUT_OF_RANGE");
    const payout = await harness.api(`/v1/sellers/${seller.id}/payouts`, {
      method: "POST",
      key: harness.serverKey,
      json: { currency: "USD", idempotencyKey: "too-much", amountMinor: 1 },
    });
    expect(payout.status).toBe(402);
    expect((await dashboard(seller.id)).payouts).toEqual([]);
  });

  it("archives a tier: it leaves the public list and cannot be bought", async () => {
    const { seller, onboardingUrl } = await createSeller();
    await onboard(onboardingUrl);
    const tier = await (
      await harness.api(`/v1/sellers/${seller.id}/tiers`, {
        method: "POST",
        key: harness.serverKey,
        json: { name: "Silver", amountMinor: 300, currency: "USD", interval: "month" },
      })
    ).json();
    const archived = await harness.api(`/v1/sellers/${seller.id}/tiers/${tier.id}/archive`, {
      method: "POST",
      key: harness.serverKey,
    });
    expect((await archived.json()).status).toBe("archived");
    expect((await harness.driver.stripe.products.retrieve(tier.providerProductId)).active).toBe(false);
    const listed = await (
      await fetch(`${harness.server.url}/v1/public/sellers/${seller.handle}/tiers`)
    ).json();
    expect(listed.items).toEqual([]);
    const checkout = await harness.api(`/v1/sellers/${seller.id}/memberships/checkout`, {
      method: "POST",
      key: harness.serverKey,
      json: { customerId: unique("viewer"), tierId: tier.id, successUrl: "https://app.example.com/thanks" },
    });
    expect(checkout.status).toBe(409);
    expect((await checkout.json()).code).toBe("TIER_NOT_AVAILABLE");
  });
});
