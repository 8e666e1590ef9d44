import { type DomainEventStores, recordDomainEvent } from "../domain-events/index.js";
import {
  type ProviderSellerAccount,
  type ProviderSellerMembership,
  type SellerEvent,
  sellerMetadata,
} from "../provider/index.js";
import type { ApplyOutcome, MarketplaceStores } from "./marketplace-store.js";
import type { SellerChargeRecord, SellerRecord } from "./marketplace-types.js";
import { SellerCharges, type SellerChargesOptions } from "./seller-charges.js";
import { SellerDisputes } from "./seller-disputes.js";
import { SellerPayouts } from "./seller-payouts.js";

export type { ApplyOutcome, MarketplaceStores } from "./marketplace-store.js";

/**
 * Applies provider events about sellers inside the webhook inbox's unit of work. Every booking has an
 * id derived from what it books and every state keeps the provider's time, so duplicated, late and
 * reordered deliveries end in the same ledger and the same rows. Each change also records its
 * `seller.*` domain event in the same unit of work, under an id derived from what changed, so a
 * repeated delivery records nothing new. Charges and refunds, disputes and payouts each have their
 * own class; accounts and memberships are applied here.
 */
export class MarketplaceEvents {
  readonly #charges: SellerCharges;
  readonly #disputes: SellerDisputes;
  readonly #payouts: SellerPayouts;

  constructor(options: SellerChargesOptions) {
    this.#disputes = new SellerDisputes(options.ledger);
    this.#charges = new SellerCharges(options, this.#disputes);
    this.#payouts = new SellerPayouts(options.ledger);
  }

  apply(stores: MarketplaceStores, event: SellerEvent): Promise<ApplyOutcome> {
    switch (event.kind) {
      case "seller_account":
        return this.#account(stores, event.account);
      case "seller_charge":
        return this.#charges.applyCharge(stores, event.charge);
      case "seller_refund":
        return this.#charges.applyRefund(stores, event.refund);
      case "seller_dispute":
        return this.#disputes.apply(stores, event.dispute);
      case "seller_payout":
        return this.#payouts.apply(stores, event.payout);
      case "seller_membership":
        return this.#membership(stores, event.membership);
    }
  }

  async #account(stores: MarketplaceStores, account: ProviderSellerAccount): Promise<ApplyOutcome> {
    const seller =
      (await stores.marketplace.findSellerByAccount(account.providerAccountId)) ??
      (account.sellerId ? await stores.marketplace.findSeller(account.sellerId) : null);
    if (!seller) return "ignored";
    const modifiedAtMs = account.modifiedAt.getTime();
    if (modifiedAtMs < seller.providerModifiedAtMs) return "stale";
    const updated: SellerRecord = {
      ...seller,
      providerAccountId: seller.providerAccountId ?? account.providerAccountId,
      detailsSubmitted: account.detailsSubmitted,
      chargesEnabled: account.chargesEnabled,
      payoutsEnabled: account.payoutsEnabled,
      requirementsDue: account.requirementsDue,
      providerModifiedAtMs: modifiedAtMs,
    };
    await stores.marketplace.updateSeller(updated);
    await recordSellerUpdated(stores, seller, updated, `${modifiedAtMs}`, modifiedAtMs);
    return "applied";
  }

  async #membership(stores: MarketplaceStores, membership: ProviderSellerMembership): Promise<ApplyOutcome> {
    const sellerId = membership.metadata[sellerMetadata.sellerId];
    if (!sellerId || !membership.externalCustomerId) return "ignored";
    const held = await stores.marketplace.findMembership(membership.providerSubscriptionId);
    const modifiedAtMs = membership.modifiedAt.getTime();
    if (held && modifiedAtMs < held.providerModifiedAtMs) return "stale";
    await stores.marketplace.upsertMembership({
      providerSubscriptionId: membership.providerSubscriptionId,
      sellerId,
      tierId: membership.metadata[sellerMetadata.tierId] ?? null,
      customerId: membership.externalCustomerId,
      status: membership.status,
      cancelAtPeriodEnd: membership.cancelAtPeriodEnd,
      currentPeriodEndMs: membership.currentPeriodEnd?.getTime() ?? null,
      providerModifiedAtMs: modifiedAtMs,
      createdAtMs: held?.createdAtMs ?? modifiedAtMs,
    });
    return "applied";
  }

  /** Moves every charge whose settlement delay has passed from pending to available. */
  settle(stores: MarketplaceStores, charge: SellerChargeRecord, nowMs: number): Promise<boolean> {
    return this.#charges.settle(stores, charge, nowMs);
  }
}

const sellerStatusFields = [
  "detailsSubmitted",
  "chargesEnabled",
  "payoutsEnabled",
  "requirementsDue",
] as const;

/**
 * Records `seller.updated` when the onboarding status, charges or payouts changed from `before` to
 * `after`; `version` (e.g. the provider's modification time) makes a repeated update record nothing.
 */
export async function recordSellerUpdated(
  stores: DomainEventStores,
  before: SellerRecord,
  after: SellerRecord,
  version: string,
  occurredAtMs: number,
): Promise<void> {
  const changed = sellerStatusFields.filter((field) =>
    field === "requirementsDue"
      ? [...before.requirementsDue].sort().join("\n") !== [...after.requirementsDue].sort().join("\n")
      : before[field] !== after[field],
  );
  if (changed.length === 0) return;
  await recordDomainEvent(stores, {
    id: `evt_seller_updated:${after.id}:${version}`,
    type: "seller.updated",
    occurredAtMs,
    data: {
      sellerId: after.id,
      externalId: after.externalId,
      detailsSubmitted: after.detailsSubmitted,
      chargesEnabled: after.chargesEnabled,
      payoutsEnabled: after.payoutsEnabled,
      requirementsDue: after.requirementsDue,
      changed,
    },
  });
}
