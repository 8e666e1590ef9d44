import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Usage at ingest speed, and the usage sync outbox.
 *
 * - `usage_meter_totals`: count, sum and max meters keep one row per (customer, meter, timestamp)
 *   instead of one per event, added to once per batch (a batch's events share "now" unless the app
 *   dates them). Existing per-event values are folded in; `usage_meter_values` keeps only what
 *   `unique` meters need (the distinct values themselves).
 * - `usage_events_by_name` goes: nothing reads it, and every index costs each ingested event a
 *   random-position B-tree write.
 *
 * The usage sync outbox: one row per usage event still to be sent to the provider, written in the
 * same transaction as the event. Delivered rows are deleted, so the table holds only the backlog and
 * the dead letters; `(state, available_at_ms, id)` serves the worker's "what is due" read.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("usage_meter_totals")
    .addColumn("customer_id", "text", (column) => column.notNull())
    .addColumn("meter", "text", (column) => column.notNull())
    .addColumn("timestamp_ms", "bigint", (column) => column.notNull())
    .addColumn("event_count", "bigint", (column) => column.notNull())
    .addColumn("value_sum", "double precision", (column) => column.notNull())
    .addColumn("value_max", "double precision", (column) => column.notNull())
    .addPrimaryKeyConstraint("usage_meter_totals_key", ["customer_id", "meter", "timestamp_ms"])
    // SQLite: the key is the table, one B-tree instead of a table plus its key index.
    .$call((builder) => (dialect === "sqlite" ? builder.modifyEnd(sql`without rowid`) : builder))
    .execute();
  await sql`
    insert into usage_meter_totals (customer_id, meter, timestamp_ms, event_count, value_sum, value_max)
    select customer_id, meter, timestamp_ms, count(*), sum(value), max(value)
    from usage_meter_values where unique_value is null
    group by customer_id, meter, timestamp_ms`.execute(db);
  await sql`delete from usage_meter_values where unique_value is null`.execute(db);
  await db.schema.dropIndex("usage_events_by_name").execute();

  await db.schema
    .createTable("usage_sync_outbox")
    // SQLite: an alias of the rowid (the cheapest key to append to); PostgreSQL: a sequence.
    .addColumn("id", dialect === "postgres" ? "bigserial" : "integer", (column) => column.primaryKey())
    .addColumn("customer_id", "text", (column) => column.notNull())
    .addColumn("idempotency_key", "text", (column) => column.notNull())
    .addColumn("state", "text", (column) => column.notNull().defaultTo("pending"))
    .addColumn("attempts", "integer", (column) => column.notNull().defaultTo(0))
    .addColumn("available_at_ms", "bigint", (column) => column.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_expires_at_ms", "bigint")
    .addColumn("last_error", "text")
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .addColumn("dead_at_ms", "bigint")
    .execute();
  await db.schema
    .createIndex("usage_sync_outbox_due")
    .on("usage_sync_outbox")
    .columns(["state", "available_at_ms", "id"])
    .execute();
}
