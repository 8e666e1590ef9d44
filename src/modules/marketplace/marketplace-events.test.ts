import fc from "fast-check";
import { beforeAll, expect, it } from "vitest";
import { sellerRecord } from "../../testing/marketplace-fixtures.js";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import { createTestService, type TestService } from "../../testing/test-engine.js";
import type { DomainEventRecord } from "../domain-events/index.js";
import type { SellerEvent } from "../provider/index.js";
import { sellerMetadata } from "../provider/index.js";

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);

/** One seller's whole story as the provider would tell it, with ids unique to `run`. */
function story(run: string, sellerId: string, accountId: string): SellerEvent[] {
  const metadata = (kind: string, feeBps: number) => ({
    [sellerMetadata.sellerId]: sellerId,
    [sellerMetadata.feeBps]: String(feeBps),
    [sellerMetadata.kind]: kind,
  });
  const tip = (id: string, grossMinor: number, feeBps: number) => ({
    providerPaymentId: `${run}_${id}`,
    providerAccountId: accountId,
    kind: "tip" as const,
    metadata: metadata("tip", feeBps),
    externalCustomerId: "viewer",
    providerSubscriptionId: null,
    currency: "USD",
    grossMinor,
    paidAt: at(2),
  });
  const tipA = tip("pi_a", 1000, 1000);
  const membership = {
    ...tip("pi_b", 999, 1500),
    kind: "membership" as const,
    metadata: metadata("membership", 1500),
  };
  const payout = (id: string, status: "pending" | "paid" | "failed", second: number, amountMinor = 400) => ({
    kind: "seller_payout" as const,
    payout: {
      providerPayoutId: `${run}_${id}`,
      providerAccountId: accountId,
      amountMinor,
      currency: "USD",
      status,
      modifiedAt: at(second),
    },
  });
  return [
    {
      kind: "seller_account",
      account: {
        providerAccountId: accountId,
        sellerId,
        detailsSubmitted: true,
        chargesEnabled: true,
        payoutsEnabled: true,
        requirementsDue: [],
        modifiedAt: at(1),
      },
    },
    { kind: "seller_charge", charge: tipA },
    { kind: "seller_charge", charge: membership },
    { kind: "seller_charge", charge: tip("pi_c", 2500, 1000) },
    // Refunds carry the cumulative amount; a tip's refund describes its charge, a membership's does not.
    {
      kind: "seller_refund",
      refund: {
        providerPaymentId: tipA.providerPaymentId,
        refundedMinor: 300,
        currency: "USD",
        charge: tipA,
        modifiedAt: at(5),
      },
    },
    {
      kind: "seller_refund",
      refund: {
        providerPaymentId: tipA.providerPaymentId,
        refundedMinor: 800,
        currency: "USD",
        charge: tipA,
        modifiedAt: at(6),
      },
    },
    {
      kind: "seller_refund",
      refund: {
        providerPaymentId: membership.providerPaymentId,
        refundedMinor: 200,
        currency: "USD",
        charge: null,
        modifiedAt: at(7),
      },
    },
    payout("po_1", "pending", 10),
    payout("po_1", "paid", 11),
    payout("po_1", "failed", 12),
    payout("po_2", "pending", 13, 250),
    payout("po_2", "paid", 14, 250),
  ];
}

