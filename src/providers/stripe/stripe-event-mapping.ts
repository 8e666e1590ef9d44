import type Stripe from "stripe";
import type {
  ProviderEvent,
  ProviderOrder,
  ProviderSubscription,
  SubscriptionStatus,
} from "../../modules/provider/index.js";
import { catalogKeyMetadata, customerIdMetadata } from "./stripe-catalog-mapping.js";
import { connectEventTypes, sellerDisputeEventTypes, toSellerEvent } from "./stripe-connect-mapping.js";

const handledTypes = new Set([
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "customer.subscription.paused",
  "customer.subscription.resumed",
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.expired",
  "invoice.paid",
  "charge.refunded",
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
]);

export function handlesStripeEvent(eventType: string): boolean {
  return (
    handledTypes.has(eventType) || connectEventTypes.has(eventType) || sellerDisputeEventTypes.has(eventType)
  );
}

/**
 * Stripe objects carry no modification time, so an event's `created` orders descriptions of the same
 * object; the reconciler, which reads current state, stamps it with the time of reading.
 */
export function toProviderEvent(event: Stripe.Event): ProviderEvent {
  const modifiedAt = new Date(event.created * 1000);
  const sellers = toSellerEvent(event, modifiedAt);
  if (sellers) return sellers;
  const object = event.data.object as unknown;
  if (event.type.startsWith("customer.subscription.")) {
    return {
      kind: "subscription",
      subscription: fromStripeSubscription(object as Stripe.Subscription, modifiedAt),
    };
  }
  if (event.type === "checkout.session.expired") {
    return {
      kind: "checkout",
      providerCheckoutId: (object as Stripe.Checkout.Session).id,
      status: "expired",
    };
  }
  if (event.type.startsWith("checkout.session.")) {
    const session = object as Stripe.Checkout.Session;
    const order = fromPaidSession(session, modifiedAt);
    return order
      ? { kind: "order", order }
      : { kind: "checkout", providerCheckoutId: session.id, status: "succeeded" };
  }
  if (event.type === "payment_intent.succeeded" || event.type === "payment_intent.payment_failed") {
    return fromPaymentIntentEvent(
      object as Stripe.PaymentIntent,
      event.type === "payment_intent.succeeded",
      modifiedAt,
    );
  }
  if (event.type === "invoice.paid")
    return { kind: "order", order: fromPaidInvoice(object as Stripe.Invoice, modifiedAt) };
  if (event.type === "charge.refunded")
    return { kind: "order", order: fromRefundedCharge(object as Stripe.Charge, modifiedAt) };
  return { kind: "ignored", reason: `Billhook does not act on ${event.type}` };
}

export function fromStripeSubscription(
  subscription: Stripe.Subscription,
  modifiedAt: Date,
): ProviderSubscription {
  const item = subscription.items.data[0];
  const product = item?.price.product;
  return {
    providerSubscriptionId: subscription.id,
    externalCustomerId: subscription.metadata[customerIdMetadata] ?? null,
    providerProductId: typeof product === "string" ? product : (product?.id ?? ""),
    catalogKey: subscription.metadata[catalogKeyMetadata] ?? null,
    status: subscription.status as SubscriptionStatus,
    cancelAtPeriodEnd: subscription.cancel_at_period_end || subscription.cancel_at !== null,
    currentPeriodStart: new Date((item?.current_period_start ?? subscription.start_date) * 1000),
    currentPeriodEnd: item?.current_period_end ? new Date(item.current_period_end * 1000) : null,
    pastDueAt: null,
    endedAt: subscription.ended_at ? new Date(subscription.ended_at * 1000) : null,
    modifiedAt,
  };
}

