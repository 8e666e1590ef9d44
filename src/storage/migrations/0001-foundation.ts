import { type Kysely, sql } from "kysely";
import type { DialectName } from "../dialect.js";

/**
 * Ledger, API keys and idempotency records. The ledger's transactions and entries are append-only:
 * the database itself refuses UPDATE and DELETE on them (and TRUNCATE on PostgreSQL).
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await db.schema
    .createTable("ledger_accounts")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("kind", "text", (column) => column.notNull())
    .addColumn("owner_id", "text", (column) => column.notNull())
    .addColumn("currency", "text", (column) => column.notNull())
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .addUniqueConstraint("ledger_accounts_key", ["kind", "owner_id", "currency"])
    .execute();
  await db.schema.createIndex("ledger_accounts_owner").on("ledger_accounts").column("owner_id").execute();

  await db.schema
    .createTable("ledger_transactions")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("description", "text", (column) => column.notNull())
    .addColumn("metadata_json", "text", (column) => column.notNull())
    .addColumn("content_hash", "text", (column) => column.notNull())
    .addColumn("posted_at_ms", "bigint", (column) => column.notNull())
    .execute();

  await db.schema
    .createTable("ledger_entries")
    .addColumn("sequence", dialect === "postgres" ? "bigserial" : "integer", (column) =>
      dialect === "postgres" ? column.primaryKey() : column.primaryKey().autoIncrement(),
    )
    .addColumn("transaction_id", "text", (column) => column.notNull().references("ledger_transactions.id"))
    .addColumn("account_id", "text", (column) => column.notNull().references("ledger_accounts.id"))
    .addColumn("currency", "text", (column) => column.notNull())
    .addColumn("amount_minor", "bigint", (column) => column.notNull().check(sql`amount_minor <> 0`))
    .addColumn("posted_at_ms", "bigint", (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex("ledger_entries_transaction")
    .on("ledger_entries")
    .column("transaction_id")
    .execute();
  await db.schema
    .createIndex("ledger_entries_account")
    .on("ledger_entries")
    .columns(["account_id", "sequence"])
    .execute();

  await db.schema
    .createTable("ledger_balances")
    .addColumn("account_id", "text", (column) => column.primaryKey().references("ledger_accounts.id"))
    .addColumn("currency", "text", (column) => column.notNull())
    .addColumn("balance_minor", "bigint", (column) => column.notNull())
    .addColumn("entry_count", "bigint", (column) => column.notNull())
    .addColumn("updated_at_ms", "bigint", (column) => column.notNull())
    .execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (column) => column.primaryKey())
    .addColumn("prefix", "text", (column) => column.notNull().unique())
    .addColumn("secret_hash", "text", (column) => column.notNull())
    .addColumn("scope", "text", (column) => column.notNull())
    .addColumn("name", "text", (column) => column.notNull())
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .addColumn("revoked_at_ms", "bigint")
    .execute();

  await db.schema
    .createTable("idempotency_keys")
    .addColumn("principal_id", "text", (column) => column.notNull())
    .addColumn("idempotency_key", "text", (column) => column.notNull())
    .addColumn("request_hash", "text", (column) => column.notNull())
    .addColumn("state", "text", (column) => column.notNull())
    .addColumn("response_status", "integer")
    .addColumn("response_headers_json", "text")
    .addColumn("response_body", "text")
    .addColumn("locked_until_ms", "bigint", (column) => column.notNull())
    .addColumn("created_at_ms", "bigint", (column) => column.notNull())
    .addColumn("expires_at_ms", "bigint", (column) => column.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["principal_id", "idempotency_key"])
    .execute();
  await db.schema
    .createIndex("idempotency_keys_expiry")
    .on("idempotency_keys")
    .column("expires_at_ms")
    .execute();

  await protectAppendOnly(db, dialect, ["ledger_transactions", "ledger_entries"]);
}

async function protectAppendOnly(db: Kysely<unknown>, dialect: DialectName, tables: string[]): Promise<void> {
  if (dialect === "postgres") {
    await sql`
      create function billhook_reject_ledger_mutation() returns trigger language plpgsql as $$
      begin
        raise exception 'billhook ledger is append-only: % on % is not allowed', tg_op, tg_table_name
          using errcode = 'P0001';
      end $$`.execute(db);
    for (const table of tables) {
      await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
        for each row execute function billhook_reject_ledger_mutation()`.execute(db);
      await sql`create trigger ${sql.raw(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
        for each statement execute function billhook_reject_ledger_mutation()`.execute(db);
    }
    return;
  }
  for (const table of tables) {
    for (const operation of ["update", "delete"]) {
      await sql`create trigger ${sql.raw(`${table}_no_${operation}`)} before ${sql.raw(operation)} on ${sql.table(table)}
        begin select raise(abort, ${sql.lit(`billhook ledger is append-only: ${operation} on ${table} is not allowed`)}); end`.execute(
        db,
      );
    }
  }
}
