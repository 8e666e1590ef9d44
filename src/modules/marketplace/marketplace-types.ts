import type { ProviderPayoutStatus, ProviderSellerDispute, SubscriptionStatus } from "../provider/index.js";

/**
 * Marketplace settings as the module reads them, at each use: `platformFeeBps` when a checkout is
 * created (and recorded with it), the delay when a charge is booked.
 */
export interface MarketplaceSettings {
  /** The platform's fee in basis points of each charge (1000 = 10 %). */
  platformFeeBps: number;
  /** How long earnings stay pending after a charge before they count as available for payout. */
  settlementDelayMs: number;
  tipMinimumMinor: number;
  tipMaximumMinor: number;
  /** Where the provider's onboarding sends the seller back to; `{sellerId}` is filled in. */
  onboardingReturnUrl: string;
  /** Where a spent or expired onboarding link sends the seller, to mint a fresh one. */
  onboardingRefreshUrl: string;
}

export interface SellerRecord {
  id: string;
  externalId: string;
  handle: string;
  email: string;
  country: string;
  provider: string;
  /** Null only between recording the seller and the provider's answer (a retry completes it). */
  providerAccountId: string | null;
  detailsSubmitted: boolean;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  requirementsDue: string[];
  providerModifiedAtMs: number;
  createdAtMs: number;
}

export type TierStatus = "active" | "archived";

export interface TierRecord {
  id: string;
  sellerId: string;
  name: string;
  description: string | null;
  amountMinor: number;
  currency: string;
  interval: "month" | "year";
  status: TierStatus;
  /** Null until the provider created the product: a tier without one cannot be bought. */
  providerProductId: string | null;
  providerPriceId: string | null;
  createdAtMs: number;
  updatedAtMs: number;
}

export type EarningStatus = "pending" | "available";

/** One paid charge to a seller, with its split as booked (the fee bps in force is recorded here). */
export interface SellerChargeRecord {
  providerPaymentId: string;
  sellerId: string;
  kind: "membership" | "tip";
  tierId: string | null;
  customerId: string | null;
  currency: string;
  grossMinor: number;
  feeBps: number;
  platformFeeMinor: number;
  providerFeeMinor: number;
  sellerNetMinor: number;
  /** Cumulative refunded amount already reversed in the ledger. */
  refundedMinor: number;
  /** What disputes hold back from the seller right now (withdrawn or lost), reversed in the ledger. */
  disputedMinor: number;
  status: EarningStatus;
  paidAtMs: number;
  availableAtMs: number;
}

/** Taking a lost dispute's seller share back from the seller's account at the provider. */
export interface DisputeRecovery {
  status: "due" | "done";
  amountMinor: number;
  attempts: number;
  lastError: string | null;
  providerReversalId: string | null;
}

/** A dispute on a seller's charge, as last reported, and what it holds back in the ledger. */
export interface DisputeRecord extends Omit<ProviderSellerDispute, "modifiedAt"> {
  /** The amount this dispute currently reverses from the charge (zero before its charge is known). */
  heldMinor: number;
  /** Lost: the seller's share is to be taken back at the provider (`due`) or was (`done`). */
  recovery: DisputeRecovery | null;
  providerModifiedAtMs: number;
  createdAtMs: number;
}

export interface PayoutRecord {
  providerPayoutId: string;
  sellerId: string;
  amountMinor: number;
  currency: string;
  status: ProviderPayoutStatus;
  /** Whether the amount currently sits in the seller's paid account (booked on paid, undone on failure). */
  bookedPaid: boolean;
  providerModifiedAtMs: number;
  createdAtMs: number;
}

export interface MembershipRecord {
  providerSubscriptionId: string;
  sellerId: string;
  tierId: string | null;
  customerId: string;
  status: SubscriptionStatus;
  cancelAtPeriodEnd: boolean;
  currentPeriodEndMs: number | null;
  providerModifiedAtMs: number;
  createdAtMs: number;
}

/** Earnings of one seller in one currency, in minor units. */
export interface SellerTotals {
  currency: string;
  pendingMinor: number;
  availableMinor: number;
  paidMinor: number;
  /** Everything earned net of refunds: pending + available + paid. */
  lifetimeMinor: number;
}
