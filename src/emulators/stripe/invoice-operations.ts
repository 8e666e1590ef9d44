import type {
  InvoiceLineObject,
  InvoiceObject,
  SubscriptionItemObject,
  SubscriptionObject,
} from "./billing-records.js";
import { meteredUsage } from "./meter-usage.js";
import { invoiceStaticFields } from "./object-defaults.js";
import { resolvePaymentMethod } from "./payment-methods.js";
import { confirmPaymentIntent, createPaymentIntent, type PaymentOutcome } from "./payment-processing.js";
import type { CustomerObject } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

export interface InvoicePeriod {
  start: number;
  end: number;
}

function lineFor(
  runtime: StripeEmulatorRuntime,
  invoiceId: string,
  subscription: SubscriptionObject,
  item: SubscriptionItemObject,
  usagePeriod: InvoicePeriod | null,
  trial: boolean,
): InvoiceLineObject {
  const price = item.price;
  const productId = typeof price.product === "string" ? price.product : String(price.product?.id);
  const productName = runtime.store.products.get(productId)?.name ?? "Subscription";
  const metered = price.recurring?.usage_type === "metered";
  // Metered items bill the usage of the period that just ended (in arrears); licensed ones the new period in advance.
  const quantity = metered
    ? usagePeriod
      ? meteredUsage(runtime, price, subscription, usagePeriod)
      : 0
    : item.quantity;
  const unitAmount = Number(price.unit_amount_decimal ?? price.unit_amount ?? 0);
  const amount = trial ? 0 : Math.round(unitAmount * quantity);
  const period =
    metered && usagePeriod ? usagePeriod : { start: item.current_period_start, end: item.current_period_end };
  return {
    id: runtime.newId("il_", 24),
    object: "line_item",
    amount,
    currency: subscription.currency,
    description: `${trial ? "Trial period for " : `${quantity} × `}${productName}`,
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    period,
    quantity,
    subscription: subscription.id,
    pricing: {
      type: "price_details",
      price_details: { price: price.id, product: productId },
      unit_amount_decimal: String(unitAmount),
    },
    parent: {
      type: "subscription_item_details",
      subscription_item_details: {
        subscription: subscription.id,
        subscription_item: item.id,
        proration: false,
        invoice_item: null,
      },
      invoice_item_details: null,
    },
  };
}

/**
 * Creates and finalises a subscription invoice (`invoice.created`, `invoice.finalized`). The period is
 * the subscription's current one; `usagePeriod` is the one whose metered usage is billed.
 */
