import type { Kysely } from "kysely";
import type { BillingStore, OrderRecord, SubscriptionRecord } from "../../modules/billing/index.js";
import type { OrderStatus, SubscriptionStatus } from "../../modules/provider/index.js";
import type { OrdersTable, Schema, SubscriptionsTable } from "../schema.js";

export class KyselyBillingStore implements BillingStore {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async findSubscription(providerSubscriptionId: string): Promise<SubscriptionRecord | null> {
    const row = await this.#db
      .selectFrom("subscriptions")
      .selectAll()
      .where("provider_subscription_id", "=", providerSubscriptionId)
      .executeTakeFirst();
    return row ? toSubscription(row) : null;
  }

  async saveSubscription(record: SubscriptionRecord, updatedAtMs: number): Promise<void> {
    const row: SubscriptionsTable = {
      provider_subscription_id: record.providerSubscriptionId,
      provider: record.provider,
      customer_id: record.customerId,
      catalog_key: record.catalogKey,
      status: record.status,
      cancel_at_period_end: record.cancelAtPeriodEnd ? 1 : 0,
      current_period_start_ms: record.currentPeriodStartMs,
      current_period_end_ms: record.currentPeriodEndMs,
      past_due_at_ms: record.pastDueAtMs,
      ended_at_ms: record.endedAtMs,
      provider_modified_at_ms: record.providerModifiedAtMs,
      updated_at_ms: updatedAtMs,
    };
    const { provider_subscription_id: _id, ...changes } = row;
    await this.#db
      .insertInto("subscriptions")
      .values(row)
      .onConflict((conflict) => conflict.column("provider_subscription_id").doUpdateSet(changes))
      .execute();
  }

  async listSubscriptionsOf(customerId: string): Promise<SubscriptionRecord[]> {
    const rows = await this.#db
      .selectFrom("subscriptions")
      .selectAll()
      .where("customer_id", "=", customerId)
      .execute();
    return rows.map(toSubscription);
  }

  async listCustomersWithLiveSubscriptions(afterCustomerId: string | null, limit: number): Promise<string[]> {
    let query = this.#db
      .selectFrom("subscriptions")
      .select("customer_id")
      .distinct()
      .where("status", "in", ["trialing", "active", "past_due"])
      .orderBy("customer_id")
      .limit(limit);
    if (afterCustomerId !== null) query = query.where("customer_id", ">", afterCustomerId);
    return (await query.execute()).map((row) => row.customer_id);
  }

  async findOrder(providerOrderId: string): Promise<OrderRecord | null> {
    const row = await this.#db
      .selectFrom("orders")
      .selectAll()
      .where("provider_order_id", "=", providerOrderId)
      .executeTakeFirst();
    return row ? toOrder(row) : null;
  }

  async saveOrder(record: OrderRecord, updatedAtMs: number): Promise<void> {
    const row: OrdersTable = {
      provider_order_id: record.providerOrderId,
      provider: record.provider,
      customer_id: record.customerId,
      catalog_key: record.catalogKey,
      provider_subscription_id: record.providerSubscriptionId,
      status: record.status,
      billing_reason: record.billingReason,
      currency: record.currency,
      net_minor: record.netMinor,
      tax_minor: record.taxMinor,
      total_minor: record.totalMinor,
      provider_fee_minor: record.providerFeeMinor,
      refunded_minor: record.refundedMinor,
      refunded_tax_minor: record.refundedTaxMinor,
      provider_modified_at_ms: record.providerModifiedAtMs,
      updated_at_ms: updatedAtMs,
    };
    const { provider_order_id: _id, ...changes } = row;
    await this.#db
      .insertInto("orders")
      .values(row)
      .onConflict((conflict) => conflict.column("provider_order_id").doUpdateSet(changes))
      .execute();
  }

  async listOrdersOf(customerId: string): Promise<OrderRecord[]> {
    const rows = await this.#db
      .selectFrom("orders")
      .selectAll()
      .where("customer_id", "=", customerId)
      .execute();
    return rows.map(toOrder);
  }

  async findGrant(
    providerGrantId: string,
  ): Promise<{ active: boolean; providerModifiedAtMs: number } | null> {
    const row = await this.#db
      .selectFrom("provider_grants")
      .select(["active", "provider_modified_at_ms"])
      .where("provider_grant_id", "=", providerGrantId)
      .executeTakeFirst();
    return row ? { active: row.active === 1, providerModifiedAtMs: row.provider_modified_at_ms } : null;
  }

  async saveGrant(grant: {
    providerGrantId: string;
    provider: string;
    customerId: string;
    active: boolean;
    providerModifiedAtMs: number;
  }): Promise<void> {
    const changes = { active: grant.active ? 1 : 0, provider_modified_at_ms: grant.providerModifiedAtMs };
    await this.#db
      .insertInto("provider_grants")
      .values({
        provider_grant_id: grant.providerGrantId,
        provider: grant.provider,
        customer_id: grant.customerId,
        ...changes,
      })
      .onConflict((conflict) => conflict.column("provider_grant_id").doUpdateSet(changes))
      .execute();
  }

  async catalogKeyOf(provider: string, providerProductId: string): Promise<string | null> {
    const row = await this.#db
      .selectFrom("catalog_products")
      .select("catalog_key")
      .where("provider", "=", provider)
      .where("provider_product_id", "=", providerProductId)
      .executeTakeFirst();
    return row?.catalog_key ?? null;
  }

  async getCursor(name: string): Promise<number | null> {
    const row = await this.#db
      .selectFrom("sync_cursors")
      .select("value_ms")
      .where("name", "=", name)
      .executeTakeFirst();
    return row?.value_ms ?? null;
  }

  async setCursor(name: string, valueMs: number): Promise<void> {
    await this.#db
      .insertInto("sync_cursors")
      .values({ name, value_ms: valueMs })
      .onConflict((conflict) => conflict.column("name").doUpdateSet({ value_ms: valueMs }))
      .execute();
  }
}

function toSubscription(row: SubscriptionsTable): SubscriptionRecord {
  return {
    providerSubscriptionId: row.provider_subscription_id,
    provider: row.provider,
    customerId: row.customer_id,
    catalogKey: row.catalog_key,
    status: row.status as SubscriptionStatus,
    cancelAtPeriodEnd: row.cancel_at_period_end === 1,
    currentPeriodStartMs: row.current_period_start_ms,
    currentPeriodEndMs: row.current_period_end_ms,
    pastDueAtMs: row.past_due_at_ms,
    endedAtMs: row.ended_at_ms,
    providerModifiedAtMs: row.provider_modified_at_ms,
  };
}

export function toOrder(row: OrdersTable): OrderRecord {
  return {
    providerOrderId: row.provider_order_id,
    provider: row.provider,
    customerId: row.customer_id,
    catalogKey: row.catalog_key,
    providerSubscriptionId: row.provider_subscription_id,
    status: row.status as OrderStatus,
    billingReason: row.billing_reason,
    currency: row.currency,
    netMinor: row.net_minor,
    taxMinor: row.tax_minor,
    totalMinor: row.total_minor,
    providerFeeMinor: row.provider_fee_minor,
    refundedMinor: row.refunded_minor,
    refundedTaxMinor: row.refunded_tax_minor,
    providerModifiedAtMs: row.provider_modified_at_ms,
  };
}
