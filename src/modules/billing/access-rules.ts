import type { CatalogEntry } from "../catalog/index.js";
import type { EntitlementRow } from "../entitlements/index.js";
import type { OrderRecord, SubscriptionRecord } from "./billing-types.js";

/**
 * Access is derived from the whole subscription state, never from one flag:
 * - trialing / active: entitled; if canceled at period end, until that end.
 * - past_due: entitled for the grace period after the first failed payment, then not — kept as a
 *   lapsed row so `check` can say that paying would restore access.
 * - canceled, unpaid, paused, incomplete, incomplete_expired: not entitled.
 */
export function subscriptionAccessUntil(
  subscription: SubscriptionRecord,
  pastDueGraceMs: number,
): { entitled: boolean; untilMs: number | null } {
  switch (subscription.status) {
    case "trialing":
    case "active":
      return {
        entitled: true,
        untilMs: subscription.cancelAtPeriodEnd ? subscription.currentPeriodEndMs : null,
      };
    case "past_due": {
      const since = subscription.pastDueAtMs ?? subscription.providerModifiedAtMs;
      return { entitled: pastDueGraceMs > 0, untilMs: since + Math.max(pastDueGraceMs, 0) };
    }
    default:
      return { entitled: false, untilMs: null };
  }
}

export function subscriptionEntitlements(
  subscription: SubscriptionRecord,
  entry: CatalogEntry | undefined,
  pastDueGraceMs: number,
): EntitlementRow[] {
  const access = subscriptionAccessUntil(subscription, pastDueGraceMs);
  const pastDue = subscription.status === "past_due";
  if (!entry || (!access.entitled && !pastDue)) return [];
  return entry.features.map((featureKey) => ({
    customerId: subscription.customerId,
    featureKey,
    sourceKind: "subscription",
    sourceId: subscription.providerSubscriptionId,
    catalogKey: entry.key,
    activeUntilMs: access.untilMs,
    lapseCode: pastDue ? "PAYMENT_REQUIRED" : null,
  }));
}

/** A one-time unlock grants its features once paid, for good, until it is fully refunded. */
export function orderEntitlements(order: OrderRecord, entry: CatalogEntry | undefined): EntitlementRow[] {
  if (entry?.kind !== "one_time") return [];
  if (order.status !== "paid" && order.status !== "partially_refunded") return [];
  return entry.features.map((featureKey) => ({
    customerId: order.customerId,
    featureKey,
    sourceKind: "order",
    sourceId: order.providerOrderId,
    catalogKey: entry.key,
    activeUntilMs: null,
    lapseCode: null,
  }));
}
