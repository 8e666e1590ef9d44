import fc from "fast-check";
import { beforeAll, expect, it } from "vitest";
import { sellerRecord } from "../../testing/marketplace-fixtures.js";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import { createTestService, type TestService } from "../../testing/test-engine.js";
import type { DomainEventRecord } from "../domain-events/index.js";
import type { ProviderDisputeStatus, SellerEvent } from "../provider/index.js";
import { sellerMetadata } from "../provider/index.js";

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);
const day = 24 * 60 * 60 * 1000;

const secondsOf = (date: Date) => (date.getTime() - at(0).getTime()) / 1000;

/** A tip to `sellerId` of `grossMinor` at 10 %, paid at second 2 unless told. */
function tip(run: string, id: string, sellerId: string, grossMinor: number, paidAt = at(2)): SellerEvent {
  return {
    kind: "seller_charge",
    charge: {
      providerPaymentId: `${run}_${id}`,
      providerAccountId: `acct_${run}`,
      kind: "tip",
      metadata: {
        [sellerMetadata.sellerId]: sellerId,
        [sellerMetadata.feeBps]: "1000",
        [sellerMetadata.kind]: "tip",
      },
      externalCustomerId: "viewer",
      providerSubscriptionId: null,
      currency: "USD",
      grossMinor,
      paidAt,
    },
  };
}

function dispute(
  run: string,
  id: string,
  payment: string,
  amountMinor: number,
  status: ProviderDisputeStatus,
  second: number,
): SellerEvent {
  return {
    kind: "seller_dispute",
    dispute: {
      providerDisputeId: `${run}_${id}`,
      providerPaymentId: `${run}_${payment}`,
      amountMinor,
      currency: "USD",
      status,
      reason: "fraudulent",
      modifiedAt: at(second),
    },
  };
}

/**
 * pi_a: disputed in full, evidence submitted, won. pi_b: refunded 500, the other 2000 disputed and
 * lost. pi_c: an inquiry, closed without a chargeback. pi_d: disputed and lost, each report delivered
 * twice (created and funds_withdrawn carry the same status).
 */
function story(run: string, sellerId: string): SellerEvent[] {
  return [
    tip(run, "pi_a", sellerId, 1000),
    tip(run, "pi_b", sellerId, 2500),
    tip(run, "pi_c", sellerId, 1200),
    tip(run, "pi_d", sellerId, 700),
    dispute(run, "dp_a", "pi_a", 1000, "needs_response", 3),
    dispute(run, "dp_a", "pi_a", 1000, "under_review", 4),
    dispute(run, "dp_a", "pi_a", 1000, "won", 5),
    {
      kind: "seller_refund",
      refund: {
        providerPaymentId: `${run}_pi_b`,
        refundedMinor: 500,
        currency: "USD",
        charge: null,
        modifiedAt: at(3),
      },
    },
    dispute(run, "dp_b", "pi_b", 2000, "needs_response", 4),
    dispute(run, "dp_b", "pi_b", 2000, "lost", 6),
    dispute(run, "dp_c", "pi_c", 1200, "warning_needs_response", 3),
    dispute(run, "dp_c", "pi_c", 1200, "warning_closed", 4),
    dispute(run, "dp_d", "pi_d", 700, "needs_response", 3),
    dispute(run, "dp_d", "pi_d", 700, "needs_response", 3),
    dispute(run, "dp_d", "pi_d", 700, "lost", 7),
  ];
}