export function createSubscriptionInvoice(
  runtime: StripeEmulatorRuntime,
  subscription: SubscriptionObject,
  customer: CustomerObject,
  billingReason: InvoiceObject["billing_reason"],
  usagePeriod: InvoicePeriod | null,
): InvoiceObject {
  const now = runtime.nowSeconds();
  const id = runtime.newId("in_", 24);
  const trial = subscription.status === "trialing";
  const lines = subscription.items.data.map((item) =>
    lineFor(runtime, id, subscription, item, usagePeriod, trial),
  );
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const first = subscription.items.data[0];
  const number = `${customer.invoice_prefix}-${String(customer.next_invoice_sequence).padStart(4, "0")}`;
  customer.next_invoice_sequence += 1;
  const invoice: InvoiceObject = {
    id,
    object: "invoice",
    created: now,
    livemode: false,
    status: "draft",
    customer: customer.id,
    customer_email: customer.email,
    customer_name: customer.name,
    currency: subscription.currency,
    amount_due: total,
    amount_paid: 0,
    amount_remaining: total,
    amount_overpaid: 0,
    subtotal: total,
    total,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    billing_reason: billingReason,
    collection_method: "charge_automatically",
    description: null,
    hosted_invoice_url: `${runtime.publicUrl ?? ""}/invoice/${id}`,
    invoice_pdf: null,
    lines: { object: "list", data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
    payments: { object: "list", data: [], has_more: false, url: `/v1/invoice_payments?invoice=${id}` },
    metadata: {},
    next_payment_attempt: null,
    number,
    parent: {
      type: "subscription_details",
      subscription_details: { subscription: subscription.id, metadata: { ...subscription.metadata } },
      quote_details: null,
    },
    period_start: first?.current_period_start ?? now,
    period_end: first?.current_period_end ?? now,
    status_transitions: { finalized_at: null, paid_at: null, voided_at: null, marked_uncollectible_at: null },
    effective_at: null,
    due_date: null,
    test_clock: customer.test_clock,
    ...invoiceStaticFields(total, customer),
  };
  runtime.store.invoices.put(invoice);
  runtime.emit("invoice.created", invoice);
  invoice.status = "open";
  // Finalizing fixes the balance the invoice ends on (no customer balance is applied here).
  invoice.ending_balance = 0;
  invoice.status_transitions.finalized_at = now;
  invoice.effective_at = now;
  runtime.emit("invoice.finalized", invoice);
  return invoice;
}

function markPaid(runtime: StripeEmulatorRuntime, invoice: InvoiceObject): void {
  const now = runtime.nowSeconds();
  invoice.status = "paid";
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.next_payment_attempt = null;
  invoice.status_transitions.paid_at = now;
  runtime.emit("invoice.paid", invoice);
  runtime.emit("invoice.payment_succeeded", invoice);
}

/** The card an invoice charges: the subscription's default, else the customer's invoice default. */
export function invoicePaymentMethodId(
  subscription: SubscriptionObject,
  customer: CustomerObject,
): string | null {
  const own = subscription.default_payment_method;
  if (typeof own === "string") return own;
  return customer.invoice_settings.default_payment_method;
}

/**
 * Attempts payment of an open invoice with a PaymentIntent, off-session unless the customer is
 * present. Emits `invoice.paid` + `invoice.payment_succeeded`, `invoice.payment_action_required` or
 * `invoice.payment_failed`.
 */
export function payInvoice(
  runtime: StripeEmulatorRuntime,
  invoice: InvoiceObject,
  paymentMethodId: string | null,
  options: { offSession: boolean; authenticated?: boolean },
): PaymentOutcome {
  if (invoice.amount_due === 0) {
    markPaid(runtime, invoice);
    return { status: "succeeded" };
  }
  invoice.attempt_count += 1;
  invoice.attempted = true;
  if (!paymentMethodId) {
    runtime.emit("invoice.payment_failed", invoice);
    return {
      status: "declined",
      code: "invoice_no_payment_method",
      declineCode: "no_payment_method",
      message: "The customer has no payment method.",
    };
  }
  const intent = createPaymentIntent(runtime, {
    amount: invoice.amount_due,
    currency: invoice.currency,
    customer: typeof invoice.customer === "string" ? invoice.customer : null,
    description: `Invoice ${invoice.number ?? invoice.id}`,
    setupFutureUsage: "off_session",
    ...destinationOf(runtime, invoice),
  });
  const payment = {
    id: runtime.newId("inpay_", 24),
    object: "invoice_payment" as const,
    created: runtime.nowSeconds(),
    livemode: false as const,
    amount_paid: null as number | null,
    amount_requested: invoice.amount_due,
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: invoice.payments.data.length === 0,
    payment: { type: "payment_intent" as const, payment_intent: intent.id },
    status: "open" as "open" | "paid" | "canceled",
    status_transitions: { canceled_at: null, paid_at: null as number | null },
  };
  invoice.payments.data.push(payment);
  const paymentMethod = resolvePaymentMethod(runtime, paymentMethodId);
  const outcome = confirmPaymentIntent(runtime, intent, paymentMethod, options);
  if (outcome.status === "succeeded") {
    payment.status = "paid";
    payment.amount_paid = invoice.amount_due;
    payment.status_transitions.paid_at = runtime.nowSeconds();
    markPaid(runtime, invoice);
  } else if (outcome.status === "requires_action") {
    runtime.emit("invoice.payment_action_required", invoice);
  } else {
    runtime.emit("invoice.payment_failed", invoice);
  }
  return outcome;
}

/** A Connect destination subscription pays each invoice as a destination charge with its fee share. */
function destinationOf(
  runtime: StripeEmulatorRuntime,
  invoice: InvoiceObject,
): { transferData?: { destination: string; amount?: number }; applicationFeeAmount?: number } {
  const subscriptionId = invoice.parent?.subscription_details.subscription;
  const subscription = subscriptionId ? runtime.store.subscriptions.get(subscriptionId) : undefined;
  const transfer = subscription?.transfer_data;
  if (!subscription || !transfer) return {};
  const amountPercent = transfer.amount_percent;
  return {
    transferData: {
      destination: transfer.destination,
      ...(amountPercent !== null ? { amount: Math.round((invoice.amount_due * amountPercent) / 100) } : {}),
    },
    ...(subscription.application_fee_percent !== null
      ? {
          applicationFeeAmount: Math.round((invoice.amount_due * subscription.application_fee_percent) / 100),
        }
      : {}),
  };
}
