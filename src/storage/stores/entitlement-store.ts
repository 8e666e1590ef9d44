import type { Kysely } from "kysely";
import type { EntitlementRow, EntitlementStore } from "../../modules/entitlements/index.js";
import type { DialectName } from "../dialect.js";
import { precompiled } from "../precompiled.js";
import type { EntitlementsTable, Schema } from "../schema.js";

// `check` runs this on every call: compiled once, not per request.
const ofFeature = precompiled((db, customerId: string, featureKey: string) =>
  db
    .selectFrom("entitlements")
    .selectAll()
    .where("customer_id", "=", customerId)
    .where("feature_key", "=", featureKey),
);

export class KyselyEntitlementStore implements EntitlementStore {
  readonly #db: Kysely<Schema>;
  readonly #dialect: DialectName;

  constructor(db: Kysely<Schema>, dialect: DialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async replaceForSource(
    sourceKind: EntitlementRow["sourceKind"],
    sourceId: string,
    rows: EntitlementRow[],
    updatedAtMs: number,
  ): Promise<void> {
    await this.#db
      .deleteFrom("entitlements")
      .where("source_kind", "=", sourceKind)
      .where("source_id", "=", sourceId)
      .execute();
    if (rows.length === 0) return;
    await this.#db
      .insertInto("entitlements")
      .values(
        rows.map((row) => ({
          customer_id: row.customerId,
          feature_key: row.featureKey,
          source_kind: row.sourceKind,
          source_id: row.sourceId,
          catalog_key: row.catalogKey,
          active_until_ms: row.activeUntilMs,
          lapse_code: row.lapseCode,
          updated_at_ms: updatedAtMs,
        })),
      )
      .execute();
  }

  async findActive(customerId: string, nowMs: number): Promise<EntitlementRow[]> {
    const query = this.#db
      .selectFrom("entitlements")
      .selectAll()
      .where("customer_id", "=", customerId)
      .where((eb) => eb.or([eb("active_until_ms", "is", null), eb("active_until_ms", ">", nowMs)]));
    return (await query.execute()).map(toRow);
  }

  async findOfFeature(customerId: string, featureKey: string): Promise<EntitlementRow[]> {
    return (await ofFeature.execute(this.#db, this.#dialect, customerId, featureKey)).map(toRow);
  }
}

function toRow(row: EntitlementsTable): EntitlementRow {
  return {
    customerId: row.customer_id,
    featureKey: row.feature_key,
    sourceKind: row.source_kind as EntitlementRow["sourceKind"],
    sourceId: row.source_id,
    catalogKey: row.catalog_key,
    activeUntilMs: row.active_until_ms,
    lapseCode: row.lapse_code === "PAYMENT_REQUIRED" ? "PAYMENT_REQUIRED" : null,
  };
}
