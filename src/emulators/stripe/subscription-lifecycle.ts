import type { InvoiceObject, SubscriptionObject } from "./billing-records.js";
import { findCustomerOrNull } from "./customer-lookup.js";
import { createSubscriptionInvoice, invoicePaymentMethodId, payInvoice } from "./invoice-operations.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";
import { changeStatus, endSubscription, periodEndAfter } from "./subscription-operations.js";

const DAY_SECONDS = 86_400;
/**
 * Retries after a failed renewal, in days after the previous attempt. Stripe's default retry schedule
 * is "smart"; a fixed 3/5/7 keeps tests predictable. After the last failure the subscription is
 * canceled, which is Stripe's default "if all retries fail" setting.
 */
export const DUNNING_RETRY_DELAYS_DAYS = [3, 5, 7] as const;
/** An `incomplete` subscription expires 23 hours after creation (facts §5.5). */
export const INCOMPLETE_EXPIRY_SECONDS = 23 * 60 * 60;

/** A piece of time-driven work and the moment it is due. */
export interface DueAction {
  at: number;
  run: () => void;
}

function openInvoice(
  runtime: StripeEmulatorRuntime,
  subscription: SubscriptionObject,
): InvoiceObject | undefined {
  const id = subscription.latest_invoice;
  const invoice = typeof id === "string" ? runtime.store.invoices.get(id) : undefined;
  return invoice?.status === "open" ? invoice : undefined;
}

function periodEnd(subscription: SubscriptionObject): number {
  return Math.min(...subscription.items.data.map((item) => item.current_period_end));
}

function attemptInvoice(
  runtime: StripeEmulatorRuntime,
  subscription: SubscriptionObject,
  invoice: InvoiceObject,
): void {
  const customer = findCustomerOrNull(runtime, subscription.customer);
  if (!customer) {
    invoice.next_payment_attempt = null;
    return;
  }
  const outcome = payInvoice(runtime, invoice, invoicePaymentMethodId(subscription, customer), {
    offSession: true,
  });
  if (outcome.status === "succeeded") {
    if (subscription.status === "past_due" || subscription.status === "unpaid")
      changeStatus(runtime, subscription, "active");
    return;
  }
  const retryIndex = invoice.attempt_count - 1;
  const delayDays = DUNNING_RETRY_DELAYS_DAYS[retryIndex];
  if (delayDays === undefined) {
    invoice.next_payment_attempt = null;
    endSubscription(runtime, subscription, "payment_failed");
    return;
  }
  invoice.next_payment_attempt = runtime.nowSeconds() + delayDays * DAY_SECONDS;
  if (subscription.status === "active" || subscription.status === "trialing")
    changeStatus(runtime, subscription, "past_due");
}

/** Starts the next period: moves item periods, invoices it (with last period's usage) and charges. */
function renew(runtime: StripeEmulatorRuntime, subscription: SubscriptionObject): void {
  const customer = findCustomerOrNull(runtime, subscription.customer);
  // A deleted customer's subscriptions end: nothing is left to bill.
  if (!customer) {
    endSubscription(runtime, subscription, "cancellation_requested");
    return;
  }
  const previousItems = structuredClone(subscription.items);
  const start = periodEnd(subscription);
  const usagePeriod = { start: subscription.items.data[0]?.current_period_start ?? start, end: start };
  for (const item of subscription.items.data) {
    item.current_period_start = start;
    item.current_period_end = periodEndAfter(item.price, start);
  }
  const previous: Record<string, unknown> = { items: previousItems };
  if (subscription.status === "trialing") {
    previous.status = "trialing";
    subscription.status = "active";
  }
  const invoice = createSubscriptionInvoice(
    runtime,
    subscription,
    customer,
    "subscription_cycle",
    usagePeriod,
  );
  previous.latest_invoice = subscription.latest_invoice;
  subscription.latest_invoice = invoice.id;
  runtime.emit("customer.subscription.updated", subscription, previous);
  attemptInvoice(runtime, subscription, invoice);
}

/** The next thing time does to this subscription, if anything. */
export function nextSubscriptionAction(
  runtime: StripeEmulatorRuntime,
  subscription: SubscriptionObject,
): DueAction | undefined {
  switch (subscription.status) {
    case "canceled":
    case "incomplete_expired":
    case "paused":
      return undefined;
    case "incomplete":
      return {
        at: subscription.created + INCOMPLETE_EXPIRY_SECONDS,
        run: () => {
          const invoice = openInvoice(runtime, subscription);
          if (invoice) {
            invoice.status = "void";
            invoice.status_transitions.voided_at = runtime.nowSeconds();
            runtime.emit("invoice.voided", invoice);
          }
          changeStatus(runtime, subscription, "incomplete_expired");
        },
      };
  }
  const candidates: DueAction[] = [];
  const end = periodEnd(subscription);
  if (subscription.cancel_at !== null)
    candidates.push({
      at: subscription.cancel_at,
      run: () => endSubscription(runtime, subscription, "cancellation_requested"),
    });
  candidates.push({
    at: end,
    run: () =>
      subscription.cancel_at_period_end
        ? endSubscription(runtime, subscription, "cancellation_requested")
        : renew(runtime, subscription),
  });
  const invoice = openInvoice(runtime, subscription);
  if (invoice?.next_payment_attempt)
    candidates.push({
      at: invoice.next_payment_attempt,
      run: () => attemptInvoice(runtime, subscription, invoice),
    });
  return candidates.sort((left, right) => left.at - right.at)[0];
}
