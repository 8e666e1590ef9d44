import { type Kysely, sql } from "kysely";
import { assert, newId } from "../../kernel/index.js";
import type {
  Account,
  AccountBalance,
  AccountFilter,
  AccountKey,
  BalanceDelta,
  BalanceDifference,
  EntryRecord,
  LedgerStore,
  LedgerTransaction,
  TransactionRecord,
  UnbalancedTransaction,
} from "../../modules/ledger/index.js";
import type { DialectName } from "../dialect.js";
import type { LedgerAccountsTable, Schema } from "../schema.js";
import {
  insertEntryRows,
  insertTransaction,
  insertTransactionRows,
  lockBalanceRows,
  selectBalanceRows,
  selectTransactionIds,
  upsertBalanceRows,
} from "./ledger-statements.js";

/** Rows per multi-row INSERT, below SQLite's default limit on bound parameters. */
const insertBatchRowsMax = 100;

/**
 * Accounts never change once created, so their ids can be remembered. Only accounts that were already
 * committed when read are remembered: one created by a transaction that may still roll back is not.
 */
export class AccountCache {
  readonly #accounts = new Map<string, Account>();
  readonly #sizeMax: number;

  constructor(sizeMax = 10_000) {
    this.#sizeMax = sizeMax;
  }

  /** By `accountKeyString` of its key. */
  get(keyString: string): Account | undefined {
    return this.#accounts.get(keyString);
  }

  remember(account: Account): void {
    if (this.#accounts.size >= this.#sizeMax) this.#accounts.clear();
    this.#accounts.set(accountKeyString(account), account);
  }
}

// Every posting runs these three: compiled once per dialect (and row count), not built per call.
export class KyselyLedgerStore implements LedgerStore {
  readonly #db: Kysely<Schema>;
  readonly #dialect: DialectName;
  readonly #accountCache: AccountCache;

  constructor(db: Kysely<Schema>, accountCache: AccountCache, dialect: DialectName) {
    this.#db = db;
    this.#dialect = dialect;
    this.#accountCache = accountCache;
  }

  async insertTransactionIfAbsent(record: TransactionRecord): Promise<boolean> {
    // ON CONFLICT DO NOTHING waits for a concurrent insert of the same id to commit or roll back, so
    // exactly one of many parallel posts inserts and the rest see the committed original.
    const inserted = await insertTransaction.execute(
      this.#db,
      this.#dialect,
      record.id,
      record.description,
      JSON.stringify(record.metadata),
      record.contentHash,
      record.postedAtMs,
    );
    return inserted.length > 0;
  }

  async insertTransactionsIfAbsent(records: TransactionRecord[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (let start = 0; start < records.length; start += insertBatchRowsMax) {
      const rows = await insertTransactionRows.execute(
        this.#db,
        this.#dialect,
        records
          .slice(start, start + insertBatchRowsMax)
          .map((record) => [
            record.id,
            record.description,
            JSON.stringify(record.metadata),
            record.contentHash,
            record.postedAtMs,
          ]),
      );
      for (const row of rows) inserted.add(row.id);
    }
    return inserted;
  }

  async findTransactionIds(ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let start = 0; start < ids.length; start += insertBatchRowsMax) {
      const rows = await selectTransactionIds.execute(
        this.#db,
        this.#dialect,
        ids.slice(start, start + insertBatchRowsMax).map((id) => [id]),
      );
      for (const row of rows) found.add(row.id);
    }
    return found;
  }

  async lockBalances(accountIds: string[]): Promise<Map<string, number>> {
    if (accountIds.length === 0) return new Map();
    // A SQLite write transaction (BEGIN IMMEDIATE) already excludes every other writer.
    const statement = this.#dialect === "postgres" ? lockBalanceRows : selectBalanceRows;
    const rows = await statement.execute(
      this.#db,
      this.#dialect,
      [...accountIds].sort().map((id) => [id]),
    );
    return new Map(rows.map((row) => [row.account_id, row.balance_minor]));
  }

