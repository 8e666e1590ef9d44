import { addDays, addInterval } from "../shared/billing-calendar.js";
import { DUNNING_RETRY_DELAYS_DAYS } from "./billing-calendar.js";
import {
  createOrder,
  cycleGrants,
  emitCustomerState,
  emitOrder,
  emitSubscription,
  markOrderPaid,
  revokeGrants,
  touch,
} from "./billing-operations.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { aggregate, meterEvents } from "./meter-usage.js";
import { PolarApiError } from "./polar-errors.js";
import type { OrderRecord, SubscriptionRecord } from "./polar-records.js";
import { chargeCard } from "./test-cards.js";

const ENDED_STATUSES = new Set(["canceled", "unpaid", "incomplete_expired"]);

export function isEnded(subscription: SubscriptionRecord): boolean {
  return ENDED_STATUSES.has(subscription.status);
}

/** `cancel_at_period_end: true`: scheduled end; status stays active (`updated` + `canceled`). */
export function scheduleCancellation(
  runtime: PolarEmulatorRuntime,
  subscription: SubscriptionRecord,
  reason: string | null,
  comment: string | null,
): void {
  if (isEnded(subscription) || subscription.cancel_at_period_end) {
    throw new PolarApiError(
      403,
      "AlreadyCanceledSubscription",
      "This subscription is already canceled or will be at the end of the period.",
    );
  }
  subscription.cancel_at_period_end = true;
  subscription.canceled_at = runtime.nowIso();
  subscription.ends_at = subscription.current_period_end;
  subscription.customer_cancellation_reason = reason;
  subscription.customer_cancellation_comment = comment;
  touch(runtime, subscription);
  emitSubscription(runtime, ["subscription.updated", "subscription.canceled"], subscription);
  emitCustomerState(runtime, subscription.customer_id);
}

/** `cancel_at_period_end: false` on a scheduled cancellation (`updated` + `uncanceled`). */
export function undoCancellation(runtime: PolarEmulatorRuntime, subscription: SubscriptionRecord): void {
  if (isEnded(subscription)) {
    throw new PolarApiError(403, "AlreadyCanceledSubscription", "This subscription is already canceled.");
  }
  if (!subscription.cancel_at_period_end) return;
  subscription.cancel_at_period_end = false;
  subscription.canceled_at = null;
  subscription.ends_at = null;
  subscription.customer_cancellation_reason = null;
  subscription.customer_cancellation_comment = null;
  touch(runtime, subscription);
  emitSubscription(runtime, ["subscription.updated", "subscription.uncanceled"], subscription);
  emitCustomerState(runtime, subscription.customer_id);
}

/** Immediate revoke (`revoke: true` or DELETE): `updated` + `canceled` + `revoked`, status canceled. */
export function revokeNow(
  runtime: PolarEmulatorRuntime,
  subscription: SubscriptionRecord,
  reason: string | null = null,
): void {
  if (isEnded(subscription)) {
    throw new PolarApiError(403, "AlreadyCanceledSubscription", "This subscription is already canceled.");
  }
  const now = runtime.nowIso();
  subscription.status = "canceled";
  subscription.cancel_at_period_end = false;
  subscription.canceled_at = subscription.canceled_at ?? now;
  subscription.ends_at = now;
  subscription.ended_at = now;
  subscription.customer_cancellation_reason = reason ?? subscription.customer_cancellation_reason;
  touch(runtime, subscription);
  emitSubscription(
    runtime,
    ["subscription.updated", "subscription.canceled", "subscription.revoked"],
    subscription,
  );
  revokeGrants(runtime, { subscriptionId: subscription.id });
  emitCustomerState(runtime, subscription.customer_id);
}

/** Ends a subscription whose scheduled cancellation reached the period end (`updated` + `revoked`). */
function endAtPeriodEnd(runtime: PolarEmulatorRuntime, subscription: SubscriptionRecord): void {
  subscription.status = "canceled";
  subscription.ended_at = subscription.current_period_end;
  touch(runtime, subscription);
  emitSubscription(runtime, ["subscription.updated", "subscription.revoked"], subscription);
  revokeGrants(runtime, { subscriptionId: subscription.id });
  emitCustomerState(runtime, subscription.customer_id);
}

