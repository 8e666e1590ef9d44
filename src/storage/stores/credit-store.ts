import { type Kysely, type SelectQueryBuilder, sql } from "kysely";
import { assert } from "../../kernel/index.js";
import type {
  CreditStore,
  GrantChange,
  GrantRecord,
  GrantSourceKind,
  HistoryRow,
  HoldRecord,
  HoldStatus,
} from "../../modules/credits/index.js";
import type { AccountKey } from "../../modules/ledger/index.js";
import type { DialectName } from "../dialect.js";
import { precompiled } from "../precompiled.js";
import type { CreditGrantsTable, CreditHoldsTable, Schema } from "../schema.js";

/** Grants a balance may burn at most; far above what one customer holds at once. */
const spendableGrantsMax = 1_000;

/**
 * A balance's grants that still hold credits, in the order spends burn them: expiring first (soonest
 * first), then by priority, then oldest.
 */
function inBurnOrder<O>(
  query: SelectQueryBuilder<Schema, "credit_grants", O>,
  customerId: string,
  creditType: string,
): SelectQueryBuilder<Schema, "credit_grants", O> {
  return query
    .where("customer_id", "=", customerId)
    .where("credit_type", "=", creditType)
    .where("amount_remaining", ">", 0)
    .orderBy(sql`case when expires_at_ms is null then 1 else 0 end`)
    .orderBy("expires_at_ms")
    .orderBy("priority")
    .orderBy("granted_at_ms")
    .orderBy("id");
}

// Every spend runs these two: compiled once per dialect, not built per call.
const dueWork = precompiled((db, customerId: string, creditType: string, nowMs: number) =>
  db
    .selectFrom("credit_grants")
    .select(sql<number>`1`.as("due"))
    .where("customer_id", "=", customerId)
    .where("credit_type", "=", creditType)
    .where("expires_at_ms", "<=", nowMs)
    .where("amount_remaining", ">", 0)
    .unionAll(
      db
        .selectFrom("credit_holds")
        .select(sql<number>`1`.as("due"))
        .where("status", "=", "held")
        .where("expires_at_ms", "<=", nowMs)
        .where("customer_id", "=", customerId)
        .where("credit_type", "=", creditType),
    )
    .limit(1),
);
const burnFirst = precompiled((db, customerId: string, creditType: string, amount: number) =>
  db
    .updateTable("credit_grants")
    .set({ amount_remaining: sql`amount_remaining - ${amount}` })
    .where(
      "id",
      "=",
      inBurnOrder(db.selectFrom("credit_grants").select("id"), customerId, creditType).limit(1),
    )
    .where("amount_remaining", ">=", amount)
    .returning("id"),
);

export class KyselyCreditStore implements CreditStore {
  readonly #db: Kysely<Schema>;
  readonly #dialect: DialectName;

