import {
  type DisputeObject,
  type DisputeReason,
  EVIDENCE_FIELDS,
  type EvidenceField,
  isDisputeClosed,
} from "./dispute-records.js";
import { cardNumberOf } from "./payment-methods.js";
import { mergeMetadata } from "./request-input.js";
import { invalidRequest, resourceMissing } from "./stripe-errors.js";
import type { ChargeObject } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";
import { cardBehaviour } from "./test-cards.js";

/** Stripe gives the merchant about a week to answer a chargeback; the emulator uses exactly 7 days. */
export const EVIDENCE_DUE_SECONDS = 7 * 86_400;

function emptyEvidence(): DisputeObject["evidence"] {
  const fields = Object.fromEntries(EVIDENCE_FIELDS.map((field) => [field, null])) as Record<
    EvidenceField,
    null
  >;
  return { ...fields, enhanced_evidence: {} };
}

export function findDispute(runtime: StripeEmulatorRuntime, id: string, param = "id"): DisputeObject {
  const dispute = runtime.store.disputes.get(id);
  if (!dispute) throw resourceMissing("dispute", id, param);
  return dispute;
}

/**
 * Opens a chargeback on a paid charge: `charge.dispute.created`, then `charge.dispute.funds_withdrawn`
 * (the platform's events, also for destination charges, whose disputes the platform carries). The
 * amount defaults to what was not refunded yet.
 */
export function openDispute(
  runtime: StripeEmulatorRuntime,
  charge: ChargeObject,
  options: { amount?: number; reason?: DisputeReason } = {},
): DisputeObject {
  if (charge.status !== "succeeded" || !charge.captured)
    throw invalidRequest(`Charge ${charge.id} has not been paid and captured, so it cannot be disputed.`);
  if (charge.disputed) throw invalidRequest(`Charge ${charge.id} has already been disputed.`);
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining <= 0) throw invalidRequest(`Charge ${charge.id} has been fully refunded.`, "charge");
  const amount = options.amount ?? remaining;
  if (amount < 1 || amount > remaining)
    throw invalidRequest(`The dispute amount must be between 1 and ${remaining}.`, "amount");
  const created = runtime.nowSeconds();
  const card = charge.payment_method_details?.card;
  const dispute: DisputeObject = {
    id: runtime.newId("dp_", 24),
    object: "dispute",
    amount,
    balance_transactions: [],
    charge: charge.id,
    created,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: emptyEvidence(),
    evidence_details: {
      due_by: created + EVIDENCE_DUE_SECONDS,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: "not_submitted",
    },
    intended_submission_method: null,
    // A chargeback has already returned the money to the cardholder, so a refund would pay twice.
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: typeof charge.payment_intent === "string" ? charge.payment_intent : null,
    payment_method_details: card
      ? { type: "card", card: { brand: card.brand, case_type: "chargeback", network_reason_code: null } }
      : null,
    reason: options.reason ?? "general",
    status: "needs_response",
  };
  runtime.store.disputes.put(dispute);
  charge.disputed = true;
  runtime.emit("charge.dispute.created", dispute);
  runtime.emit("charge.dispute.funds_withdrawn", dispute);
  return dispute;
}

/** Opens the dispute a test card such as 4000 0000 0000 0259 asks for, right after its payment. */
export function disputeIfTestCardAsks(runtime: StripeEmulatorRuntime, charge: ChargeObject): void {
  const number = charge.payment_method ? cardNumberOf(runtime, charge.payment_method) : undefined;
  const behaviour = cardBehaviour(number ?? "");
  if (behaviour.kind === "succeeds" && behaviour.disputeReason)
    openDispute(runtime, charge, { reason: behaviour.disputeReason });
}

function refuseIfClosed(dispute: DisputeObject): void {
  if (isDisputeClosed(dispute))
    throw invalidRequest(
      `This dispute (${dispute.id}) is already closed with status '${dispute.status}' and can no longer be changed.`,
    );
}

export interface DisputeUpdate {
  metadata?: "" | Record<string, string>;
  evidence?: Partial<Record<EvidenceField, string>>;
  /** Stripe's default is true: the evidence goes to the bank at once; false only stages it. */
  submit: boolean;
}

/**
 * Stages or submits evidence and updates metadata. Submitting moves `needs_response` to
 * `under_review`; once submitted, evidence can no longer change. Emits `charge.dispute.updated`.
 */
export function updateDispute(
  runtime: StripeEmulatorRuntime,
  dispute: DisputeObject,
  update: DisputeUpdate,
): DisputeObject {
  refuseIfClosed(dispute);
  const evidenceGiven = update.evidence !== undefined && Object.keys(update.evidence).length > 0;
  if (evidenceGiven && dispute.status === "under_review")
    throw invalidRequest(
      `The evidence of dispute ${dispute.id} has already been submitted and cannot be changed.`,
      "evidence",
    );
  const before = structuredClone(dispute);
  dispute.metadata = mergeMetadata(dispute.metadata, update.metadata);
  if (evidenceGiven) {
    dispute.evidence = { ...dispute.evidence, ...update.evidence };
    dispute.evidence_details.has_evidence = EVIDENCE_FIELDS.some((field) => dispute.evidence[field] !== null);
  }
  if (update.submit && dispute.status === "needs_response") {
    const now = runtime.nowSeconds();
    dispute.status = "under_review";
    dispute.evidence_details.submission_count += 1;
    dispute.evidence_details.submission_method = "manual";
    dispute.evidence_details.past_due = now > dispute.evidence_details.due_by;
  }
  runtime.emit("charge.dispute.updated", dispute, changedAttributes(before, dispute));
  return dispute;
}

/** Accepting the dispute (`POST /v1/disputes/:id/close`): it is lost at once. */
export function acceptDispute(runtime: StripeEmulatorRuntime, dispute: DisputeObject): DisputeObject {
  refuseIfClosed(dispute);
  dispute.status = "lost";
  runtime.emit("charge.dispute.closed", dispute);
  return dispute;
}

/**
 * The bank's verdict, which only a test decides here: `charge.dispute.closed`, and for a won dispute
 * `charge.dispute.funds_reinstated` as the money comes back.
 */
export function resolveDispute(
  runtime: StripeEmulatorRuntime,
  dispute: DisputeObject,
  outcome: "won" | "lost",
): DisputeObject {
  refuseIfClosed(dispute);
  dispute.status = outcome;
  runtime.emit("charge.dispute.closed", dispute);
  if (outcome === "won") runtime.emit("charge.dispute.funds_reinstated", dispute);
  return dispute;
}

/**
 * Stripe refuses to refund a charge that was charged back (code `charge_disputed`), unless the
 * dispute says the charge stays refundable or the merchant won it.
 */
export function refuseRefundIfDisputed(runtime: StripeEmulatorRuntime, charge: ChargeObject): void {
  const blocking = runtime.store.disputes.find(
    (dispute) => dispute.charge === charge.id && !dispute.is_charge_refundable && dispute.status !== "won",
  );
  if (blocking)
    throw invalidRequest(
      `Charge ${charge.id} has been charged back; cannot issue a refund.`,
      undefined,
      "charge_disputed",
    );
}

/** `previous_attributes` for `*.updated`: the old value of each top-level key that changed. */
function changedAttributes(before: DisputeObject, after: DisputeObject): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(before)) {
    const current = (after as unknown as Record<string, unknown>)[key];
    if (JSON.stringify(value) !== JSON.stringify(current)) previous[key] = value;
  }
  return previous;
}