/** Pauses at period end (`updated` + `paused`); benefits are revoked until resume. */
function pauseAtPeriodEnd(runtime: PolarEmulatorRuntime, subscription: SubscriptionRecord): void {
  subscription.status = "paused";
  subscription.pause_at_period_end = false;
  subscription.paused_at = subscription.current_period_end;
  touch(runtime, subscription);
  emitSubscription(runtime, ["subscription.updated", "subscription.paused"], subscription);
  revokeGrants(runtime, { subscriptionId: subscription.id });
  emitCustomerState(runtime, subscription.customer_id);
}

/** Resume: `updated` + `resumed` + a renewal order charged at once. */
export function resume(runtime: PolarEmulatorRuntime, subscription: SubscriptionRecord): void {
  if (subscription.status !== "paused") {
    throw new PolarApiError(403, "SubscriptionNotPaused", "This subscription is not paused.");
  }
  const now = runtime.now();
  subscription.status = "active";
  subscription.paused_at = null;
  subscription.resumes_at = null;
  subscription.current_period_start = now.toISOString();
  subscription.current_period_end = addInterval(
    now,
    subscription.recurring_interval,
    subscription.recurring_interval_count,
  ).toISOString();
  touch(runtime, subscription);
  emitSubscription(runtime, ["subscription.updated", "subscription.resumed"], subscription);
  const order = renewalOrder(runtime, subscription, now, now);
  emitOrder(runtime, ["order.created"], order);
  collect(runtime, subscription, order);
}

function renewalOrder(
  runtime: PolarEmulatorRuntime,
  subscription: SubscriptionRecord,
  usageFrom: Date,
  usageTo: Date,
): OrderRecord {
  const { store } = runtime;
  const customer = store.customers.get(subscription.customer_id)!;
  const product = store.products.get(subscription.product_id)!;
  const items: Array<{ label: string; amount: number; product_price_id: string | null }> = [];
  for (const priceId of subscription.price_ids) {
    const price = store.prices.get(priceId);
    if (!price) continue;
    if (price.amount_type !== "metered_unit") {
      items.push({ label: product.name, amount: subscription.amount, product_price_id: price.id });
      continue;
    }
    const meter = price.meter_id ? store.meters.get(price.meter_id) : undefined;
    if (!meter) continue;
    const window = {
      customerId: customer.id,
      externalCustomerId: customer.external_id,
      fromInclusive: usageFrom,
      toExclusive: usageTo,
    };
    const units = Math.max(0, aggregate(meter, meterEvents(store, meter, window)));
    const uncapped = Math.round(units * Number(price.unit_amount ?? "0"));
    const amount = price.cap_amount !== null ? Math.min(uncapped, price.cap_amount) : uncapped;
    items.push({ label: `${meter.name} (${units} units)`, amount, product_price_id: price.id });
  }
  return createOrder(runtime, {
    customer,
    product,
    subscription,
    checkoutId: null,
    billingReason: "subscription_cycle",
    items,
    currency: subscription.currency,
    metadata: { ...subscription.metadata },
  });
}

/** Renewal: `cycled` → `updated` → `order.created` (pending) → payment (paid, or past_due with dunning). */
function renew(runtime: PolarEmulatorRuntime, subscription: SubscriptionRecord): void {
  const previousStart = new Date(subscription.current_period_start);
  const periodStart = new Date(subscription.current_period_end);
  subscription.current_period_start = periodStart.toISOString();
  subscription.current_period_end = addInterval(
    periodStart,
    subscription.recurring_interval,
    subscription.recurring_interval_count,
  ).toISOString();
  touch(runtime, subscription);
  emitSubscription(runtime, ["subscription.cycled", "subscription.updated"], subscription);
  const order = renewalOrder(runtime, subscription, previousStart, periodStart);
  emitOrder(runtime, ["order.created"], order);
  collect(runtime, subscription, order);
}