  async findTransaction(id: string): Promise<LedgerTransaction | null> {
    const header = await this.#db
      .selectFrom("ledger_transactions")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    if (!header) return null;
    const entries = await this.#db
      .selectFrom("ledger_entries as e")
      .innerJoin("ledger_accounts as a", "a.id", "e.account_id")
      .select(["e.sequence", "e.account_id", "e.amount_minor", "a.kind", "a.owner_id", "a.currency"])
      .where("e.transaction_id", "=", id)
      .orderBy("e.sequence")
      .execute();
    return {
      id: header.id,
      description: header.description,
      metadata: JSON.parse(header.metadata_json),
      contentHash: header.content_hash,
      postedAt: new Date(header.posted_at_ms),
      entries: entries.map((entry) => ({
        sequence: entry.sequence,
        accountId: entry.account_id,
        account: { kind: entry.kind, ownerId: entry.owner_id, currency: entry.currency },
        amountMinor: entry.amount_minor,
      })),
    };
  }

  async ensureAccounts(keys: AccountKey[], createdAtMs: number): Promise<Account[]> {
    const keyStrings = keys.map(accountKeyString);
    const found: Array<Account | undefined> = keyStrings.map((keyString) =>
      this.#accountCache.get(keyString),
    );
    if (found.every((account) => account !== undefined)) return found as Account[];
    const missing = new Map<string, AccountKey>();
    keyStrings.forEach((keyString, index) => {
      if (!found[index]) missing.set(keyString, keys[index]!);
    });
    const created = new Map<string, Account>();
    const sorted = [...missing.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, key]) => key);
    for (const account of await this.#createOrRead(sorted, createdAtMs)) {
      created.set(accountKeyString(account), account);
    }
    return keyStrings.map((keyString, index) => {
      const account = found[index] ?? created.get(keyString);
      assert(account, `ledger account ${keyString} was found or created`);
      return account;
    });
  }

  async #createOrRead(keys: AccountKey[], createdAtMs: number): Promise<Account[]> {
    const inserted = await this.#db
      .insertInto("ledger_accounts")
      .values(
        keys.map((key) => ({
          id: newId("acct"),
          kind: key.kind,
          owner_id: key.ownerId,
          currency: key.currency,
          created_at_ms: createdAtMs,
        })),
      )
      .onConflict((conflict) => conflict.columns(["kind", "owner_id", "currency"]).doNothing())
      .returning("id")
      .execute();
    const insertedIds = new Set(inserted.map((row) => row.id));
    const rows = await this.#db
      .selectFrom("ledger_accounts")
      .selectAll()
      .where((eb) =>
        eb.or(
          keys.map((key) =>
            eb.and([
              eb("kind", "=", key.kind),
              eb("owner_id", "=", key.ownerId),
              eb("currency", "=", key.currency),
            ]),
          ),
        ),
      )
      .execute();
    const accounts = rows.map(toAccount);
    for (const account of accounts) if (!insertedIds.has(account.id)) this.#accountCache.remember(account);
    return accounts;
  }

  async insertEntries(entries: EntryRecord[]): Promise<number[]> {
    const sequences: number[] = [];
    for (let start = 0; start < entries.length; start += insertBatchRowsMax) {
      const rows = await insertEntryRows.execute(
        this.#db,
        this.#dialect,
        entries
          .slice(start, start + insertBatchRowsMax)
          .map((entry) => [
            entry.transactionId,
            entry.accountId,
            entry.currency,
            entry.amountMinor,
            entry.postedAtMs,
          ]),
      );
      // Both databases assign and return sequences in VALUES order for a single multi-row insert.
      sequences.push(...rows.map((row) => row.sequence).sort((a, b) => a - b));
    }
    return sequences;
  }

  async applyBalanceDeltas(deltas: BalanceDelta[], updatedAtMs: number): Promise<Map<string, number>> {
    const rows = await upsertBalanceRows.execute(
      this.#db,
      this.#dialect,
      deltas.map((delta) => [
        delta.accountId,
        delta.currency,
        delta.deltaMinor,
        delta.entryCount,
        updatedAtMs,
      ]),
    );
    return new Map(rows.map((row) => [row.account_id, row.balance_minor]));
  }

  async findAccountBalance(accountId: string): Promise<AccountBalance | null> {
    const row = await this.#selectAccountBalances().where("a.id", "=", accountId).executeTakeFirst();
    return row ? toAccountBalance(row) : null;
  }

  async findAccountByKey(key: AccountKey): Promise<Account | null> {
    const row = await this.#db
      .selectFrom("ledger_accounts")
      .selectAll()
      .where("kind", "=", key.kind)
      .where("owner_id", "=", key.ownerId)
      .where("currency", "=", key.currency)
      .executeTakeFirst();
    return row ? toAccount(row) : null;
  }

  async listAccountBalances(filter: AccountFilter): Promise<AccountBalance[]> {
    let query = this.#selectAccountBalances().orderBy("a.id").limit(filter.limit);
    if (filter.ownerId !== undefined) query = query.where("a.owner_id", "=", filter.ownerId);
    if (filter.kind !== undefined) query = query.where("a.kind", "=", filter.kind);
    if (filter.currency !== undefined) query = query.where("a.currency", "=", filter.currency);
    if (filter.afterId !== undefined) query = query.where("a.id", ">", filter.afterId);
    return (await query.execute()).map(toAccountBalance);
  }

  #selectAccountBalances() {
    return this.#db
      .selectFrom("ledger_accounts as a")
      .leftJoin("ledger_balances as b", "b.account_id", "a.id")
      .select([
        "a.id",
        "a.kind",
        "a.owner_id",
        "a.currency",
        "a.created_at_ms",
        "b.balance_minor",
        "b.entry_count",
        "b.updated_at_ms",
      ]);
  }

  async findBalanceDifferences(): Promise<{ accountsChecked: number; differences: BalanceDifference[] }> {
    const rows = await this.#db
      .selectFrom("ledger_accounts as a")
      .leftJoin("ledger_balances as b", "b.account_id", "a.id")
      .leftJoin(
        (eb) =>
          eb
            .selectFrom("ledger_entries")
            .select([
              "account_id",
              sql<number>`sum(amount_minor)`.as("sum_minor"),
              sql<number>`count(*)`.as("entry_count"),
            ])
            .groupBy("account_id")
            .as("e"),
        (join) => join.onRef("e.account_id", "=", "a.id"),
      )
      .select(["a.id", "b.balance_minor", "b.entry_count as projected_count", "e.sum_minor", "e.entry_count"])
      .execute();
    const differences = rows
      .map((row) => ({
        accountId: row.id,
        projectedMinor: Number(row.balance_minor ?? 0),
        recomputedMinor: Number(row.sum_minor ?? 0),
        projectedEntryCount: Number(row.projected_count ?? 0),
        recomputedEntryCount: Number(row.entry_count ?? 0),
      }))
      .filter(
        (row) =>
          row.projectedMinor !== row.recomputedMinor || row.projectedEntryCount !== row.recomputedEntryCount,
      );
    return { accountsChecked: rows.length, differences };
  }

  async findUnbalancedTransactions(): Promise<{
    transactionsChecked: number;
    unbalanced: UnbalancedTransaction[];
  }> {
    const counted = await this.#db
      .selectFrom("ledger_transactions")
      .select(sql<number>`count(*)`.as("count"))
      .executeTakeFirstOrThrow();
    const rows = await this.#db
      .selectFrom("ledger_entries")
      .select(["transaction_id", "currency", sql<number>`sum(amount_minor)`.as("sum_minor")])
      .groupBy(["transaction_id", "currency"])
      .having(sql`sum(amount_minor)`, "<>", 0)
      .execute();
    return {
      transactionsChecked: Number(counted.count),
      unbalanced: rows.map((row) => ({
        transactionId: row.transaction_id,
        currency: row.currency,
        sumMinor: Number(row.sum_minor),
      })),
    };
  }
}

function accountKeyString(key: AccountKey): string {
  return JSON.stringify([key.kind, key.ownerId, key.currency]);
}

function toAccount(row: LedgerAccountsTable): Account {
  return {
    id: row.id,
    kind: row.kind,
    ownerId: row.owner_id,
    currency: row.currency,
    createdAt: new Date(row.created_at_ms),
  };
}

function toAccountBalance(
  row: LedgerAccountsTable & {
    balance_minor: number | null;
    entry_count: number | null;
    updated_at_ms: number | null;
  },
): AccountBalance {
  return {
    account: toAccount(row),
    balanceMinor: row.balance_minor ?? 0,
    entryCount: row.entry_count ?? 0,
    updatedAt: row.updated_at_ms === null ? null : new Date(row.updated_at_ms),
  };
}
