import type { Logger } from "../../kernel/index.js";
import { type DomainEventStores, recordDomainEvent } from "../domain-events/index.js";
import type { Ledger, LedgerStores } from "../ledger/index.js";
import {
  type ProviderPayoutStatus,
  type ProviderSellerAccount,
  type ProviderSellerCharge,
  type ProviderSellerMembership,
  type ProviderSellerPayout,
  type ProviderSellerRefund,
  type SellerEvent,
  sellerMetadata,
} from "../provider/index.js";
import type { SettingsStores } from "../settings/index.js";
import { feeBpsMax, refundShares, splitCharge } from "./fee-split.js";
import {
  chargePosting,
  payoutFailedPosting,
  payoutPaidPosting,
  refundPosting,
  settlePosting,
} from "./marketplace-postings.js";
import type { ApplyOutcome, MarketplaceStores } from "./marketplace-store.js";
import type { MarketplaceSettings, SellerChargeRecord, SellerRecord } from "./marketplace-types.js";
import { reversedMinor, SellerDisputes } from "./seller-disputes.js";

export type { ApplyOutcome, MarketplaceStores } from "./marketplace-store.js";

const payoutProgress: Record<ProviderPayoutStatus, number> = {
  pending: 0,
  in_transit: 1,
  paid: 2,
  failed: 3,
  canceled: 3,
};

/**
 * Applies provider events about sellers inside the webhook inbox's unit of work. Every booking has an
 * id derived from what it books and every state keeps the provider's time, so duplicated, late and
 * reordered deliveries end in the same ledger and the same rows. Each change also records its
 * `seller.*` domain event in the same unit of work, under an id derived from what changed, so a
 * repeated delivery records nothing new.
 */
export class MarketplaceEvents {
  readonly #disputes: SellerDisputes;

  constructor(
    private readonly options: {
      ledger: Ledger;
      logger: Logger;
      /** Inside a unit of work, pass its stores: the read joins it (SQLite has one connection). */
      settings: (within?: SettingsStores) => Promise<MarketplaceSettings>;
      processingFeeMinor: (amountMinor: number, currency: string) => number;
    },
  ) {
    this.#disputes = new SellerDisputes(options.ledger);
  }

