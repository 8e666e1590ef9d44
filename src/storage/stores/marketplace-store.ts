import type { Kysely } from "kysely";
import type {
  MarketplaceStore,
  MembershipRecord,
  PayoutRecord,
  SellerChargeRecord,
  SellerRecord,
  TierRecord,
} from "../../modules/marketplace/index.js";
import type { DialectName } from "../dialect.js";
import { isUniqueViolation } from "../dialect.js";
import type { Schema } from "../schema.js";
import {
  chargeRow,
  membershipRow,
  payoutRow,
  sellerRow,
  tierRow,
  toCharge,
  toMembership,
  toPayout,
  toSeller,
  toTier,
} from "./marketplace-rows.js";

export class KyselyMarketplaceStore implements MarketplaceStore {
  readonly #db: Kysely<Schema>;
  readonly #dialect: DialectName;

  constructor(db: Kysely<Schema>, dialect: DialectName) {
    this.#db = db;
    this.#dialect = dialect;
  }

  async insertSeller(seller: SellerRecord): Promise<boolean> {
    const rows = await this.#db
      .insertInto("marketplace_sellers")
      .values(sellerRow(seller))
      .onConflict((conflict) => conflict.doNothing())
      .returning("id")
      .execute();
    return rows.length > 0;
  }

  async updateSeller(seller: SellerRecord): Promise<void> {
    await this.#db
      .updateTable("marketplace_sellers")
      .set(sellerRow(seller))
      .where("id", "=", seller.id)
      .execute();
  }

  async findSeller(id: string): Promise<SellerRecord | null> {
    return this.#seller("id", id);
  }

  async findSellerByExternalId(externalId: string): Promise<SellerRecord | null> {
    return this.#seller("external_id", externalId);
  }

  async findSellerByHandle(handle: string): Promise<SellerRecord | null> {
    return this.#seller("handle", handle);
  }

  async findSellerByAccount(providerAccountId: string): Promise<SellerRecord | null> {
    return this.#seller("provider_account_id", providerAccountId);
  }

