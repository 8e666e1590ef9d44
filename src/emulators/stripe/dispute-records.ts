import type { Base, Expandable, Metadata } from "./stripe-records.js";

/** The text and file-id evidence fields of a dispute, as in Stripe's dispute fixture (facts FIX). */
export const EVIDENCE_FIELDS = [
  "access_activity_log",
  "billing_address",
  "cancellation_policy",
  "cancellation_policy_disclosure",
  "cancellation_rebuttal",
  "customer_communication",
  "customer_email_address",
  "customer_name",
  "customer_purchase_ip",
  "customer_signature",
  "duplicate_charge_documentation",
  "duplicate_charge_explanation",
  "duplicate_charge_id",
  "product_description",
  "receipt",
  "refund_policy",
  "refund_policy_disclosure",
  "refund_refusal_explanation",
  "service_date",
  "service_documentation",
  "shipping_address",
  "shipping_carrier",
  "shipping_date",
  "shipping_documentation",
  "shipping_tracking_number",
  "uncategorized_file",
  "uncategorized_text",
] as const;

export type EvidenceField = (typeof EVIDENCE_FIELDS)[number];

/** Why the cardholder disputed: Stripe's card dispute reasons. */
export const DISPUTE_REASONS = [
  "bank_cannot_process",
  "check_returned",
  "credit_not_processed",
  "customer_initiated",
  "debit_not_authorized",
  "duplicate",
  "fraudulent",
  "general",
  "incorrect_account_details",
  "insufficient_funds",
  "noncompliant",
  "product_not_received",
  "product_unacceptable",
  "subscription_canceled",
  "unrecognized",
] as const;

export type DisputeReason = (typeof DISPUTE_REASONS)[number];

/** The statuses the emulator moves a chargeback through; `won` and `lost` are final. */
export type DisputeStatus = "needs_response" | "under_review" | "won" | "lost";

export interface DisputeObject extends Base {
  object: "dispute";
  amount: number;
  /** Left empty: the emulator keeps no balance transactions. */
  balance_transactions: [];
  charge: Expandable;
  currency: string;
  enhanced_eligibility_types: string[];
  evidence: Record<EvidenceField, string | null> & { enhanced_evidence: Record<string, unknown> };
  evidence_details: {
    due_by: number;
    enhanced_eligibility: Record<string, unknown>;
    has_evidence: boolean;
    past_due: boolean;
    submission_count: number;
    submission_method: "manual" | "not_submitted";
  };
  intended_submission_method: null;
  is_charge_refundable: boolean;
  metadata: Metadata;
  payment_intent: Expandable;
  payment_method_details: {
    type: "card";
    card: { brand: string; case_type: "chargeback"; network_reason_code: string | null };
  } | null;
  reason: DisputeReason;
  status: DisputeStatus;
}

export function isDisputeClosed(dispute: DisputeObject): boolean {
  return dispute.status === "won" || dispute.status === "lost";
}
