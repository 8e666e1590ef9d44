import type { Kysely, Selectable } from "kysely";
import type { DisputeRecord, SellerDisputeStore } from "../../modules/marketplace/index.js";
import type { ProviderDisputeStatus } from "../../modules/provider/index.js";
import type { DialectName } from "../dialect.js";
import type { MarketplaceDisputesTable, Schema } from "../schema.js";

export class KyselySellerDisputeStore implements SellerDisputeStore {
  readonly #db: Kysely<Schema>;
  readonly #dialect: DialectName;

  constructor(db: Kysely<Schema>, dialect: DialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async find(
    providerDisputeId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<DisputeRecord | null> {
    let query = this.#db
      .selectFrom("marketplace_disputes")
      .selectAll()
      .where("provider_dispute_id", "=", providerDisputeId);
    // A SQLite write transaction already excludes every other writer.
    if (options.forUpdate && this.#dialect === "postgres") query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toDispute(row) : null;
  }

  async upsert(dispute: DisputeRecord): Promise<void> {
    const row = disputeRow(dispute);
    await this.#db
      .insertInto("marketplace_disputes")
      .values(row)
      .onConflict((conflict) => conflict.column("provider_dispute_id").doUpdateSet(row))
      .execute();
  }

  async list(filter: { recovery?: "due" | "done"; limit: number }): Promise<DisputeRecord[]> {
    let query = this.#db
      .selectFrom("marketplace_disputes")
      .selectAll()
      .orderBy("provider_modified_at_ms", "desc")
      .orderBy("provider_dispute_id", "desc")
      .limit(filter.limit);
    if (filter.recovery) query = query.where("recovery_status", "=", filter.recovery);
    return (await query.execute()).map(toDispute);
  }

  async listRecoveryDue(limit: number): Promise<DisputeRecord[]> {
    const rows = await this.#db
      .selectFrom("marketplace_disputes")
      .selectAll()
      .where("recovery_status", "=", "due")
      .orderBy("provider_modified_at_ms")
      .orderBy("provider_dispute_id")
      .limit(limit)
      .execute();
    return rows.map(toDispute);
  }

  async listOfPayment(providerPaymentId: string): Promise<DisputeRecord[]> {
    const rows = await this.#db
      .selectFrom("marketplace_disputes")
      .selectAll()
      .where("provider_payment_id", "=", providerPaymentId)
      .orderBy("created_at_ms")
      .orderBy("provider_dispute_id")
      .execute();
    return rows.map(toDispute);
  }
}

function disputeRow(dispute: DisputeRecord): MarketplaceDisputesTable {
  return {
    provider_dispute_id: dispute.providerDisputeId,
    provider_payment_id: dispute.providerPaymentId,
    amount_minor: dispute.amountMinor,
    currency: dispute.currency,
    status: dispute.status,
    reason: dispute.reason,
    held_minor: dispute.heldMinor,
    recovery_status: dispute.recovery?.status ?? null,
    recovery_minor: dispute.recovery?.amountMinor ?? 0,
    recovery_attempts: dispute.recovery?.attempts ?? 0,
    recovery_error: dispute.recovery?.lastError ?? null,
    provider_reversal_id: dispute.recovery?.providerReversalId ?? null,
    provider_modified_at_ms: dispute.providerModifiedAtMs,
    created_at_ms: dispute.createdAtMs,
  };
}

function toDispute(row: Selectable<MarketplaceDisputesTable>): DisputeRecord {
  return {
    providerDisputeId: row.provider_dispute_id,
    providerPaymentId: row.provider_payment_id,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    status: row.status as ProviderDisputeStatus,
    reason: row.reason,
    heldMinor: Number(row.held_minor),
    recovery: row.recovery_status
      ? {
          status: row.recovery_status as "due" | "done",
          amountMinor: Number(row.recovery_minor),
          attempts: Number(row.recovery_attempts),
          lastError: row.recovery_error,
          providerReversalId: row.provider_reversal_id,
        }
      : null,
    providerModifiedAtMs: Number(row.provider_modified_at_ms),
    createdAtMs: Number(row.created_at_ms),
  };
}
