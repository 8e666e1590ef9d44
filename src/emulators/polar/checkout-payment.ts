import { addInterval } from "../shared/billing-calendar.js";
import {
  createOrder,
  emitCustomer,
  emitCustomerState,
  emitOrder,
  emitSubscription,
  grantProductBenefits,
  markOrderPaid,
  touch,
} from "./billing-operations.js";
import { serializeCheckout } from "./billing-serializers.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { fieldError, PolarApiError } from "./polar-errors.js";
import type { CheckoutRecord, CustomerRecord, ProductRecord, SubscriptionRecord } from "./polar-records.js";
import { type ChargeOutcome, chargeCard, isKnownTestCard } from "./test-cards.js";

export interface PaymentInput {
  card: string;
  /** Buyer-chosen amount for a custom (pay what you want) price. */
  amount?: number | undefined;
  customerEmail?: string | undefined;
  customerName?: string | undefined;
}

export function emitCheckoutUpdated(
  runtime: PolarEmulatorRuntime,
  checkout: CheckoutRecord,
  type = "checkout.updated",
): void {
  runtime.emit(type, serializeCheckout(runtime.store, runtime.publicUrl ?? "", checkout));
}

/** Expires an open checkout whose `expires_at` has passed (`checkout.expired`). Returns true if it did. */
export function expireIfDue(runtime: PolarEmulatorRuntime, checkout: CheckoutRecord): boolean {
  if (checkout.status !== "open" || Date.parse(checkout.expires_at) > runtime.now().getTime()) return false;
  checkout.status = "expired";
  touch(runtime, checkout);
  emitCheckoutUpdated(runtime, checkout, "checkout.expired");
  return true;
}

/** Checks the checkout can be paid and applies the buyer's inputs; throws Polar's errors otherwise. */
export function prepareCheckout(
  runtime: PolarEmulatorRuntime,
  checkout: CheckoutRecord,
  input: PaymentInput,
): void {
  if (expireIfDue(runtime, checkout) || checkout.status === "expired") {
    throw new PolarApiError(410, "ExpiredCheckoutError", "This checkout session has expired.");
  }
  if (checkout.status !== "open") throw new PolarApiError(403, "NotOpenCheckout", "Checkout is not open.");
  if (!isKnownTestCard(input.card)) throw fieldError(["card"], "Unknown test card number.", input.card);
  const price = runtime.store.prices.get(checkout.product_price_id);
  if (price?.amount_type === "custom" && input.amount !== undefined) {
    const minimum = price.minimum_amount ?? 0;
    if (!Number.isInteger(input.amount) || input.amount < minimum) {
      throw fieldError(["amount"], `Amount must be at least ${minimum}.`, input.amount);
    }
    if (price.maximum_amount !== null && input.amount > price.maximum_amount) {
      throw fieldError(["amount"], `Amount must be at most ${price.maximum_amount}.`, input.amount);
    }
    checkout.amount = input.amount;
  }
  if (input.customerEmail) checkout.customer_email = input.customerEmail;
  if (input.customerName) checkout.customer_name = input.customerName;
  if (!checkout.customer_id && !checkout.customer_email) {
    throw fieldError(["customer_email"], "Field required", null);
  }
}

/** Links the checkout to an existing customer (by id, external id or email) or creates one. */
function resolveCustomer(
  runtime: PolarEmulatorRuntime,
  checkout: CheckoutRecord,
  card: string,
): CustomerRecord {
  const { store } = runtime;
  const existing =
    (checkout.customer_id ? store.customers.get(checkout.customer_id) : undefined) ??
    (checkout.external_customer_id
      ? store.customers.find((row) => row.external_id === checkout.external_customer_id && !row.deleted_at)
      : undefined) ??
    store.customers.find((row) => row.email === checkout.customer_email && !row.deleted_at);
  if (existing) {
    existing.payment_card = card;
    if (checkout.customer_name && !existing.name) existing.name = checkout.customer_name;
    touch(runtime, existing);
    emitCustomer(runtime, "customer.updated", existing);
    return existing;
  }
  const customer = store.customers.put({
    id: runtime.newId(),
    created_at: runtime.nowIso(),
    modified_at: null,
    type: "individual",
    email: checkout.customer_email ?? "",
    name: checkout.customer_name,
    external_id: checkout.external_customer_id,
    metadata: { ...checkout.customer_metadata },
    billing_address: checkout.customer_billing_address,
    tax_id: null,
    locale: null,
    deleted_at: null,
    payment_card: card,
  });
  emitCustomer(runtime, "customer.created", customer);
  return customer;
}

