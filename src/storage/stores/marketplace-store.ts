import type { Kysely, Selectable } from "kysely";
import type {
  MarketplaceStore,
  MembershipRecord,
  PayoutRecord,
  SellerChargeRecord,
  SellerRecord,
  TierRecord,
} from "../../modules/marketplace/index.js";
import type { ProviderPayoutStatus, SubscriptionStatus } from "../../modules/provider/index.js";
import type { DialectName } from "../dialect.js";
import { isUniqueViolation } from "../dialect.js";
import type {
  MarketplaceChargesTable,
  MarketplaceMembershipsTable,
  MarketplacePayoutsTable,
  MarketplaceSellersTable,
  MarketplaceTiersTable,
  Schema,
} from "../schema.js";

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

function sellerRow(seller: SellerRecord): MarketplaceSellersTable {
  return {
    id: seller.id,
    external_id: seller.externalId,
    handle: seller.handle,
    email: seller.email,
    country: seller.country,
    provider: seller.provider,
    provider_account_id: seller.providerAccountId,
    details_submitted: seller.detailsSubmitted ? 1 : 0,
    charges_enabled: seller.chargesEnabled ? 1 : 0,
    payouts_enabled: seller.payoutsEnabled ? 1 : 0,
    requirements_json: JSON.stringify(seller.requirementsDue),
    provider_modified_at_ms: seller.providerModifiedAtMs,
    created_at_ms: seller.createdAtMs,
  };
}

function toSeller(row: Selectable<MarketplaceSellersTable>): SellerRecord {
  return {
    id: row.id,
    externalId: row.external_id,
    handle: row.handle,
    email: row.email,
    country: row.country,
    provider: row.provider,
    providerAccountId: row.provider_account_id,
    detailsSubmitted: Number(row.details_submitted) === 1,
    chargesEnabled: Number(row.charges_enabled) === 1,
    payoutsEnabled: Number(row.payouts_enabled) === 1,
    requirementsDue: JSON.parse(row.requirements_json) as string[],
    providerModifiedAtMs: Number(row.provider_modified_at_ms),
    createdAtMs: Number(row.created_at_ms),
  };
}

function tierRow(tier: TierRecord): MarketplaceTiersTable {
  return {
    id: tier.id,
    seller_id: tier.sellerId,
    name: tier.name,
    description: tier.description,
    amount_minor: tier.amountMinor,
    currency: tier.currency,
    interval: tier.interval,
    status: tier.status,
    provider_product_id: tier.providerProductId,
    provider_price_id: tier.providerPriceId,
    created_at_ms: tier.createdAtMs,
    updated_at_ms: tier.updatedAtMs,
  };
}

function toTier(row: Selectable<MarketplaceTiersTable>): TierRecord {
  return {
    id: row.id,
    sellerId: row.seller_id,
    name: row.name,
    description: row.description,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    interval: row.interval as TierRecord["interval"],
    status: row.status as TierRecord["status"],
    providerProductId: row.provider_product_id,
    providerPriceId: row.provider_price_id,
    createdAtMs: Number(row.created_at_ms),
    updatedAtMs: Number(row.updated_at_ms),
  };
}

function chargeRow(charge: SellerChargeRecord): MarketplaceChargesTable {
  return {
    provider_payment_id: charge.providerPaymentId,
    seller_id: charge.sellerId,
    kind: charge.kind,
    tier_id: charge.tierId,
    customer_id: charge.customerId,
    currency: charge.currency,
    gross_minor: charge.grossMinor,
    fee_bps: charge.feeBps,
    platform_fee_minor: charge.platformFeeMinor,
    provider_fee_minor: charge.providerFeeMinor,
    seller_net_minor: charge.sellerNetMinor,
    refunded_minor: charge.refundedMinor,
    disputed_minor: charge.disputedMinor,
    status: charge.status,
    paid_at_ms: charge.paidAtMs,
    available_at_ms: charge.availableAtMs,
  };
}

function toCharge(row: Selectable<MarketplaceChargesTable>): SellerChargeRecord {
  return {
    providerPaymentId: row.provider_payment_id,
    sellerId: row.seller_id,
    kind: row.kind as SellerChargeRecord["kind"],
    tierId: row.tier_id,
    customerId: row.customer_id,
    currency: row.currency,
    grossMinor: Number(row.gross_minor),
    feeBps: Number(row.fee_bps),
    platformFeeMinor: Number(row.platform_fee_minor),
    providerFeeMinor: Number(row.provider_fee_minor),
    sellerNetMinor: Number(row.seller_net_minor),
    refundedMinor: Number(row.refunded_minor),
    disputedMinor: Number(row.disputed_minor),
    status: row.status as SellerChargeRecord["status"],
    paidAtMs: Number(row.paid_at_ms),
    availableAtMs: Number(row.available_at_ms),
  };
}

function payoutRow(payout: PayoutRecord): MarketplacePayoutsTable {
  return {
    provider_payout_id: payout.providerPayoutId,
    seller_id: payout.sellerId,
    amount_minor: payout.amountMinor,
    currency: payout.currency,
    status: payout.status,
    booked_paid: payout.bookedPaid ? 1 : 0,
    provider_modified_at_ms: payout.providerModifiedAtMs,
    created_at_ms: payout.createdAtMs,
  };
}

function toPayout(row: Selectable<MarketplacePayoutsTable>): PayoutRecord {
  return {
    providerPayoutId: row.provider_payout_id,
    sellerId: row.seller_id,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    status: row.status as ProviderPayoutStatus,
    bookedPaid: Number(row.booked_paid) === 1,
    providerModifiedAtMs: Number(row.provider_modified_at_ms),
    createdAtMs: Number(row.created_at_ms),
  };
}

function membershipRow(membership: MembershipRecord): MarketplaceMembershipsTable {
  return {
    provider_subscription_id: membership.providerSubscriptionId,
    seller_id: membership.sellerId,
    tier_id: membership.tierId,
    customer_id: membership.customerId,
    status: membership.status,
    cancel_at_period_end: membership.cancelAtPeriodEnd ? 1 : 0,
    current_period_end_ms: membership.currentPeriodEndMs,
    provider_modified_at_ms: membership.providerModifiedAtMs,
    created_at_ms: membership.createdAtMs,
  };
}

function toMembership(row: Selectable<MarketplaceMembershipsTable>): MembershipRecord {
  return {
    providerSubscriptionId: row.provider_subscription_id,
    sellerId: row.seller_id,
    tierId: row.tier_id,
    customerId: row.customer_id,
    status: row.status as SubscriptionStatus,
    cancelAtPeriodEnd: Number(row.cancel_at_period_end) === 1,
    currentPeriodEndMs: row.current_period_end_ms === null ? null : Number(row.current_period_end_ms),
    providerModifiedAtMs: Number(row.provider_modified_at_ms),
    createdAtMs: Number(row.created_at_ms),
  };
}
