import { dayMs } from "../../kernel/index.js";
import type { CatalogEntry } from "../catalog/index.js";
import type { CreditBook, CreditStores } from "./credit-book.js";
import { creditTransactionId } from "./credit-book.js";
import type { CreditSettings } from "./credit-types.js";

/** What credits need to know about an order the provider described (paid, refunded…). */
export interface OrderCreditsInput {
  provider: string;
  providerOrderId: string;
  customerId: string;
  status: string;
  /** What the buyer paid before tax: a pay-what-you-want pack grants this × its rate. */
  netMinor: number;
  /** Cumulative refunded amount (before tax). */
  refundedMinor: number;
}

/** How many credits a paid pack grants: its fixed amount, or the paid amount × the rate, rounded down. */
export function packCredits(entry: CatalogEntry, netMinor: number): number {
  const pack = entry.creditPack;
  if (!pack) return 0;
  if (pack.amount !== null) return pack.amount;
  return Math.floor(netMinor * (pack.creditsPerMinor ?? 0));
}

/**
 * Grants a paid pack's credits once (the grant id is derived from the order), and when the order is
 * refunded claws back the refunded share of them, limited to what is still unspent.
 */
export async function applyOrderCredits(
  book: CreditBook,
  stores: CreditStores,
  entry: CatalogEntry,
  order: OrderCreditsInput,
  settings: CreditSettings,
  nowMs: number,
): Promise<void> {
  const pack = entry.creditPack;
  const paidLike = ["paid", "refunded", "partially_refunded"].includes(order.status);
  if (!pack || !paidLike) return;
  const amount = packCredits(entry, order.netMinor);
  if (amount <= 0) return;
  const grantId = creditTransactionId("pack", order.provider, order.providerOrderId);
  await book.settleDue(stores, order.customerId, pack.creditType, nowMs);
  await book.grant(
    stores,
    {
      customerId: order.customerId,
      creditType: pack.creditType,
      amount,
      grantId,
      sourceKind: "pack",
      sourceId: order.providerOrderId,
      expiresAtMs: pack.expiresInDays === null ? null : nowMs + pack.expiresInDays * dayMs,
      priority: pack.priority,
      metadata: { catalogKey: entry.key, orderId: order.providerOrderId },
    },
    nowMs,
  );
  if (settings.onRefund === "keep" || order.refundedMinor <= 0 || order.netMinor <= 0) return;
  const target = Math.min(amount, Math.ceil((amount * order.refundedMinor) / order.netMinor));
  const grant = await stores.credits.findGrant(grantId);
  const owed = target - (grant?.amountClawedBack ?? 0);
  if (owed > 0) await book.clawBack(stores, grantId, owed, `order ${order.providerOrderId} refunded`);
}
