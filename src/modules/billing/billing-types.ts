import type { OrderStatus, SubscriptionStatus } from "../provider/index.js";

/** A subscription as the provider last described it (never older than what we already hold). */
export interface SubscriptionRecord {
  providerSubscriptionId: string;
  provider: string;
  customerId: string;
  catalogKey: string;
  status: SubscriptionStatus;
  cancelAtPeriodEnd: boolean;
  currentPeriodStartMs: number;
  currentPeriodEndMs: number | null;
  pastDueAtMs: number | null;
  endedAtMs: number | null;
  providerModifiedAtMs: number;
}

export interface OrderRecord {
  providerOrderId: string;
  provider: string;
  customerId: string;
  catalogKey: string | null;
  providerSubscriptionId: string | null;
  status: OrderStatus;
  billingReason: string;
  currency: string;
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
  providerFeeMinor: number;
  /** Refunds already booked in the ledger (net and tax). */
  refundedMinor: number;
  refundedTaxMinor: number;
  providerModifiedAtMs: number;
}

export type ApplyOutcome = "applied" | "stale" | "ignored";
