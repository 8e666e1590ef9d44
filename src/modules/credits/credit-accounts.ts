import type { AccountKey, EntryInput } from "../ledger/index.js";

/**
 * Ledger accounts of one customer's credits of one type. The credit type is a currency of its own
 * (`images` → `IMAGES`); every account belongs to the customer, so no global row is ever hot.
 * - `customer_credits`        spendable (never below zero: every debit carries a floor of 0)
 * - `customer_credits_held`   reserved by open holds
 * - `credits_granted`         the source of every grant (goes negative)
 * - `credits_spent`, `credits_expired`, `credits_clawed_back`  where credits end up
 */
export const creditAccountKinds = {
  available: "customer_credits",
  held: "customer_credits_held",
  granted: "credits_granted",
  spent: "credits_spent",
  expired: "credits_expired",
  clawedBack: "credits_clawed_back",
} as const;

export type CreditAccountRole = keyof typeof creditAccountKinds;

export function creditCurrency(creditType: string): string {
  return creditType.toUpperCase();
}

export function creditAccount(role: CreditAccountRole, customerId: string, creditType: string): AccountKey {
  return { kind: creditAccountKinds[role], ownerId: customerId, currency: creditCurrency(creditType) };
}

/**
 * Entries that move `amount` credits between two of the customer's accounts. A debit of the
 * available balance always carries `balanceFloorMinor: 0`: the ledger refuses the whole transaction,
 * on the locked balance row, if it would end below zero.
 */
export function moveCredits(
  customerId: string,
  creditType: string,
  from: CreditAccountRole,
  to: CreditAccountRole,
  amount: number,
): EntryInput[] {
  const debit: EntryInput = { account: creditAccount(from, customerId, creditType), amountMinor: -amount };
  if (from === "available") debit.balanceFloorMinor = 0;
  return [debit, { account: creditAccount(to, customerId, creditType), amountMinor: amount }];
}
