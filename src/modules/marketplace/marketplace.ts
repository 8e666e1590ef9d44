import { BillhookError, type Clock, type Logger, type StoreAccess } from "../../kernel/index.js";
import type { Ledger } from "../ledger/index.js";
import type { BillingProvider, ProviderCheckout, SellerEvent } from "../provider/index.js";
import { chargeDisputed, sellerMetadata } from "../provider/index.js";
import type { SettingsStores } from "../settings/index.js";
import { DisputeRecovery, type RecoveryPass } from "./dispute-recovery.js";
import { type CheckoutCommon, MarketplaceCheckouts } from "./marketplace-checkouts.js";
import { type ApplyOutcome, MarketplaceEvents, type MarketplaceStores } from "./marketplace-events.js";
import { MarketplaceReads } from "./marketplace-reads.js";
import { requireSellerPayments } from "./marketplace-rules.js";
import { MarketplaceTiers } from "./marketplace-tiers.js";
import type { MarketplaceSettings, SellerRecord } from "./marketplace-types.js";
import { type SellerInput, SellerOnboarding } from "./seller-onboarding.js";

export interface MarketplaceOptions {
  access: StoreAccess<MarketplaceStores>;
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  provider: BillingProvider | null;
  /** Read at each use, so a changed fee applies to the next checkout and never to earlier rows. */
  settings: (within?: SettingsStores) => Promise<MarketplaceSettings>;
}

/**
 * The creator marketplace: sellers onboard to a connected account, sell membership tiers and take
 * tips as destination charges; every paid charge books gross, platform fee, provider fee and the
 * seller's earnings, which move pending → available → paid.
 */
export class Marketplace {
  readonly tiers: MarketplaceTiers;
  readonly reads: MarketplaceReads;
  readonly #options: MarketplaceOptions;
  readonly #events: MarketplaceEvents;
  readonly #recovery: DisputeRecovery;
  readonly #onboarding: SellerOnboarding;
  readonly #checkouts: MarketplaceCheckouts;

