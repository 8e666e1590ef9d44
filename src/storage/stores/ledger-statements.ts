import { sql } from "kysely";
import { precompiled, precompiledRows } from "../precompiled.js";

/**
 * The ledger's hot statements, compiled once (see `precompiled.ts`): posting a transaction, its
 * entries and balances, and the batch path's lookups and locks.
 */
export const insertTransaction = precompiled(
  (db, id: string, description: string, metadataJson: string, contentHash: string, postedAtMs: number) =>
    db
      .insertInto("ledger_transactions")
      .values({
        id,
        description,
        metadata_json: metadataJson,
        content_hash: contentHash,
        posted_at_ms: postedAtMs,
      })
      .onConflict((conflict) => conflict.column("id").doNothing())
      .returning("id"),
);
export const insertTransactionRows = precompiledRows(
  (db, rows: Array<[string, string, string, string, number]>) =>
    db
      .insertInto("ledger_transactions")
      .values(
        rows.map(([id, description, metadataJson, contentHash, postedAtMs]) => ({
          id,
          description,
          metadata_json: metadataJson,
          content_hash: contentHash,
          posted_at_ms: postedAtMs,
        })),
      )
      .onConflict((conflict) => conflict.column("id").doNothing())
      .returning("id"),
);
export const selectTransactionIds = precompiledRows((db, rows: Array<[string]>) =>
  db
    .selectFrom("ledger_transactions")
    .select("id")
    .where(
      "id",
      "in",
      rows.map(([id]) => id),
    ),
);
/** The balances of these accounts; `lock` takes their rows until the transaction ends (PostgreSQL). */
function balanceRows(lock: boolean) {
  return precompiledRows((db, rows: Array<[string]>) => {
    const query = db
      .selectFrom("ledger_balances")
      .select(["account_id", "balance_minor"])
      .where(
        "account_id",
        "in",
        rows.map(([id]) => id),
      )
      .orderBy("account_id");
    return lock ? query.forUpdate() : query;
  });
}
export const lockBalanceRows = balanceRows(true);
export const selectBalanceRows = balanceRows(false);
export const insertEntryRows = precompiledRows((db, rows: Array<[string, string, string, number, number]>) =>
  db
    .insertInto("ledger_entries")
    .values(
      rows.map(([transactionId, accountId, currency, amountMinor, postedAtMs]) => ({
        transaction_id: transactionId,
        account_id: accountId,
        currency,
        amount_minor: amountMinor,
        posted_at_ms: postedAtMs,
      })),
    )
    .returning("sequence"),
);
export const upsertBalanceRows = precompiledRows(
  (db, rows: Array<[string, string, number, number, number]>) =>
    db
      .insertInto("ledger_balances")
      .values(
        rows.map(([accountId, currency, deltaMinor, entryCount, updatedAtMs]) => ({
          account_id: accountId,
          currency,
          balance_minor: deltaMinor,
          entry_count: entryCount,
          updated_at_ms: updatedAtMs,
        })),
      )
      .onConflict((conflict) =>
        conflict.column("account_id").doUpdateSet({
          balance_minor: sql`ledger_balances.balance_minor + excluded.balance_minor`,
          entry_count: sql`ledger_balances.entry_count + excluded.entry_count`,
          updated_at_ms: sql`excluded.updated_at_ms`,
        }),
      )
      .returning(["account_id", "balance_minor"]),
);
