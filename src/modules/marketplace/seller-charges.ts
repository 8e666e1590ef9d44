import type { Logger } from "../../kernel/index.js";
import { recordDomainEvent } from "../domain-events/index.js";
import type { Ledger } from "../ledger/index.js";
import { type ProviderSellerCharge, type ProviderSellerRefund, sellerMetadata } from "../provider/index.js";
import type { SettingsStores } from "../settings/index.js";
import { feeBpsMax, refundShares, splitCharge } from "./fee-split.js";
import { chargePosting, refundPosting, settlePosting } from "./marketplace-postings.js";
import type { ApplyOutcome, MarketplaceStores } from "./marketplace-store.js";
import type { MarketplaceSettings, SellerChargeRecord, SellerRecord } from "./marketplace-types.js";
import { reversedMinor, type SellerDisputes } from "./seller-disputes.js";

export interface SellerChargesOptions {
  ledger: Ledger;
  logger: Logger;
  /** Inside a unit of work, pass its stores: the read joins it (SQLite has one connection). */
  settings: (within?: SettingsStores) => Promise<MarketplaceSettings>;
  processingFeeMinor: (amountMinor: number, currency: string) => number;
}

/**
 * Sellers' charges through their life: paid (gross split into platform fee, provider fee and the
 * seller's net, booked pending), refunded (reversed in proportion), settled (pending → available).
 * A refund or dispute reported before its charge is kept aside and booked when the charge arrives.
 */
export class SellerCharges {
  constructor(
    private readonly options: SellerChargesOptions,
    private readonly disputes: SellerDisputes,
  ) {}

  async applyCharge(stores: MarketplaceStores, charge: ProviderSellerCharge): Promise<ApplyOutcome> {
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
    await recordChargePaid(stores, seller, record);
    // A refund delivered before its charge was kept aside; it is booked now (at the charge's time:
    // the report keeps no time of its own).
    const reported = await stores.marketplace.findRefundReport(charge.providerPaymentId);
    if (reported > 0) await this.#reverse(stores, record, reported, paidAtMs);
    // So were disputes.
    await this.disputes.bookReported(stores, record.providerPaymentId, paidAtMs);
    return "applied";
  }

  async applyRefund(stores: MarketplaceStores, refund: ProviderSellerRefund): Promise<ApplyOutcome> {
    // Locked: two refunds of one charge applied at once must not both book from the same base.
    let charge = await stores.marketplace.findCharge(refund.providerPaymentId, { forUpdate: true });
    if (!charge && refund.charge) {
      await this.applyCharge(stores, refund.charge);
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

async function recordChargePaid(
  stores: MarketplaceStores,
  seller: SellerRecord,
  record: SellerChargeRecord,
): Promise<void> {
  await recordDomainEvent(stores, {
    id: `evt_seller_charge_paid:${record.providerPaymentId}`,
    type: "seller.charge_paid",
    occurredAtMs: record.paidAtMs,
    data: {
      sellerId: record.sellerId,
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
}
