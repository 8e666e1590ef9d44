/** An account is identified by what it is for: its kind, whom it belongs to, and its currency. */
export interface AccountKey {
  /** What the account tracks, e.g. `customer_credits`, `platform_revenue`, `provider_clearing`. */
  kind: string;
  /** The owning customer, seller…; empty string for the platform's own accounts. */
  ownerId: string;
  /** ISO 4217 code (`USD`) or a credit unit (`CREDITS`, `IMAGES`). */
  currency: string;
}

export interface Account extends AccountKey {
  id: string;
  createdAt: Date;
}

export interface AccountBalance {
  account: Account;
  balanceMinor: number;
  entryCount: number;
  updatedAt: Date | null;
}

export type MetadataValue = string | number | boolean | null;

export interface EntryInput {
  account: AccountKey;
  /** Signed amount in minor units: the account's balance moves by exactly this much. */
  amountMinor: number;
  /**
   * If set, the account's balance after this posting must be at least this much, or the whole
   * transaction is refused with INSUFFICIENT_BALANCE. This is how spending stays non-negative under
   * any concurrency: the check happens on the locked, freshly updated balance row.
   */
  balanceFloorMinor?: number;
}

export interface PostingInput {
  /** The caller's idempotency key: posting the same id twice books once. */
  id: string;
  description?: string;
  metadata?: Record<string, MetadataValue>;
  entries: EntryInput[];
}

export interface LedgerEntry {
  sequence: number;
  accountId: string;
  account: AccountKey;
  amountMinor: number;
}

export interface LedgerTransaction {
  id: string;
  description: string;
  metadata: Record<string, MetadataValue>;
  contentHash: string;
  postedAt: Date;
  entries: LedgerEntry[];
}

export interface PostingResult {
  transaction: LedgerTransaction;
  /** True when this id had already been posted with the same content and nothing new was booked. */
  replayed: boolean;
  /** Balances of the touched accounts after the posting (absent on replay). */
  balances: Array<{ accountId: string; balanceMinor: number }>;
}

export interface BalanceDifference {
  accountId: string;
  projectedMinor: number;
  recomputedMinor: number;
  projectedEntryCount: number;
  recomputedEntryCount: number;
}

export interface UnbalancedTransaction {
  transactionId: string;
  currency: string;
  sumMinor: number;
}

export interface LedgerVerification {
  ok: boolean;
  accountsChecked: number;
  transactionsChecked: number;
  differences: BalanceDifference[];
  unbalancedTransactions: UnbalancedTransaction[];
}
