import { recordDomainEvent } from "../domain-events/index.js";
import type { Ledger } from "../ledger/index.js";
import type { ProviderPayoutStatus, ProviderSellerPayout } from "../provider/index.js";
import { payoutFailedPosting, payoutPaidPosting } from "./marketplace-postings.js";
import type { ApplyOutcome, MarketplaceStores } from "./marketplace-store.js";
import type { PayoutRecord, SellerRecord } from "./marketplace-types.js";

const payoutProgress: Record<ProviderPayoutStatus, number> = {
  pending: 0,
  in_transit: 1,
  paid: 2,
  failed: 3,
  canceled: 3,
};

/**
 * Payouts to sellers' banks as the provider reports them. The ledger moves the earnings from
 * available to paid once a payout is `paid`, and back when a paid payout fails later; a report older
 * than the one held, or no further along at the same time, changes nothing.
 */
export class SellerPayouts {
  constructor(private readonly ledger: Ledger) {}

  async apply(stores: MarketplaceStores, payout: ProviderSellerPayout): Promise<ApplyOutcome> {
    const held = await stores.marketplace.findPayout(payout.providerPayoutId, { forUpdate: true });
    const seller = held
      ? await stores.marketplace.findSeller(held.sellerId)
      : await stores.marketplace.findSellerByAccount(payout.providerAccountId);
    if (!seller) return "ignored";
    const modifiedAtMs = payout.modifiedAt.getTime();
    if (
      held &&
      held.providerModifiedAtMs > 0 &&
      (modifiedAtMs < held.providerModifiedAtMs ||
        (modifiedAtMs === held.providerModifiedAtMs &&
          payoutProgress[payout.status] <= payoutProgress[held.status]))
    ) {
      return "stale";
    }
    const record = {
      providerPayoutId: payout.providerPayoutId,
      sellerId: seller.id,
      amountMinor: payout.amountMinor,
      currency: payout.currency,
      status: payout.status,
      bookedPaid: held?.bookedPaid ?? false,
      providerModifiedAtMs: modifiedAtMs,
      createdAtMs: held?.createdAtMs ?? modifiedAtMs,
    };
    const wasBookedPaid = record.bookedPaid;
    if (payout.status === "paid" && !record.bookedPaid) {
      await this.ledger.postWithin(stores, payoutPaidPosting(record));
      record.bookedPaid = true;
    } else if ((payout.status === "failed" || payout.status === "canceled") && record.bookedPaid) {
      await this.ledger.postWithin(stores, payoutFailedPosting(record));
      record.bookedPaid = false;
    }
    await stores.marketplace.upsertPayout(record);
    await recordPayoutOutcome(stores, seller, record, held, wasBookedPaid);
    return "applied";
  }
}

/** One event per outcome a payout reaches (a paid payout can still fail later: the bank returns it). */
async function recordPayoutOutcome(
  stores: MarketplaceStores,
  seller: SellerRecord,
  record: PayoutRecord,
  held: PayoutRecord | null,
  wasBookedPaid: boolean,
): Promise<void> {
  const base = {
    sellerId: seller.id,
    externalId: seller.externalId,
    payoutId: record.providerPayoutId,
    currency: record.currency,
    amountMinor: record.amountMinor,
  };
  if (record.status === "paid" && held?.status !== "paid") {
    await recordDomainEvent(stores, {
      id: `evt_seller_payout_paid:${record.providerPayoutId}`,
      type: "seller.payout_paid",
      occurredAtMs: record.providerModifiedAtMs,
      data: base,
    });
  } else if (
    (record.status === "failed" || record.status === "canceled") &&
    held?.status !== "failed" &&
    held?.status !== "canceled"
  ) {
    await recordDomainEvent(stores, {
      id: `evt_seller_payout_failed:${record.providerPayoutId}`,
      type: "seller.payout_failed",
      occurredAtMs: record.providerModifiedAtMs,
      data: { ...base, status: record.status, returnedToAvailable: wasBookedPaid },
    });
  }
}
