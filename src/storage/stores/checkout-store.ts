import type { Kysely } from "kysely";
import { type CheckoutRecord, type CheckoutStore, statusesReplacedBy } from "../../modules/checkout/index.js";
import type { CheckoutStatus } from "../../modules/provider/index.js";
import type { CheckoutsTable, Schema } from "../schema.js";

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
        status: record.status,
        created_at_ms: record.createdAtMs,
        updated_at_ms: record.createdAtMs,
      })
      .execute();
  }

  async updateStatus(
    provider: string,
    providerCheckoutId: string,
    status: CheckoutStatus,
    updatedAtMs: number,
  ): Promise<boolean> {
    const replaced = statusesReplacedBy(status);
    if (replaced.length === 0) return false;
    const result = await this.#db
      .updateTable("checkouts")
      .set({ status, updated_at_ms: updatedAtMs })
      .where("provider", "=", provider)
      .where("provider_checkout_id", "=", providerCheckoutId)
      // Conditional on the held status, so two deliveries racing cannot both decide from a stale read.
      .where("status", "in", replaced)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async find(id: string): Promise<CheckoutRecord | null> {
    const row = await this.#db.selectFrom("checkouts").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async customerOf(provider: string, providerCheckoutId: string): Promise<string | null> {
    const row = await this.#db
      .selectFrom("checkouts")
      .select("customer_id")
      .where("provider", "=", provider)
      .where("provider_checkout_id", "=", providerCheckoutId)
      .executeTakeFirst();
    return row?.customer_id ?? null;
  }

  async listOf(customerId: string): Promise<CheckoutRecord[]> {
    const rows = await this.#db
      .selectFrom("checkouts")
      .selectAll()
      .where("customer_id", "=", customerId)
      .orderBy("created_at_ms", "desc")
      .execute();
    return rows.map(toRecord);
  }
}

function toRecord(row: CheckoutsTable): CheckoutRecord {
  return {
    id: row.id,
    customerId: row.customer_id,
    catalogKey: row.catalog_key,
    provider: row.provider,
    providerCheckoutId: row.provider_checkout_id,
    url: row.url,
    amountMinor: row.amount_minor,
    status: row.status as CheckoutStatus,
    createdAtMs: row.created_at_ms,
  };
}
