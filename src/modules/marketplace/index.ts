export {
  type ChargeSplit,
  feeBpsMax,
  type RefundShares,
  refundShares,
  scheduleFee,
  splitCharge,
} from "./fee-split.js";
export { Marketplace, type MarketplaceOptions } from "./marketplace.js";
export type { ApplyOutcome, MarketplaceStores } from "./marketplace-events.js";
export { marketplaceAccountKinds, sellerAccount } from "./marketplace-postings.js";
export type { SellerDashboard } from "./marketplace-reads.js";
export { marketplaceLimits, revenueShareRefused } from "./marketplace-rules.js";
export type * from "./marketplace-store.js";
export type { TierInput } from "./marketplace-tiers.js";
export type * from "./marketplace-types.js";
export type { SellerInput } from "./seller-onboarding.js";