describeEachDialect("disputes on sellers' charges", (fixture) => {
  let service: TestService;
  let runs = 0;
  beforeAll(async () => {
    service = await createTestService(fixture.storage());
  });

  async function newSeller(run: string): Promise<string> {
    const sellerId = `sel_${run}`;
    await fixture.storage().transaction((stores) => stores.marketplace.insertSeller(sellerRecord(run)));
    return sellerId;
  }

  const apply = (event: SellerEvent) =>
    fixture.storage().transaction((stores) => service.billhook.marketplace.apply(stores, event));

  async function eventsOf(sellerId: string, type: string): Promise<DomainEventRecord[]> {
    const events = await fixture.storage().read((stores) => stores.domainEvents.listUndispatched(10_000));
    return events.filter((event) => event.data.sellerId === sellerId && event.type === type);
  }

  async function play(order: (events: SellerEvent[]) => SellerEvent[]) {
    const run = `dsp${runs++}`;
    const sellerId = await newSeller(run);
    for (const event of order(story(run, sellerId))) await apply(event);
    const board = await service.billhook.marketplace.reads.dashboard(sellerId);
    const charge = (id: string) => board.charges.find((row) => row.providerPaymentId === `${run}_${id}`)!;
    const opened = await eventsOf(sellerId, "seller.dispute_opened");
    const closed = await eventsOf(sellerId, "seller.dispute_closed");
    return {
      sellerId,
      opened,
      closed,
      totals: board.totals,
      charges: Object.fromEntries(
        ["pi_a", "pi_b", "pi_c", "pi_d"].map((id) => {
          const { refundedMinor, disputedMinor, sellerNetMinor } = charge(id);
          return [id, { refundedMinor, disputedMinor, sellerNetMinor }];
        }),
      ),
    };
  }

  it("holds a chargeback's share back until it is won, and keeps it reversed when it is lost", async () => {
    const result = await play((events) => events);
    const { charges } = result;
    // Won: nothing held; lost: held; an inquiry never withdraws funds.
    expect(charges.pi_a).toMatchObject({ disputedMinor: 0, refundedMinor: 0 });
    expect(charges.pi_b).toMatchObject({ disputedMinor: 2000, refundedMinor: 500 });
    expect(charges.pi_c).toMatchObject({ disputedMinor: 0 });
    expect(charges.pi_d).toMatchObject({ disputedMinor: 700 });
    // pi_b is refunded and disputed in full and pi_d disputed in full: only pi_a's and pi_c's nets remain.
    expect(result.totals).toEqual([
      expect.objectContaining({
        currency: "USD",
        pendingMinor: charges.pi_a!.sellerNetMinor + charges.pi_c!.sellerNetMinor,
        availableMinor: 0,
        paidMinor: 0,
      }),
    ]);
    // Each chargeback opened once (the duplicate of dp_d records nothing); the inquiry records nothing.
    expect(result.opened.map((event) => event.data.disputeId).sort()).toEqual(
      ["dp_a", "dp_b", "dp_d"].map((id) => `dsp0_${id}`),
    );
    const openedA = result.opened.find((event) => event.data.disputeId === "dsp0_dp_a")!;
    expect(openedA.data).toMatchObject({
      amountMinor: 1000,
      grossMinor: 1000,
      // The 10 % platform fee and the seller's 900 (no provider here: no processing fee), all held back.
      platformFeeReversedMinor: 100,
      providerFeeReversedMinor: 0,
      sellerNetReversedMinor: 900,
      from: "pending",
    });
    const closed = Object.fromEntries(result.closed.map((event) => [event.data.disputeId, event.data]));
    expect(closed["dsp0_dp_a"]).toMatchObject({ outcome: "won", sellerNetReinstatedMinor: 900 });
    expect(closed["dsp0_dp_b"]).toMatchObject({ outcome: "lost", sellerNetReinstatedMinor: 0 });
    expect(closed["dsp0_dp_d"]).toMatchObject({ outcome: "lost" });
    expect(Object.keys(closed)).toHaveLength(3);
    // Lost disputes leave the seller's share to take back at the provider; won ones leave nothing.
    const recovery = (id: string) =>
      fixture.storage().read(async (stores) => (await stores.sellerDisputes.find(`dsp0_${id}`))?.recovery);
    expect(await recovery("dp_a")).toBeNull();
    expect(await recovery("dp_c")).toBeNull();
    expect(await recovery("dp_d")).toMatchObject({
      status: "due",
      amountMinor: charges.pi_d!.sellerNetMinor,
    });
    // pi_b: the refund took the seller's share of 500 back at the provider already; the dispute the rest.
    const refundedShare = Math.round((charges.pi_b!.sellerNetMinor * 500) / 2500);
    expect(await recovery("dp_b")).toMatchObject({
      status: "due",
      amountMinor: charges.pi_b!.sellerNetMinor - refundedShare,
    });
    expect((await service.billhook.ledger.verify()).ok).toBe(true);
  });

  it("ends in the same rows and balances however dispute deliveries are duplicated and reordered", async () => {
    const canonical = await play((events) => events);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(), { minLength: 15, maxLength: 15 }),
        fc.array(fc.integer({ min: 0, max: 14 }), { maxLength: 6 }),
        async (keys, duplicates) => {
          const shuffled = await play((events) =>
            [...events, ...duplicates.map((index) => events[index]!)]
              .map((event, index) => ({ event, key: keys[index % keys.length]! * 31 + index }))
              .sort((a, b) => a.key - b.key)
              .map(({ event }) => event),
          );
          expect(shuffled.charges).toEqual(canonical.charges);
          expect(shuffled.totals).toEqual(canonical.totals);
          // What the events report reversed, less what they report reinstated, is what stays reversed.
          const reversed = shuffled.opened.reduce(
            (sum, e) => sum + (e.data.sellerNetReversedMinor as number),
            0,
          );
          const reinstated = shuffled.closed.reduce(
            (sum, e) => sum + (e.data.sellerNetReinstatedMinor as number),
            0,
          );
          const net = (id: string) => shuffled.charges[id]!.sellerNetMinor;
          const refundedShareOfB = net("pi_b") - (reversed - reinstated - net("pi_d"));
          expect(refundedShareOfB).toBeGreaterThanOrEqual(0);
          expect(refundedShareOfB).toBeLessThan(net("pi_b"));
        },
      ),
      { numRuns: 10 },
    );
    expect((await service.billhook.ledger.verify()).ok).toBe(true);
  });

  it("takes a dispute on settled earnings from available, and a won dispute puts it back there", async () => {
    const run = `dsp${runs++}`;
    const sellerId = await newSeller(run);
    await apply(tip(run, "pi_s", sellerId, 1000, service.clock.now()));
    const totals = async () =>
      (await service.billhook.marketplace.reads.dashboard(sellerId)).totals.find(
        (row) => row.currency === "USD",
      )!;
    service.clock.advance(8 * day);
    expect(await totals()).toMatchObject({ pendingMinor: 0, availableMinor: 900 });

    const opened = secondsOf(service.clock.now());
    await apply(dispute(run, "dp_s", "pi_s", 400, "needs_response", opened));
    // 400 of 1000: the fee's share is round(100 × 0.4) = 40, the seller's the other 360.
    expect(await totals()).toMatchObject({ availableMinor: 900 - 360 });
    const [event] = await eventsOf(sellerId, "seller.dispute_opened");
    expect(event!.data).toMatchObject({ from: "available", sellerNetReversedMinor: 360 });

    await apply(dispute(run, "dp_s", "pi_s", 400, "won", opened + 60));
    expect(await totals()).toMatchObject({ availableMinor: 900, pendingMinor: 0 });
    // A late report of the open dispute changes nothing once it is closed.
    await apply(dispute(run, "dp_s", "pi_s", 400, "under_review", opened + 30));
    expect(await totals()).toMatchObject({ availableMinor: 900 });
    expect((await service.billhook.ledger.verify()).ok).toBe(true);
  });

  it("settles only what a held dispute leaves, and books a dispute reported before its charge", async () => {
    const run = `dsp${runs++}`;
    const sellerId = await newSeller(run);
    const seconds = secondsOf(service.clock.now());
    await apply(dispute(run, "dp_e", "pi_e", 1000, "needs_response", seconds));
    await apply(tip(run, "pi_e", sellerId, 1000, service.clock.now()));
    const board = await service.billhook.marketplace.reads.dashboard(sellerId);
    expect(board.charges[0]).toMatchObject({ disputedMinor: 1000 });
    expect(board.totals[0]).toMatchObject({ pendingMinor: 0 });
    service.clock.advance(8 * day);
    await service.billhook.marketplace.settleDue(sellerId);
    const [available] = await eventsOf(sellerId, "seller.earnings_available");
    expect(available!.data).toMatchObject({ amountMinor: 0 });
    await apply(dispute(run, "dp_e", "pi_e", 1000, "won", seconds + 9 * 24 * 3600));
    const after = await service.billhook.marketplace.reads.dashboard(sellerId);
    expect(after.totals[0]).toMatchObject({ pendingMinor: 0, availableMinor: 900 });
    expect((await service.billhook.ledger.verify()).ok).toBe(true);
  });
});
