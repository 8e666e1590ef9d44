import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Outbound webhooks: domain events (written in the transaction of the change that causes them), the
 * app's endpoints, and one delivery row per event and endpoint (the outbox the worker drains).
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("domain_events")
    .addColumn("sequence", dialect === "postgres" ? "bigserial" : "integer", (column) =>
      dialect === "postgres" ? column.primaryKey() : column.primaryKey().autoIncrement(),
    )
    .addColumn("id", "text", (column) => column.notNull().unique())
    .addColumn("type", "text", (column) => column.notNull())
    .addColumn("customer_id", "text")
    .addColumn("data_json", "text", (column) => column.notNull())
    .addColumn("occurred_at_ms", "bigint", (column) => column.notNull())
    .addColumn("dispatched", "integer", (column) => column.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex("domain_events_undispatched")
    .on("domain_events")
    .columns(["dispatched", "sequence"])
    .execute();

  await db.schema
    .createTable("webhook_endpoints")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("url", "text", (column) => column.notNull())
    .addColumn("description", "text", (column) => column.notNull())
    .addColumn("event_types_json", "text", (column) => column.notNull())
    .addColumn("secret", "text", (column) => column.notNull())
    .addColumn("previous_secret", "text")
    .addColumn("previous_secret_expires_at_ms", "bigint")
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("pause_reason", "text")
    .addColumn("consecutive_failures", "integer", (column) => column.notNull())
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .addColumn("updated_at_ms", "bigint", (column) => column.notNull())
    .execute();

  await db.schema
    .createTable("outbound_deliveries")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("endpoint_id", "text", (column) => column.notNull())
    .addColumn("event_id", "text", (column) => column.notNull())
    .addColumn("event_type", "text", (column) => column.notNull())
    .addColumn("event_sequence", "bigint", (column) => column.notNull())
    .addColumn("ordering_key", "text")
    .addColumn("status", "text", (column) => column.notNull())
    .addColumn("attempts", "integer", (column) => column.notNull())
    .addColumn("next_attempt_at_ms", "bigint", (column) => column.notNull())
    .addColumn("locked_until_ms", "bigint", (column) => column.notNull())
    .addColumn("last_attempt_at_ms", "bigint")
    .addColumn("last_status_code", "integer")
    .addColumn("last_error", "text")
    .addColumn("last_response_body", "text")
    .addColumn("delivered_at_ms", "bigint")
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .addUniqueConstraint("outbound_deliveries_once", ["endpoint_id", "event_id"])
    .execute();
  await db.schema
    .createIndex("outbound_deliveries_due")
    .on("outbound_deliveries")
    .columns(["status", "next_attempt_at_ms"])
    .execute();
  await db.schema
    .createIndex("outbound_deliveries_order")
    .on("outbound_deliveries")
    .columns(["endpoint_id", "ordering_key", "event_sequence"])
    .execute();
}