  apply(stores: MarketplaceStores, event: SellerEvent): Promise<ApplyOutcome> {
    switch (event.kind) {
      case "seller_account":
        return this.#account(stores, event.account);
      case "seller_charge":
        return this.#charge(stores, event.charge);
      case "seller_refund":
        return this.#refund(stores, event.refund);
      case "seller_dispute":
        return this.#disputes.apply(stores, event.dispute);
      case "seller_payout":
        return this.#payout(stores, event.payout);
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

  async #charge(stores: MarketplaceStores, charge: ProviderSellerCharge): Promise<ApplyOutcome> {
    if (await stores.marketplace.findCharge(charge.providerPaymentId)) return "stale";
    const sellerId = charge.metadata[sellerMetadata.sellerId] ?? "";
    const seller = await stores.marketplace.findSeller(sellerId);
    if (!seller) {
      this.options.logger.warn(
        { sellerId, payment: charge.providerPaymentId },
        "charge for an unknown seller",
      );
      return "ignored";
    }
    const settings = await this.options.settings(stores);
    const recordedBps = Number(charge.metadata[sellerMetadata.feeBps]);
    // The bps recorded at checkout is what the provider took; it never changes with the settings.
    const feeBps =
      Number.isInteger(recordedBps) && recordedBps >= 0 && recordedBps <= feeBpsMax
        ? recordedBps
        : settings.platformFeeBps;
    const split = splitCharge({
      grossMinor: charge.grossMinor,
      feeBps,
      providerFeeMinor: this.options.processingFeeMinor(charge.grossMinor, charge.currency),
    });
    const paidAtMs = charge.paidAt.getTime();
    const record: SellerChargeRecord = {
      providerPaymentId: charge.providerPaymentId,
      sellerId,
      kind: charge.kind,
      tierId: charge.metadata[sellerMetadata.tierId] ?? null,
      customerId: charge.externalCustomerId,
      currency: charge.currency,
      grossMinor: split.grossMinor,
      feeBps,
      platformFeeMinor: split.platformFeeMinor,
      providerFeeMinor: split.providerFeeMinor,
      sellerNetMinor: split.sellerNetMinor,
      refundedMinor: 0,
      disputedMinor: 0,
      status: "pending",
      paidAtMs,
      availableAtMs: paidAtMs + settings.settlementDelayMs,
    };
    if (!(await stores.marketplace.insertCharge(record))) return "stale";
    await this.options.ledger.postWithin(stores, chargePosting(record));
    await recordDomainEvent(stores, {
      id: `evt_seller_charge_paid:${record.providerPaymentId}`,
      type: "seller.charge_paid",
      occurredAtMs: paidAtMs,
      data: {
        sellerId,
        externalId: seller.externalId,
        paymentId: record.providerPaymentId,
        kind: record.kind,
        tierId: record.tierId,
        buyerCustomerId: record.customerId,
        currency: record.currency,
        grossMinor: record.grossMinor,
        feeBps: record.feeBps,
        platformFeeMinor: record.platformFeeMinor,
        providerFeeMinor: record.providerFeeMinor,
        sellerNetMinor: record.sellerNetMinor,
        availableAt: new Date(record.availableAtMs).toISOString(),
      },
    });
    // A refund delivered before its charge was kept aside; it is booked now (at the charge's time:
    // the report keeps no time of its own).
    const reported = await stores.marketplace.findRefundReport(charge.providerPaymentId);
    if (reported > 0) await this.#reverse(stores, record, reported, paidAtMs);
    // So were disputes.
    await this.#disputes.bookReported(stores, record.providerPaymentId, paidAtMs);
    return "applied";
  }

  async #refund(stores: MarketplaceStores, refund: ProviderSellerRefund): Promise<ApplyOutcome> {
    // Locked: two refunds of one charge applied at once must not both book from the same base.
    let charge = await stores.marketplace.findCharge(refund.providerPaymentId, { forUpdate: true });
    if (!charge && refund.charge) {
      await this.#charge(stores, refund.charge);
      charge = await stores.marketplace.findCharge(refund.providerPaymentId, { forUpdate: true });
    }
    if (!charge) {
      await stores.marketplace.recordRefundReport(refund.providerPaymentId, refund.refundedMinor);
      return "applied";
    }
    if (refund.refundedMinor <= charge.refundedMinor) return "stale";
    await this.#reverse(stores, charge, refund.refundedMinor, refund.modifiedAt.getTime());
    return "applied";
  }

