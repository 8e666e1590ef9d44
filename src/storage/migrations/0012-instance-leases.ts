import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Idempotency claims owned by live instances instead of a fixed 60 s lock. Every instance that claims
 * an `Idempotency-Key` holds a lease it renews every second; a claim records its owner and a claim id
 * (the fencing token that completing or releasing it must name). A retry that finds a claim whose
 * owner's lease ran out — and, on PostgreSQL, whose owner has no session left — takes it over.
 * Records claimed before this migration keep `locked_until_ms` and no owner, and are judged by it.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("instance_leases")
    .addColumn("instance_id", "text", (column) => column.primaryKey())
    .addColumn("started_at_ms", "bigint", (column) => column.notNull())
    .addColumn("renewed_at_ms", "bigint", (column) => column.notNull())
    .addColumn("expires_at_ms", "bigint", (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex("instance_leases_expiry")
    .on("instance_leases")
    .column("expires_at_ms")
    .execute();
  await db.schema.alterTable("idempotency_keys").addColumn("owner_instance_id", "text").execute();
  await db.schema.alterTable("idempotency_keys").addColumn("claim_id", "text").execute();
}
