import { z } from "@hono/zod-openapi";
import type {
  DisputeRecord,
  MembershipRecord,
  PayoutRecord,
  SellerChargeRecord,
  SellerRecord,
  TierRecord,
} from "../../modules/marketplace/index.js";

const iso = (ms: number) => new Date(ms).toISOString();

export const sellerSchema = z
  .object({
    id: z.string(),
    externalId: z.string(),
    handle: z.string(),
    email: z.string(),
    country: z.string(),
    provider: z.string(),
    providerAccountId: z.string().nullable(),
    detailsSubmitted: z.boolean(),
    chargesEnabled: z.boolean(),
    payoutsEnabled: z.boolean(),
    requirementsDue: z.array(z.string()),
    createdAt: z.string(),
  })
  .openapi("Seller");

export function sellerView(seller: SellerRecord): z.infer<typeof sellerSchema> {
  const { providerModifiedAtMs: _modified, createdAtMs, ...rest } = seller;
  return { ...rest, createdAt: iso(createdAtMs) };
}

export const tierSchema = z
  .object({
    id: z.string(),
    sellerId: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    amountMinor: z.number().int(),
    currency: z.string(),
    interval: z.enum(["month", "year"]),
    status: z.enum(["active", "archived"]),
    purchasable: z.boolean(),
    providerProductId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("MembershipTier");

export function tierView(tier: TierRecord): z.infer<typeof tierSchema> {
  const { providerPriceId, createdAtMs, updatedAtMs, ...rest } = tier;
  return {
    ...rest,
    purchasable: tier.status === "active" && providerPriceId !== null,
    createdAt: iso(createdAtMs),
    updatedAt: iso(updatedAtMs),
  };
}

export const chargeSchema = z
  .object({
    providerPaymentId: z.string(),
    kind: z.enum(["membership", "tip"]),
    tierId: z.string().nullable(),
    customerId: z.string().nullable(),
    currency: z.string(),
    grossMinor: z.number().int(),
    feeBps: z.number().int().openapi({ description: "The platform fee in force for this charge." }),
    platformFeeMinor: z.number().int(),
    providerFeeMinor: z.number().int(),
    sellerNetMinor: z.number().int(),
    refundedMinor: z.number().int(),
    disputedMinor: z.number().int().openapi({
      description: "Held back by open or lost disputes; back to the seller if the dispute is won.",
    }),
    status: z.enum(["pending", "available"]),
    paidAt: z.string(),
    availableAt: z.string(),
  })
  .openapi("SellerCharge");

export function chargeView(charge: SellerChargeRecord): z.infer<typeof chargeSchema> {
  const { sellerId: _seller, paidAtMs, availableAtMs, ...rest } = charge;
  return { ...rest, paidAt: iso(paidAtMs), availableAt: iso(availableAtMs) };
}

export const payoutSchema = z
  .object({
    providerPayoutId: z.string(),
    amountMinor: z.number().int(),
    currency: z.string(),
    status: z.enum(["pending", "in_transit", "paid", "failed", "canceled"]),
    createdAt: z.string(),
  })
  .openapi("SellerPayout");

export function payoutView(payout: PayoutRecord): z.infer<typeof payoutSchema> {
  return {
    providerPayoutId: payout.providerPayoutId,
    amountMinor: payout.amountMinor,
    currency: payout.currency,
    status: payout.status,
    createdAt: iso(payout.createdAtMs),
  };
}

export const disputeSchema = z
  .object({
    providerDisputeId: z.string(),
    providerPaymentId: z.string(),
    amountMinor: z.number().int(),
    currency: z.string(),
    status: z.enum([
      "warning_needs_response",
      "warning_under_review",
      "warning_closed",
      "needs_response",
      "under_review",
      "won",
      "lost",
    ]),
    reason: z.string().nullable(),
    heldMinor: z.number().int().openapi({ description: "What the dispute holds back from the charge now." }),
    recovery: z
      .object({
        status: z.enum(["due", "done"]),
        amountMinor: z.number().int(),
        attempts: z.number().int(),
        lastError: z.string().nullable(),
        providerReversalId: z.string().nullable(),
      })
      .nullable()
      .openapi({
        description: "A lost dispute's seller share, taken back from the seller's account by the worker.",
      }),
    updatedAt: z.string(),
  })
  .openapi("SellerDispute");

export function disputeView(dispute: DisputeRecord): z.infer<typeof disputeSchema> {
  const { providerModifiedAtMs, createdAtMs: _created, ...rest } = dispute;
  return { ...rest, updatedAt: iso(providerModifiedAtMs) };
}

export const membershipSchema = z
  .object({
    providerSubscriptionId: z.string(),
    sellerId: z.string(),
    tierId: z.string().nullable(),
    status: z.string(),
    cancelAtPeriodEnd: z.boolean(),
    currentPeriodEnd: z.string().nullable(),
  })
  .openapi("Membership");

export function membershipView(membership: MembershipRecord): z.infer<typeof membershipSchema> {
  return {
    providerSubscriptionId: membership.providerSubscriptionId,
    sellerId: membership.sellerId,
    tierId: membership.tierId,
    status: membership.status,
    cancelAtPeriodEnd: membership.cancelAtPeriodEnd,
    currentPeriodEnd: membership.currentPeriodEndMs === null ? null : iso(membership.currentPeriodEndMs),
  };
}

export const totalsSchema = z
  .object({
    currency: z.string(),
    pendingMinor: z.number().int(),
    availableMinor: z.number().int(),
    paidMinor: z.number().int(),
    lifetimeMinor: z.number().int(),
  })
  .openapi("SellerTotals");