describeEachDialect("marketplace events in any order", (fixture) => {
  let service: TestService;
  let runs = 0;
  let lastRun: { run: string; sellerId: string; events: DomainEventRecord[] } = {
    run: "",
    sellerId: "",
    events: [],
  };
  beforeAll(async () => {
    service = await createTestService(fixture.storage());
  });

  /** The domain events recorded about one seller (nothing dispatches them in this test). */
  async function eventsOf(sellerId: string): Promise<DomainEventRecord[]> {
    const events = await fixture.storage().read((stores) => stores.domainEvents.listUndispatched(10_000));
    return events.filter((event) => event.data.sellerId === sellerId);
  }

  /** What every ordering must record, whatever got duplicated or overtaken on the way. */
  function expectSellerEvents(
    events: DomainEventRecord[],
    charges: Array<{ paymentId: string; refundedMinor: number; grossMinor: number; sellerNetMinor: number }>,
    run: string,
  ) {
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    const ofType = (type: string) => events.filter((event) => event.type === type);
    expect(ofType("seller.updated").map((event) => event.data)).toEqual([
      expect.objectContaining({
        chargesEnabled: true,
        payoutsEnabled: true,
        requirementsDue: [],
        changed: ["detailsSubmitted", "chargesEnabled", "payoutsEnabled", "requirementsDue"],
      }),
    ]);
    const paid = ofType("seller.charge_paid");
    expect(paid.map((event) => event.data.paymentId).sort()).toEqual(
      charges.map((charge) => charge.paymentId).sort(),
    );
    for (const charge of charges) {
      const booked = paid.find((event) => event.data.paymentId === charge.paymentId)!;
      expect(booked.data).toMatchObject({
        grossMinor: charge.grossMinor,
        sellerNetMinor: charge.sellerNetMinor,
      });
      const refunds = ofType("seller.refunded").filter((event) => event.data.paymentId === charge.paymentId);
      // Each refund step once; together they are what the charge shows refunded.
      expect(refunds.reduce((sum, event) => sum + (event.data.amountMinor as number), 0)).toBe(
        charge.refundedMinor,
      );
      expect(new Set(refunds.map((event) => event.data.totalRefundedMinor)).size).toBe(refunds.length);
    }
    const payoutEvents = (type: string, payoutId: string) =>
      ofType(type).filter((event) => event.data.payoutId === `${run}_${payoutId}`);
    expect(payoutEvents("seller.payout_paid", "po_2")).toHaveLength(1);
    expect(payoutEvents("seller.payout_failed", "po_2")).toHaveLength(0);
    // po_1 failed after being paid; when its paid report was overtaken, only the failure is recorded.
    const po1Paid = payoutEvents("seller.payout_paid", "po_1");
    const po1Failed = payoutEvents("seller.payout_failed", "po_1");
    expect(po1Paid.length).toBeLessThanOrEqual(1);
    expect(po1Failed.map((event) => event.data)).toEqual([
      expect.objectContaining({
        status: "failed",
        amountMinor: 400,
        returnedToAvailable: po1Paid.length === 1,
      }),
    ]);
    expect(ofType("seller.earnings_available")).toEqual([]);
  }

  async function play(order: (events: SellerEvent[]) => SellerEvent[]) {
    const run = `run${runs++}`;
    const sellerId = `sel_${run}`;
    const accountId = `acct_${run}`;
    await fixture.storage().transaction((stores) =>
      stores.marketplace.insertSeller(
        sellerRecord(run, {
          detailsSubmitted: false,
          chargesEnabled: false,
          payoutsEnabled: false,
          requirementsDue: ["external_account"],
        }),
      ),
    );
    for (const event of order(story(run, sellerId, accountId))) {
      await fixture.storage().transaction((stores) => service.billhook.marketplace.apply(stores, event));
    }
    const marketplace = service.billhook.marketplace;
    const board = await marketplace.reads.dashboard(sellerId);
    const events = await eventsOf(sellerId);
    expectSellerEvents(
      events,
      board.charges.map((charge) => ({
        paymentId: charge.providerPaymentId,
        refundedMinor: charge.refundedMinor,
        grossMinor: charge.grossMinor,
        sellerNetMinor: charge.sellerNetMinor,
      })),
      run,
    );
    lastRun = { run, sellerId, events };
    return {
      seller: {
        chargesEnabled: board.seller.chargesEnabled,
        requirementsDue: board.seller.requirementsDue,
      },
      totals: board.totals,
      charges: board.charges
        .map(
          ({
            providerPaymentId: _id,
            paidAtMs: _paid,
            availableAtMs: _available,
            sellerId: _seller,
            ...rest
          }) => rest,
        )
        .sort((a, b) => a.grossMinor - b.grossMinor),
      payouts: board.payouts
        .map((payout) => ({ status: payout.status, amountMinor: payout.amountMinor }))
        .sort((a, b) => a.amountMinor - b.amountMinor),
    };
  }

  it("ends in the same rows and balances however deliveries are duplicated and reordered", async () => {
    const canonical = await play((events) => events);
    expect(canonical.totals).toEqual([
      // Pending: the three nets less the refunded seller shares; paid: the second payout only.
      expect.objectContaining({ currency: "USD", paidMinor: 250, availableMinor: -250 }),
    ]);
    expect(canonical.payouts).toEqual([
      { status: "paid", amountMinor: 250 },
      { status: "failed", amountMinor: 400 },
    ]);
    expect(
      canonical.charges.map((charge) => [charge.grossMinor, charge.feeBps, charge.refundedMinor]),
    ).toEqual([
      [999, 1500, 200],
      [1000, 1000, 800],
      [2500, 1000, 0],
    ]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 11 }), { maxLength: 6 }),
        async (keys, duplicates) => {
          const shuffled = await play((events) => {
            const withDuplicates = [...events, ...duplicates.map((index) => events[index]!)];
            return withDuplicates
              .map((event, index) => ({ event, key: keys[index % keys.length]! * 31 + index }))
              .sort((a, b) => a.key - b.key)
              .map(({ event }) => event);
          });
          expect(shuffled).toEqual(canonical);
        },
      ),
      { numRuns: 12 },
    );
    expect((await service.billhook.ledger.verify()).ok).toBe(true);
  });
  it("records each seller event once when every delivery arrives twice, in order", async () => {
    await play((events) => events);
    const once = lastRun;
    await play((events) => events.flatMap((event) => [event, event]));
    const twice = lastRun;
    const shape = (events: DomainEventRecord[], run: string) =>
      events
        .map((event) => ({ id: event.id.replaceAll(run, "RUN"), type: event.type, at: event.occurredAtMs }))
        .sort((a, b) => a.id.localeCompare(b.id));
    expect(shape(twice.events, twice.run)).toEqual(shape(once.events, once.run));
    // Canonical order: account, 3 charges, 3 refund steps, po_1 paid then failed, po_2 paid.
    expect(once.events.map((event) => event.type).sort()).toEqual(
      [
        "seller.updated",
        ...Array(3).fill("seller.charge_paid"),
        ...Array(3).fill("seller.refunded"),
        "seller.payout_paid",
        "seller.payout_failed",
        "seller.payout_paid",
      ].sort(),
    );
    // Ordered per seller, in the order they were recorded.
    expect(new Set(once.events.map((event) => event.customerId))).toEqual(
      new Set([`seller:${once.sellerId}`]),
    );
  });

  it("records nothing when the change that caused the event rolls back", async () => {
    const run = `rollback${runs++}`;
    const sellerId = `sel_${run}`;
    await fixture.storage().transaction((stores) =>
      stores.marketplace.insertSeller(
        sellerRecord(run, {
          detailsSubmitted: false,
          chargesEnabled: false,
          payoutsEnabled: false,
          requirementsDue: [],
        }),
      ),
    );
    const charge = story(run, sellerId, `acct_${run}`)[1]!;
    await expect(
      fixture.storage().transaction(async (stores) => {
        await service.billhook.marketplace.apply(stores, charge);
        throw new Error("the inbox's unit of work failed");
      }),
    ).rejects.toThrow("unit of work failed");
    expect(await eventsOf(sellerId)).toEqual([]);
    await fixture.storage().transaction((stores) => service.billhook.marketplace.apply(stores, charge));
    expect((await eventsOf(sellerId)).map((event) => event.type)).toEqual(["seller.charge_paid"]);
  });

  it("records earnings_available once per charge when the settlement delay passes", async () => {
    await play((events) => events);
    const { sellerId } = lastRun;
    service.clock.advance(8 * 24 * 60 * 60 * 1000);
    const board = await service.billhook.marketplace.reads.dashboard(sellerId);
    expect(board.charges.every((charge) => charge.status === "available")).toBe(true);
    await service.billhook.marketplace.settleDue(sellerId);
    const available = (await eventsOf(sellerId)).filter(
      (event) => event.type === "seller.earnings_available",
    );
    expect(available).toHaveLength(3);
    // What moved is each net less its refunded seller share: together, the seller's available balance
    // before the payouts took their part (paid 250 and 400 returned by the failed payout).
    const moved = available.reduce((sum, event) => sum + (event.data.amountMinor as number), 0);
    const usd = board.totals.find((row) => row.currency === "USD")!;
    expect(usd.pendingMinor).toBe(0);
    expect(moved).toBe(usd.availableMinor + usd.paidMinor);
    for (const event of available) {
      const charge = board.charges.find((row) => row.providerPaymentId === event.data.paymentId)!;
      expect(event.occurredAtMs).toBe(charge.availableAtMs);
    }
  });
});
