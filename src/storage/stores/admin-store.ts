import { type Kysely, sql } from "kysely";
import { dayMs } from "../../kernel/index.js";
import type { AdminStore, LedgerRow, Payment } from "../../modules/admin/index.js";
import type { HoldRecord } from "../../modules/credits/index.js";
import type { Customer } from "../../modules/customers/index.js";
import type { Schema } from "../schema.js";
import { toOrder } from "./billing-store.js";
import { toHold } from "./credit-store.js";

/** Aggregates come back as bigint, numeric or string depending on the dialect; all fit a number. */
function count(value: unknown): number {
  return Number(value ?? 0);
}

/** A LIKE pattern that matches `text` literally anywhere (its own % and _ escaped). */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

export class KyselyAdminStore implements AdminStore {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async revenueByDay(sinceMs: number) {
    const day = sql<number>`entry.posted_at_ms / ${sql.lit(dayMs)}`;
    const rows = await this.#db
      .selectFrom("ledger_entries as entry")
      .innerJoin("ledger_accounts as account", "account.id", "entry.account_id")
      .select(["entry.currency", day.as("day"), sql<number>`sum(entry.amount_minor)`.as("sum_minor")])
      .where("account.kind", "=", "revenue")
      .where("entry.posted_at_ms", ">=", sinceMs)
      .groupBy(["entry.currency", day])
      .execute();
    // Revenue accounts are credited (negative); revenue earned is the opposite sign.
    return rows.map((row) => ({
      currency: row.currency,
      day: count(row.day),
      amountMinor: -count(row.sum_minor),
    }));
  }

  async subscriptionCounts() {
    const rows = await this.#db
      .selectFrom("subscriptions")
      .select(["status", (eb) => eb.fn.countAll().as("count")])
      .groupBy("status")
      .execute();
    return rows.map((row) => ({ status: row.status, count: count(row.count) }));
  }

  async balancesByKind(kinds: string[]) {
    if (kinds.length === 0) return [];
    const rows = await this.#db
      .selectFrom("ledger_balances as balance")
      .innerJoin("ledger_accounts as account", "account.id", "balance.account_id")
      .select(["account.kind", "account.currency", sql<number>`sum(balance.balance_minor)`.as("sum_minor")])
      .where("account.kind", "in", kinds)
      .groupBy(["account.kind", "account.currency"])
      .execute();
    return rows.map((row) => ({
      kind: row.kind,
      currency: row.currency,
      balanceMinor: count(row.sum_minor),
    }));
  }

  async webhookCounts() {
    const rows = await this.#db
      .selectFrom("webhook_deliveries")
      .select([
        "status",
        (eb) => eb.fn.countAll().as("count"),
        (eb) => eb.fn.min("received_at_ms").as("oldest"),
      ])
      .groupBy("status")
      .execute();
    return rows.map((row) => ({
      status: row.status,
      count: count(row.count),
      oldestReceivedAtMs: count(row.oldest),
    }));
  }

  async countCustomers(): Promise<number> {
    const row = await this.#db
      .selectFrom("customers")
      .select((eb) => eb.fn.countAll().as("count"))
      .executeTakeFirst();
    return count(row?.count);
  }

  async searchCustomers(query: string, limit: number): Promise<Customer[]> {
    let select = this.#db
      .selectFrom("customers")
      .selectAll()
      .orderBy("created_at_ms", "desc")
      .orderBy("id")
      .limit(limit);
    if (query !== "") {
      const pattern = containsPattern(query);
      select = select.where((eb) =>
        eb.or(
          (["id", "email", "name"] as const).map(
            (column) => sql<boolean>`lower(coalesce(${sql.ref(column)}, '')) like ${pattern} escape '\\'`,
          ),
        ),
      );
    }
    const rows = await select.execute();
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      name: row.name,
      provider: row.provider,
      providerCustomerId: row.provider_customer_id,
      createdAtMs: row.created_at_ms,
    }));
  }

  async listPayments(filter: { customerId?: string; status?: string; limit: number }): Promise<Payment[]> {
    let select = this.#db
      .selectFrom("orders")
      .selectAll()
      .orderBy("updated_at_ms", "desc")
      .orderBy("provider_order_id", "desc")
      .limit(filter.limit);
    if (filter.customerId !== undefined) select = select.where("customer_id", "=", filter.customerId);
    if (filter.status !== undefined) select = select.where("status", "=", filter.status);
    const rows = await select.execute();
    return rows.map((row) => ({ ...toOrder(row), updatedAtMs: row.updated_at_ms }));
  }

  async ledgerOf(customerId: string, orderIds: string[], limit: number): Promise<LedgerRow[]> {
    const transactions = await this.#db
      .selectFrom("ledger_transactions as transaction")
      .select(["transaction.id", "transaction.description", "transaction.posted_at_ms"])
      .where((eb) =>
        eb.or([
          eb(
            "transaction.id",
            "in",
            eb
              .selectFrom("ledger_entries as entry")
              .innerJoin("ledger_accounts as account", "account.id", "entry.account_id")
              .select("entry.transaction_id")
              .where("account.owner_id", "=", customerId),
          ),
          // Order postings book to shared accounts; their ids name the order (`<provider>:order:<id>:…`).
          ...orderIds.map(
            (orderId) =>
              sql<boolean>`${sql.ref("transaction.id")} like ${`%:order:${orderId.replace(/[\\%_]/g, (character) => `\\${character}`)}:%`} escape '\\'`,
          ),
        ]),
      )
      .orderBy("transaction.posted_at_ms", "desc")
      .orderBy("transaction.id", "desc")
      .limit(limit)
      .execute();
    if (transactions.length === 0) return [];
    const entries = await this.#db
      .selectFrom("ledger_entries as entry")
      .innerJoin("ledger_accounts as account", "account.id", "entry.account_id")
      .select([
        "entry.transaction_id",
        "entry.sequence",
        "account.kind",
        "account.owner_id",
        "entry.currency",
        "entry.amount_minor",
      ])
      .where(
        "entry.transaction_id",
        "in",
        transactions.map((transaction) => transaction.id),
      )
      .orderBy("entry.sequence")
      .execute();
    return transactions.map((transaction) => ({
      transactionId: transaction.id,
      description: transaction.description,
      postedAtMs: transaction.posted_at_ms,
      entries: entries
        .filter((entry) => entry.transaction_id === transaction.id)
        .map((entry) => ({
          accountKind: entry.kind,
          ownerId: entry.owner_id,
          currency: entry.currency,
          amountMinor: entry.amount_minor,
        })),
    }));
  }

  async openHoldsOf(customerId: string): Promise<HoldRecord[]> {
    const rows = await this.#db
      .selectFrom("credit_holds")
      .selectAll()
      .where("customer_id", "=", customerId)
      .where("status", "=", "held")
      .orderBy("created_at_ms", "desc")
      .execute();
    return rows.map(toHold);
  }
}
