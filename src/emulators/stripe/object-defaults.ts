/**
 * Fields Stripe always sends on its objects that the emulator never varies: an account with no tax,
 * discounts, shipping, schedules, invoice items or custom fields. The `stripe` package's types declare
 * them as required, so clients type-checked against it (better-auth's Stripe plugin) read them.
 */
import type {
  InvoiceStaticFields,
  PlanObject,
  SubscriptionItemStaticFields,
  SubscriptionStaticFields,
} from "./billing-records.js";
import type {
  CardDetails,
  ChargeCardDetails,
  ChargeStaticFields,
  CheckoutSessionStaticFields,
  PaymentIntentStaticFields,
  PriceObject,
} from "./stripe-records.js";

/** Subscription: flexible billing mode (the default for new subscriptions since `2025-09-30.clover`). */
export function subscriptionStaticFields(createdSeconds: number): SubscriptionStaticFields {
  return {
    application: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor_config: null,
    billing_mode: {
      type: "flexible",
      flexible: { proration_discounts: "included" },
      updated_at: createdSeconds,
    },
    billing_schedules: [],
    billing_thresholds: null,
    customer_account: null,
    days_until_due: null,
    default_source: null,
    discounts: [],
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: "self" },
    },
    managed_payments: null,
    next_pending_invoice_item_invoice: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: "off",
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    trial_settings: {
      end_behavior: { billing_cycle_anchor: null, missing_payment_method: "create_invoice" },
    },
  };
}

/** The legacy `plan` every subscription item still carries: its price, in the Plans API's shape. */
export function planFromPrice(price: PriceObject): PlanObject {
  return {
    id: price.id,
    object: "plan",
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: price.billing_scheme,
    created: price.created,
    currency: price.currency,
    interval: price.recurring?.interval ?? "month",
    interval_count: price.recurring?.interval_count ?? 1,
    livemode: false,
    metadata: price.metadata,
    meter: price.recurring?.meter ?? null,
    nickname: price.nickname,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: price.recurring?.usage_type ?? "licensed",
  };
}

export function subscriptionItemStaticFields(price: PriceObject): SubscriptionItemStaticFields {
  return { billing_thresholds: null, current_trial: null, plan: planFromPrice(price) };
}

/** Invoice fields for an account without tax, discounts, credit notes or shipping. */
export function invoiceStaticFields(totalMinor: number, customer: CustomerFields): InvoiceStaticFields {
  return {
    account_country: "US",
    account_name: null,
    account_tax_ids: null,
    amount_shipping: 0,
    application: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    custom_fields: null,
    customer_account: null,
    customer_address: customer.address,
    customer_phone: customer.phone,
    customer_shipping: null,
    customer_tax_exempt: "none",
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    discounts: [],
    ending_balance: null,
    footer: null,
    from_invoice: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    on_behalf_of: null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    subtotal_excluding_tax: totalMinor,
    total_discount_amounts: [],
    total_excluding_tax: totalMinor,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
}

interface CustomerFields {
  address: Record<string, string | null> | null;
  phone: string | null;
}

/** Checkout Session fields for a session without tax, shipping, consent, custom fields or discounts. */
export function checkoutSessionStaticFields(
  mode: "payment" | "subscription" | "setup",
): CheckoutSessionStaticFields {
  return {
    adaptive_pricing: mode === "payment" ? { enabled: false } : null,
    after_expiration: null,
    allowed_payment_method_types: null,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer_account: null,
    discounts: [],
    integration_identifier: null,
    invoice_creation:
      mode === "payment"
        ? {
            enabled: false,
            invoice_data: {
              account_tax_ids: null,
              custom_fields: null,
              description: null,
              footer: null,
              issuer: null,
              metadata: {},
              rendering_options: null,
            },
          }
        : null,
    managed_payments: null,
    origin_context: null,
    payment_method_collection: mode === "payment" ? null : "always",
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: "automatic" } },
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    submit_type: null,
    wallet_options: null,
  };
}

/** PaymentIntent fields for card payments without review, shipping, sources or managed payments. */
export function paymentIntentStaticFields(): PaymentIntentStaticFields {
  return {
    allowed_payment_method_types: null,
    application: null,
    customer_account: null,
    excluded_payment_method_types: null,
    managed_payments: null,
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_record: null,
    processing: null,
    review: null,
    shipping: null,
    source: null,
    statement_descriptor_suffix: null,
  };
}

/** Charge fields for a card charge without review, shipping, Connect source transfers or receipts. */
export function chargeStaticFields(): ChargeStaticFields {
  return {
    application: null,
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: "BILLHOOK EMULATOR",
    failure_balance_transaction: null,
    fraud_details: {},
    on_behalf_of: null,
    receipt_email: null,
    receipt_number: null,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    transfer_group: null,
  };
}

/** What a card payment's `payment_method_details.card` adds to the saved card's details. */
export function cardPaymentDetails(card: CardDetails, amountAuthorized: number | null): ChargeCardDetails {
  return {
    ...card,
    amount_authorized: amountAuthorized,
    authorization_code: null,
    checks: null,
    electronic_commerce_indicator: null,
    installments: null,
    mandate: null,
    network: card.brand,
    network_transaction_id: null,
    regulated_status: "unregulated",
    three_d_secure: null,
    transaction_link_id: null,
    wallet: null,
  };
}
