import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Billing on a provider: customers and their provider ids, where each catalog entry lives at the
 * provider, checkouts, the webhook inbox, subscriptions and orders as the provider last described
 * them, and the entitlement projection that `check` reads.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("customers")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("email", "text")
    .addColumn("name", "text")
    .addColumn("provider", "text", (column) => column.notNull())
    .addColumn("provider_customer_id", "text")
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .addColumn("updated_at_ms", "bigint", (column) => column.notNull())
    .addUniqueConstraint("customers_provider_id", ["provider", "provider_customer_id"])
    .execute();

  await db.schema
    .createTable("catalog_products")
    .addColumn("provider", "text", (column) => column.notNull())
    .addColumn("catalog_key", "text", (column) => column.notNull())
    .addColumn("provider_product_id", "text", (column) => column.notNull())
    .addColumn("pushed_at_ms", "bigint", (column) => column.notNull())
    .addPrimaryKeyConstraint("catalog_products_pk", ["provider", "catalog_key"])
    .execute();

  await db.schema
    .createTable("checkouts")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("customer_id", "text", (column) => column.notNull())
    .addColumn("catalog_key", "text", (column) => column.notNull())
    .addColumn("provider", "text", (column) => column.notNull())
    .addColumn("provider_checkout_id", "text", (column) => column.notNull())
    .addColumn("url", "text", (column) => column.notNull())
    .addColumn("amount_minor", "bigint")
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .addColumn("updated_at_ms", "bigint", (column) => column.notNull())
    .addUniqueConstraint("checkouts_provider_checkout", ["provider", "provider_checkout_id"])
    .execute();
  await db.schema.createIndex("checkouts_customer").on("checkouts").column("customer_id").execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("provider", "text", (column) => column.notNull())
    .addColumn("delivery_id", "text", (column) => column.notNull())
    .addColumn("event_type", "text", (column) => column.notNull())
    .addColumn("payload", "text", (column) => column.notNull())
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("attempts", "integer", (column) => column.notNull())
    .addColumn("last_error", "text")
    .addColumn("received_at_ms", "bigint", (column) => column.notNull())
    .addColumn("next_attempt_at_ms", "bigint", (column) => column.notNull())
    .addColumn("locked_until_ms", "bigint", (column) => column.notNull())
    .addColumn("processed_at_ms", "bigint")
    .addUniqueConstraint("webhook_deliveries_delivery", ["provider", "delivery_id"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_due")
    .on("webhook_deliveries")
    .columns(["status", "next_attempt_at_ms"])
    .execute();

  await db.schema
    .createTable("subscriptions")
    .addColumn("provider_subscription_id", "text", (column) => column.primaryKey())
    .addColumn("provider", "text", (column) => column.notNull())
    .addColumn("customer_id", "text", (column) => column.notNull())
    .addColumn("catalog_key", "text", (column) => column.notNull())
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("cancel_at_period_end", "integer", (column) => column.notNull())
    .addColumn("current_period_start_ms", "bigint", (column) => column.notNull())
    .addColumn("current_period_end_ms", "bigint")
    .addColumn("past_due_at_ms", "bigint")
    .addColumn("ended_at_ms", "bigint")
    .addColumn("provider_modified_at_ms", "bigint", (column) => column.notNull())
    .addColumn("updated_at_ms", "bigint", (column) => column.notNull())
    .execute();
  await db.schema.createIndex("subscriptions_customer").on("subscriptions").column("customer_id").execute();

  await db.schema
    .createTable("orders")
    .addColumn("provider_order_id", "text", (column) => column.primaryKey())
    .addColumn("provider", "text", (column) => column.notNull())
    .addColumn("customer_id", "text", (column) => column.notNull())
    .addColumn("catalog_key", "text")
    .addColumn("provider_subscription_id", "text")
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("billing_reason", "text", (column) => column.notNull())
    .addColumn("currency", "text", (column) => column.notNull())
    .addColumn("net_minor", "bigint", (column) => column.notNull())
    .addColumn("tax_minor", "bigint", (column) => column.notNull())
    .addColumn("total_minor", "bigint", (column) => column.notNull())
    .addColumn("provider_fee_minor", "bigint", (column) => column.notNull())
    .addColumn("refunded_minor", "bigint", (column) => column.notNull())
    .addColumn("refunded_tax_minor", "bigint", (column) => column.notNull())
    .addColumn("provider_modified_at_ms", "bigint", (column) => column.notNull())
    .addColumn("updated_at_ms", "bigint", (column) => column.notNull())
    .execute();
  await db.schema.createIndex("orders_customer").on("orders").column("customer_id").execute();

  await db.schema
    .createTable("entitlements")
    .addColumn("customer_id", "text", (column) => column.notNull())
    .addColumn("feature_key", "text", (column) => column.notNull())
    .addColumn("source_kind", "text", (column) => column.notNull())
    .addColumn("source_id", "text", (column) => column.notNull())
    .addColumn("catalog_key", "text", (column) => column.notNull())
    .addColumn("active_until_ms", "bigint")
    .addColumn("lapse_code", "text")
    .addColumn("updated_at_ms", "bigint", (column) => column.notNull())
    .addPrimaryKeyConstraint("entitlements_pk", ["customer_id", "feature_key", "source_kind", "source_id"])
    .execute();

  await db.schema
    .createTable("provider_grants")
    .addColumn("provider_grant_id", "text", (column) => column.primaryKey())
    .addColumn("provider", "text", (column) => column.notNull())
    .addColumn("customer_id", "text", (column) => column.notNull())
    .addColumn("active", "integer", (column) => column.notNull())
    .addColumn("provider_modified_at_ms", "bigint", (column) => column.notNull())
    .execute();

  await db.schema
    .createTable("sync_cursors")
    .addColumn("name", "text", (column) => column.primaryKey())
    .addColumn("value_ms", "bigint", (column) => column.notNull())
    .execute();
}