  constructor(db: Kysely<Schema>, dialect: DialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async lockBalance(account: AccountKey): Promise<void> {
    // A SQLite write transaction (BEGIN IMMEDIATE) already excludes every other writer.
    if (this.#dialect !== "postgres") return;
    await this.#db
      .selectFrom("ledger_balances as b")
      .innerJoin("ledger_accounts as a", "a.id", "b.account_id")
      .select("b.balance_minor")
      .where("a.kind", "=", account.kind)
      .where("a.owner_id", "=", account.ownerId)
      .where("a.currency", "=", account.currency)
      // The balance row only: a lock on the (never-changing) account row would block every entry
      // insert's foreign-key check on it and let a concurrent posting wait in a cycle with this one.
      .forUpdate("b")
      .execute();
  }

  async hasDueWork(customerId: string, creditType: string, nowMs: number): Promise<boolean> {
    // One round trip on the hot path of every spend: a lapsed grant or an expired hold, if any.
    const rows = await dueWork.execute(this.#db, this.#dialect, customerId, creditType, nowMs);
    return rows.length > 0;
  }

  async burnFirstGrant(customerId: string, creditType: string, amount: number): Promise<string | null> {
    const rows = await burnFirst.execute(this.#db, this.#dialect, customerId, creditType, amount);
    return rows[0]?.id ?? null;
  }

  async listGrantsOfSource(
    customerId: string,
    creditType: string,
    sourceKind: GrantSourceKind,
    sourceId: string,
  ): Promise<GrantRecord[]> {
    const rows = await this.#spendable(customerId, creditType)
      .where("source_kind", "=", sourceKind)
      .where("source_id", "=", sourceId)
      .execute();
    return rows.map(toGrant);
  }

  async listSpendableGrants(customerId: string, creditType: string): Promise<GrantRecord[]> {
    return (await this.#spendable(customerId, creditType).execute()).map(toGrant);
  }

  #spendable(customerId: string, creditType: string) {
    return inBurnOrder(this.#db.selectFrom("credit_grants").selectAll(), customerId, creditType).limit(
      spendableGrantsMax,
    );
  }

  async listDueGrants(customerId: string, creditType: string, nowMs: number): Promise<GrantRecord[]> {
    const rows = await this.#db
      .selectFrom("credit_grants")
      .selectAll()
      .where("customer_id", "=", customerId)
      .where("credit_type", "=", creditType)
      .where("expires_at_ms", "<=", nowMs)
      .where("amount_remaining", ">", 0)
      .orderBy("id")
      .execute();
    return rows.map(toGrant);
  }

  async findGrant(id: string): Promise<GrantRecord | null> {
    const row = await this.#db
      .selectFrom("credit_grants")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row ? toGrant(row) : null;
  }

  async insertGrant(grant: GrantRecord): Promise<void> {
    await this.#db
      .insertInto("credit_grants")
      .values({
        id: grant.id,
        customer_id: grant.customerId,
        credit_type: grant.creditType,
        source_kind: grant.sourceKind,
        source_id: grant.sourceId,
        amount_granted: grant.amountGranted,
        amount_remaining: grant.amountRemaining,
        amount_expired: grant.amountExpired,
        amount_clawed_back: grant.amountClawedBack,
        priority: grant.priority,
        expires_at_ms: grant.expiresAtMs,
        granted_at_ms: grant.grantedAtMs,
      })
      .execute();
  }

  async changeGrants(changes: GrantChange[]): Promise<void> {
    for (const change of changes) {
      const result = await this.#db
        .updateTable("credit_grants")
        .set({
          amount_remaining: sql`amount_remaining + ${change.remainingDelta}`,
          amount_expired: sql`amount_expired + ${change.expiredDelta ?? 0}`,
          amount_clawed_back: sql`amount_clawed_back + ${change.clawedBackDelta ?? 0}`,
        })
        .where("id", "=", change.grantId)
        .where(sql<boolean>`amount_remaining + ${change.remainingDelta} >= 0`)
        .executeTakeFirst();
      assert(
        Number(result.numUpdatedRows) === 1,
        `grant ${change.grantId} cannot change by ${change.remainingDelta}`,
      );
    }
  }

  async expiringAmounts(customerId: string, creditType: string, untilMs: number) {
    const rows = await this.#db
      .selectFrom("credit_grants")
      .select(["expires_at_ms", sql<number>`sum(amount_remaining)`.as("amount")])
      .where("customer_id", "=", customerId)
      .where("credit_type", "=", creditType)
      .where("amount_remaining", ">", 0)
      .where("expires_at_ms", "<=", untilMs)
      .groupBy("expires_at_ms")
      .orderBy("expires_at_ms")
      .limit(50)
      .execute();
    return rows.map((row) => ({ expiresAtMs: Number(row.expires_at_ms), amount: Number(row.amount) }));
  }

  async insertHold(hold: HoldRecord): Promise<void> {
    await this.#db
      .insertInto("credit_holds")
      .values({
        id: hold.id,
        customer_id: hold.customerId,
        credit_type: hold.creditType,
        idempotency_key: hold.idempotencyKey,
        amount_held: hold.amountHeld,
        amount_committed: hold.amountCommitted,
        status: hold.status,
        allocations_json: JSON.stringify(hold.allocations),
        metadata_json: JSON.stringify(hold.metadata),
        expires_at_ms: hold.expiresAtMs,
        created_at_ms: hold.createdAtMs,
        settled_at_ms: hold.settledAtMs,
      })
      .execute();
  }

  async findHold(id: string): Promise<HoldRecord | null> {
    const row = await this.#db.selectFrom("credit_holds").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toHold(row) : null;
  }

  async findHoldByKey(customerId: string, creditType: string, idempotencyKey: string) {
    const row = await this.#db
      .selectFrom("credit_holds")
      .selectAll()
      .where("customer_id", "=", customerId)
      .where("credit_type", "=", creditType)
      .where("idempotency_key", "=", idempotencyKey)
      .executeTakeFirst();
    return row ? toHold(row) : null;
  }

  async transitionHold(
    id: string,
    from: HoldStatus,
    to: HoldStatus,
    amountCommitted: number | null,
    nowMs: number,
  ): Promise<boolean> {
    // Conditional on the current status: of two racing settlements, the second updates no row.
    const result = await this.#db
      .updateTable("credit_holds")
      .set({ status: to, amount_committed: amountCommitted, settled_at_ms: nowMs })
      .where("id", "=", id)
      .where("status", "=", from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async listDueHolds(customerId: string, creditType: string, nowMs: number): Promise<HoldRecord[]> {
    const rows = await this.#dueHolds(nowMs)
      .where("customer_id", "=", customerId)
      .where("credit_type", "=", creditType)
      .selectAll()
      .orderBy("id")
      .execute();
    return rows.map(toHold);
  }

  async listDueBalances(nowMs: number, limit: number) {
    const grants = await this.#db
      .selectFrom("credit_grants")
      .select(["customer_id", "credit_type"])
      .where("expires_at_ms", "<=", nowMs)
      .where("amount_remaining", ">", 0)
      .distinct()
      .limit(limit)
      .execute();
    const holds = await this.#dueHolds(nowMs)
      .select(["customer_id", "credit_type"])
      .distinct()
      .limit(limit)
      .execute();
    const unique = new Map(
      [...grants, ...holds].map((row) => [`${row.customer_id}\u0000${row.credit_type}`, row] as const),
    );
    return [...unique.values()]
      .slice(0, limit)
      .map((row) => ({ customerId: row.customer_id, creditType: row.credit_type }));
  }

  #dueHolds(nowMs: number): SelectQueryBuilder<Schema, "credit_holds", object> {
    return this.#db
      .selectFrom("credit_holds")
      .where("status", "=", "held")
      .where("expires_at_ms", "<=", nowMs);
  }

  async balancesOf(accounts: AccountKey[]): Promise<number[]> {
    const rows = await this.#db
      .selectFrom("ledger_accounts as a")
      .innerJoin("ledger_balances as b", "b.account_id", "a.id")
      .select(["a.kind", "a.owner_id", "a.currency", "b.balance_minor"])
      .where((eb) =>
        eb.or(
          accounts.map((key) =>
            eb.and([
              eb("a.kind", "=", key.kind),
              eb("a.owner_id", "=", key.ownerId),
              eb("a.currency", "=", key.currency),
            ]),
          ),
        ),
      )
      .execute();
    return accounts.map(
      (key) =>
        rows.find(
          (row) => row.kind === key.kind && row.owner_id === key.ownerId && row.currency === key.currency,
        )?.balance_minor ?? 0,
    );
  }

  async history(accounts: AccountKey[], before: number | null, limit: number): Promise<HistoryRow[]> {
    let query = this.#db
      .selectFrom("ledger_entries as e")
      .innerJoin("ledger_accounts as a", "a.id", "e.account_id")
      .innerJoin("ledger_transactions as t", "t.id", "e.transaction_id")
      .select([
        "e.sequence",
        "e.transaction_id",
        "e.amount_minor",
        "a.kind",
        "t.description",
        "t.metadata_json",
        "t.posted_at_ms",
      ])
      .where((eb) =>
        eb.or(
          accounts.map((key) =>
            eb.and([
              eb("a.kind", "=", key.kind),
              eb("a.owner_id", "=", key.ownerId),
              eb("a.currency", "=", key.currency),
            ]),
          ),
        ),
      )
      .orderBy("e.sequence", "desc")
      .limit(limit);
    if (before !== null) query = query.where("e.sequence", "<", before);
    return (await query.execute()).map((row) => ({
      sequence: row.sequence,
      transactionId: row.transaction_id,
      accountKind: row.kind,
      amountMinor: row.amount_minor,
      description: row.description,
      metadata: JSON.parse(row.metadata_json),
      postedAtMs: row.posted_at_ms,
    }));
  }
}

function toGrant(row: CreditGrantsTable): GrantRecord {
  return {
    id: row.id,
    customerId: row.customer_id,
    creditType: row.credit_type,
    sourceKind: row.source_kind as GrantSourceKind,
    sourceId: row.source_id,
    amountGranted: row.amount_granted,
    amountRemaining: row.amount_remaining,
    amountExpired: row.amount_expired,
    amountClawedBack: row.amount_clawed_back,
    priority: row.priority,
    expiresAtMs: row.expires_at_ms,
    grantedAtMs: row.granted_at_ms,
  };
}

export function toHold(row: CreditHoldsTable): HoldRecord {
  return {
    id: row.id,
    customerId: row.customer_id,
    creditType: row.credit_type,
    idempotencyKey: row.idempotency_key,
    amountHeld: row.amount_held,
    amountCommitted: row.amount_committed,
    status: row.status as HoldStatus,
    allocations: JSON.parse(row.allocations_json),
    metadata: JSON.parse(row.metadata_json),
    expiresAtMs: row.expires_at_ms,
    createdAtMs: row.created_at_ms,
    settledAtMs: row.settled_at_ms,
  };
}
