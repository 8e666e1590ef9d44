import { BillhookError, type Clock, newId, type StoreAccess } from "../../kernel/index.js";
import type { BillingProvider } from "../provider/index.js";
import type { MarketplaceStores } from "./marketplace-events.js";
import {
  checkTierFields,
  marketplaceLimits,
  refuseIssues,
  requireSeller,
  requireSellerPayments,
  requireTier,
} from "./marketplace-rules.js";
import type { TierRecord } from "./marketplace-types.js";

export interface TierInput {
  name: string;
  description?: string | null;
  amountMinor: number;
  currency: string;
  interval: "month" | "year";
}

/**
 * Membership tiers of a seller. A tier exists at the provider (product + recurring price) before
 * anyone can buy it: its row is recorded first without provider ids (so it is not purchasable), and
 * removed again when the provider refuses, so a failed create leaves nothing behind.
 */
export class MarketplaceTiers {
  readonly #access: StoreAccess<MarketplaceStores>;
  readonly #clock: Clock;
  readonly #provider: BillingProvider | null;

  constructor(options: {
    access: StoreAccess<MarketplaceStores>;
    clock: Clock;
    provider: BillingProvider | null;
  }) {
    this.#access = options.access;
    this.#clock = options.clock;
    this.#provider = options.provider;
  }

  async create(sellerId: string, input: TierInput): Promise<TierRecord> {
    const sellerPayments = requireSellerPayments(this.#provider);
    refuseIssues(checkTierFields(input));
    const nowMs = this.#clock.now().getTime();
    const tier: TierRecord = {
      id: newId("tier"),
      sellerId,
      name: input.name,
      description: input.description ?? null,
      amountMinor: input.amountMinor,
      currency: input.currency,
      interval: input.interval,
      status: "active",
      providerProductId: null,
      providerPriceId: null,
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
    };
    await this.#access.transaction(async (stores) => {
      requireSeller(await stores.marketplace.findSeller(sellerId), sellerId);
      if ((await stores.marketplace.listTiers(sellerId)).length >= marketplaceLimits.tiersPerSellerMax)
        throw new BillhookError(
          "VALIDATION_FAILED",
          `A seller has at most ${marketplaceLimits.tiersPerSellerMax} tiers.`,
        );
      await stores.marketplace.insertTier(tier);
    });
    try {
      const product = await sellerPayments.upsertTierProduct(this.#spec(tier), null);
      const created = { ...tier, ...product };
      await this.#access.transaction((stores) => stores.marketplace.updateTier(created));
      return created;
    } catch (error) {
      await this.#access.transaction((stores) => stores.marketplace.deleteTier(tier.id));
      throw error;
    }
  }

  /** Changes name, description or price; a new price applies to new memberships only. */
  async update(
    sellerId: string,
    tierId: string,
    patch: Partial<Omit<TierInput, "currency" | "interval">>,
  ): Promise<TierRecord> {
    const sellerPayments = requireSellerPayments(this.#provider);
    refuseIssues(checkTierFields(patch));
    const tier = await this.get(sellerId, tierId);
    if (tier.status !== "active")
      throw new BillhookError("TIER_NOT_AVAILABLE", `Tier ${tierId} is archived.`, { tierId });
    const next: TierRecord = {
      ...tier,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.amountMinor !== undefined ? { amountMinor: patch.amountMinor } : {}),
      updatedAtMs: this.#clock.now().getTime(),
    };
    const product = await sellerPayments.upsertTierProduct(this.#spec(next), tier.providerProductId);
    const updated = { ...next, ...product };
    await this.#access.transaction((stores) => stores.marketplace.updateTier(updated));
    return updated;
  }

  /** Archived tiers cannot be bought; existing memberships run on at the provider. */
  async archive(sellerId: string, tierId: string): Promise<TierRecord> {
    const sellerPayments = requireSellerPayments(this.#provider);
    const tier = await this.get(sellerId, tierId);
    if (tier.status === "archived") return tier;
    if (tier.providerProductId) await sellerPayments.archiveTierProduct(tier.providerProductId);
    const archived: TierRecord = { ...tier, status: "archived", updatedAtMs: this.#clock.now().getTime() };
    await this.#access.transaction((stores) => stores.marketplace.updateTier(archived));
    return archived;
  }

  async get(sellerId: string, tierId: string): Promise<TierRecord> {
    return requireTier(
      await this.#access.read((stores) => stores.marketplace.findTier(tierId)),
      sellerId,
      tierId,
    );
  }

  async list(sellerId: string): Promise<TierRecord[]> {
    return this.#access.read(async (stores) => {
      requireSeller(await stores.marketplace.findSeller(sellerId), sellerId);
      return stores.marketplace.listTiers(sellerId);
    });
  }

  /** What anyone may see on a seller's page: active tiers that exist at the provider. */
  async publicList(handle: string): Promise<{ sellerId: string; handle: string; tiers: TierRecord[] }> {
    return this.#access.read(async (stores) => {
      const seller = requireSeller(await stores.marketplace.findSellerByHandle(handle), handle);
      const tiers = (await stores.marketplace.listTiers(seller.id)).filter(
        (tier) => tier.status === "active" && tier.providerPriceId !== null,
      );
      return { sellerId: seller.id, handle: seller.handle, tiers };
    });
  }

  #spec(tier: TierRecord) {
    return {
      tierId: tier.id,
      sellerId: tier.sellerId,
      name: tier.name,
      description: tier.description,
      amountMinor: tier.amountMinor,
      currency: tier.currency,
      interval: tier.interval,
    };
  }
}
