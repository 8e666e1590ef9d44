import { findPrice } from "./catalog-operations.js";
import { findCustomerOrNull } from "./customer-lookup.js";
import { createCustomer } from "./customers-routes.js";
import { attachPaymentMethod, createCardPaymentMethod } from "./payment-methods.js";
import { confirmPaymentIntent, createPaymentIntent, type PaymentOutcome } from "./payment-processing.js";
import type { CheckoutSessionObject, CustomerObject, PaymentIntentObject } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";
import { createSubscription, startSubscription } from "./subscription-operations.js";
import { cardBehaviour, normalizeCardNumber } from "./test-cards.js";

/** What the payer typed on the hosted page (or a test sent to the pay endpoint). */
export interface CheckoutPayment {
  card: string;
  email?: string;
  name?: string;
  /** Completes (true) or fails (false) 3D Secure for cards that ask for it; undefined = not yet asked. */
  authenticate?: boolean;
}

export type CheckoutOutcome = PaymentOutcome | { status: "authentication_failed"; message: string };

/** Events carry the session as retrieve shows it: `line_items` only comes with `expand[]`. */
function withoutLineItems(session: CheckoutSessionObject): Omit<CheckoutSessionObject, "line_items"> {
  const { line_items: _lineItems, ...rest } = session;
  return rest;
}

export function expireCheckoutSession(runtime: StripeEmulatorRuntime, session: CheckoutSessionObject): void {
  if (session.status !== "open") return;
  session.status = "expired";
  session.url = null;
  runtime.emit("checkout.session.expired", withoutLineItems(session));
}

function ensureCustomer(
  runtime: StripeEmulatorRuntime,
  session: CheckoutSessionObject,
  payment: CheckoutPayment,
): CustomerObject | null {
  const existing = findCustomerOrNull(runtime, session.customer);
  if (existing) return existing;
  const email = payment.email ?? session.customer_email ?? null;
  session.customer_details = {
    email,
    name: payment.name ?? null,
    phone: null,
    address: null,
    tax_exempt: "none",
    tax_ids: [],
  };
  // Payment mode makes a customer only when asked; subscription mode always needs one.
  if (session.mode === "payment" && session.customer_creation !== "always") return null;
  const customer = createCustomer(runtime, { email, name: payment.name ?? null });
  session.customer = customer.id;
  return customer;
}

function finish(
  runtime: StripeEmulatorRuntime,
  session: CheckoutSessionObject,
  paymentStatus: CheckoutSessionObject["payment_status"],
): void {
  session.status = "complete";
  session.payment_status = paymentStatus;
  session.url = null;
  runtime.emit("checkout.session.completed", withoutLineItems(session));
}

function payPaymentMode(
  runtime: StripeEmulatorRuntime,
  session: CheckoutSessionObject,
  payment: CheckoutPayment,
  customer: CustomerObject | null,
): CheckoutOutcome {
  const extras = runtime.store.checkoutOptions.get(session.id)?.paymentIntentData;
  let intent: PaymentIntentObject | undefined =
    typeof session.payment_intent === "string"
      ? runtime.store.paymentIntents.get(session.payment_intent)
      : undefined;
  if (!intent || intent.status === "succeeded" || intent.status === "canceled") {
    intent = createPaymentIntent(runtime, {
      amount: session.amount_total,
      currency: session.currency ?? "usd",
      customer: customer?.id ?? null,
      metadata: extras?.metadata ?? {},
      description: extras?.description ?? null,
      setupFutureUsage: extras?.setupFutureUsage ?? null,
      applicationFeeAmount: extras?.applicationFeeAmount ?? null,
      transferData: extras?.transferData ?? null,
    });
    session.payment_intent = intent.id;
  }
  const paymentMethod = createCardPaymentMethod(runtime, payment.card, {
    customer: customer?.id,
    email: payment.email,
    name: payment.name,
  });
  const outcome = confirmPaymentIntent(runtime, intent, paymentMethod, {
    authenticated: payment.authenticate === true,
  });
  if (outcome.status === "succeeded") finish(runtime, session, "paid");
  return outcome;
}

function paySubscriptionMode(
  runtime: StripeEmulatorRuntime,
  session: CheckoutSessionObject,
  payment: CheckoutPayment,
  customer: CustomerObject,
): CheckoutOutcome {
  const behaviour = cardBehaviour(normalizeCardNumber(payment.card));
  // Checkout tests the card before it creates anything, so a decline leaves no subscription behind.
  if (behaviour.kind === "declined")
    return {
      status: "declined",
      code: "card_declined",
      declineCode: behaviour.declineCode,
      message: behaviour.message,
    };
  if (behaviour.kind === "authentication" && payment.authenticate !== true)
    return { status: "requires_action" };
  const paymentMethod = createCardPaymentMethod(runtime, payment.card, {
    email: payment.email,
    name: payment.name,
  });
  attachPaymentMethod(runtime, paymentMethod, customer);
  const stored = runtime.store.cardNumbers.get(paymentMethod.id);
  if (stored) stored.setUpForFutureUse = true;
  const extras = runtime.store.checkoutOptions.get(session.id)?.subscriptionData;
  const items = (session.line_items?.data ?? []).map((line) => ({
    price: findPrice(runtime, line.price.id),
    quantity: line.quantity,
  }));
  const subscription = createSubscription(runtime, {
    customer,
    items: items.filter((item) => item.price.type === "recurring"),
    metadata: extras?.metadata ?? {},
    trialPeriodDays: extras?.trialPeriodDays,
    defaultPaymentMethod: paymentMethod.id,
    description: extras?.description ?? null,
    applicationFeePercent: extras?.applicationFeePercent ?? null,
    transferData: extras?.transferData ?? null,
  });
  session.subscription = subscription.id;
  const outcome = startSubscription(runtime, subscription, customer, {
    offSession: false,
    authenticated: true,
  });
  if (outcome.status !== "succeeded") return outcome;
  session.invoice = subscription.latest_invoice;
  finish(
    runtime,
    session,
    subscription.status === "trialing" || session.amount_total === 0 ? "no_payment_required" : "paid",
  );
  return outcome;
}

/** Setup mode: saves the card on the customer, charges nothing. */
function saveCardForLater(
  runtime: StripeEmulatorRuntime,
  session: CheckoutSessionObject,
  payment: CheckoutPayment,
  customer: CustomerObject | null,
): CheckoutOutcome {
  const paymentMethod = createCardPaymentMethod(runtime, payment.card, {
    email: payment.email,
    name: payment.name,
  });
  if (customer) attachPaymentMethod(runtime, paymentMethod, customer);
  const stored = runtime.store.cardNumbers.get(paymentMethod.id);
  if (stored) stored.setUpForFutureUse = true;
  finish(runtime, session, "no_payment_required");
  return { status: "succeeded" };
}

/**
 * Pays an open session with a test card, as the hosted page does: payment mode charges a
 * PaymentIntent; subscription mode saves the card, creates the subscription and pays its first
 * invoice. Ends with `checkout.session.completed`, or leaves the session open after a decline.
 */
export function payCheckoutSession(
  runtime: StripeEmulatorRuntime,
  session: CheckoutSessionObject,
  payment: CheckoutPayment,
): CheckoutOutcome {
  if (payment.authenticate === false)
    return {
      status: "authentication_failed",
      message:
        "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
    };
  const customer = ensureCustomer(runtime, session, payment);
  if (session.mode === "setup") return saveCardForLater(runtime, session, payment, customer);
  if (session.mode === "subscription" && customer)
    return paySubscriptionMode(runtime, session, payment, customer);
  return payPaymentMode(runtime, session, payment, customer);
}