function createSubscription(
  runtime: PolarEmulatorRuntime,
  checkout: CheckoutRecord,
  customer: CustomerRecord,
  product: ProductRecord,
): SubscriptionRecord {
  const now = runtime.now();
  const interval = product.recurring_interval ?? "month";
  const trialing = checkout.allow_trial && product.trial_interval !== null;
  const periodEnd = trialing
    ? addInterval(now, product.trial_interval ?? "day", product.trial_interval_count ?? 1)
    : addInterval(now, interval, product.recurring_interval_count ?? 1);
  return runtime.store.subscriptions.put({
    id: runtime.newId(),
    created_at: now.toISOString(),
    modified_at: null,
    status: trialing ? "trialing" : "active",
    amount: checkout.amount,
    currency: checkout.currency,
    recurring_interval: interval,
    recurring_interval_count: product.recurring_interval_count ?? 1,
    current_period_start: now.toISOString(),
    current_period_end: periodEnd.toISOString(),
    trial_start: trialing ? now.toISOString() : null,
    trial_end: trialing ? periodEnd.toISOString() : null,
    cancel_at_period_end: false,
    canceled_at: null,
    started_at: now.toISOString(),
    ends_at: null,
    ended_at: null,
    pause_at_period_end: false,
    paused_at: null,
    resumes_at: null,
    past_due_at: null,
    customer_id: customer.id,
    product_id: product.id,
    price_ids: product.price_ids.filter((id) => runtime.store.prices.get(id)?.is_archived === false),
    checkout_id: checkout.id,
    customer_cancellation_reason: null,
    customer_cancellation_comment: null,
    metadata: { ...checkout.metadata },
  });
}

/** Marks the checkout confirmed and links its customer: the synchronous half of paying. */
export function confirmCheckout(
  runtime: PolarEmulatorRuntime,
  checkout: CheckoutRecord,
  card: string,
): CustomerRecord {
  checkout.status = "confirmed";
  touch(runtime, checkout);
  emitCheckoutUpdated(runtime, checkout);
  const customer = resolveCustomer(runtime, checkout, card);
  checkout.customer_id = customer.id;
  return customer;
}

/**
 * Charges the card and either fails the checkout or creates the order (and subscription), emitting the
 * webhook sequence of a paid checkout.
 */
export function completeCheckoutPayment(
  runtime: PolarEmulatorRuntime,
  checkout: CheckoutRecord,
  customer: CustomerRecord,
  card: string,
): ChargeOutcome {
  const product = runtime.store.products.get(checkout.product_id);
  if (!product) throw new PolarApiError(404, "ResourceNotFound", "Not found");
  const trialing =
    product.recurring_interval !== null && checkout.allow_trial && product.trial_interval !== null;
  const dueNow = trialing ? 0 : checkout.amount;
  const outcome = dueNow > 0 ? chargeCard(card) : ({ succeeded: true } as const);
  if (!outcome.succeeded) {
    checkout.status = "failed";
    checkout.failure_reason = outcome.message;
    touch(runtime, checkout);
    emitCheckoutUpdated(runtime, checkout);
    return outcome;
  }
  const subscription = product.recurring_interval
    ? createSubscription(runtime, checkout, customer, product)
    : null;
  const order = createOrder(runtime, {
    customer,
    product,
    subscription,
    checkoutId: checkout.id,
    billingReason: subscription ? "subscription_create" : "purchase",
    items: [{ label: product.name, amount: dueNow, product_price_id: checkout.product_price_id }],
    currency: checkout.currency,
    metadata: { ...checkout.metadata },
  });
  emitOrder(runtime, ["order.created"], order);
  markOrderPaid(runtime, order);
  emitOrder(runtime, ["order.paid", "order.updated"], order);
  if (subscription) {
    emitSubscription(runtime, ["subscription.created"], subscription);
    if (subscription.status === "active") emitSubscription(runtime, ["subscription.active"], subscription);
  }
  checkout.status = "succeeded";
  checkout.subscription_id = subscription?.id ?? null;
  checkout.order_id = order.id;
  touch(runtime, checkout);
  emitCheckoutUpdated(runtime, checkout);
  grantProductBenefits(runtime, customer, product, {
    subscriptionId: subscription?.id ?? null,
    orderId: order.id,
  });
  emitCustomerState(runtime, customer.id);
  return outcome;
}

/** Pays an open checkout in one step (hosted page form post and `POST /_emulator/checkouts/{id}/pay`). */
export function payCheckout(
  runtime: PolarEmulatorRuntime,
  checkout: CheckoutRecord,
  input: PaymentInput,
): ChargeOutcome {
  prepareCheckout(runtime, checkout, input);
  const customer = confirmCheckout(runtime, checkout, input.card);
  const outcome = completeCheckoutPayment(runtime, checkout, customer, input.card);
  runtime.changed();
  return outcome;
}
