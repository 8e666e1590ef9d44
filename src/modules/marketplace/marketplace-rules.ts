import { BillhookError, type FieldIssue, NotFoundError, ValidationError } from "../../kernel/index.js";
import type { BillingProvider, SellerPayments } from "../provider/index.js";
import type { SellerRecord, TierRecord } from "./marketplace-types.js";

/** Named limits of the marketplace's inputs. */
export const marketplaceLimits = {
  externalIdLengthMax: 200,
  emailLengthMax: 320,
  handlePattern: /^[a-z0-9][a-z0-9_-]{1,39}$/,
  tierNameLengthMax: 200,
  tierDescriptionLengthMax: 2000,
  tierAmountMinorMin: 50,
  tierAmountMinorMax: 100_000_000,
  tiersPerSellerMax: 50,
  listLimitMax: 200,
} as const;

/** The provider's marketplace half, or the typed error that says why there is none. */
export function requireSellerPayments(provider: BillingProvider | null): SellerPayments {
  if (!provider) throw new BillhookError("PROVIDER_NOT_CONFIGURED", "No payment provider is configured.");
  if (!provider.sellerPayments)
    throw new BillhookError(
      "UNSUPPORTED_BY_PROVIDER",
      `${provider.name} cannot run a marketplace with a revenue share; see docs/marketplace.md.`,
      { provider: provider.name },
    );
  return provider.sellerPayments;
}

/** Thrown at start when sellers are configured on a provider that forbids a revenue share. */
export function revenueShareRefused(providerName: string): BillhookError {
  return new BillhookError(
    "CONFIG_INVALID",
    `Invalid configuration:\n  marketplace: sellers are configured, but the provider is ${providerName}. ` +
      "Polar's acceptable-use policy prohibits marketplaces with a revenue share (selling others' products " +
      "or services against an agreed revenue share), so Billhook refuses this setup. docs/marketplace.md " +
      "explains the two compliant alternatives: Stripe Connect (STRIPE_SECRET_KEY), or one Polar " +
      "organisation per seller with the platform billing its own fee separately.",
    { provider: providerName, docs: "docs/marketplace.md" },
  );
}

export function refuseIssues(issues: FieldIssue[]): void {
  if (issues.length > 0) throw new ValidationError("The request is invalid.", issues);
}

export function requireSeller(seller: SellerRecord | null, id: string): SellerRecord {
  if (!seller) throw new NotFoundError("Seller", id);
  return seller;
}

/** A seller can be bought from only once the provider lets their account take charges. */
export function requireReady(seller: SellerRecord): string {
  if (!seller.providerAccountId || !seller.chargesEnabled)
    throw new BillhookError(
      "SELLER_NOT_READY",
      `Seller ${seller.id} cannot take payments yet: onboarding at the provider is not complete.`,
      { sellerId: seller.id, requirementsDue: seller.requirementsDue },
    );
  return seller.providerAccountId;
}

export function requireTier(tier: TierRecord | null, sellerId: string, tierId: string): TierRecord {
  if (!tier || tier.sellerId !== sellerId) throw new NotFoundError("Tier", tierId);
  return tier;
}

/** A tier is purchasable only while active and once its provider product and price exist. */
export function requirePurchasable(tier: TierRecord): string {
  if (tier.status !== "active" || !tier.providerPriceId)
    throw new BillhookError(
      "TIER_NOT_AVAILABLE",
      tier.status !== "active"
        ? `Tier ${tier.id} is archived.`
        : `Tier ${tier.id} does not exist at the provider yet.`,
      { tierId: tier.id, status: tier.status },
    );
  return tier.providerPriceId;
}

export function checkTierFields(input: {
  name?: string;
  description?: string | null;
  amountMinor?: number;
  currency?: string;
}): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (
    input.name !== undefined &&
    (input.name.length < 1 || input.name.length > marketplaceLimits.tierNameLengthMax)
  )
    issues.push({ path: "name", message: `must be 1 to ${marketplaceLimits.tierNameLengthMax} characters` });
  if (
    input.amountMinor !== undefined &&
    !(
      Number.isInteger(input.amountMinor) &&
      input.amountMinor >= marketplaceLimits.tierAmountMinorMin &&
      input.amountMinor <= marketplaceLimits.tierAmountMinorMax
    )
  )
    issues.push({
      path: "amountMinor",
      message: `must be an integer from ${marketplaceLimits.tierAmountMinorMin} to ${marketplaceLimits.tierAmountMinorMax}`,
    });
  if (input.currency !== undefined && !/^[A-Z]{3}$/.test(input.currency))
    issues.push({ path: "currency", message: "must be an ISO 4217 code such as USD" });
  return issues;
}