/** Charges a pending renewal order with the customer's saved card. */
function collect(runtime: PolarEmulatorRuntime, subscription: SubscriptionRecord, order: OrderRecord): void {
  const customer = runtime.store.customers.get(order.customer_id);
  const total = order.subtotal_amount - order.discount_amount + order.tax_amount;
  const outcome = total > 0 ? chargeCard(customer?.payment_card ?? null) : ({ succeeded: true } as const);
  if (outcome.succeeded) {
    markOrderPaid(runtime, order);
    emitOrder(runtime, ["order.updated", "order.paid"], order);
    const recovered = subscription.status !== "active";
    subscription.status = "active";
    subscription.past_due_at = null;
    touch(runtime, subscription);
    if (recovered) emitSubscription(runtime, ["subscription.updated", "subscription.active"], subscription);
    cycleGrants(runtime, subscription.id);
    emitCustomerState(runtime, subscription.customer_id);
    return;
  }
  order.payment_attempts += 1;
  const retryDelayDays = DUNNING_RETRY_DELAYS_DAYS[order.payment_attempts - 1];
  if (retryDelayDays === undefined) {
    giveUp(runtime, subscription, order);
    return;
  }
  // Count from the scheduled attempt, so one long clock jump runs every retry that fell inside it.
  const attemptedAt = order.next_payment_attempt_at ? new Date(order.next_payment_attempt_at) : runtime.now();
  order.next_payment_attempt_at = addDays(attemptedAt, retryDelayDays).toISOString();
  touch(runtime, order);
  if (subscription.status !== "past_due") {
    subscription.status = "past_due";
    subscription.past_due_at = runtime.nowIso();
    touch(runtime, subscription);
    emitSubscription(runtime, ["subscription.updated", "subscription.past_due"], subscription);
    emitCustomerState(runtime, subscription.customer_id);
  }
}

/** Retries exhausted: the order is void, the subscription unpaid and revoked. */
function giveUp(runtime: PolarEmulatorRuntime, subscription: SubscriptionRecord, order: OrderRecord): void {
  order.status = "void";
  order.next_payment_attempt_at = null;
  touch(runtime, order);
  emitOrder(runtime, ["order.updated"], order);
  const now = runtime.nowIso();
  subscription.status = "unpaid";
  subscription.ends_at = now;
  subscription.ended_at = now;
  touch(runtime, subscription);
  emitSubscription(runtime, ["subscription.updated", "subscription.revoked"], subscription);
  revokeGrants(runtime, { subscriptionId: subscription.id });
  emitCustomerState(runtime, subscription.customer_id);
}

/** Applies everything that became due for one subscription by the current emulator time. */
export function advanceSubscription(runtime: PolarEmulatorRuntime, subscription: SubscriptionRecord): void {
  const nowMs = runtime.now().getTime();
  for (let guard = 0; guard < 1_000; guard += 1) {
    if (subscription.status === "past_due") {
      const order = runtime.store.orders.find(
        (row) =>
          row.subscription_id === subscription.id &&
          row.status === "pending" &&
          row.next_payment_attempt_at !== null,
      );
      if (!order || Date.parse(order.next_payment_attempt_at!) > nowMs) return;
      collect(runtime, subscription, order);
      continue;
    }
    if (subscription.status === "paused") {
      if (!subscription.resumes_at || Date.parse(subscription.resumes_at) > nowMs) return;
      resume(runtime, subscription);
      continue;
    }
    if (subscription.status !== "active" && subscription.status !== "trialing") return;
    if (Date.parse(subscription.current_period_end) > nowMs) return;
    if (subscription.cancel_at_period_end) {
      endAtPeriodEnd(runtime, subscription);
      return;
    }
    if (subscription.pause_at_period_end) {
      pauseAtPeriodEnd(runtime, subscription);
      return;
    }
    renew(runtime, subscription);
  }
}