/** A one-time payment completed through Checkout; subscription checkouts book through invoices. */
export function fromPaidSession(session: Stripe.Checkout.Session, modifiedAt: Date): ProviderOrder | null {
  if (session.mode !== "payment" || session.payment_status !== "paid") return null;
  const tax = session.total_details?.amount_tax ?? 0;
  const total = session.amount_total ?? 0;
  const paymentIntent = session.payment_intent;
  return {
    providerOrderId: typeof paymentIntent === "string" ? paymentIntent : (paymentIntent?.id ?? session.id),
    externalCustomerId: session.client_reference_id ?? session.metadata?.[customerIdMetadata] ?? null,
    providerProductId: null,
    catalogKey: session.metadata?.billhook_product ?? null,
    providerSubscriptionId: null,
    status: "paid",
    billingReason: "purchase",
    currency: (session.currency ?? "usd").toUpperCase(),
    netMinor: total - tax,
    taxMinor: tax,
    totalMinor: total,
    providerFeeMinor: 0,
    refundedMinor: 0,
    refundedTaxMinor: 0,
    modifiedAt,
  };
}

export function fromPaidInvoice(invoice: Stripe.Invoice, modifiedAt: Date): ProviderOrder {
  const details = invoice.parent?.subscription_details;
  const line = invoice.lines.data[0];
  const product = line?.pricing?.price_details?.product;
  const tax = (invoice.total_taxes ?? []).reduce((sum, entry) => sum + entry.amount, 0);
  const subscription = details?.subscription;
  return {
    providerOrderId: invoice.id ?? "",
    externalCustomerId: details?.metadata?.[customerIdMetadata] ?? null,
    providerProductId: typeof product === "string" ? product : null,
    catalogKey: details?.metadata?.[catalogKeyMetadata] ?? null,
    providerSubscriptionId: typeof subscription === "string" ? subscription : (subscription?.id ?? null),
    status: "paid",
    billingReason: invoice.billing_reason ?? "subscription_cycle",
    currency: invoice.currency.toUpperCase(),
    netMinor: invoice.total - tax,
    taxMinor: tax,
    totalMinor: invoice.total,
    providerFeeMinor: 0,
    refundedMinor: 0,
    refundedTaxMinor: 0,
    modifiedAt,
  };
}

/** A refund on a one-time payment (the order was booked under its PaymentIntent id). */
export function fromRefundedCharge(charge: Stripe.Charge, modifiedAt: Date): ProviderOrder {
  const paymentIntent = charge.payment_intent;
  return {
    providerOrderId: typeof paymentIntent === "string" ? paymentIntent : (paymentIntent?.id ?? charge.id),
    externalCustomerId: charge.metadata?.[customerIdMetadata] ?? null,
    providerProductId: null,
    catalogKey: charge.metadata?.billhook_product ?? null,
    providerSubscriptionId: null,
    status: charge.amount_refunded >= charge.amount ? "refunded" : "partially_refunded",
    billingReason: "purchase",
    currency: charge.currency.toUpperCase(),
    netMinor: charge.amount,
    taxMinor: 0,
    totalMinor: charge.amount,
    providerFeeMinor: 0,
    refundedMinor: charge.amount_refunded,
    refundedTaxMinor: 0,
    modifiedAt,
  };
}

/**
 * An embedded payment Billhook started (its metadata names our customer). PaymentIntents that
 * Checkout or invoices create carry no such metadata of their own and are booked through those.
 */
function fromPaymentIntentEvent(
  intent: Stripe.PaymentIntent,
  succeeded: boolean,
  modifiedAt: Date,
): ProviderEvent {
  const customerId = intent.metadata?.[customerIdMetadata];
  if (!customerId || !intent.metadata?.billhook_product || intent.metadata.billhook_checkout) {
    return { kind: "ignored", reason: "not an embedded payment started by Billhook" };
  }
  const order: ProviderOrder | null = succeeded
    ? {
        providerOrderId: intent.id,
        externalCustomerId: customerId,
        providerProductId: null,
        catalogKey: intent.metadata.billhook_product,
        providerSubscriptionId: null,
        status: "paid",
        billingReason: "purchase",
        currency: intent.currency.toUpperCase(),
        netMinor: intent.amount_received || intent.amount,
        taxMinor: 0,
        totalMinor: intent.amount_received || intent.amount,
        providerFeeMinor: 0,
        refundedMinor: 0,
        refundedTaxMinor: 0,
        modifiedAt,
      }
    : null;
  return { kind: "payment", providerPaymentId: intent.id, status: succeeded ? "succeeded" : "failed", order };
}
