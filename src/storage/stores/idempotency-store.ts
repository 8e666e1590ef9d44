import type { Kysely } from "kysely";
import type { IdempotencyRecord, IdempotencyStore, StoredResponse } from "../../modules/idempotency/index.js";
import type { IdempotencyKeysTable, Schema } from "../schema.js";

export class KyselyIdempotencyStore implements IdempotencyStore {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async claim(record: IdempotencyRecord, nowMs: number): Promise<IdempotencyRecord | null> {
    const row = toRow(record);
    const inserted = await this.#db
      .insertInto("idempotency_keys")
      .values(row)
      .onConflict((conflict) => conflict.columns(["principal_id", "idempotency_key"]).doNothing())
      .returning("idempotency_key")
      .executeTakeFirst();
    if (inserted) return null;

    // Take over a record nobody can still be using: expired, or in flight past its lock.
    const takenOver = await this.#db
      .updateTable("idempotency_keys")
      .set(row)
      .where("principal_id", "=", record.principalId)
      .where("idempotency_key", "=", record.key)
      .where((eb) =>
        eb.or([
          eb("expires_at_ms", "<=", nowMs),
          eb.and([eb("state", "=", "in_flight"), eb("locked_until_ms", "<=", nowMs)]),
        ]),
      )
      .returning("idempotency_key")
      .executeTakeFirst();
    if (takenOver) return null;

    const existing = await this.#db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("principal_id", "=", record.principalId)
      .where("idempotency_key", "=", record.key)
      .executeTakeFirstOrThrow();
    return toRecord(existing);
  }

  async complete(principalId: string, key: string, response: StoredResponse): Promise<void> {
    await this.#db
      .updateTable("idempotency_keys")
      .set({
        state: "completed",
        response_status: response.status,
        response_headers_json: JSON.stringify(response.headers),
        response_body: response.body,
      })
      .where("principal_id", "=", principalId)
      .where("idempotency_key", "=", key)
      .execute();
  }

  async release(principalId: string, key: string): Promise<void> {
    await this.#db
      .deleteFrom("idempotency_keys")
      .where("principal_id", "=", principalId)
      .where("idempotency_key", "=", key)
      .where("state", "=", "in_flight")
      .execute();
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
  };
}
