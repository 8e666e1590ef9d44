import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * The creator marketplace: sellers and their connected accounts, membership tiers, each paid charge
 * with the split it was booked with (fee bps recorded per row), refunds seen before their charge,
 * payouts, and viewers' memberships. Money itself lives in the ledger.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("marketplace_sellers")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("external_id", "text", (column) => column.notNull().unique())
    .addColumn("handle", "text", (column) => column.notNull().unique())
    .addColumn("email", "text", (column) => column.notNull())
    .addColumn("country", "text", (column) => column.notNull())
    .addColumn("provider", "text", (column) => column.notNull())
    .addColumn("provider_account_id", "text", (column) => column.unique())
    .addColumn("details_submitted", "integer", (column) => column.notNull())
    .addColumn("charges_enabled", "integer", (column) => column.notNull())
    .addColumn("payouts_enabled", "integer", (column) => column.notNull())
    .addColumn("requirements_json", "text", (column) => column.notNull())
    .addColumn("provider_modified_at_ms", "bigint", (column) => column.notNull())
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .execute();

  await db.schema
    .createTable("marketplace_tiers")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("seller_id", "text", (column) => column.notNull())
    .addColumn("name", "text", (column) => column.notNull())
    .addColumn("description", "text")
    .addColumn("amount_minor", "bigint", (column) => column.notNull())
    .addColumn("currency", "text", (column) => column.notNull())
    .addColumn("interval", "text", (column) => column.notNull())
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("provider_product_id", "text")
    .addColumn("provider_price_id", "text")
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .addColumn("updated_at_ms", "bigint", (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex("marketplace_tiers_seller")
    .on("marketplace_tiers")
    .column("seller_id")
    .execute();

  await db.schema
    .createTable("marketplace_charges")
    .addColumn("provider_payment_id", "text", (column) => column.primaryKey())
    .addColumn("seller_id", "text", (column) => column.notNull())
    .addColumn("kind", "text", (column) => column.notNull())
    .addColumn("tier_id", "text")
    .addColumn("customer_id", "text")
    .addColumn("currency", "text", (column) => column.notNull())
    .addColumn("gross_minor", "bigint", (column) => column.notNull())
    .addColumn("fee_bps", "integer", (column) => column.notNull())
    .addColumn("platform_fee_minor", "bigint", (column) => column.notNull())
    .addColumn("provider_fee_minor", "bigint", (column) => column.notNull())
    .addColumn("seller_net_minor", "bigint", (column) => column.notNull())
    .addColumn("refunded_minor", "bigint", (column) => column.notNull())
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("paid_at_ms", "bigint", (column) => column.notNull())
    .addColumn("available_at_ms", "bigint", (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex("marketplace_charges_seller")
    .on("marketplace_charges")
    .columns(["seller_id", "paid_at_ms"])
    .execute();
  await db.schema
    .createIndex("marketplace_charges_due")
    .on("marketplace_charges")
    .columns(["status", "available_at_ms"])
    .execute();

  await db.schema
    .createTable("marketplace_refund_reports")
    .addColumn("provider_payment_id", "text", (column) => column.primaryKey())
    .addColumn("refunded_minor", "bigint", (column) => column.notNull())
    .execute();

  await db.schema
    .createTable("marketplace_payouts")
    .addColumn("provider_payout_id", "text", (column) => column.primaryKey())
    .addColumn("seller_id", "text", (column) => column.notNull())
    .addColumn("amount_minor", "bigint", (column) => column.notNull())
    .addColumn("currency", "text", (column) => column.notNull())
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("booked_paid", "integer", (column) => column.notNull())
    .addColumn("provider_modified_at_ms", "bigint", (column) => column.notNull())
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex("marketplace_payouts_seller")
    .on("marketplace_payouts")
    .columns(["seller_id", "created_at_ms"])
    .execute();

  await db.schema
    .createTable("marketplace_memberships")
    .addColumn("provider_subscription_id", "text", (column) => column.primaryKey())
    .addColumn("seller_id", "text", (column) => column.notNull())
    .addColumn("tier_id", "text")
    .addColumn("customer_id", "text", (column) => column.notNull())
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("cancel_at_period_end", "integer", (column) => column.notNull())
    .addColumn("current_period_end_ms", "bigint")
    .addColumn("provider_modified_at_ms", "bigint", (column) => column.notNull())
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex("marketplace_memberships_customer")
    .on("marketplace_memberships")
    .column("customer_id")
    .execute();
}
