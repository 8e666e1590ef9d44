import type { Kysely } from "kysely";
import type { ApiKeyRecord, ApiKeyScope, ApiKeyStore } from "../../modules/api-keys/index.js";
import type { ApiKeysTable, Schema } from "../schema.js";

export class KyselyApiKeyStore implements ApiKeyStore {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async insert(record: ApiKeyRecord): Promise<void> {
    await this.#db
      .insertInto("api_keys")
      .values({
        id: record.id,
        prefix: record.prefix,
        secret_hash: record.secretHash,
        scope: record.scope,
        name: record.name,
        created_at_ms: record.createdAt.getTime(),
        revoked_at_ms: record.revokedAt?.getTime() ?? null,
      })
      .execute();
  }

  async findByPrefix(prefix: string): Promise<ApiKeyRecord | null> {
    const row = await this.#db
      .selectFrom("api_keys")
      .selectAll()
      .where("prefix", "=", prefix)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.#db.selectFrom("api_keys").selectAll().orderBy("created_at_ms").execute();
    return rows.map(toRecord);
  }

  async revoke(idOrPrefix: string, revokedAtMs: number): Promise<ApiKeyRecord | null> {
    await this.#db
      .updateTable("api_keys")
      .set({ revoked_at_ms: revokedAtMs })
      .where((eb) => eb.or([eb("id", "=", idOrPrefix), eb("prefix", "=", idOrPrefix)]))
      .where("revoked_at_ms", "is", null)
      .execute();
    const row = await this.#db
      .selectFrom("api_keys")
      .selectAll()
      .where((eb) => eb.or([eb("id", "=", idOrPrefix), eb("prefix", "=", idOrPrefix)]))
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }
}

function toRecord(row: ApiKeysTable): ApiKeyRecord {
  return {
    id: row.id,
    prefix: row.prefix,
    secretHash: row.secret_hash,
    scope: row.scope as ApiKeyScope,
    name: row.name,
    createdAt: new Date(row.created_at_ms),
    revokedAt: row.revoked_at_ms === null ? null : new Date(row.revoked_at_ms),
  };
}
