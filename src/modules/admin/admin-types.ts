import type { OrderRecord, SubscriptionRecord } from "../billing/index.js";
import type { CheckoutRecord } from "../checkout/index.js";
import type { CreditBalance, HoldRecord } from "../credits/index.js";
import type { Customer } from "../customers/index.js";
import type { EntitlementRow } from "../entitlements/index.js";
import type { MeterStatus } from "../usage/index.js";

/** What the admin overview shows: money in, who pays, what is owed in credits, whether intake is healthy. */
export interface Overview {
  asOfMs: number;
  /** Net revenue booked in the ledger per UTC day over the window, oldest first, per currency. */
  revenue: Array<{
    currency: string;
    totalMinor: number;
    days: Array<{ dayStartMs: number; amountMinor: number }>;
  }>;
  subscriptions: { live: number; byStatus: Record<string, number> };
  /** Credits customers hold (available and reserved), per credit currency. */
  creditsOutstanding: Array<{ currency: string; available: number; held: number }>;
  customers: number;
  webhooks: WebhookHealth;
}

export interface WebhookHealth {
  byStatus: Record<string, number>;
  /** Deliveries stored but not yet processed (received or failed and due for retry). */
  backlog: number;
  failed: number;
  /** When the oldest unprocessed delivery arrived; null when none waits. */
  oldestPendingAtMs: number | null;
}

export interface LedgerRow {
  transactionId: string;
  description: string;
  postedAtMs: number;
  entries: Array<{ accountKind: string; ownerId: string; currency: string; amountMinor: number }>;
}

/** A payment as the provider described it, with what was refunded of it. */
export interface Payment extends OrderRecord {
  updatedAtMs: number;
}

export interface CustomerSummary {
  customerId: string;
  /** Null when Billhook holds no customer record (e.g. credits granted by API only). */
  customer: Customer | null;
  entitlements: EntitlementRow[];
  credits: CreditBalance[];
  openHolds: HoldRecord[];
  usage: MeterStatus[];
  subscriptions: SubscriptionRecord[];
  payments: Payment[];
  checkouts: CheckoutRecord[];
  ledger: LedgerRow[];
}

export const adminLimits = {
  revenueWindowDays: 30,
  searchResultsMax: 50,
  ledgerRowsMax: 100,
  queryLengthMax: 200,
} as const;
