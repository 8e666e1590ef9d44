import type { EntryInput, PostingInput } from "../ledger/index.js";
import type { OrderRecord } from "./billing-types.js";

/**
 * Ledger postings for an order, each with an id derived from what it books so that applying the
 * same order any number of times, in any order, books each amount exactly once:
 * - `…:paid`   gross: the provider holds the total; revenue and tax payable are credited.
 * - `…:fee`    the provider's fee moves from its balance to an expense.
 * - `…:refunded:<net>:<tax>` a refund delta up to the cumulative refunded amounts.
 */
export function orderPostings(order: OrderRecord, booked: OrderRecord | null): PostingInput[] {
  const postings: PostingInput[] = [];
  const paidLike =
    order.status === "paid" || order.status === "refunded" || order.status === "partially_refunded";
  if (!paidLike) return postings;
  const prefix = `${order.provider}:order:${order.providerOrderId}`;
  const account = (kind: string, ownerId = "") => ({ kind, ownerId, currency: order.currency });
  const providerBalance = account("provider_balance", order.provider);
  const metadata = {
    customerId: order.customerId,
    orderId: order.providerOrderId,
    catalogKey: order.catalogKey,
  };

  if (order.totalMinor > 0) {
    postings.push({
      id: `${prefix}:paid`,
      description: `Order ${order.providerOrderId} paid`,
      metadata,
      entries: nonZero([
        { account: providerBalance, amountMinor: order.totalMinor },
        { account: account("revenue"), amountMinor: -order.netMinor },
        { account: account("tax_payable"), amountMinor: -order.taxMinor },
      ]),
    });
  }
  if (order.providerFeeMinor > 0) {
    postings.push({
      id: `${prefix}:fee`,
      description: `Provider fee on order ${order.providerOrderId}`,
      metadata,
      entries: [
        { account: account("provider_fees", order.provider), amountMinor: order.providerFeeMinor },
        { account: providerBalance, amountMinor: -order.providerFeeMinor },
      ],
    });
  }
  const netDelta = order.refundedMinor - (booked?.refundedMinor ?? 0);
  const taxDelta = order.refundedTaxMinor - (booked?.refundedTaxMinor ?? 0);
  if (netDelta > 0 || taxDelta > 0) {
    postings.push({
      id: `${prefix}:refunded:${order.refundedMinor}:${order.refundedTaxMinor}`,
      description: `Refund on order ${order.providerOrderId}`,
      metadata,
      entries: nonZero([
        { account: account("revenue"), amountMinor: Math.max(netDelta, 0) },
        { account: account("tax_payable"), amountMinor: Math.max(taxDelta, 0) },
        { account: providerBalance, amountMinor: -(Math.max(netDelta, 0) + Math.max(taxDelta, 0)) },
      ]),
    });
  }
  return postings;
}

function nonZero(entries: EntryInput[]): EntryInput[] {
  return entries.filter((entry) => entry.amountMinor !== 0);
}
