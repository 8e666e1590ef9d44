import { settleDestinationCharge } from "./connect-operations.js";
import { disputeIfTestCardAsks } from "./dispute-operations.js";
import { cardPaymentDetails, chargeStaticFields, paymentIntentStaticFields } from "./object-defaults.js";
import { cardNumberOf } from "./payment-methods.js";
import type { ChargeObject, Metadata, PaymentIntentObject, PaymentMethodObject } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";
import { cardBehaviour } from "./test-cards.js";

export interface PaymentIntentInput {
  amount: number;
  currency: string;
  customer?: string | null;
  description?: string | null;
  metadata?: Metadata;
  receiptEmail?: string | null;
  setupFutureUsage?: "off_session" | "on_session" | null;
  captureMethod?: PaymentIntentObject["capture_method"];
  applicationFeeAmount?: number | null;
  transferData?: { destination: string; amount?: number } | null;
  transferGroup?: string | null;
}

/** Creates a PaymentIntent waiting for a payment method and emits `payment_intent.created`. */
export function createPaymentIntent(
  runtime: StripeEmulatorRuntime,
  input: PaymentIntentInput,
): PaymentIntentObject {
  const id = runtime.newId("pi_", 24);
  const intent: PaymentIntentObject = {
    id,
    object: "payment_intent",
    amount: input.amount,
    amount_capturable: 0,
    amount_received: 0,
    application_fee_amount: input.applicationFeeAmount ?? null,
    automatic_payment_methods: { enabled: true, allow_redirects: "always" },
    canceled_at: null,
    cancellation_reason: null,
    capture_method: input.captureMethod ?? "automatic_async",
    client_secret: `${id}_secret_${runtime.random.alphanumeric(25)}`,
    confirmation_method: "automatic",
    created: runtime.nowSeconds(),
    currency: input.currency.toLowerCase(),
    customer: input.customer ?? null,
    description: input.description ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: input.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_types: ["card"],
    receipt_email: input.receiptEmail ?? null,
    setup_future_usage: input.setupFutureUsage ?? null,
    statement_descriptor: null,
    status: "requires_payment_method",
    transfer_data: input.transferData ?? null,
    transfer_group: input.transferGroup ?? null,
    ...paymentIntentStaticFields(),
  };
  runtime.store.paymentIntents.put(intent);
  runtime.emit("payment_intent.created", intent);
  return intent;
}

export type PaymentOutcome =
  | { status: "succeeded" }
  | { status: "requires_action" }
  | { status: "declined"; code: string; declineCode: string; message: string };

function createCharge(
  runtime: StripeEmulatorRuntime,
  intent: PaymentIntentObject,
  paymentMethod: PaymentMethodObject,
  failure: { code: string; declineCode: string; message: string } | null,
): ChargeObject {
  const succeeded = failure === null;
  const captured = succeeded && intent.capture_method !== "manual";
  const charge: ChargeObject = {
    id: runtime.newId("ch_", 24),
    object: "charge",
    amount: intent.amount,
    amount_captured: captured ? intent.amount : 0,
    amount_refunded: 0,
    balance_transaction: succeeded ? runtime.newId("txn_", 24) : null,
    captured,
    created: runtime.nowSeconds(),
    currency: intent.currency,
    customer: intent.customer,
    description: intent.description,
    disputed: false,
    failure_code: failure?.code ?? null,
    failure_message: failure?.message ?? null,
    livemode: false,
    metadata: { ...intent.metadata },
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: failure ? "05" : null,
      type: succeeded ? "authorized" : "issuer_declined",
      network_status: succeeded ? "approved_by_network" : "declined_by_network",
      reason: failure?.declineCode ?? null,
      risk_level: "normal",
      seller_message: succeeded
        ? "Payment complete."
        : "The bank did not return any further details with this decline.",
    },
    paid: succeeded,
    payment_intent: intent.id,
    payment_method: paymentMethod.id,
    payment_method_details: {
      type: "card",
      card: cardPaymentDetails(paymentMethod.card, succeeded ? intent.amount : null),
    },
    receipt_url: null,
    refunded: false,
    status: succeeded ? "succeeded" : "failed",
    application_fee: null,
    application_fee_amount: null,
    transfer: null,
    transfer_data: null,
    ...chargeStaticFields(),
  };
  runtime.store.charges.put(charge);
  return charge;
}

