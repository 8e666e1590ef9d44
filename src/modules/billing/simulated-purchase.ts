import type { CatalogEntry } from "../catalog/index.js";
import type { BillingEvent } from "./billing-service.js";

/**
 * Development only: the provider event a successful payment for `entry` would produce, so a demo can
 * go on when the real payment form cannot (Seed 004's "simulate success"). Applied through the same
 * path as a webhook, it has the same observable effects: entitlements, credits, ledger, realtime.
 */
export function simulatedPurchase(
  entry: CatalogEntry,
  customerId: string,
  id: string,
  now: Date,
): BillingEvent {
  if (entry.kind === "plan") {
    const periodEnd = new Date(now.getTime());
    if (entry.interval === "year") periodEnd.setUTCFullYear(periodEnd.getUTCFullYear() + 1);
    else periodEnd.setUTCMonth(periodEnd.getUTCMonth() + 1);
    return {
      kind: "subscription",
      subscription: {
        providerSubscriptionId: id,
        externalCustomerId: customerId,
        providerProductId: `simulated_${entry.key}`,
        catalogKey: entry.key,
        status: "active",
        cancelAtPeriodEnd: false,
        currentPeriodStart: now,
        currentPeriodEnd: periodEnd,
        pastDueAt: null,
        endedAt: null,
        modifiedAt: now,
      },
    };
  }
  const amountMinor =
    entry.price.type === "fixed"
      ? entry.price.amountMinor
      : (entry.price.presetMinor ?? entry.price.minimumMinor);
  return {
    kind: "order",
    order: {
      providerOrderId: id,
      externalCustomerId: customerId,
      providerProductId: null,
      catalogKey: entry.key,
      providerSubscriptionId: null,
      status: "paid",
      billingReason: "purchase",
      currency: entry.price.currency,
      netMinor: amountMinor,
      taxMinor: 0,
      totalMinor: amountMinor,
      providerFeeMinor: 0,
      refundedMinor: 0,
      refundedTaxMinor: 0,
      modifiedAt: now,
    },
  };
}
