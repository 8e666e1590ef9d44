import { BillhookError, type StoreAccess } from "../../kernel/index.js";
import type { BillingProvider, ProviderCheckout } from "../provider/index.js";
import { sellerMetadata } from "../provider/index.js";
import type { SettingsStores } from "../settings/index.js";
import { splitCharge } from "./fee-split.js";
import type { MarketplaceStores } from "./marketplace-events.js";
import { requirePurchasable, requireReady, requireSellerPayments, requireTier } from "./marketplace-rules.js";
import type { MarketplaceSettings, SellerRecord } from "./marketplace-types.js";

export interface CheckoutCommon {
  customerId: string;
  email?: string;
  successUrl: string;
  returnUrl?: string;
}

/**
 * Buying from a seller: destination-charge checkouts for memberships and tips. The fee in force is
 * fixed on each checkout and recorded in its metadata, so the charge books exactly what was taken.
 */
export class MarketplaceCheckouts {
  constructor(
    private readonly options: {
      access: StoreAccess<MarketplaceStores>;
      provider: BillingProvider | null;
      settings: (within?: SettingsStores) => Promise<MarketplaceSettings>;
      getSeller: (sellerId: string) => Promise<SellerRecord>;
    },
  ) {}

  async membership(sellerId: string, input: CheckoutCommon & { tierId: string }): Promise<ProviderCheckout> {
    const sellerPayments = requireSellerPayments(this.options.provider);
    const seller = await this.options.getSeller(sellerId);
    const accountId = requireReady(seller);
    const tier = requireTier(
      await this.options.access.read((stores) => stores.marketplace.findTier(input.tierId)),
      sellerId,
      input.tierId,
    );
    const priceId = requirePurchasable(tier);
    const { feeBps, applicationFeeMinor } = await this.#fee(tier.amountMinor, tier.currency);
    return sellerPayments.createSellerCheckout({
      ...buyer(accountId, input),
      item: { kind: "membership", providerPriceId: priceId, amountMinor: tier.amountMinor },
      applicationFeeMinor,
      metadata: this.#metadata(seller.id, feeBps, tier.id),
    });
  }

  async tip(
    sellerId: string,
    input: CheckoutCommon & { amountMinor: number; currency: string },
  ): Promise<ProviderCheckout> {
    const sellerPayments = requireSellerPayments(this.options.provider);
    const settings = await this.options.settings();
    if (
      !Number.isInteger(input.amountMinor) ||
      input.amountMinor < settings.tipMinimumMinor ||
      input.amountMinor > settings.tipMaximumMinor
    )
      throw new BillhookError(
        "AMOUNT_OUT_OF_RANGE",
        `A tip must be from ${settings.tipMinimumMinor} to ${settings.tipMaximumMinor} minor units.`,
        { minimumMinor: settings.tipMinimumMinor, maximumMinor: settings.tipMaximumMinor },
      );
    const seller = await this.options.getSeller(sellerId);
    const accountId = requireReady(seller);
    const { feeBps, applicationFeeMinor } = await this.#fee(input.amountMinor, input.currency);
    return sellerPayments.createSellerCheckout({
      ...buyer(accountId, input),
      item: {
        kind: "tip",
        amountMinor: input.amountMinor,
        currency: input.currency,
        description: `Tip for ${seller.handle}`,
      },
      applicationFeeMinor,
      metadata: this.#metadata(seller.id, feeBps, null),
    });
  }

  /** The fee in force now, and what the provider should keep: platform fee plus its own fee. */
  async #fee(
    amountMinor: number,
    currency: string,
  ): Promise<{ feeBps: number; applicationFeeMinor: number }> {
    const feeBps = (await this.options.settings()).platformFeeBps;
    const providerFeeMinor = requireSellerPayments(this.options.provider).processingFeeMinor(
      amountMinor,
      currency,
    );
    const split = splitCharge({ grossMinor: amountMinor, feeBps, providerFeeMinor });
    return { feeBps, applicationFeeMinor: split.platformFeeMinor + split.providerFeeMinor };
  }

  #metadata(sellerId: string, feeBps: number, tierId: string | null): Record<string, string> {
    return {
      [sellerMetadata.sellerId]: sellerId,
      [sellerMetadata.feeBps]: String(feeBps),
      ...(tierId ? { [sellerMetadata.tierId]: tierId } : {}),
    };
  }
}

/** Who pays whom, and where the provider sends the buyer back to. */
function buyer(providerAccountId: string, input: CheckoutCommon) {
  return {
    providerAccountId,
    externalCustomerId: input.customerId,
    ...(input.email ? { email: input.email } : {}),
    successUrl: input.successUrl,
    ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
  };
}
