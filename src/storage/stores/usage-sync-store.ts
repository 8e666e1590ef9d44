import { type Kysely, sql } from "kysely";
import type {
  DeadLetter,
  OutboxCounts,
  OutboxEntry,
  OutboxFailure,
  UsageSyncStore,
} from "../../modules/usage/index.js";
import type { DialectName } from "../dialect.js";
import type { Schema } from "../schema.js";

export class KyselyUsageSyncStore implements UsageSyncStore {
  readonly #db: Kysely<Schema>;
  readonly #dialect: DialectName;

  constructor(db: Kysely<Schema>, dialect: DialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async claim(input: {
    owner: string;
    nowMs: number;
    leaseExpiresAtMs: number;
    limit: number;
  }): Promise<OutboxEntry[]> {
    const due = this.#db
      .selectFrom("usage_sync_outbox")
      .select("id")
      .where("state", "=", "pending")
      .where("available_at_ms", "<=", input.nowMs)
      .where((eb) =>
        eb.or([eb("lease_expires_at_ms", "is", null), eb("lease_expires_at_ms", "<=", input.nowMs)]),
      )
      .orderBy("available_at_ms")
      .orderBy("id")
      .limit(input.limit)
      // PostgreSQL: a concurrent claimer skips the rows this one is taking instead of waiting for them;
      // SQLite serialises write transactions, so the second claimer sees them leased.
      .$if(this.#dialect === "postgres", (query) => query.forUpdate().skipLocked());
    const leased = await this.#db
      .updateTable("usage_sync_outbox")
      .set({ lease_owner: input.owner, lease_expires_at_ms: input.leaseExpiresAtMs })
      .where("id", "in", due)
      .returning(["id", "customer_id", "idempotency_key", "attempts"])
      .execute();
    if (leased.length === 0) return [];
    const events = await this.#db
      .selectFrom("usage_events")
      .leftJoin("customers", "customers.id", "usage_events.customer_id")
      .select([
        "usage_events.customer_id",
        "usage_events.idempotency_key",
        "usage_events.event_name",
        "usage_events.value",
        "usage_events.properties_json",
        "usage_events.timestamp_ms",
        "customers.provider_customer_id",
      ])
      .where((eb) =>
        eb(
          eb.refTuple("usage_events.customer_id", "usage_events.idempotency_key"),
          "in",
          leased.map((row) => eb.tuple(row.customer_id, row.idempotency_key)),
        ),
      )
      .execute();
    const byKey = new Map(
      events.map((event) => [`${event.customer_id}\u0000${event.idempotency_key}`, event]),
    );
    return leased
      .sort((a, b) => Number(a.id) - Number(b.id))
      .flatMap((row) => {
        const event = byKey.get(`${row.customer_id}\u0000${row.idempotency_key}`);
        if (!event) return [];
        return [
          {
            id: Number(row.id),
            customerId: row.customer_id,
            idempotencyKey: row.idempotency_key,
            attempts: row.attempts,
            eventName: event.event_name,
            value: event.value,
            properties: JSON.parse(event.properties_json) as OutboxEntry["properties"],
            timestampMs: event.timestamp_ms,
            providerCustomerId: event.provider_customer_id ?? null,
          },
        ];
      });
  }

  async complete(ids: number[], owner: string): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.#db
      .deleteFrom("usage_sync_outbox")
      .where("id", "in", ids)
      .where("lease_owner", "=", owner)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async fail(failures: OutboxFailure[], owner: string, error: string, nowMs: number): Promise<void> {
    for (const failure of failures) {
      await this.#db
        .updateTable("usage_sync_outbox")
        .set({
          state: failure.dead ? "dead" : "pending",
          attempts: failure.attempts,
          available_at_ms: failure.availableAtMs,
          lease_owner: null,
          lease_expires_at_ms: null,
          last_error: error.slice(0, 1000),
          dead_at_ms: failure.dead ? nowMs : null,
        })
        .where("id", "=", failure.id)
        .where("lease_owner", "=", owner)
        .execute();
    }
  }

  async counts(nowMs: number): Promise<OutboxCounts> {
    const row = await this.#db
      .selectFrom("usage_sync_outbox")
      .select([
        sql<number | string>`sum(case when state = 'pending' then 1 else 0 end)`.as("pending"),
        sql<
          number | string
        >`sum(case when state = 'pending' and lease_expires_at_ms > ${nowMs} then 1 else 0 end)`.as("leased"),
        sql<number | string>`sum(case when state = 'dead' then 1 else 0 end)`.as("dead"),
        sql<number | string | null>`min(case when state = 'pending' then created_at_ms end)`.as("oldest"),
      ])
      .executeTakeFirst();
    return {
      pending: Number(row?.pending ?? 0),
      leased: Number(row?.leased ?? 0),
      dead: Number(row?.dead ?? 0),
      oldestPendingCreatedAtMs: row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest),
    };
  }

  async listDead(limit: number): Promise<DeadLetter[]> {
    const rows = await this.#db
      .selectFrom("usage_sync_outbox")
      .select([
        "id",
        "customer_id",
        "idempotency_key",
        "attempts",
        "last_error",
        "created_at_ms",
        "dead_at_ms",
      ])
      .where("state", "=", "dead")
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: Number(row.id),
      customerId: row.customer_id,
      idempotencyKey: row.idempotency_key,
      attempts: row.attempts,
      lastError: row.last_error,
      createdAtMs: row.created_at_ms,
      deadAtMs: row.dead_at_ms,
    }));
  }

  async requeueDead(ids: number[] | null, nowMs: number): Promise<number> {
    if (ids && ids.length === 0) return 0;
    const result = await this.#db
      .updateTable("usage_sync_outbox")
      .set({
        state: "pending",
        attempts: 0,
        available_at_ms: nowMs,
        lease_owner: null,
        lease_expires_at_ms: null,
        dead_at_ms: null,
      })
      .where("state", "=", "dead")
      .$if(ids !== null, (query) => query.where("id", "in", ids!))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
