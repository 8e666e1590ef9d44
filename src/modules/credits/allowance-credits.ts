import type { CatalogEntry } from "../catalog/index.js";
import { defaultCreditPriority } from "../catalog/index.js";
import { creditAccount } from "./credit-accounts.js";
import type { CreditBook, CreditStores } from "./credit-book.js";
import { creditTransactionId } from "./credit-book.js";

/** What allowances need to know about a subscription the provider described. */
export interface AllowanceSubscription {
  providerSubscriptionId: string;
  customerId: string;
  status: string;
  currentPeriodStartMs: number;
  currentPeriodEndMs: number | null;
}

/** Months are calendar months from the period start, in UTC (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(startMs: number, months: number): number {
  const start = new Date(startMs);
  const target = new Date(startMs);
  target.setUTCDate(1);
  target.setUTCMonth(start.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(start.getUTCDate(), lastDay));
  return target.getTime();
}

/**
 * The allowance month that contains `nowMs`: monthly even on yearly plans, so a yearly subscription
 * gets twelve allocations. Null before the period starts or after it ends.
 */
export function allowanceMonth(
  subscription: AllowanceSubscription,
  nowMs: number,
): { startMs: number; endMs: number } | null {
  const periodEndMs = subscription.currentPeriodEndMs ?? Number.MAX_SAFE_INTEGER;
  if (nowMs < subscription.currentPeriodStartMs || nowMs >= periodEndMs) return null;
  let month = 0;
  while (addMonths(subscription.currentPeriodStartMs, month + 1) <= nowMs) month++;
  return {
    startMs: addMonths(subscription.currentPeriodStartMs, month),
    endMs: Math.min(addMonths(subscription.currentPeriodStartMs, month + 1), periodEndMs),
  };
}

/**
 * Grants this month's allowance of each credit type once (the grant id names the subscription and
 * the month). Without rollover the allowance lapses at the month's end; with rollover, what is left
 * of earlier allowances above the cap lapses when the new month's allowance arrives.
 */
export async function applyAllowances(
  book: CreditBook,
  stores: CreditStores,
  entry: CatalogEntry,
  subscription: AllowanceSubscription,
  nowMs: number,
): Promise<number> {
  if (!["active", "trialing"].includes(subscription.status)) return 0;
  const month = allowanceMonth(subscription, nowMs);
  if (!month) return 0;
  let granted = 0;
  for (const allowance of entry.creditAllowances ?? []) {
    const grantId = creditTransactionId(
      "allowance",
      subscription.providerSubscriptionId,
      allowance.creditType,
      String(month.startMs),
    );
    if (await stores.credits.findGrant(grantId)) continue;
    await book.settleDue(stores, subscription.customerId, allowance.creditType, nowMs);
    if (allowance.rollover && allowance.rolloverCap !== null) {
      await stores.credits.lockBalance(
        creditAccount("available", subscription.customerId, allowance.creditType),
      );
      const earlier = await stores.credits.listGrantsOfSource(
        subscription.customerId,
        allowance.creditType,
        "allowance",
        subscription.providerSubscriptionId,
      );
      let excess = earlier.reduce((sum, grant) => sum + grant.amountRemaining, 0) - allowance.rolloverCap;
      for (const grant of earlier) {
        if (excess <= 0) break;
        const lapsed = Math.min(excess, grant.amountRemaining);
        await book.expire(stores, grant, lapsed);
        excess -= lapsed;
      }
    }
    await book.grant(
      stores,
      {
        customerId: subscription.customerId,
        creditType: allowance.creditType,
        amount: allowance.amount,
        grantId,
        sourceKind: "allowance",
        sourceId: subscription.providerSubscriptionId,
        expiresAtMs: allowance.rollover ? null : month.endMs,
        priority: defaultCreditPriority,
        metadata: { catalogKey: entry.key, monthStartMs: month.startMs },
      },
      nowMs,
    );
    granted++;
  }
  return granted;
}
