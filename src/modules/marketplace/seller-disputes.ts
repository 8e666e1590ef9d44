import { recordDomainEvent } from "../domain-events/index.js";
import type { Ledger } from "../ledger/index.js";
import type { ProviderDisputeStatus, ProviderSellerDispute } from "../provider/index.js";
import { refundShares } from "./fee-split.js";
import { disputePosting } from "./marketplace-postings.js";
import type { ApplyOutcome, MarketplaceStores } from "./marketplace-store.js";
import type { DisputeRecord, SellerChargeRecord } from "./marketplace-types.js";

/**
 * How far a dispute has gone. A later report of the same dispute at the same time wins only when it
 * is further along; a closed dispute never reopens (an inquiry that escalates is a new dispute).
 */
const disputeProgress: Record<ProviderDisputeStatus, number> = {
  warning_needs_response: 0,
  warning_under_review: 1,
  needs_response: 2,
  under_review: 3,
  warning_closed: 4,
  won: 4,
  lost: 4,
};
const closedProgress = 4;

/** A chargeback withdraws the disputed amount from the platform until it is won; an inquiry withdraws nothing. */
function holdsFunds(status: ProviderDisputeStatus): boolean {
  return status === "needs_response" || status === "under_review" || status === "lost";
}

/** Everything reversed of a charge: refunds plus what open or lost disputes hold back. */
export function reversedMinor(charge: SellerChargeRecord): number {
  return charge.refundedMinor + charge.disputedMinor;
}

/**
 * Disputes on sellers' charges. With destination charges the platform is debited the disputed
 * amount (stripe-facts §6), so Billhook takes the seller's share back in proportion, exactly like a
 * refund (`refundShares` over refunds plus held disputes), while funds are withdrawn; a won dispute
 * reinstates it, a lost one leaves it reversed. A dispute reported before its charge is kept and
 * booked when the charge arrives. Postings are named by the dispute and the direction, so each
 * dispute withdraws and reinstates at most once however its events are duplicated or reordered.
 */
export class SellerDisputes {
  constructor(private readonly ledger: Ledger) {}

  async apply(stores: MarketplaceStores, dispute: ProviderSellerDispute): Promise<ApplyOutcome> {
    const held = await stores.sellerDisputes.find(dispute.providerDisputeId, { forUpdate: true });
    const modifiedAtMs = dispute.modifiedAt.getTime();
    if (held && isStale(held, dispute.status, modifiedAtMs)) return "stale";
    const record: DisputeRecord = {
      providerDisputeId: dispute.providerDisputeId,
      providerPaymentId: dispute.providerPaymentId,
      amountMinor: dispute.amountMinor,
      currency: dispute.currency,
      status: dispute.status,
      reason: dispute.reason,
      heldMinor: held?.heldMinor ?? 0,
      recovery: held?.recovery ?? null,
      providerModifiedAtMs: modifiedAtMs,
      createdAtMs: held?.createdAtMs ?? modifiedAtMs,
    };
    // Locked: a refund or another dispute of the same charge must not book from the same base.
    const charge = await stores.marketplace.findCharge(dispute.providerPaymentId, { forUpdate: true });
    if (!charge) {
      await stores.sellerDisputes.upsert(record);
      return "applied";
    }
    await this.book(stores, charge, record, modifiedAtMs);
    return "applied";
  }

  /** Books every dispute reported before `charge` arrived. */
  async bookReported(
    stores: MarketplaceStores,
    providerPaymentId: string,
    occurredAtMs: number,
  ): Promise<void> {
    for (const dispute of await stores.sellerDisputes.listOfPayment(providerPaymentId)) {
      const charge = await stores.marketplace.findCharge(providerPaymentId, { forUpdate: true });
      if (!charge) return;
      await this.book(stores, charge, dispute, occurredAtMs);
    }
  }

