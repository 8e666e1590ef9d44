import { type Kysely, sql } from "kysely";
import type {
  IdempotencyRecord,
  IdempotencyStore,
  InstanceLeaseRecord,
  StoredResponse,
} from "../../modules/idempotency/index.js";
import type { DialectName } from "../dialect.js";
import type { IdempotencyKeysTable, Schema } from "../schema.js";

type SessionProbe = (db: Kysely<Schema>, instanceId: string) => Promise<boolean>;

/**
 * How each database tells whether an instance still has a session — one that could still commit
 * what it started. PostgreSQL: a backend whose `application_name` is the instance id (every pool
 * sets it, see `openPostgres`); a killed process's backends end as soon as the server reads the
 * closed socket, and one running a statement finishes it first, which is exactly the window in which
 * it could still commit. A machine that drops off the network keeps its sessions until the server's
 * TCP keepalive (`tcp_keepalives_idle`) notices, and its claims wait until then: safety over speed.
 * SQLite cannot tell, and need not: a dead process's open write transaction is rolled back with its
 * file lock, so only the lease speaks.
 */
const sessionProbes: Record<DialectName, SessionProbe | null> = {
  sqlite: null,
  postgres: async (db, instanceId) => {
    const { rows } = await sql<{ connected: boolean }>`
      select exists (
        select 1 from pg_stat_activity where application_name = ${instanceId} and datname = current_database()
      ) as connected`.execute(db);
    return rows[0]?.connected === true;
  },
};

export class KyselyIdempotencyStore implements IdempotencyStore {
  readonly #db: Kysely<Schema>;
  readonly #sessionProbe: SessionProbe | null;

  constructor(db: Kysely<Schema>, dialect: DialectName) {
    this.#db = db;
    this.#sessionProbe = sessionProbes[dialect];
  }

  async insert(record: IdempotencyRecord): Promise<boolean> {
    const inserted = await this.#db
      .insertInto("idempotency_keys")
      .values(toRow(record))
      .onConflict((conflict) => conflict.columns(["principal_id", "idempotency_key"]).doNothing())
      .returning("idempotency_key")
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async find(principalId: string, key: string): Promise<IdempotencyRecord | null> {
    const row = await this.#db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("principal_id", "=", principalId)
      .where("idempotency_key", "=", key)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async replace(record: IdempotencyRecord, previous: IdempotencyRecord): Promise<boolean> {
    const result = await this.#db
      .updateTable("idempotency_keys")
      .set(toRow(record))
      .where("principal_id", "=", previous.principalId)
      .where("idempotency_key", "=", previous.key)
      .where("state", "=", previous.state)
      .where("expires_at_ms", "=", previous.expiresAtMs)
      .where((eb) =>
        previous.claimId === null ? eb("claim_id", "is", null) : eb("claim_id", "=", previous.claimId),
      )
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async complete(principalId: string, key: string, claimId: string, response: StoredResponse) {
    const result = await this.#db
      .updateTable("idempotency_keys")
      .set({
        state: "completed",
        response_status: response.status,
        response_headers_json: JSON.stringify(response.headers),
        response_body: response.body,
      })
      .where("principal_id", "=", principalId)
      .where("idempotency_key", "=", key)
      .where("claim_id", "=", claimId)
      .where("state", "=", "in_flight")
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async release(principalId: string, key: string, claimId: string): Promise<boolean> {
    const result = await this.#db
      .deleteFrom("idempotency_keys")
      .where("principal_id", "=", principalId)
      .where("idempotency_key", "=", key)
      .where("claim_id", "=", claimId)
      .where("state", "=", "in_flight")
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async purgeExpired(nowMs: number, limit: number): Promise<number> {
    const expired = await this.#db
      .selectFrom("idempotency_keys")
      .select(["principal_id", "idempotency_key"])
      .where("expires_at_ms", "<=", nowMs)
      .limit(limit)
      .execute();
    for (const row of expired) {
      await this.#db
        .deleteFrom("idempotency_keys")
        .where("principal_id", "=", row.principal_id)
        .where("idempotency_key", "=", row.idempotency_key)
        .where("expires_at_ms", "<=", nowMs)
        .execute();
    }
    return expired.length;
  }

  async renewLease(lease: InstanceLeaseRecord): Promise<void> {
    await this.#db
      .insertInto("instance_leases")
      .values({
        instance_id: lease.instanceId,
        started_at_ms: lease.startedAtMs,
        renewed_at_ms: lease.renewedAtMs,
        expires_at_ms: lease.expiresAtMs,
      })
      .onConflict((conflict) =>
        conflict.column("instance_id").doUpdateSet({
          renewed_at_ms: lease.renewedAtMs,
          expires_at_ms: lease.expiresAtMs,
        }),
      )
      .execute();
  }

  async findLease(instanceId: string): Promise<InstanceLeaseRecord | null> {
    const row = await this.#db
      .selectFrom("instance_leases")
      .selectAll()
      .where("instance_id", "=", instanceId)
      .executeTakeFirst();
    if (!row) return null;
    return {
      instanceId: row.instance_id,
      startedAtMs: row.started_at_ms,
      renewedAtMs: row.renewed_at_ms,
      expiresAtMs: row.expires_at_ms,
    };
  }

  async dropLease(instanceId: string): Promise<void> {
    await this.#db.deleteFrom("instance_leases").where("instance_id", "=", instanceId).execute();
  }

  async purgeLeases(expiredBeforeMs: number, limit: number): Promise<number> {
    const expired = await this.#db
      .selectFrom("instance_leases")
      .select("instance_id")
      .where("expires_at_ms", "<", expiredBeforeMs)
      .limit(limit)
      .execute();
    if (expired.length === 0) return 0;
    await this.#db
      .deleteFrom("instance_leases")
      .where(
        "instance_id",
        "in",
        expired.map((row) => row.instance_id),
      )
      .where("expires_at_ms", "<", expiredBeforeMs)
      .execute();
    return expired.length;
  }

  async hasSessions(instanceId: string): Promise<boolean | null> {
    return this.#sessionProbe === null ? null : this.#sessionProbe(this.#db, instanceId);
  }
}

function toRow(record: IdempotencyRecord): IdempotencyKeysTable {
  return {
    principal_id: record.principalId,
    idempotency_key: record.key,
    request_hash: record.requestHash,
    state: record.state,
    response_status: record.response?.status ?? null,
    response_headers_json: record.response ? JSON.stringify(record.response.headers) : null,
    response_body: record.response?.body ?? null,
    locked_until_ms: record.lockedUntilMs,
    created_at_ms: record.createdAtMs,
    expires_at_ms: record.expiresAtMs,
    owner_instance_id: record.ownerInstanceId,
    claim_id: record.claimId,
  };
}

function toRecord(row: IdempotencyKeysTable): IdempotencyRecord {
  return {
    principalId: row.principal_id,
    key: row.idempotency_key,
    requestHash: row.request_hash,
    state: row.state === "completed" ? "completed" : "in_flight",
    response:
      row.response_status === null
        ? null
        : {
            status: row.response_status,
            headers: JSON.parse(row.response_headers_json ?? "{}"),
            body: row.response_body ?? "",
          },
    lockedUntilMs: row.locked_until_ms,
    createdAtMs: row.created_at_ms,
    expiresAtMs: row.expires_at_ms,
    ownerInstanceId: row.owner_instance_id,
    claimId: row.claim_id,
  };
}
