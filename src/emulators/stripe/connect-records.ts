/** Stored Connect objects, in the shape Stripe returns them (fixtures3 `account`, `transfer`, `payout`…). */
import type { Base, ListObject, Metadata } from "./stripe-records.js";

export type CapabilityStatus = "active" | "inactive" | "pending";

export interface AccountRequirements {
  alternatives: [];
  current_deadline: number | null;
  currently_due: string[];
  disabled_reason: string | null;
  errors: [];
  eventually_due: string[];
  past_due: string[];
  pending_verification: string[];
}

export interface AccountObject extends Base {
  object: "account";
  type: "express" | "custom" | "standard" | "none";
  business_profile: { name: string | null; product_description: string | null; url: string | null };
  business_type: string | null;
  capabilities: { card_payments?: CapabilityStatus; transfers?: CapabilityStatus };
  charges_enabled: boolean;
  controller: {
    type: "application";
    is_controller: true;
    fees: { payer: "application" | "account" };
    losses: { payments: "application" | "stripe" };
    requirement_collection: "stripe" | "application";
    stripe_dashboard: { type: "express" | "full" | "none" };
  };
  country: string;
  default_currency: string;
  details_submitted: boolean;
  email: string | null;
  external_accounts: ListObject<Record<string, unknown>>;
  future_requirements: AccountRequirements;
  metadata: Metadata;
  payouts_enabled: boolean;
  requirements: AccountRequirements;
  settings: { payouts: { schedule: { interval: "manual" | "daily"; delay_days: number } } };
  tos_acceptance: { date: number | null; ip: string | null };
}

/** Emulator-only: what an account link URL stands for (Stripe shows only `url` and times). */
export interface AccountLinkRecord {
  /** The token in the hosted onboarding URL. */
  id: string;
  account: string;
  type: "account_onboarding" | "account_update";
  refresh_url: string;
  return_url: string;
  created: number;
  expires_at: number;
  used: boolean;
}

export interface TransferReversalObject {
  id: string;
  object: "transfer_reversal";
  amount: number;
  balance_transaction: null;
  created: number;
  currency: string;
  destination_payment_refund: null;
  metadata: Metadata;
  source_refund: string | null;
  transfer: string;
}

export interface TransferObject extends Base {
  object: "transfer";
  amount: number;
  amount_reversed: number;
  balance_transaction: string;
  currency: string;
  description: string | null;
  destination: string;
  destination_payment: string;
  metadata: Metadata;
  reversals: ListObject<TransferReversalObject>;
  reversed: boolean;
  source_transaction: string | null;
  source_type: "card";
  transfer_group: string | null;
}

export interface FeeRefundObject {
  id: string;
  object: "fee_refund";
  amount: number;
  balance_transaction: null;
  created: number;
  currency: string;
  fee: string;
  metadata: Metadata;
}

export interface ApplicationFeeObject extends Base {
  object: "application_fee";
  account: string;
  amount: number;
  amount_refunded: number;
  application: string;
  balance_transaction: string;
  charge: string;
  currency: string;
  fee_source: { charge: string; type: "charge" };
  originating_transaction: null;
  refunded: boolean;
  refunds: ListObject<FeeRefundObject>;
}

export interface PayoutObject extends Base {
  object: "payout";
  amount: number;
  application_fee: null;
  application_fee_amount: null;
  arrival_date: number;
  automatic: boolean;
  balance_transaction: string;
  currency: string;
  description: string | null;
  destination: string;
  failure_balance_transaction: string | null;
  failure_code: string | null;
  failure_message: string | null;
  metadata: Metadata;
  method: "standard" | "instant";
  original_payout: null;
  reconciliation_status: "not_applicable" | "in_progress" | "completed";
  reversed_by: null;
  source_type: "card";
  statement_descriptor: string | null;
  status: "pending" | "in_transit" | "paid" | "failed" | "canceled";
  type: "bank_account";
}

/** Emulator-only: the connected account a payout belongs to (Stripe's object does not say). */
export interface PayoutAccountRecord {
  /** The payout id. */
  id: string;
  account: string;
}
