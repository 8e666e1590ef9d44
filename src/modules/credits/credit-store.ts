import type { AccountKey, MetadataValue } from "../ledger/index.js";
import type { GrantRecord, GrantSourceKind, HoldRecord, HoldStatus } from "./credit-types.js";

export interface GrantChange {
  grantId: string;
  /** Added to what is left of the grant; the store refuses to take it below zero. */
  remainingDelta: number;
  expiredDelta?: number;
  clawedBackDelta?: number;
}

export interface HistoryRow {
  sequence: number;
  transactionId: string;
  accountKind: string;
  amountMinor: number;
  description: string;
  metadata: Record<string, MetadataValue>;
  postedAtMs: number;
}

/** Persistence port of credits. Implemented in `src/storage/stores/credit-store.ts`. */
export interface CreditStore {
  /**
   * Locks the balance row of this ledger account until the transaction ends (PostgreSQL `FOR UPDATE`;
   * a SQLite write transaction is exclusive already). Grants change only under this lock.
   */
  lockBalance(account: AccountKey): Promise<void>;
  /** Whether a grant has lapsed with credits left, or a hold has run out, for this balance. */
  hasDueWork(customerId: string, creditType: string, nowMs: number): Promise<boolean>;
  /** Grants with credits left, in burn order: soonest expiry first (never last), then priority. */
  listSpendableGrants(customerId: string, creditType: string): Promise<GrantRecord[]>;
  /**
   * The common case in one statement: takes `amount` from the first grant in burn order when that
   * grant covers it, returning its id; null (nothing changed) when the spend needs several grants.
   */
  burnFirstGrant(customerId: string, creditType: string, amount: number): Promise<string | null>;
  listDueGrants(customerId: string, creditType: string, nowMs: number): Promise<GrantRecord[]>;
  /** Grants of one source (e.g. one subscription's allowances) with credits left, in burn order. */
  listGrantsOfSource(
    customerId: string,
    creditType: string,
    sourceKind: GrantSourceKind,
    sourceId: string,
  ): Promise<GrantRecord[]>;
  findGrant(id: string): Promise<GrantRecord | null>;
  insertGrant(grant: GrantRecord): Promise<void>;
  /** Applies every change or throws; a change that would make a grant negative is an invariant bug. */
  changeGrants(changes: GrantChange[]): Promise<void>;
  /** Sums of what is left, grouped by expiry, for expiries up to `untilMs`. */
  expiringAmounts(
    customerId: string,
    creditType: string,
    untilMs: number,
  ): Promise<Array<{ expiresAtMs: number; amount: number }>>;

  insertHold(hold: HoldRecord): Promise<void>;
  findHold(id: string): Promise<HoldRecord | null>;
  findHoldByKey(customerId: string, creditType: string, idempotencyKey: string): Promise<HoldRecord | null>;
  /** Moves a hold from one status to another; false when it was no longer in `from` (someone else won). */
  transitionHold(
    id: string,
    from: HoldStatus,
    to: HoldStatus,
    amountCommitted: number | null,
    nowMs: number,
  ): Promise<boolean>;
  listDueHolds(customerId: string, creditType: string, nowMs: number): Promise<HoldRecord[]>;
  /** Balances with due work anywhere, for the sweeper. */
  listDueBalances(nowMs: number, limit: number): Promise<Array<{ customerId: string; creditType: string }>>;

  /** Current balances of the given ledger accounts (0 when never posted to), in the given order. */
  balancesOf(accounts: AccountKey[]): Promise<number[]>;
  /** Entries on the given accounts, newest first, before the `before` sequence. */
  history(accounts: AccountKey[], before: number | null, limit: number): Promise<HistoryRow[]>;
}
