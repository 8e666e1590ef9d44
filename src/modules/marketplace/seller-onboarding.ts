import { BillhookError, type Clock, type FieldIssue, newId, type StoreAccess } from "../../kernel/index.js";
import type { BillingProvider, ProviderSellerAccount } from "../provider/index.js";
import type { SettingsStores } from "../settings/index.js";
import { type MarketplaceStores, recordSellerUpdated } from "./marketplace-events.js";
import {
  marketplaceLimits,
  refuseIssues,
  requireSeller,
  requireSellerPayments,
} from "./marketplace-rules.js";
import type { MarketplaceSettings, SellerRecord } from "./marketplace-types.js";

export interface SellerInput {
  externalId: string;
  email: string;
  country: string;
  handle?: string;
}

/**
 * Sellers joining: the seller's row, their connected account at the provider and the onboarding
 * links that finish it. The row is recorded before the provider call, so a create repeated after a
 * lost call completes the same seller instead of opening a second account.
 */
export class SellerOnboarding {
  constructor(
    private readonly options: {
      access: StoreAccess<MarketplaceStores>;
      clock: Clock;
      provider: BillingProvider | null;
      settings: (within?: SettingsStores) => Promise<MarketplaceSettings>;
    },
  ) {}

  async create(
    input: SellerInput,
  ): Promise<{ seller: SellerRecord; onboardingUrl: string; created: boolean }> {
    const sellerPayments = requireSellerPayments(this.options.provider);
    const handle = input.handle ?? input.externalId.toLowerCase().replaceAll(/[^a-z0-9_-]/g, "-");
    refuseIssues(sellerInputIssues(input, handle));
    const nowMs = this.options.clock.now().getTime();
    const record: SellerRecord = {
      id: newId("sel"),
      externalId: input.externalId,
      handle,
      email: input.email,
      country: input.country,
      provider: this.options.provider!.name,
      providerAccountId: null,
      detailsSubmitted: false,
      chargesEnabled: false,
      payoutsEnabled: false,
      requirementsDue: [],
      providerModifiedAtMs: 0,
      createdAtMs: nowMs,
    };
    // Record first: a crash after the provider call leaves a row that a retry completes.
    const seller = await this.options.access.transaction(async (stores) => {
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
      current = await this.#attachAccount(seller.id, account, nowMs);
    }
    const { url } = await this.onboardingLink(current.id);
    return { seller: current, onboardingUrl: url, created };
  }

  /** Records the new account on the seller, unless a concurrent create recorded one first. */
  #attachAccount(sellerId: string, account: ProviderSellerAccount, nowMs: number): Promise<SellerRecord> {
    return this.options.access.transaction(async (stores) => {
      const fresh = requireSeller(await stores.marketplace.findSeller(sellerId), sellerId);
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

  async onboardingLink(sellerId: string): Promise<{ url: string; expiresAt: Date }> {
    const sellerPayments = requireSellerPayments(this.options.provider);
    const seller = await this.get(sellerId);
    if (!seller.providerAccountId)
      throw new BillhookError(
        "SELLER_NOT_READY",
        `Seller ${sellerId} has no provider account yet; repeat the create.`,
      );
    const settings = await this.options.settings();
    const fill = (url: string) => url.replaceAll("{sellerId}", seller.id);
    return sellerPayments.createOnboardingLink({
      providerAccountId: seller.providerAccountId,
      refreshUrl: fill(settings.onboardingRefreshUrl),
      returnUrl: fill(settings.onboardingReturnUrl),
    });
  }

  async get(sellerId: string): Promise<SellerRecord> {
    return requireSeller(
      await this.options.access.read((stores) => stores.marketplace.findSeller(sellerId)),
      sellerId,
    );
  }
}

function sellerInputIssues(input: SellerInput, handle: string): FieldIssue[] {
  return [
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
  ];
}
