import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Dashboard sign-in sessions. Only a hash of the session token is stored (a database leak yields no
 * usable cookie); each session names the admin key it was opened with, so revoking the key ends it.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("dashboard_sessions")
    .addColumn("token_hash", "text", (column) => column.primaryKey())
    .addColumn("api_key_id", "text", (column) => column.notNull().references("api_keys.id"))
    .addColumn("csrf_token", "text", (column) => column.notNull())
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .addColumn("last_seen_at_ms", "bigint", (column) => column.notNull())
    .addColumn("expires_at_ms", "bigint", (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex("dashboard_sessions_expiry")
    .on("dashboard_sessions")
    .column("expires_at_ms")
    .execute();
}