  async #reverse(
    stores: MarketplaceStores,
    charge: SellerChargeRecord,
    refundedMinor: number,
    occurredAtMs: number,
  ): Promise<void> {
    if (refundedMinor <= charge.refundedMinor) return;
    // Held disputes count as reversed already: together they never take back more than the charge.
    const before = refundShares(charge, reversedMinor(charge));
    const after = refundShares(charge, refundedMinor + charge.disputedMinor);
    await this.options.ledger.postWithin(stores, refundPosting(charge, refundedMinor, before, after));
    await stores.marketplace.updateCharge({ ...charge, refundedMinor });
    const seller = await stores.marketplace.findSeller(charge.sellerId);
    await recordDomainEvent(stores, {
      // The cumulative amount names the refund, like its ledger posting: each step is recorded once.
      id: `evt_seller_refunded:${charge.providerPaymentId}:${refundedMinor}`,
      type: "seller.refunded",
      occurredAtMs,
      data: {
        sellerId: charge.sellerId,
        externalId: seller?.externalId ?? charge.sellerId,
        paymentId: charge.providerPaymentId,
        kind: charge.kind,
        currency: charge.currency,
        amountMinor: refundedMinor - charge.refundedMinor,
        totalRefundedMinor: refundedMinor,
        grossMinor: charge.grossMinor,
        platformFeeReversedMinor: after.platformFeeMinor - before.platformFeeMinor,
        providerFeeReversedMinor: after.providerFeeMinor - before.providerFeeMinor,
        sellerNetReversedMinor: after.sellerNetMinor - before.sellerNetMinor,
        from: charge.status,
      },
    });
  }

  async #payout(stores: MarketplaceStores, payout: ProviderSellerPayout): Promise<ApplyOutcome> {
    const held = await stores.marketplace.findPayout(payout.providerPayoutId, { forUpdate: true });
    const seller = held
      ? await stores.marketplace.findSeller(held.sellerId)
      : await stores.marketplace.findSellerByAccount(payout.providerAccountId);
    if (!seller) return "ignored";
    const modifiedAtMs = payout.modifiedAt.getTime();
    if (
      held &&
      held.providerModifiedAtMs > 0 &&
      (modifiedAtMs < held.providerModifiedAtMs ||
        (modifiedAtMs === held.providerModifiedAtMs &&
          payoutProgress[payout.status] <= payoutProgress[held.status]))
    ) {
      return "stale";
    }
    const record = {
      providerPayoutId: payout.providerPayoutId,
      sellerId: seller.id,
      amountMinor: payout.amountMinor,
      currency: payout.currency,
      status: payout.status,
      bookedPaid: held?.bookedPaid ?? false,
      providerModifiedAtMs: modifiedAtMs,
      createdAtMs: held?.createdAtMs ?? modifiedAtMs,
    };
    const wasBookedPaid = record.bookedPaid;
    if (payout.status === "paid" && !record.bookedPaid) {
      await this.options.ledger.postWithin(stores, payoutPaidPosting(record));
      record.bookedPaid = true;
    } else if ((payout.status === "failed" || payout.status === "canceled") && record.bookedPaid) {
      await this.options.ledger.postWithin(stores, payoutFailedPosting(record));
      record.bookedPaid = false;
    }
    await stores.marketplace.upsertPayout(record);
    const base = {
      sellerId: seller.id,
      externalId: seller.externalId,
      payoutId: record.providerPayoutId,
      currency: record.currency,
      amountMinor: record.amountMinor,
    };
    // One event per outcome a payout reaches (a paid payout can still fail later: the bank returns it).
    if (payout.status === "paid" && held?.status !== "paid") {
      await recordDomainEvent(stores, {
        id: `evt_seller_payout_paid:${record.providerPayoutId}`,
        type: "seller.payout_paid",
        occurredAtMs: modifiedAtMs,
        data: base,
      });
    } else if (
      (payout.status === "failed" || payout.status === "canceled") &&
      held?.status !== "failed" &&
      held?.status !== "canceled"
    ) {
      await recordDomainEvent(stores, {
        id: `evt_seller_payout_failed:${record.providerPayoutId}`,
        type: "seller.payout_failed",
        occurredAtMs: modifiedAtMs,
        data: { ...base, status: payout.status, returnedToAvailable: wasBookedPaid },
      });
    }
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
  async settle(stores: MarketplaceStores, charge: SellerChargeRecord, nowMs: number): Promise<boolean> {
    const current = await stores.marketplace.findCharge(charge.providerPaymentId, { forUpdate: true });
    if (current?.status !== "pending" || current.availableAtMs > nowMs) return false;
    const remaining = current.sellerNetMinor - refundShares(current, reversedMinor(current)).sellerNetMinor;
    if (remaining > 0) await this.options.ledger.postWithin(stores, settlePosting(current, remaining));
    await stores.marketplace.updateCharge({ ...current, status: "available" });
    const seller = await stores.marketplace.findSeller(current.sellerId);
    await recordDomainEvent(stores, {
      id: `evt_seller_earnings_available:${current.providerPaymentId}`,
      type: "seller.earnings_available",
      // When the earnings became available by rule, not when a read or the worker noticed.
      occurredAtMs: current.availableAtMs,
      data: {
        sellerId: current.sellerId,
        externalId: seller?.externalId ?? current.sellerId,
        paymentId: current.providerPaymentId,
        currency: current.currency,
        amountMinor: remaining,
      },
    });
    return true;
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
