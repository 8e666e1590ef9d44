import { dayMs } from "../kernel/index.js";
import type { BillingEvent } from "../modules/billing/index.js";
import type { ProviderSubscription } from "../modules/provider/index.js";

const day = dayMs;

/**
 * The provider reporting an active subscription of `customerId` to the catalog's `pro` plan, started at
 * `startAt` for a 30-day period (what `billing.apply` books), with `overrides` for other states.
 */
export function proSubscription(
  customerId: string,
  startAt: Date,
  overrides: Partial<ProviderSubscription> = {},
): BillingEvent {
  return {
    kind: "subscription",
    subscription: {
      providerSubscriptionId: `sub_${customerId}`,
      externalCustomerId: customerId,
      providerProductId: "prod_pro",
      catalogKey: "pro",
      status: "active",
      cancelAtPeriodEnd: false,
      currentPeriodStart: startAt,
      currentPeriodEnd: new Date(startAt.getTime() + 30 * day),
      pastDueAt: null,
      endedAt: null,
      modifiedAt: startAt,
      ...overrides,
    },
  };
}