  async #seller(
    column: "id" | "external_id" | "handle" | "provider_account_id",
    value: string,
  ): Promise<SellerRecord | null> {
    const row = await this.#db
      .selectFrom("marketplace_sellers")
      .selectAll()
      .where(column, "=", value)
      .executeTakeFirst();
    return row ? toSeller(row) : null;
  }

  async listSellers(limit: number, afterId: string | null): Promise<SellerRecord[]> {
    let query = this.#db.selectFrom("marketplace_sellers").selectAll().orderBy("id").limit(limit);
    if (afterId) query = query.where("id", ">", afterId);
    return (await query.execute()).map(toSeller);
  }

  async insertTier(tier: TierRecord): Promise<void> {
    await this.#db.insertInto("marketplace_tiers").values(tierRow(tier)).execute();
  }

  async updateTier(tier: TierRecord): Promise<void> {
    await this.#db.updateTable("marketplace_tiers").set(tierRow(tier)).where("id", "=", tier.id).execute();
  }

  async deleteTier(id: string): Promise<void> {
    await this.#db.deleteFrom("marketplace_tiers").where("id", "=", id).execute();
  }

  async findTier(id: string): Promise<TierRecord | null> {
    const row = await this.#db
      .selectFrom("marketplace_tiers")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    return row ? toTier(row) : null;
  }

  async listTiers(sellerId: string): Promise<TierRecord[]> {
    const rows = await this.#db
      .selectFrom("marketplace_tiers")
      .selectAll()
      .where("seller_id", "=", sellerId)
      .orderBy("created_at_ms")
      .orderBy("id")
      .execute();
    return rows.map(toTier);
  }

  async insertCharge(charge: SellerChargeRecord): Promise<boolean> {
    try {
      const rows = await this.#db
        .insertInto("marketplace_charges")
        .values(chargeRow(charge))
        .onConflict((conflict) => conflict.column("provider_payment_id").doNothing())
        .returning("provider_payment_id")
        .execute();
      return rows.length > 0;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async updateCharge(charge: SellerChargeRecord): Promise<void> {
    await this.#db
      .updateTable("marketplace_charges")
      .set(chargeRow(charge))
      .where("provider_payment_id", "=", charge.providerPaymentId)
      .execute();
  }

  async findCharge(
    providerPaymentId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<SellerChargeRecord | null> {
    let query = this.#db
      .selectFrom("marketplace_charges")
      .selectAll()
      .where("provider_payment_id", "=", providerPaymentId);
    // A SQLite write transaction already excludes every other writer.
    if (options.forUpdate && this.#dialect === "postgres") query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toCharge(row) : null;
  }

  async listCharges(sellerId: string, limit: number): Promise<SellerChargeRecord[]> {
    const rows = await this.#db
      .selectFrom("marketplace_charges")
      .selectAll()
      .where("seller_id", "=", sellerId)
      .orderBy("paid_at_ms", "desc")
      .orderBy("provider_payment_id", "desc")
      .limit(limit)
      .execute();
    return rows.map(toCharge);
  }

  async listDueCharges(nowMs: number, sellerId: string | null, limit: number): Promise<SellerChargeRecord[]> {
    let query = this.#db
      .selectFrom("marketplace_charges")
      .selectAll()
      .where("status", "=", "pending")
      .where("available_at_ms", "<=", nowMs)
      .orderBy("available_at_ms")
      .limit(limit);
    if (sellerId) query = query.where("seller_id", "=", sellerId);
    return (await query.execute()).map(toCharge);
  }

  async recordRefundReport(providerPaymentId: string, refundedMinor: number): Promise<void> {
    const held = await this.findRefundReport(providerPaymentId);
    if (refundedMinor <= held) return;
    await this.#db
      .insertInto("marketplace_refund_reports")
      .values({ provider_payment_id: providerPaymentId, refunded_minor: refundedMinor })
      .onConflict((conflict) =>
        conflict.column("provider_payment_id").doUpdateSet({ refunded_minor: refundedMinor }),
      )
      .execute();
  }

  async findRefundReport(providerPaymentId: string): Promise<number> {
    const row = await this.#db
      .selectFrom("marketplace_refund_reports")
      .select("refunded_minor")
      .where("provider_payment_id", "=", providerPaymentId)
      .executeTakeFirst();
    return row ? Number(row.refunded_minor) : 0;
  }

  async findPayout(
    providerPayoutId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<PayoutRecord | null> {
    let query = this.#db
      .selectFrom("marketplace_payouts")
      .selectAll()
      .where("provider_payout_id", "=", providerPayoutId);
    if (options.forUpdate && this.#dialect === "postgres") query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toPayout(row) : null;
  }

  async upsertPayout(payout: PayoutRecord): Promise<void> {
    const row = payoutRow(payout);
    await this.#db
      .insertInto("marketplace_payouts")
      .values(row)
      .onConflict((conflict) => conflict.column("provider_payout_id").doUpdateSet(row))
      .execute();
  }

  async listPayouts(sellerId: string, limit: number): Promise<PayoutRecord[]> {
    const rows = await this.#db
      .selectFrom("marketplace_payouts")
      .selectAll()
      .where("seller_id", "=", sellerId)
      .orderBy("created_at_ms", "desc")
      .orderBy("provider_payout_id", "desc")
      .limit(limit)
      .execute();
    return rows.map(toPayout);
  }

  async findMembership(providerSubscriptionId: string): Promise<MembershipRecord | null> {
    const row = await this.#db
      .selectFrom("marketplace_memberships")
      .selectAll()
      .where("provider_subscription_id", "=", providerSubscriptionId)
      .executeTakeFirst();
    return row ? toMembership(row) : null;
  }

  async upsertMembership(membership: MembershipRecord): Promise<void> {
    const row = membershipRow(membership);
    await this.#db
      .insertInto("marketplace_memberships")
      .values(row)
      .onConflict((conflict) => conflict.column("provider_subscription_id").doUpdateSet(row))
      .execute();
  }

  async listMembershipsOfCustomer(customerId: string): Promise<MembershipRecord[]> {
    const rows = await this.#db
      .selectFrom("marketplace_memberships")
      .selectAll()
      .where("customer_id", "=", customerId)
      .orderBy("created_at_ms")
      .execute();
    return rows.map(toMembership);
  }
}
