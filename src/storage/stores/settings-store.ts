import type { Kysely } from "kysely";
import type { SettingsStore, StoredSetting } from "../../modules/settings/index.js";
import type { Schema } from "../schema.js";

export class KyselySettingsStore implements SettingsStore {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async all(): Promise<StoredSetting[]> {
    const rows = await this.#db.selectFrom("settings").selectAll().execute();
    return rows.map((row) => ({
      key: row.key,
      valueJson: row.value_json,
      updatedAtMs: row.updated_at_ms,
      updatedBy: row.updated_by,
    }));
  }

  async put(setting: StoredSetting): Promise<void> {
    const row = {
      key: setting.key,
      value_json: setting.valueJson,
      updated_at_ms: setting.updatedAtMs,
      updated_by: setting.updatedBy,
    };
    await this.#db
      .insertInto("settings")
      .values(row)
      .onConflict((conflict) =>
        conflict.column("key").doUpdateSet({
          value_json: row.value_json,
          updated_at_ms: row.updated_at_ms,
          updated_by: row.updated_by,
        }),
      )
      .execute();
  }

  async remove(key: string): Promise<void> {
    await this.#db.deleteFrom("settings").where("key", "=", key).execute();
  }
}
