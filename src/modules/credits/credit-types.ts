import type { MetadataValue } from "../ledger/index.js";

/** Where a grant came from: a paid credit pack, a plan's monthly allowance, or an admin/promo grant. */
export type GrantSourceKind = "pack" | "allowance" | "promo";

/** One grant of credits and what is left of it; spends burn grants soonest-expiring first. */
export interface GrantRecord {
  /** Also the id of the ledger transaction that granted it, so a grant is made exactly once. */
  id: string;
  customerId: string;
  creditType: string;
  sourceKind: GrantSourceKind;
  sourceId: string;
  amountGranted: number;
  amountRemaining: number;
  amountExpired: number;
  amountClawedBack: number;
  priority: number;
  expiresAtMs: number | null;
  grantedAtMs: number;
}

/** How many credits a spend or hold took from one grant. */
export interface GrantAllocation {
  grantId: string;
  amount: number;
}

export type HoldStatus = "held" | "committed" | "released" | "expired" | "failed" | "refunded";

export interface HoldRecord {
  id: string;
  customerId: string;
  creditType: string;
  idempotencyKey: string;
  amountHeld: number;
  /** What was finally spent; null until committed. */
  amountCommitted: number | null;
  status: HoldStatus;
  /** The grants the held credits came from, in burn order: released credits go back to them. */
  allocations: GrantAllocation[];
  metadata: Record<string, MetadataValue>;
  expiresAtMs: number;
  createdAtMs: number;
  settledAtMs: number | null;
}

export interface CreditBalance {
  customerId: string;
  type: string;
  unit: string;
  /** Spendable now. */
  available: number;
  /** Reserved by open holds: not spendable until released. */
  held: number;
  /** Available credits that lapse within the configured window, soonest first. */
  expiringSoon: Array<{ amount: number; expiresAt: string }>;
}

export interface HoldView {
  id: string;
  customerId: string;
  type: string;
  status: HoldStatus;
  amountHeld: number;
  amountCommitted: number | null;
  expiresAt: string;
  /** Available balance after this operation. */
  balance: number;
  replayed: boolean;
}

export interface CreditHistoryEntry {
  /** Keyset cursor: pass the last one back as `before` for the next page. */
  sequence: number;
  transactionId: string;
  /** `available` or `held`: which of the customer's two balances moved. */
  balance: "available" | "held";
  amount: number;
  action: string;
  description: string;
  metadata: Record<string, MetadataValue>;
  postedAt: string;
}

export interface CreditSettings {
  refundOnFailure: boolean;
  onRefund: "claw_back_unspent" | "keep";
  buyUrl: string | null;
  expiringSoonMs: number;
  /** A spend that takes the available balance to this or below records `credits.low`; 0 = never. */
  lowBalanceThreshold: number;
}
