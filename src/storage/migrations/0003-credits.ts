import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Credits: each grant with what is left of it (spends burn grants in expiry/priority order), and
 * holds with the grants their credits came from. Balances themselves live in the ledger.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("credit_grants")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("customer_id", "text", (column) => column.notNull())
    .addColumn("credit_type", "text", (column) => column.notNull())
    .addColumn("source_kind", "text", (column) => column.notNull())
    .addColumn("source_id", "text", (column) => column.notNull())
    .addColumn("amount_granted", "bigint", (column) => column.notNull())
    .addColumn("amount_remaining", "bigint", (column) => column.notNull())
    .addColumn("amount_expired", "bigint", (column) => column.notNull())
    .addColumn("amount_clawed_back", "bigint", (column) => column.notNull())
    .addColumn("priority", "integer", (column) => column.notNull())
    .addColumn("expires_at_ms", "bigint")
    .addColumn("granted_at_ms", "bigint", (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex("credit_grants_balance")
    .on("credit_grants")
    .columns(["customer_id", "credit_type", "expires_at_ms"])
    .execute();
  await db.schema.createIndex("credit_grants_expiry").on("credit_grants").column("expires_at_ms").execute();

  await db.schema
    .createTable("credit_holds")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("customer_id", "text", (column) => column.notNull())
    .addColumn("credit_type", "text", (column) => column.notNull())
    .addColumn("idempotency_key", "text", (column) => column.notNull())
    .addColumn("amount_held", "bigint", (column) => column.notNull())
    .addColumn("amount_committed", "bigint")
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("allocations_json", "text", (column) => column.notNull())
    .addColumn("metadata_json", "text", (column) => column.notNull())
    .addColumn("expires_at_ms", "bigint", (column) => column.notNull())
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .addColumn("settled_at_ms", "bigint")
    .addUniqueConstraint("credit_holds_key", ["customer_id", "credit_type", "idempotency_key"])
    .execute();
  await db.schema
    .createIndex("credit_holds_due")
    .on("credit_holds")
    .columns(["status", "expires_at_ms"])
    .execute();
}
