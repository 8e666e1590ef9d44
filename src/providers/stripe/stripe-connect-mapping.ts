import type Stripe from "stripe";
import {
  type ProviderDisputeStatus,
  type ProviderEvent,
  type ProviderPayoutStatus,
  type ProviderSellerCharge,
  type SubscriptionStatus,
  sellerMetadata,
} from "../../modules/provider/index.js";
import { customerIdMetadata } from "./stripe-catalog-mapping.js";
import { fromStripeAccount } from "./stripe-seller-payments.js";

/**
 * Disputes of destination charges happen on the platform's charge. A dispute does not carry the
 * charge's metadata, so every one goes to the marketplace, which books those of sellers' charges.
 */
export const sellerDisputeEventTypes = new Set([
  "charge.dispute.created",
  "charge.dispute.updated",
  "charge.dispute.closed",
  "charge.dispute.funds_withdrawn",
  "charge.dispute.funds_reinstated",
]);

/** Connect events (they carry `account`) that the marketplace acts on. */
export const connectEventTypes = new Set([
  "account.updated",
  "payout.created",
  "payout.updated",
  "payout.paid",
  "payout.failed",
  "payout.canceled",
]);

function isSellers(metadata: Stripe.Metadata | null | undefined): metadata is Stripe.Metadata {
  return Boolean(metadata?.[sellerMetadata.sellerId]);
}

function idOf(value: string | { id?: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : (value.id ?? null);
}

/**
 * The marketplace's reading of a Stripe event, or null when the event is not about a seller (then the
 * billing mapping applies). Destination charges are recognised by Billhook's seller metadata.
 */
export function toSellerEvent(event: Stripe.Event, modifiedAt: Date): ProviderEvent | null {
  const object = event.data.object as unknown;
  if (event.type === "account.updated")
    return { kind: "seller_account", account: fromStripeAccount(object as Stripe.Account, modifiedAt) };
  if (event.type.startsWith("payout.")) {
    const payout = object as Stripe.Payout;
    if (!event.account) return { kind: "ignored", reason: "a payout of the platform's own balance" };
    return {
      kind: "seller_payout",
      payout: {
        providerPayoutId: payout.id,
        providerAccountId: event.account,
        amountMinor: payout.amount,
        currency: payout.currency.toUpperCase(),
        status: payout.status as ProviderPayoutStatus,
        modifiedAt,
      },
    };
  }
  if (event.type.startsWith("checkout.session.")) {
    const session = object as Stripe.Checkout.Session;
    if (!isSellers(session.metadata)) return null;
    if (session.mode !== "payment" || session.payment_status !== "paid")
      return { kind: "ignored", reason: "seller subscriptions are booked from their paid invoices" };
    const charge: ProviderSellerCharge = {
      providerPaymentId: idOf(session.payment_intent) ?? session.id,
      providerAccountId: null,
      kind: "tip",
      metadata: { ...session.metadata },
      externalCustomerId: session.client_reference_id ?? session.metadata[customerIdMetadata] ?? null,
      providerSubscriptionId: null,
      currency: (session.currency ?? "usd").toUpperCase(),
      grossMinor: session.amount_total ?? 0,
      paidAt: modifiedAt,
    };
    return { kind: "seller_charge", charge };
  }
  if (event.type === "invoice.paid") return fromSellerInvoice(object as Stripe.Invoice, modifiedAt);
  if (event.type === "charge.refunded") return fromSellerRefund(object as Stripe.Charge, modifiedAt);
  if (sellerDisputeEventTypes.has(event.type)) return fromDispute(object as Stripe.Dispute, modifiedAt);
  if (event.type.startsWith("customer.subscription.")) {
    const subscription = object as Stripe.Subscription;
    if (!isSellers(subscription.metadata)) return null;
    const item = subscription.items.data[0];
    return {
      kind: "seller_membership",
      membership: {
        providerSubscriptionId: subscription.id,
        metadata: { ...subscription.metadata },
        externalCustomerId: subscription.metadata[customerIdMetadata] ?? null,
        status: subscription.status as SubscriptionStatus,
        cancelAtPeriodEnd: subscription.cancel_at_period_end || subscription.cancel_at !== null,
        currentPeriodEnd: item?.current_period_end ? new Date(item.current_period_end * 1000) : null,
        modifiedAt,
      },
    };
  }
  return null;
}

function fromSellerInvoice(invoice: Stripe.Invoice, modifiedAt: Date): ProviderEvent | null {
  const details = invoice.parent?.subscription_details;
  if (!isSellers(details?.metadata)) return null;
  const payment = invoice.payments?.data.find((row) => row.status === "paid") ?? invoice.payments?.data[0];
  const paymentIntent = idOf(payment?.payment.payment_intent);
  if (invoice.amount_paid <= 0 || !paymentIntent)
    return { kind: "ignored", reason: "a seller invoice without a charge (trial or zero amount)" };
  return {
    kind: "seller_charge",
    charge: {
      providerPaymentId: paymentIntent,
      providerAccountId: null,
      kind: "membership",
      metadata: { ...details.metadata },
      externalCustomerId: details.metadata[customerIdMetadata] ?? null,
      providerSubscriptionId: idOf(details.subscription),
      currency: invoice.currency.toUpperCase(),
      grossMinor: invoice.amount_paid,
      paidAt: modifiedAt,
    },
  };
}

function fromSellerRefund(charge: Stripe.Charge, modifiedAt: Date): ProviderEvent | null {
  const destination = charge.transfer_data?.destination;
  if (!isSellers(charge.metadata) && !destination) return null;
  const paymentId = idOf(charge.payment_intent) ?? charge.id;
  const currency = charge.currency.toUpperCase();
  // A tip's charge carries the checkout's metadata, so a refund seen first can still book the sale.
  const described: ProviderSellerCharge | null = isSellers(charge.metadata)
    ? {
        providerPaymentId: paymentId,
        providerAccountId: idOf(destination),
        kind: charge.metadata[sellerMetadata.kind] === "membership" ? "membership" : "tip",
        metadata: { ...charge.metadata },
        externalCustomerId: charge.metadata[customerIdMetadata] ?? null,
        providerSubscriptionId: null,
        currency,
        grossMinor: charge.amount,
        paidAt: new Date(charge.created * 1000),
      }
    : null;
  return {
    kind: "seller_refund",
    refund: {
      providerPaymentId: paymentId,
      refundedMinor: charge.amount_refunded,
      currency,
      charge: described,
      modifiedAt,
    },
  };
}

function fromDispute(dispute: Stripe.Dispute, modifiedAt: Date): ProviderEvent {
  return {
    kind: "seller_dispute",
    dispute: {
      providerDisputeId: dispute.id,
      // Sellers' charges are keyed by their PaymentIntent, as the checkout and invoice report them.
      providerPaymentId: idOf(dispute.payment_intent) ?? idOf(dispute.charge) ?? dispute.id,
      amountMinor: dispute.amount,
      currency: dispute.currency.toUpperCase(),
      status: dispute.status as ProviderDisputeStatus,
      reason: dispute.reason ?? null,
      modifiedAt,
    },
  };
}