/** What the card does for this attempt, given whether the customer is present. */
function decide(
  runtime: StripeEmulatorRuntime,
  paymentMethodId: string,
  offSession: boolean,
  authenticated: boolean,
): PaymentOutcome {
  const stored = runtime.store.cardNumbers.get(paymentMethodId);
  const behaviour = cardBehaviour(cardNumberOf(runtime, paymentMethodId) ?? "");
  switch (behaviour.kind) {
    case "succeeds":
      return { status: "succeeded" };
    case "declined":
      return {
        status: "declined",
        code: "card_declined",
        declineCode: behaviour.declineCode,
        message: behaviour.message,
      };
    case "attach_then_decline":
      return {
        status: "declined",
        code: "card_declined",
        declineCode: "generic_decline",
        message: "Your card was declined.",
      };
    case "authentication":
      if (authenticated) return { status: "succeeded" };
      if (offSession && behaviour.offSessionAfterSetup && stored?.setUpForFutureUse)
        return { status: "succeeded" };
      if (offSession)
        return {
          status: "declined",
          code: "authentication_required",
          declineCode: "authentication_required",
          message: "Your card was declined. This transaction requires authentication.",
        };
      return { status: "requires_action" };
  }
}

/**
 * Confirms a PaymentIntent with a payment method: charges the test card and moves the intent to
 * `succeeded`, `requires_action` (3D Secure) or back to `requires_payment_method` with
 * `last_payment_error`, emitting the charge and payment_intent events Stripe sends.
 */
export function confirmPaymentIntent(
  runtime: StripeEmulatorRuntime,
  intent: PaymentIntentObject,
  paymentMethod: PaymentMethodObject,
  options: { offSession?: boolean; authenticated?: boolean; returnUrl?: string | null } = {},
): PaymentOutcome {
  intent.payment_method = paymentMethod.id;
  const outcome = decide(
    runtime,
    paymentMethod.id,
    options.offSession ?? false,
    options.authenticated ?? false,
  );
  if (outcome.status === "requires_action") {
    intent.status = "requires_action";
    intent.next_action = {
      type: "redirect_to_url",
      redirect_to_url: {
        url: `${runtime.publicUrl ?? ""}/authenticate/${intent.client_secret}`,
        return_url: options.returnUrl ?? null,
      },
    };
    runtime.emit("payment_intent.requires_action", intent);
    return outcome;
  }
  const failure = outcome.status === "declined" ? outcome : null;
  const charge = createCharge(runtime, intent, paymentMethod, failure);
  intent.latest_charge = charge.id;
  intent.next_action = null;
  if (failure) {
    intent.status = "requires_payment_method";
    intent.last_payment_error = {
      type: "card_error",
      code: failure.code,
      decline_code: failure.declineCode,
      message: failure.message,
      payment_method: structuredClone(paymentMethod) as unknown as Record<string, unknown>,
    };
    runtime.emit("charge.failed", charge);
    runtime.emit("payment_intent.payment_failed", intent);
    return outcome;
  }
  const stored = runtime.store.cardNumbers.get(paymentMethod.id);
  if (stored && (intent.setup_future_usage || options.offSession)) stored.setUpForFutureUse = true;
  intent.last_payment_error = null;
  if (intent.capture_method === "manual") {
    intent.status = "requires_capture";
    intent.amount_capturable = intent.amount;
    runtime.emit("charge.succeeded", charge);
    runtime.emit("payment_intent.amount_capturable_updated", intent);
    return outcome;
  }
  intent.status = "succeeded";
  intent.amount_received = intent.amount;
  settleDestinationCharge(runtime, intent, charge);
  runtime.emit("charge.succeeded", charge);
  runtime.emit("payment_intent.succeeded", intent);
  disputeIfTestCardAsks(runtime, charge);
  return outcome;
}

/** Captures an authorised (manual-capture) intent in full. */
export function capturePaymentIntent(runtime: StripeEmulatorRuntime, intent: PaymentIntentObject): void {
  const charge =
    typeof intent.latest_charge === "string" ? runtime.store.charges.get(intent.latest_charge) : undefined;
  if (charge) {
    charge.captured = true;
    charge.amount_captured = charge.amount;
    settleDestinationCharge(runtime, intent, charge);
    runtime.emit("charge.captured", charge);
  }
  intent.status = "succeeded";
  intent.amount_received = intent.amount;
  intent.amount_capturable = 0;
  runtime.emit("payment_intent.succeeded", intent);
  // A card is charged back only once money moved, so a manual-capture 0259 is disputed here.
  if (charge) disputeIfTestCardAsks(runtime, charge);
}
