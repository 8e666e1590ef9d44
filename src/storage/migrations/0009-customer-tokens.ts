import type { Kysely } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Server secrets shared by every instance on this database: the HMAC key of customer tokens lives
 * here unless BILLHOOK_TOKEN_SECRET is set. Created lazily (insert-if-absent) on first use.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("billhook_secrets")
    .addColumn("name", "text", (column) => column.primaryKey())
    .addColumn("value", "text", (column) => column.notNull())
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .execute();
}
