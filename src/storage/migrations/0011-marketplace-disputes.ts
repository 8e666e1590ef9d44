import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Disputes on sellers' charges. Each dispute keeps the provider's status and how much of the charge
 * it holds back from the seller right now (`held_minor`: the disputed amount while funds are
 * withdrawn or the dispute is lost, zero once won); the charge keeps the sum, so a refund and a
 * dispute on one charge never reverse more than it took in. A dispute seen before its charge is
 * kept here with nothing held, and booked when the charge arrives.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable("marketplace_charges")
    .addColumn("disputed_minor", "bigint", (column) => column.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable("marketplace_disputes")
    .addColumn("provider_dispute_id", "text", (column) => column.primaryKey())
    .addColumn("provider_payment_id", "text", (column) => column.notNull())
    .addColumn("amount_minor", "bigint", (column) => column.notNull())
    .addColumn("currency", "text", (column) => column.notNull())
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("reason", "text")
    .addColumn("held_minor", "bigint", (column) => column.notNull())
    // A lost dispute's seller share is taken back at the provider by the worker: due → done.
    .addColumn("recovery_status", "text")
    .addColumn("recovery_minor", "bigint", (column) => column.notNull().defaultTo(0))
    .addColumn("recovery_attempts", "integer", (column) => column.notNull().defaultTo(0))
    .addColumn("recovery_error", "text")
    .addColumn("provider_reversal_id", "text")
    .addColumn("provider_modified_at_ms", "bigint", (column) => column.notNull())
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex("marketplace_disputes_payment")
    .on("marketplace_disputes")
    .column("provider_payment_id")
    .execute();
  await db.schema
    .createIndex("marketplace_disputes_recovery")
    .on("marketplace_disputes")
    .column("recovery_status")
    .execute();
}
