import { type DomainEventStores, recordDomainEvent } from "../domain-events/index.js";
import type { PostingResult } from "../ledger/index.js";
import { creditAccountKinds } from "./credit-accounts.js";

/**
 * Records `credits.low` and `credits.depleted` when a posting takes an available balance across the
 * low threshold or to zero. It works from the balances the posting already returned (before = after −
 * the move), so an ordinary spend costs no query at all: only a crossing writes an event.
 */
export async function recordBalanceCrossings(
  stores: DomainEventStores,
  result: PostingResult,
  lowThreshold: () => Promise<number>,
): Promise<void> {
  if (result.replayed) return;
  for (const entry of result.transaction.entries) {
    if (entry.account.kind !== creditAccountKinds.available || entry.amountMinor >= 0) continue;
    const after = result.balances.find((balance) => balance.accountId === entry.accountId)?.balanceMinor;
    if (after === undefined) continue;
    const before = after - entry.amountMinor;
    const base = {
      customerId: entry.account.ownerId,
      type: entry.account.currency.toLowerCase(),
      balance: after,
    };
    const occurredAtMs = result.transaction.postedAt.getTime();
    const threshold = await lowThreshold();
    if (threshold > 0 && before > threshold && after <= threshold) {
      await recordDomainEvent(stores, {
        type: "credits.low",
        data: { ...base, threshold },
        occurredAtMs,
      });
    }
    if (before > 0 && after <= 0) {
      await recordDomainEvent(stores, { type: "credits.depleted", data: base, occurredAtMs });
    }
  }
}

/** The available balance of the posting's credited available account, after it. */
export function availableAfterGrant(result: PostingResult): number {
  const entry = result.transaction.entries.find(
    (candidate) => candidate.account.kind === creditAccountKinds.available && candidate.amountMinor > 0,
  );
  return result.balances.find((balance) => balance.accountId === entry?.accountId)?.balanceMinor ?? 0;
}
