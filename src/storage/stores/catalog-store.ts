import type { Kysely } from "kysely";
import type { CatalogMapping, CatalogStore } from "../../modules/catalog/index.js";
import type { Schema } from "../schema.js";

export class KyselyCatalogStore implements CatalogStore {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async findMapping(provider: string, catalogKey: string): Promise<CatalogMapping | null> {
    const row = await this.#db
      .selectFrom("catalog_products")
      .selectAll()
      .where("provider", "=", provider)
      .where("catalog_key", "=", catalogKey)
      .executeTakeFirst();
    return row
      ? { provider: row.provider, catalogKey: row.catalog_key, providerProductId: row.provider_product_id }
      : null;
  }

  async saveMapping(mapping: CatalogMapping, pushedAtMs: number): Promise<void> {
    await this.#db
      .insertInto("catalog_products")
      .values({
        provider: mapping.provider,
        catalog_key: mapping.catalogKey,
        provider_product_id: mapping.providerProductId,
        pushed_at_ms: pushedAtMs,
      })
      .onConflict((conflict) =>
        conflict
          .columns(["provider", "catalog_key"])
          .doUpdateSet({ provider_product_id: mapping.providerProductId, pushed_at_ms: pushedAtMs }),
      )
      .execute();
  }

  async listMappings(provider: string): Promise<CatalogMapping[]> {
    const rows = await this.#db
      .selectFrom("catalog_products")
      .selectAll()
      .where("provider", "=", provider)
      .execute();
    return rows.map((row) => ({
      provider: row.provider,
      catalogKey: row.catalog_key,
      providerProductId: row.provider_product_id,
    }));
  }
}
