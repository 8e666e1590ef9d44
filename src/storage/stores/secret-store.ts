import type { Kysely } from "kysely";
import type { SecretStore } from "../../modules/customer-tokens/index.js";
import type { Schema } from "../schema.js";

export class KyselySecretStore implements SecretStore {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async getOrCreate(name: string, candidate: string, createdAtMs: number): Promise<string> {
    await this.#db
      .insertInto("billhook_secrets")
      .values({ name, value: candidate, created_at_ms: createdAtMs })
      .onConflict((conflict) => conflict.column("name").doNothing())
      .execute();
    const row = await this.#db
      .selectFrom("billhook_secrets")
      .select("value")
      .where("name", "=", name)
      .executeTakeFirstOrThrow();
    return row.value;
  }
}
