import { BillhookError, type Clock, type Logger, newId, type StoreAccess } from "../../kernel/index.js";
import type { Ledger } from "../ledger/index.js";
import type { BillingProvider, ProviderCheckout, SellerEvent } from "../provider/index.js";
import { chargeDisputed, sellerMetadata } from "../provider/index.js";
import type { SettingsStores } from "../settings/index.js";
import { DisputeRecovery, type RecoveryPass } from "./dispute-recovery.js";
import { splitCharge } from "./fee-split.js";
import {
  type ApplyOutcome,
  MarketplaceEvents,
  type MarketplaceStores,
  recordSellerUpdated,
} from "./marketplace-events.js";
import { MarketplaceReads } from "./marketplace-reads.js";
import {
  marketplaceLimits,
  refuseIssues,
  requirePurchasable,
  requireReady,
  requireSeller,
  requireSellerPayments,
  requireTier,
} from "./marketplace-rules.js";
import { MarketplaceTiers } from "./marketplace-tiers.js";
import type { MarketplaceSettings, SellerRecord } from "./marketplace-types.js";

export interface MarketplaceOptions {
  access: StoreAccess<MarketplaceStores>;
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  provider: BillingProvider | null;
  /** Read at each use, so a changed fee applies to the next checkout and never to earlier rows. */
  settings: (within?: SettingsStores) => Promise<MarketplaceSettings>;
}

export interface SellerInput {
  externalId: string;
  email: string;
  country: string;
  handle?: string;
}