  constructor(options: MarketplaceOptions) {
    this.#options = options;
    this.#events = new MarketplaceEvents({
      ledger: options.ledger,
      logger: options.logger,
      settings: options.settings,
      processingFeeMinor: (amount, currency) =>
        options.provider?.sellerPayments?.processingFeeMinor(amount, currency) ?? 0,
    });
    this.#recovery = new DisputeRecovery(options);
    this.#onboarding = new SellerOnboarding(options);
    this.#checkouts = new MarketplaceCheckouts({
      ...options,
      getSeller: (sellerId) => this.getSeller(sellerId),
    });
    this.tiers = new MarketplaceTiers(options);
    this.reads = new MarketplaceReads({ ...options, settle: (sellerId) => this.settleDue(sellerId) });
  }

  /**
   * Records the seller, then opens their connected account and an onboarding link. Repeating it with
   * the same external id returns the same seller (and finishes one whose account call was lost).
   *
   * @example
   * const { seller, onboardingUrl } = await billhook.marketplace.createSeller({ externalId: "u_1", email: "a@b.c", country: "US" });
   */
  createSeller(
    input: SellerInput,
  ): Promise<{ seller: SellerRecord; onboardingUrl: string; created: boolean }> {
    return this.#onboarding.create(input);
  }

  /** A fresh onboarding link: links are single use and expire within minutes, so mint one per visit. */
  onboardingLink(sellerId: string): Promise<{ url: string; expiresAt: Date }> {
    return this.#onboarding.onboardingLink(sellerId);
  }

  getSeller(sellerId: string): Promise<SellerRecord> {
    return this.#onboarding.get(sellerId);
  }

  /** A subscription to one of the seller's tiers, as a destination charge with the platform's fee. */
  checkoutMembership(
    sellerId: string,
    input: CheckoutCommon & { tierId: string },
  ): Promise<ProviderCheckout> {
    return this.#checkouts.membership(sellerId, input);
  }

  /**
   * A one-time tip of a buyer-chosen amount within the settings' bounds. The amount is fixed before
   * the checkout exists, so the fee is exact for what is actually paid.
   */
  checkoutTip(
    sellerId: string,
    input: CheckoutCommon & { amountMinor: number; currency: string },
  ): Promise<ProviderCheckout> {
    return this.#checkouts.tip(sellerId, input);
  }

  /** Asks the provider to pay out available earnings; the ledger moves them once it reports `paid`. */
  async requestPayout(
    sellerId: string,
    input: { currency: string; amountMinor?: number; idempotencyKey: string },
  ): Promise<{ providerPayoutId: string; amountMinor: number; currency: string }> {
    const sellerPayments = requireSellerPayments(this.#options.provider);
    await this.settleDue(sellerId);
    const seller = await this.getSeller(sellerId);
    if (!seller.providerAccountId || !seller.payoutsEnabled)
      throw new BillhookError("SELLER_NOT_READY", `Seller ${sellerId} cannot receive payouts yet.`, {
        sellerId,
      });
    const totals = await this.reads.totals(sellerId, input.currency);
    const amountMinor = input.amountMinor ?? totals.availableMinor;
    if (amountMinor <= 0 || amountMinor > totals.availableMinor)
      throw new BillhookError("INSUFFICIENT_BALANCE", "The payout exceeds the seller's available earnings.", {
        availableMinor: totals.availableMinor,
        requestedMinor: amountMinor,
      });
    const { providerPayoutId } = await sellerPayments.createSellerPayout({
      providerAccountId: seller.providerAccountId,
      amountMinor,
      currency: input.currency,
      idempotencyKey: `billhook_payout_${sellerId}_${input.idempotencyKey}`,
      metadata: { [sellerMetadata.sellerId]: sellerId },
    });
    const nowMs = this.#options.clock.now().getTime();
    await this.#options.access.transaction(async (stores) => {
      if (await stores.marketplace.findPayout(providerPayoutId)) return;
      await stores.marketplace.upsertPayout({
        providerPayoutId,
        sellerId,
        amountMinor,
        currency: input.currency,
        status: "pending",
        bookedPaid: false,
        providerModifiedAtMs: 0,
        createdAtMs: nowMs,
      });
    });
    return { providerPayoutId, amountMinor, currency: input.currency };
  }

  /** Refunds (part of) a seller's charge at the provider; the ledger reverses it when the event lands. */
  async refundCharge(providerPaymentId: string, amountMinor?: number): Promise<void> {
    const sellerPayments = requireSellerPayments(this.#options.provider);
    const charge = await this.reads.charge(providerPaymentId);
    // The provider refuses too; saying so here names the dispute instead of a provider failure.
    if (charge.disputedMinor > 0) throw chargeDisputed(providerPaymentId);
    await sellerPayments.refundSellerCharge({
      providerPaymentId,
      ...(amountMinor !== undefined ? { amountMinor } : {}),
    });
  }

  /** Applies a seller event inside the webhook inbox's unit of work. */
  apply(stores: MarketplaceStores, event: SellerEvent): Promise<ApplyOutcome> {
    return this.#events.apply(stores, event);
  }

  /** Takes lost disputes' seller shares back at the provider (the worker's pass; retries failures). */
  recoverLostDisputes(): Promise<RecoveryPass> {
    return this.#recovery.run();
  }

  /** Moves earnings whose settlement delay passed to available (one seller, or everyone: the worker). */
  async settleDue(sellerId: string | null = null): Promise<number> {
    const nowMs = this.#options.clock.now().getTime();
    const due = await this.#options.access.read((stores) =>
      stores.marketplace.listDueCharges(nowMs, sellerId, 500),
    );
    let settled = 0;
    for (const charge of due) {
      if (await this.#options.access.transaction((stores) => this.#events.settle(stores, charge, nowMs)))
        settled++;
    }
    return settled;
  }
}
