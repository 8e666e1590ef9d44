import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Usage: every event once per (customer, idempotency key), and what each event contributes to each
 * meter it matched at ingest, indexed by (customer, meter, timestamp) so a period's aggregate is one
 * range read.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("usage_events")
    .addColumn("customer_id", "text", (column) => column.notNull())
    .addColumn("idempotency_key", "text", (column) => column.notNull())
    .addColumn("event_name", "text", (column) => column.notNull())
    .addColumn("value", "double precision", (column) => column.notNull())
    .addColumn("properties_json", "text", (column) => column.notNull())
    .addColumn("timestamp_ms", "bigint", (column) => column.notNull())
    .addColumn("received_at_ms", "bigint", (column) => column.notNull())
    .addPrimaryKeyConstraint("usage_events_key", ["customer_id", "idempotency_key"])
    .execute();
  await db.schema
    .createIndex("usage_events_by_name")
    .on("usage_events")
    .columns(["customer_id", "event_name", "timestamp_ms"])
    .execute();

  await db.schema
    .createTable("usage_meter_values")
    .addColumn("customer_id", "text", (column) => column.notNull())
    .addColumn("meter", "text", (column) => column.notNull())
    .addColumn("idempotency_key", "text", (column) => column.notNull())
    .addColumn("timestamp_ms", "bigint", (column) => column.notNull())
    .addColumn("value", "double precision", (column) => column.notNull())
    .addColumn("unique_value", "text")
    .addPrimaryKeyConstraint("usage_meter_values_key", ["customer_id", "meter", "idempotency_key"])
    .execute();
  await db.schema
    .createIndex("usage_meter_values_period")
    .on("usage_meter_values")
    .columns(["customer_id", "meter", "timestamp_ms"])
    .execute();
}
