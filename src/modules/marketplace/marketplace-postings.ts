import type { AccountKey, EntryInput, PostingInput } from "../ledger/index.js";
import type { RefundShares } from "./fee-split.js";
import type { EarningStatus, PayoutRecord, SellerChargeRecord } from "./marketplace-types.js";

/**
 * Ledger accounts of the marketplace. Signs: money buyers paid leaves `marketplace_buyer_payments`
 * (negative); what it became (platform fee income, provider fees, seller earnings) is positive, so a
 * seller's balances read as what they earned.
 */
export const marketplaceAccountKinds = {
  buyerPayments: "marketplace_buyer_payments",
  feeIncome: "marketplace_fee_income",
  providerFees: "marketplace_provider_fees",
  sellerPending: "seller_pending",
  sellerAvailable: "seller_available",
  sellerPaid: "seller_paid",
} as const;

const platform = (kind: string, currency: string): AccountKey => ({ kind, ownerId: "", currency });
export const sellerAccount = (
  bucket: "pending" | "available" | "paid",
  sellerId: string,
  currency: string,
): AccountKey => ({
  kind: { pending: "seller_pending", available: "seller_available", paid: "seller_paid" }[bucket],
  ownerId: sellerId,
  currency,
});

function nonZero(entries: EntryInput[]): EntryInput[] {
  return entries.filter((entry) => entry.amountMinor !== 0);
}

function chargeMetadata(charge: SellerChargeRecord) {
  return {
    sellerId: charge.sellerId,
    paymentId: charge.providerPaymentId,
    kind: charge.kind,
    tierId: charge.tierId,
    feeBps: charge.feeBps,
  };
}

/** The sale itself: gross splits into platform fee, provider fee and the seller's pending earnings. */
export function chargePosting(charge: SellerChargeRecord): PostingInput {
  const { currency } = charge;
  return {
    id: `marketplace:charge:${charge.providerPaymentId}`,
    description: `${charge.kind === "tip" ? "Tip" : "Membership"} to seller ${charge.sellerId}`,
    metadata: {
      ...chargeMetadata(charge),
      grossMinor: charge.grossMinor,
      platformFeeMinor: charge.platformFeeMinor,
      providerFeeMinor: charge.providerFeeMinor,
      sellerNetMinor: charge.sellerNetMinor,
    },
    entries: nonZero([
      { account: platform(marketplaceAccountKinds.buyerPayments, currency), amountMinor: -charge.grossMinor },
      {
        account: platform(marketplaceAccountKinds.feeIncome, currency),
        amountMinor: charge.platformFeeMinor,
      },
      {
        account: platform(marketplaceAccountKinds.providerFees, currency),
        amountMinor: charge.providerFeeMinor,
      },
      { account: sellerAccount("pending", charge.sellerId, currency), amountMinor: charge.sellerNetMinor },
    ]),
  };
}

/**
 * Reverses what the charge's reversed share grew by from `before` to `after` (or restores it when it
 * shrank: a dispute won), from wherever the seller's share sits now. Refunds and disputes both go
 * through here, so together they never reverse more than the charge booked.
 */
function reversalPosting(
  id: string,
  description: string,
  charge: SellerChargeRecord,
  before: RefundShares,
  after: RefundShares,
  metadata: Record<string, string | number | null>,
): PostingInput {
  const { currency } = charge;
  const delta = (part: keyof RefundShares) => after[part] - before[part];
  return {
    id,
    description,
    metadata: { ...chargeMetadata(charge), ...metadata },
    entries: nonZero([
      {
        account: platform(marketplaceAccountKinds.buyerPayments, currency),
        amountMinor: delta("refundedMinor"),
      },
      {
        account: platform(marketplaceAccountKinds.feeIncome, currency),
        amountMinor: -delta("platformFeeMinor"),
      },
      {
        account: platform(marketplaceAccountKinds.providerFees, currency),
        amountMinor: -delta("providerFeeMinor"),
      },
      {
        account: sellerAccount(charge.status, charge.sellerId, currency),
        amountMinor: -delta("sellerNetMinor"),
      },
    ]),
  };
}

/** A refund's growth to the cumulative `refundedMinor`; the amount names the posting. */
export function refundPosting(
  charge: SellerChargeRecord,
  refundedMinor: number,
  before: RefundShares,
  after: RefundShares,
): PostingInput {
  return reversalPosting(
    `marketplace:refund:${charge.providerPaymentId}:${refundedMinor}`,
    `Refund on ${charge.kind} ${charge.providerPaymentId}`,
    charge,
    before,
    after,
    { refundedMinor },
  );
}

/** A dispute withdrawing its amount (held back from the seller) or reinstating it (won). */
export function disputePosting(
  charge: SellerChargeRecord,
  dispute: { providerDisputeId: string; status: string },
  change: "withdrawn" | "reinstated",
  before: RefundShares,
  after: RefundShares,
): PostingInput {
  return reversalPosting(
    `marketplace:dispute:${dispute.providerDisputeId}:${change}`,
    `Dispute ${change === "withdrawn" ? "opened" : "won"} on ${charge.kind} ${charge.providerPaymentId}`,
    charge,
    before,
    after,
    { disputeId: dispute.providerDisputeId, disputeStatus: dispute.status },
  );
}

/** Pending → available once the settlement delay passed: what is left of the seller's share. */
export function settlePosting(charge: SellerChargeRecord, remainingMinor: number): PostingInput {
  return move(
    `marketplace:settle:${charge.providerPaymentId}`,
    "Earnings available",
    charge.sellerId,
    charge.currency,
    "pending",
    "available",
    remainingMinor,
    chargeMetadata(charge),
  );
}

export function payoutPaidPosting(payout: PayoutRecord): PostingInput {
  return move(
    `marketplace:payout:${payout.providerPayoutId}:paid`,
    "Payout paid",
    payout.sellerId,
    payout.currency,
    "available",
    "paid",
    payout.amountMinor,
    { payoutId: payout.providerPayoutId },
  );
}

/** A payout that failed after it was paid returns to available. */
export function payoutFailedPosting(payout: PayoutRecord): PostingInput {
  return move(
    `marketplace:payout:${payout.providerPayoutId}:failed`,
    "Payout failed",
    payout.sellerId,
    payout.currency,
    "paid",
    "available",
    payout.amountMinor,
    { payoutId: payout.providerPayoutId },
  );
}

function move(
  id: string,
  description: string,
  sellerId: string,
  currency: string,
  from: EarningStatus | "paid",
  to: EarningStatus | "paid",
  amountMinor: number,
  metadata: Record<string, string | number | null>,
): PostingInput {
  return {
    id,
    description,
    metadata: { sellerId, ...metadata },
    entries: [
      { account: sellerAccount(from, sellerId, currency), amountMinor: -amountMinor },
      { account: sellerAccount(to, sellerId, currency), amountMinor },
    ],
  };
}
