import { type Clock, dayMs, type StoreAccess } from "../../kernel/index.js";
import type { BillingStore } from "../billing/index.js";
import type { CheckoutRecord } from "../checkout/index.js";
import { type CreditBalance, creditAccountKinds } from "../credits/index.js";
import type { CustomerStore } from "../customers/index.js";
import type { EntitlementRow } from "../entitlements/index.js";
import type { MeterStatus } from "../usage/index.js";
import type { AdminStore } from "./admin-store.js";
import {
  adminLimits,
  type CustomerSummary,
  type Overview,
  type Payment,
  type WebhookHealth,
} from "./admin-types.js";

export interface AdminStores {
  admin: AdminStore;
  customers: CustomerStore;
  billing: BillingStore;
}

/** What the customer page gathers from the modules that own each part. */
export interface CustomerSources {
  entitlements(customerId: string): Promise<EntitlementRow[]>;
  credits(customerId: string): Promise<CreditBalance[]>;
  usage(customerId: string): Promise<MeterStatus[]>;
  checkouts(customerId: string): Promise<CheckoutRecord[]>;
}

const liveStatuses = new Set(["trialing", "active", "past_due"]);

/**
 * Read models for the admin API and dashboard: an overview, customer search and summary, payments.
 * Reads only; every change still goes through the module that owns it.
 */
export class AdminReads {
  readonly #access: StoreAccess<AdminStores>;
  readonly #clock: Clock;
  readonly #sources: CustomerSources;

  constructor(options: { access: StoreAccess<AdminStores>; clock: Clock; sources: CustomerSources }) {
    this.#access = options.access;
    this.#clock = options.clock;
    this.#sources = options.sources;
  }

  /**
   * @example
   * const { revenue, subscriptions } = await billhook.admin.overview();
   */
  async overview(): Promise<Overview> {
    const asOfMs = this.#clock.now().getTime();
    const todayStartMs = Math.floor(asOfMs / dayMs) * dayMs;
    const sinceMs = todayStartMs - (adminLimits.revenueWindowDays - 1) * dayMs;
    return this.#access.read(async (stores) => {
      const [revenueRows, subscriptionRows, balanceRows, webhookRows, customers] = await Promise.all([
        stores.admin.revenueByDay(sinceMs),
        stores.admin.subscriptionCounts(),
        stores.admin.balancesByKind([creditAccountKinds.available, creditAccountKinds.held]),
        stores.admin.webhookCounts(),
        stores.admin.countCustomers(),
      ]);
      const byStatus = Object.fromEntries(subscriptionRows.map((row) => [row.status, row.count]));
      return {
        asOfMs,
        revenue: revenueSeries(revenueRows, sinceMs, adminLimits.revenueWindowDays),
        subscriptions: {
          live: subscriptionRows
            .filter((row) => liveStatuses.has(row.status))
            .reduce((sum, row) => sum + row.count, 0),
          byStatus,
        },
        creditsOutstanding: creditTotals(balanceRows),
        customers,
        webhooks: webhookHealth(webhookRows),
      };
    });
  }

  /** Customers whose id, email or name contains the query; the newest when the query is empty. */
  searchCustomers(query: string) {
    const trimmed = query.trim().slice(0, adminLimits.queryLengthMax);
    return this.#access.read((stores) => stores.admin.searchCustomers(trimmed, adminLimits.searchResultsMax));
  }

  listPayments(filter: { customerId?: string; status?: string; limit: number }): Promise<Payment[]> {
    return this.#access.read((stores) => stores.admin.listPayments(filter));
  }

  /** Everything about one customer, gathered from the modules that own each part. */
  async customerSummary(customerId: string): Promise<CustomerSummary> {
    const [stored, entitlements, credits, usage, checkouts] = await Promise.all([
      this.#access.read(async (stores) => {
        const payments = await stores.admin.listPayments({ customerId, limit: adminLimits.ledgerRowsMax });
        return {
          customer: await stores.customers.find(customerId),
          subscriptions: await stores.billing.listSubscriptionsOf(customerId),
          payments,
          openHolds: await stores.admin.openHoldsOf(customerId),
          ledger: await stores.admin.ledgerOf(
            customerId,
            payments.map((payment) => payment.providerOrderId),
            adminLimits.ledgerRowsMax,
          ),
        };
      }),
      this.#sources.entitlements(customerId),
      this.#sources.credits(customerId),
      this.#sources.usage(customerId),
      this.#sources.checkouts(customerId),
    ]);
    return { customerId, ...stored, entitlements, credits, usage, checkouts };
  }
}

/** One point per day of the window for each currency, zeros included, so a chart needs no gap logic. */
export function revenueSeries(
  rows: Array<{ currency: string; day: number; amountMinor: number }>,
  sinceMs: number,
  days: number,
): Overview["revenue"] {
  const firstDay = Math.floor(sinceMs / dayMs);
  const currencies = [...new Set(rows.map((row) => row.currency))].sort();
  return currencies.map((currency) => {
    const amounts = new Map(
      rows.filter((row) => row.currency === currency).map((row) => [row.day, row.amountMinor]),
    );
    const series = Array.from({ length: days }, (_, index) => ({
      dayStartMs: (firstDay + index) * dayMs,
      amountMinor: amounts.get(firstDay + index) ?? 0,
    }));
    return { currency, totalMinor: series.reduce((sum, day) => sum + day.amountMinor, 0), days: series };
  });
}

function creditTotals(rows: Array<{ kind: string; currency: string; balanceMinor: number }>) {
  const totals = new Map<string, { currency: string; available: number; held: number }>();
  for (const row of rows) {
    const total = totals.get(row.currency) ?? { currency: row.currency, available: 0, held: 0 };
    if (row.kind === creditAccountKinds.available) total.available += row.balanceMinor;
    else total.held += row.balanceMinor;
    totals.set(row.currency, total);
  }
  return [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

function webhookHealth(
  rows: Array<{ status: string; count: number; oldestReceivedAtMs: number }>,
): WebhookHealth {
  const pending = rows.filter((row) => row.status === "received" || row.status === "failed");
  return {
    byStatus: Object.fromEntries(rows.map((row) => [row.status, row.count])),
    backlog: pending.reduce((sum, row) => sum + row.count, 0),
    failed: rows.find((row) => row.status === "failed")?.count ?? 0,
    oldestPendingAtMs:
      pending.length === 0 ? null : Math.min(...pending.map((row) => row.oldestReceivedAtMs)),
  };
}