  /** Brings what `dispute` holds back in line with its status, and records what changed. */
  async book(
    stores: MarketplaceStores,
    charge: SellerChargeRecord,
    dispute: DisputeRecord,
    occurredAtMs: number,
  ): Promise<void> {
    const wanted = holdsFunds(dispute.status) ? dispute.amountMinor : 0;
    const seller = await stores.marketplace.findSeller(charge.sellerId);
    const base: DisputeEventBase = {
      sellerId: charge.sellerId,
      externalId: seller?.externalId ?? charge.sellerId,
      disputeId: dispute.providerDisputeId,
      paymentId: charge.providerPaymentId,
      kind: charge.kind,
      currency: charge.currency,
      amountMinor: dispute.amountMinor,
      reason: dispute.reason,
      grossMinor: charge.grossMinor,
    };
    const reinstated = { platformFeeMinor: 0, providerFeeMinor: 0, sellerNetMinor: 0 };
    let disputedMinor = charge.disputedMinor;
    if (wanted !== dispute.heldMinor) {
      disputedMinor = charge.disputedMinor - dispute.heldMinor + wanted;
      const before = refundShares(charge, reversedMinor(charge));
      const after = refundShares(charge, charge.refundedMinor + disputedMinor);
      const change = wanted > dispute.heldMinor ? "withdrawn" : "reinstated";
      await this.ledger.postWithin(stores, disputePosting(charge, dispute, change, before, after));
      await stores.marketplace.updateCharge({ ...charge, disputedMinor });
      if (change === "withdrawn") {
        await recordDomainEvent(stores, {
          id: `evt_seller_dispute_opened:${dispute.providerDisputeId}`,
          type: "seller.dispute_opened",
          occurredAtMs,
          data: {
            ...base,
            platformFeeReversedMinor: after.platformFeeMinor - before.platformFeeMinor,
            providerFeeReversedMinor: after.providerFeeMinor - before.providerFeeMinor,
            sellerNetReversedMinor: after.sellerNetMinor - before.sellerNetMinor,
            from: charge.status,
          },
        });
      } else {
        reinstated.platformFeeMinor = before.platformFeeMinor - after.platformFeeMinor;
        reinstated.providerFeeMinor = before.providerFeeMinor - after.providerFeeMinor;
        reinstated.sellerNetMinor = before.sellerNetMinor - after.sellerNetMinor;
      }
    }
    if (dispute.status === "won" || dispute.status === "lost") {
      await recordDomainEvent(stores, {
        id: `evt_seller_dispute_closed:${dispute.providerDisputeId}`,
        type: "seller.dispute_closed",
        occurredAtMs,
        data: {
          ...base,
          outcome: dispute.status,
          platformFeeReinstatedMinor: reinstated.platformFeeMinor,
          providerFeeReinstatedMinor: reinstated.providerFeeMinor,
          sellerNetReinstatedMinor: reinstated.sellerNetMinor,
        },
      });
    }
    let recovery = dispute.recovery;
    if (dispute.status === "lost" && wanted > 0 && !recovery) {
      // The seller's part of what this dispute holds: the provider still has it in their account.
      const withIt = refundShares(charge, charge.refundedMinor + disputedMinor).sellerNetMinor;
      const without = refundShares(charge, charge.refundedMinor + disputedMinor - wanted).sellerNetMinor;
      if (withIt > without)
        recovery = {
          status: "due",
          amountMinor: withIt - without,
          attempts: 0,
          lastError: null,
          providerReversalId: null,
        };
    }
    await stores.sellerDisputes.upsert({ ...dispute, heldMinor: wanted, recovery });
  }
}

interface DisputeEventBase {
  sellerId: string;
  externalId: string;
  disputeId: string;
  paymentId: string;
  kind: "membership" | "tip";
  currency: string;
  amountMinor: number;
  reason: string | null;
  grossMinor: number;
}

function isStale(held: DisputeRecord, status: ProviderDisputeStatus, modifiedAtMs: number): boolean {
  if (disputeProgress[held.status] >= closedProgress) return true;
  if (modifiedAtMs !== held.providerModifiedAtMs) return modifiedAtMs < held.providerModifiedAtMs;
  return disputeProgress[status] <= disputeProgress[held.status];
}