interface CheckoutCommon {
  customerId: string;
  email?: string;
  successUrl: string;
  returnUrl?: string;
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
  async createSeller(
    input: SellerInput,
  ): Promise<{ seller: SellerRecord; onboardingUrl: string; created: boolean }> {
    const sellerPayments = requireSellerPayments(this.#options.provider);
    const handle = input.handle ?? input.externalId.toLowerCase().replaceAll(/[^a-z0-9_-]/g, "-");
    refuseIssues([
      ...(input.externalId.length < 1 || input.externalId.length > marketplaceLimits.externalIdLengthMax
        ? [
            {
              path: "externalId",
              message: `must be 1 to ${marketplaceLimits.externalIdLengthMax} characters`,
            },
          ]
        : []),
      ...(!/^[^@\s]+@[^@\s]+$/.test(input.email) || input.email.length > marketplaceLimits.emailLengthMax
        ? [{ path: "email", message: "must be an email address" }]
        : []),
      ...(!/^[A-Z]{2}$/.test(input.country)
        ? [{ path: "country", message: "must be an ISO 3166 code such as US" }]
        : []),
      ...(!marketplaceLimits.handlePattern.test(handle)
        ? [{ path: "handle", message: "must be 2 to 40 of a-z, 0-9, _ and -" }]
        : []),
    ]);
    const nowMs = this.#options.clock.now().getTime();
    const record: SellerRecord = {
      id: newId("sel"),
      externalId: input.externalId,
      handle,
      email: input.email,
      country: input.country,
      provider: this.#options.provider!.name,
      providerAccountId: null,
      detailsSubmitted: false,
      chargesEnabled: false,
      payoutsEnabled: false,
      requirementsDue: [],
      providerModifiedAtMs: 0,
      createdAtMs: nowMs,
    };
    // Record first: a crash after the provider call leaves a row that a retry completes.
    const seller = await this.#options.access.transaction(async (stores) => {
      const existing = await stores.marketplace.findSellerByExternalId(input.externalId);
      if (existing) return existing;
      if (await stores.marketplace.findSellerByHandle(handle))
        throw new BillhookError("HANDLE_TAKEN", `The handle "${handle}" belongs to another seller.`, {
          handle,
        });
      if (!(await stores.marketplace.insertSeller(record)))
        return (await stores.marketplace.findSellerByExternalId(input.externalId))!;
      return record;
    });
    const created = seller.id === record.id;
    let current = seller;
    if (!current.providerAccountId) {
      const account = await sellerPayments.createSellerAccount({
        sellerId: seller.id,
        email: seller.email,
        country: seller.country,
      });
      current = await this.#options.access.transaction(async (stores) => {
        const fresh = requireSeller(await stores.marketplace.findSeller(seller.id), seller.id);
        if (fresh.providerAccountId) return fresh;
        const updated = {
          ...fresh,
          providerAccountId: account.providerAccountId,
          detailsSubmitted: account.detailsSubmitted,
          chargesEnabled: account.chargesEnabled,
          payoutsEnabled: account.payoutsEnabled,
          requirementsDue: account.requirementsDue,
        };
        await stores.marketplace.updateSeller(updated);
        // The new account's first status (usually: details and payouts still due).
        await recordSellerUpdated(stores, fresh, updated, "account", nowMs);
        return updated;
      });
    }
    const { url } = await this.onboardingLink(current.id);
    return { seller: current, onboardingUrl: url, created };
  }

  /** A fresh onboarding link: links are single use and expire within minutes, so mint one per visit. */
  async onboardingLink(sellerId: string): Promise<{ url: string; expiresAt: Date }> {
    const sellerPayments = requireSellerPayments(this.#options.provider);
    const seller = await this.getSeller(sellerId);
    if (!seller.providerAccountId)
      throw new BillhookError(
        "SELLER_NOT_READY",
        `Seller ${sellerId} has no provider account yet; repeat the create.`,
      );
    const settings = await this.#options.settings();
    const fill = (url: string) => url.replaceAll("{sellerId}", seller.id);
    return sellerPayments.createOnboardingLink({
      providerAccountId: seller.providerAccountId,
      refreshUrl: fill(settings.onboardingRefreshUrl),
      returnUrl: fill(settings.onboardingReturnUrl),
    });
  }

  async getSeller(sellerId: string): Promise<SellerRecord> {
    return requireSeller(
      await this.#options.access.read((stores) => stores.marketplace.findSeller(sellerId)),
      sellerId,
    );
  }

  /** A subscription to one of the seller's tiers, as a destination charge with the platform's fee. */
  async checkoutMembership(
    sellerId: string,
    input: CheckoutCommon & { tierId: string },
  ): Promise<ProviderCheckout> {
    const sellerPayments = requireSellerPayments(this.#options.provider);
    const seller = await this.getSeller(sellerId);
    const accountId = requireReady(seller);
    const tier = requireTier(
      await this.#options.access.read((stores) => stores.marketplace.findTier(input.tierId)),
      sellerId,
      input.tierId,
    );
    const priceId = requirePurchasable(tier);
    const { feeBps, applicationFeeMinor } = await this.#fee(tier.amountMinor, tier.currency);
    return sellerPayments.createSellerCheckout({
      providerAccountId: accountId,
      externalCustomerId: input.customerId,
      ...(input.email ? { email: input.email } : {}),
      successUrl: input.successUrl,
      ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
      item: { kind: "membership", providerPriceId: priceId, amountMinor: tier.amountMinor },
      applicationFeeMinor,
      metadata: this.#metadata(seller.id, feeBps, tier.id),
    });
  }

  /**
   * A one-time tip of a buyer-chosen amount within the settings' bounds. The amount is fixed before
   * the checkout exists, so the fee is exact for what is actually paid.
   */
  async checkoutTip(
    sellerId: string,
    input: CheckoutCommon & { amountMinor: number; currency: string },
  ): Promise<ProviderCheckout> {
    const sellerPayments = requireSellerPayments(this.#options.provider);
    const settings = await this.#options.settings();
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
    const seller = await this.getSeller(sellerId);
    const accountId = requireReady(seller);
    const { feeBps, applicationFeeMinor } = await this.#fee(input.amountMinor, input.currency);
    return sellerPayments.createSellerCheckout({
      providerAccountId: accountId,
      externalCustomerId: input.customerId,
      ...(input.email ? { email: input.email } : {}),
      successUrl: input.successUrl,
      ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
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
    const feeBps = (await this.#options.settings()).platformFeeBps;
    const providerFeeMinor = requireSellerPayments(this.#options.provider).processingFeeMinor(
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
