import type { Kysely } from "kysely";
import type { CheckoutRecord, CheckoutStore } from "../../modules/checkout/index.js";
import type { Schema } from "../schema.js";

export class KyselyCheckoutStore implements CheckoutStore {
  readonly #db: Kysely<Schema>;

  constructor(db: Kysely<Schema>) {
    this.#db = db;
  }

  async insert(record: CheckoutRecord): Promise<void> {
    await this.#db
      .insertInto("checkouts")
      .values({
        id: record.id,
        customer_id: record.customerId,
        catalog_key: record.catalogKey,
        provider: record.provider,
        provider_checkout_id: record.providerCheckoutId,
        url: record.url,
        amount_minor: record.amountMinor,
        created_at_ms: record.createdAtMs,
      })
      .execute();
  }
}
