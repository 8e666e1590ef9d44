import type { HoldRecord } from "../credits/index.js";
import type { Customer } from "../customers/index.js";
import type { LedgerRow, Payment } from "./admin-types.js";

/** Read-only queries across modules' tables, for the admin pages. Implemented in `src/storage`. */
export interface AdminStore {
  /** Net revenue (credits to `revenue` accounts, sign flipped) per currency and UTC day since `sinceMs`. */
  revenueByDay(sinceMs: number): Promise<Array<{ currency: string; day: number; amountMinor: number }>>;
  subscriptionCounts(): Promise<Array<{ status: string; count: number }>>;
  /** Sum of balances per account kind and currency, for the given kinds. */
  balancesByKind(kinds: string[]): Promise<Array<{ kind: string; currency: string; balanceMinor: number }>>;
  webhookCounts(): Promise<Array<{ status: string; count: number; oldestReceivedAtMs: number }>>;
  countCustomers(): Promise<number>;
  /** Customers whose id, email or name contains `query` (case-insensitive), newest first. */
  searchCustomers(query: string, limit: number): Promise<Customer[]>;
  listPayments(filter: { customerId?: string; status?: string; limit: number }): Promise<Payment[]>;
  /** Transactions touching the customer's own accounts or booking one of `orderIds`, newest first. */
  ledgerOf(customerId: string, orderIds: string[], limit: number): Promise<LedgerRow[]>;
  openHoldsOf(customerId: string): Promise<HoldRecord[]>;
}
