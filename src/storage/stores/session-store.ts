import type { Kysely } from "kysely";
import type { ApiKey, ApiKeyScope } from "../../modules/api-keys/index.js";
import type { SessionRecord, SessionStore } from "../../modules/sessions/index.js";
import type { Schema } from "../schema.js";

export class KyselySessionStore implements SessionStore {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async insert(session: SessionRecord): Promise<void> {
    await this.#db
      .insertInto("dashboard_sessions")
      .values({
        token_hash: session.tokenHash,
        api_key_id: session.apiKeyId,
        csrf_token: session.csrfToken,
        created_at_ms: session.createdAtMs,
        last_seen_at_ms: session.lastSeenAtMs,
        expires_at_ms: session.expiresAtMs,
      })
      .execute();
  }

  async find(tokenHash: string): Promise<{ session: SessionRecord; apiKey: ApiKey } | null> {
    const row = await this.#db
      .selectFrom("dashboard_sessions as session")
      .innerJoin("api_keys as key", "key.id", "session.api_key_id")
      .select([
        "session.token_hash",
        "session.api_key_id",
        "session.csrf_token",
        "session.created_at_ms",
        "session.last_seen_at_ms",
        "session.expires_at_ms",
        "key.prefix",
        "key.scope",
        "key.name",
        "key.created_at_ms as key_created_at_ms",
        "key.revoked_at_ms",
      ])
      .where("session.token_hash", "=", tokenHash)
      .executeTakeFirst();
    if (!row) return null;
    return {
      session: {
        tokenHash: row.token_hash,
        apiKeyId: row.api_key_id,
        csrfToken: row.csrf_token,
        createdAtMs: row.created_at_ms,
        lastSeenAtMs: row.last_seen_at_ms,
        expiresAtMs: row.expires_at_ms,
      },
      apiKey: {
        id: row.api_key_id,
        prefix: row.prefix,
        scope: row.scope as ApiKeyScope,
        name: row.name,
        createdAt: new Date(row.key_created_at_ms),
        revokedAt: row.revoked_at_ms === null ? null : new Date(row.revoked_at_ms),
      },
    };
  }

  async touch(tokenHash: string, lastSeenAtMs: number): Promise<void> {
    await this.#db
      .updateTable("dashboard_sessions")
      .set({ last_seen_at_ms: lastSeenAtMs })
      .where("token_hash", "=", tokenHash)
      .execute();
  }

  async delete(tokenHash: string): Promise<void> {
    await this.#db.deleteFrom("dashboard_sessions").where("token_hash", "=", tokenHash).execute();
  }

  async deleteEnded(nowMs: number, idleMs: number): Promise<number> {
    const result = await this.#db
      .deleteFrom("dashboard_sessions")
      .where((eb) => eb.or([eb("expires_at_ms", "<=", nowMs), eb("last_seen_at_ms", "<=", nowMs - idleMs)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
