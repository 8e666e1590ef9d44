import type { CreditType } from "../catalog/index.js";
import { creditAccount, creditAccountKinds } from "./credit-accounts.js";
import type { CreditStores } from "./credit-book.js";
import { creditLimits } from "./credit-limits.js";
import type { CreditBalance, CreditHistoryEntry } from "./credit-types.js";

/** Available, held and what lapses soon, for one balance; plain reads, no lock. */
export async function readBalance(
  stores: CreditStores,
  customerId: string,
  creditType: CreditType,
  nowMs: number,
  expiringSoonMs: number,
): Promise<CreditBalance> {
  const [available, held] = await stores.credits.balancesOf([
    creditAccount("available", customerId, creditType.key),
    creditAccount("held", customerId, creditType.key),
  ]);
  const expiring = await stores.credits.expiringAmounts(customerId, creditType.key, nowMs + expiringSoonMs);
  return {
    customerId,
    type: creditType.key,
    unit: creditType.unit,
    available: available!,
    held: held!,
    expiringSoon: expiring
      .filter((row) => row.expiresAtMs > nowMs && row.amount > 0)
      .map((row) => ({ amount: row.amount, expiresAt: new Date(row.expiresAtMs).toISOString() })),
  };
}

/** Every movement of the customer's available and held credits, newest first, keyset-paginated. */
export async function readHistory(
  stores: CreditStores,
  input: { customerId: string; type: string; limit?: number; before?: number },
): Promise<{ items: CreditHistoryEntry[]; nextBefore: number | null }> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), creditLimits.historyPageMax);
  const rows = await stores.credits.history(
    [
      creditAccount("available", input.customerId, input.type),
      creditAccount("held", input.customerId, input.type),
    ],
    input.before ?? null,
    limit + 1,
  );
  const page = rows.slice(0, limit);
  return {
    items: page.map((row) => ({
      sequence: row.sequence,
      transactionId: row.transactionId,
      balance: row.accountKind === creditAccountKinds.held ? "held" : "available",
      amount: row.amountMinor,
      action: typeof row.metadata.action === "string" ? row.metadata.action : "other",
      description: row.description,
      metadata: row.metadata,
      postedAt: new Date(row.postedAtMs).toISOString(),
    })),
    nextBefore: rows.length > limit ? page[page.length - 1]!.sequence : null,
  };
}
