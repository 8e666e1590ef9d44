import type {
  Account,
  AccountBalance,
  AccountKey,
  BalanceDifference,
  LedgerTransaction,
  MetadataValue,
  UnbalancedTransaction,
} from "./ledger-types.js";

export interface TransactionRecord {
  id: string;
  description: string;
  metadata: Record<string, MetadataValue>;
  contentHash: string;
  postedAtMs: number;
}

export interface EntryRecord {
  transactionId: string;
  accountId: string;
  currency: string;
  amountMinor: number;
  postedAtMs: number;
}

export interface BalanceDelta {
  accountId: string;
  currency: string;
  deltaMinor: number;
  entryCount: number;
}

export interface AccountFilter {
  ownerId?: string;
  kind?: string;
  currency?: string;
  limit: number;
  /** Return accounts whose id sorts after this one (keyset pagination). */
  afterId?: string;
}

/** Persistence port of the ledger. Implementations live in `src/storage`; no SQL anywhere else. */
export interface LedgerStore {
  /** Inserts the transaction header unless the id exists; waits for a concurrent insert to settle. */
  insertTransactionIfAbsent(record: TransactionRecord): Promise<boolean>;
  /**
   * `insertTransactionIfAbsent` for several headers in one statement (ids distinct): returns the ids
   * it inserted, leaving those that exist (or that a concurrent transaction committed first).
   */
  insertTransactionsIfAbsent(records: TransactionRecord[]): Promise<Set<string>>;
  /** Which of these transaction ids exist already. */
  findTransactionIds(ids: string[]): Promise<Set<string>>;
  findTransaction(id: string): Promise<LedgerTransaction | null>;
  /** Returns one account per key, creating missing ones; the result follows the order of `keys`. */
  ensureAccounts(keys: AccountKey[], createdAtMs: number): Promise<Account[]>;
  /** Appends the entries in order and returns the sequence number given to each. */
  insertEntries(entries: EntryRecord[]): Promise<number[]>;
  /**
   * Adds each delta to its account's balance projection, locking the rows in the given order (one
   * statement, so a hot account's row lock is held as briefly as possible), and returns the new
   * balances.
   */
  applyBalanceDeltas(deltas: BalanceDelta[], updatedAtMs: number): Promise<Map<string, number>>;
  /**
   * Locks the balance rows of these accounts until the transaction ends (PostgreSQL `FOR UPDATE`, in
   * account id order; a SQLite write transaction is exclusive already) and returns their balances;
   * an account without a balance row is absent from the map (and not locked: its balance is 0).
   */
  lockBalances(accountIds: string[]): Promise<Map<string, number>>;
  findAccountBalance(accountId: string): Promise<AccountBalance | null>;
  findAccountByKey(key: AccountKey): Promise<Account | null>;
  listAccountBalances(filter: AccountFilter): Promise<AccountBalance[]>;
  /** Compares every balance projection with the sum of its entries. */
  findBalanceDifferences(): Promise<{ accountsChecked: number; differences: BalanceDifference[] }>;
  findUnbalancedTransactions(): Promise<{
    transactionsChecked: number;
    unbalanced: UnbalancedTransaction[];
  }>;
}
