import { addInterval } from "../shared/billing-calendar.js";
import type { SubscriptionItemObject, SubscriptionObject } from "./billing-records.js";
import { createSubscriptionInvoice, invoicePaymentMethodId, payInvoice } from "./invoice-operations.js";
import { subscriptionItemStaticFields, subscriptionStaticFields } from "./object-defaults.js";
import type { PaymentOutcome } from "./payment-processing.js";
import { invalidRequest } from "./stripe-errors.js";
import type { CustomerObject, Metadata, PriceObject } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

const DAY_SECONDS = 86_400;

/** The end of one billing interval of `price` after `startSeconds`. */
export function periodEndAfter(price: PriceObject, startSeconds: number): number {
  const recurring = price.recurring;
  if (!recurring) throw invalidRequest("Subscriptions need recurring prices.", "items");
  return Math.floor(
    addInterval(new Date(startSeconds * 1000), recurring.interval, recurring.interval_count).getTime() / 1000,
  );
}

export interface SubscriptionInput {
  customer: CustomerObject;
  items: Array<{ price: PriceObject; quantity: number; metadata?: Metadata }>;
  metadata?: Metadata;
  trialPeriodDays?: number;
  defaultPaymentMethod?: string | null;
  cancelAtPeriodEnd?: boolean;
  description?: string | null;
  /** Connect destination subscriptions: the platform's share of each invoice, in percent (2 decimals). */
  applicationFeePercent?: number | null;
  transferData?: { destination: string; amountPercent?: number } | null;
}

/** Creates the subscription (`incomplete`, or `trialing` with a trial) and emits `customer.subscription.created`. */
export function createSubscription(
  runtime: StripeEmulatorRuntime,
  input: SubscriptionInput,
): SubscriptionObject {
  const now = runtime.nowSeconds();
  const first = input.items[0];
  if (!first) throw invalidRequest("Missing required param: items.", "items", "parameter_missing");
  const currencies = new Set(input.items.map((item) => item.price.currency));
  if (currencies.size > 1)
    throw invalidRequest("All prices on a subscription must have the same currency.", "items");
  const trialEnd = input.trialPeriodDays ? now + input.trialPeriodDays * DAY_SECONDS : null;
  const id = runtime.newId("sub_", 24);
  const items: SubscriptionItemObject[] = input.items.map((item) => ({
    id: runtime.newId("si_"),
    object: "subscription_item",
    created: now,
    livemode: false,
    price: structuredClone(item.price),
    quantity: item.price.recurring?.usage_type === "metered" ? 0 : item.quantity,
    subscription: id,
    metadata: item.metadata ?? {},
    discounts: [],
    tax_rates: [],
    current_period_start: now,
    current_period_end: trialEnd ?? periodEndAfter(item.price, now),
    ...subscriptionItemStaticFields(item.price),
  }));
  const subscription: SubscriptionObject = {
    id,
    object: "subscription",
    created: now,
    livemode: false,
    status: trialEnd ? "trialing" : "incomplete",
    customer: input.customer.id,
    currency: first.price.currency,
    items: { object: "list", data: items, has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    metadata: input.metadata ?? {},
    billing_cycle_anchor: trialEnd ?? now,
    cancel_at: null,
    cancel_at_period_end: input.cancelAtPeriodEnd ?? false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: "charge_automatically",
    default_payment_method: input.defaultPaymentMethod ?? null,
    description: input.description ?? null,
    ended_at: null,
    start_date: now,
    trial_start: trialEnd ? now : null,
    trial_end: trialEnd,
    pause_collection: null,
    test_clock: input.customer.test_clock,
    application_fee_percent: input.applicationFeePercent ?? null,
    transfer_data: input.transferData
      ? {
          destination: input.transferData.destination,
          amount_percent: input.transferData.amountPercent ?? null,
        }
      : null,
    on_behalf_of: null,
    ...subscriptionStaticFields(now),
  };
  runtime.store.subscriptions.put(subscription);
  runtime.emit("customer.subscription.created", subscription);
  return subscription;
}

/** Sets a new status and emits `customer.subscription.updated` with the old one. */
export function changeStatus(
  runtime: StripeEmulatorRuntime,
  subscription: SubscriptionObject,
  status: SubscriptionObject["status"],
  extra: Record<string, unknown> = {},
): void {
  if (subscription.status === status && Object.keys(extra).length === 0) return;
  const previous: Record<string, unknown> = { status: subscription.status, ...extra };
  subscription.status = status;
  runtime.emit("customer.subscription.updated", subscription, previous);
}

/**
 * Bills the first invoice of a new subscription on-session (checkout, or create with a saved card).
 * Success makes it `active` (or keeps `trialing`); otherwise it stays `incomplete` with an open invoice.
 */
export function startSubscription(
  runtime: StripeEmulatorRuntime,
  subscription: SubscriptionObject,
  customer: CustomerObject,
  options: { offSession: boolean; authenticated?: boolean },
): PaymentOutcome {
  const invoice = createSubscriptionInvoice(runtime, subscription, customer, "subscription_create", null);
  subscription.latest_invoice = invoice.id;
  const outcome = payInvoice(runtime, invoice, invoicePaymentMethodId(subscription, customer), options);
  if (outcome.status === "succeeded" && subscription.status === "incomplete")
    changeStatus(runtime, subscription, "active");
  return outcome;
}

/** Ends the subscription now (`customer.subscription.deleted`). */
export function endSubscription(
  runtime: StripeEmulatorRuntime,
  subscription: SubscriptionObject,
  reason: "cancellation_requested" | "payment_failed",
): void {
  const now = runtime.nowSeconds();
  subscription.status = "canceled";
  subscription.canceled_at ??= now;
  subscription.ended_at = now;
  subscription.cancellation_details = { ...subscription.cancellation_details, reason };
  runtime.emit("customer.subscription.deleted", subscription);
}
