import type { Selectable } from "kysely";
import type {
  MembershipRecord,
  PayoutRecord,
  SellerChargeRecord,
  SellerRecord,
  TierRecord,
} from "../../modules/marketplace/index.js";
import type { ProviderPayoutStatus, SubscriptionStatus } from "../../modules/provider/index.js";
import type {
  MarketplaceChargesTable,
  MarketplaceMembershipsTable,
  MarketplacePayoutsTable,
  MarketplaceSellersTable,
  MarketplaceTiersTable,
} from "../schema.js";

// The marketplace's records to and from their table rows (booleans as 0/1, lists as JSON), apart
// from the queries in `marketplace-store.ts`.

export function sellerRow(seller: SellerRecord): MarketplaceSellersTable {
  return {
    id: seller.id,
    external_id: seller.externalId,
    handle: seller.handle,
    email: seller.email,
    country: seller.country,
    provider: seller.provider,
    provider_account_id: seller.providerAccountId,
    details_submitted: seller.detailsSubmitted ? 1 : 0,
    charges_enabled: seller.chargesEnabled ? 1 : 0,
    payouts_enabled: seller.payoutsEnabled ? 1 : 0,
    requirements_json: JSON.stringify(seller.requirementsDue),
    provider_modified_at_ms: seller.providerModifiedAtMs,
    created_at_ms: seller.createdAtMs,
  };
}

export function toSeller(row: Selectable<MarketplaceSellersTable>): SellerRecord {
  return {
    id: row.id,
    externalId: row.external_id,
    handle: row.handle,
    email: row.email,
    country: row.country,
    provider: row.provider,
    providerAccountId: row.provider_account_id,
    detailsSubmitted: Number(row.details_submitted) === 1,
    chargesEnabled: Number(row.charges_enabled) === 1,
    payoutsEnabled: Number(row.payouts_enabled) === 1,
    requirementsDue: JSON.parse(row.requirements_json) as string[],
    providerModifiedAtMs: Number(row.provider_modified_at_ms),
    createdAtMs: Number(row.created_at_ms),
  };
}

export function tierRow(tier: TierRecord): MarketplaceTiersTable {
  return {
    id: tier.id,
    seller_id: tier.sellerId,
    name: tier.name,
    description: tier.description,
    amount_minor: tier.amountMinor,
    currency: tier.currency,
    interval: tier.interval,
    status: tier.status,
    provider_product_id: tier.providerProductId,
    provider_price_id: tier.providerPriceId,
    created_at_ms: tier.createdAtMs,
    updated_at_ms: tier.updatedAtMs,
  };
}

export function toTier(row: Selectable<MarketplaceTiersTable>): TierRecord {
  return {
    id: row.id,
    sellerId: row.seller_id,
    name: row.name,
    description: row.description,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    interval: row.interval as TierRecord["interval"],
    status: row.status as TierRecord["status"],
    providerProductId: row.provider_product_id,
    providerPriceId: row.provider_price_id,
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
  };
}

export function chargeRow(charge: SellerChargeRecord): MarketplaceChargesTable {
  return {
    provider_payment_id: charge.providerPaymentId,
    seller_id: charge.sellerId,
    kind: charge.kind,
    tier_id: charge.tierId,
    customer_id: charge.customerId,
    currency: charge.currency,
    gross_minor: charge.grossMinor,
    fee_bps: charge.feeBps,
    platform_fee_minor: charge.platformFeeMinor,
    provider_fee_minor: charge.providerFeeMinor,
    seller_net_minor: charge.sellerNetMinor,
    refunded_minor: charge.refundedMinor,
    disputed_minor: charge.disputedMinor,
    status: charge.status,
    paid_at_ms: charge.paidAtMs,
    available_at_ms: charge.availableAtMs,
  };
}

export function toCharge(row: Selectable<MarketplaceChargesTable>): SellerChargeRecord {
  return {
    providerPaymentId: row.provider_payment_id,
    sellerId: row.seller_id,
    kind: row.kind as SellerChargeRecord["kind"],
    tierId: row.tier_id,
    customerId: row.customer_id,
    currency: row.currency,
    grossMinor: Number(row.gross_minor),
    feeBps: Number(row.fee_bps),
    platformFeeMinor: Number(row.platform_fee_minor),
    providerFeeMinor: Number(row.provider_fee_minor),
    sellerNetMinor: Number(row.seller_net_minor),
    refundedMinor: Number(row.refunded_minor),
    disputedMinor: Number(row.disputed_minor),
    status: row.status as SellerChargeRecord["status"],
    paidAtMs: Number(row.paid_at_ms),
    availableAtMs: Number(row.available_at_ms),
  };
}

export function payoutRow(payout: PayoutRecord): MarketplacePayoutsTable {
  return {
    provider_payout_id: payout.providerPayoutId,
    seller_id: payout.sellerId,
    amount_minor: payout.amountMinor,
    currency: payout.currency,
    status: payout.status,
    booked_paid: payout.bookedPaid ? 1 : 0,
    provider_modified_at_ms: payout.providerModifiedAtMs,
    created_at_ms: payout.createdAtMs,
  };
}

export function toPayout(row: Selectable<MarketplacePayoutsTable>): PayoutRecord {
  return {
    providerPayoutId: row.provider_payout_id,
    sellerId: row.seller_id,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    status: row.status as ProviderPayoutStatus,
    bookedPaid: Number(row.booked_paid) === 1,
    providerModifiedAtMs: Number(row.provider_modified_at_ms),
    createdAtMs: Number(row.created_at_ms),
  };
}

export function membershipRow(membership: MembershipRecord): MarketplaceMembershipsTable {
  return {
    provider_subscription_id: membership.providerSubscriptionId,
    seller_id: membership.sellerId,
    tier_id: membership.tierId,
    customer_id: membership.customerId,
    status: membership.status,
    cancel_at_period_end: membership.cancelAtPeriodEnd ? 1 : 0,
    current_period_end_ms: membership.currentPeriodEndMs,
    provider_modified_at_ms: membership.providerModifiedAtMs,
    created_at_ms: membership.createdAtMs,
  };
}

export function toMembership(row: Selectable<MarketplaceMembershipsTable>): MembershipRecord {
  return {
    providerSubscriptionId: row.provider_subscription_id,
    sellerId: row.seller_id,
    tierId: row.tier_id,
    customerId: row.customer_id,
    status: row.status as SubscriptionStatus,
    cancelAtPeriodEnd: Number(row.cancel_at_period_end) === 1,
    currentPeriodEndMs: row.current_period_end_ms === null ? null : Number(row.current_period_end_ms),
    providerModifiedAtMs: Number(row.provider_modified_at_ms),
    createdAtMs: Number(row.created_at_ms),
  };
}
