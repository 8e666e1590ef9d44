/**
 * Stored objects, already in the shape Stripe returns (API version 2026-10-28.endive), so retrieving is
 * returning the record. Fields the emulator never varies are still present, as explicit nulls, because
 * adapter code and the SDK's types expect them.
 */
export type Metadata = Record<string, string>;
/** An id, or the object itself once `expand[]` replaced it. */
export type Expandable = string | Record<string, unknown> | null;

export interface ListObject<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  url: string;
}

export interface Base {
  id: string;
  object: string;
  created: number;
  livemode: false;
}

export interface CustomerObject extends Base {
  object: "customer";
  email: string | null;
  name: string | null;
  phone: string | null;
  description: string | null;
  metadata: Metadata;
  balance: number;
  currency: string | null;
  default_source: null;
  delinquent: boolean;
  invoice_prefix: string;
  invoice_settings: {
    default_payment_method: string | null;
    custom_fields: null;
    footer: null;
    rendering_options: null;
  };
  address: null;
  shipping: null;
  preferred_locales: string[];
  tax_exempt: "none";
  test_clock: string | null;
  next_invoice_sequence: number;
}

export interface ProductObject extends Base {
  object: "product";
  active: boolean;
  name: string;
  description: string | null;
  default_price: Expandable;
  images: string[];
  marketing_features: Array<{ name: string }>;
  metadata: Metadata;
  package_dimensions: null;
  shippable: null;
  statement_descriptor: null;
  tax_code: null;
  tax_details: null;
  unit_label: string | null;
  updated: number;
  url: string | null;
  type: "service";
}

export type RecurringInterval = "day" | "week" | "month" | "year";

export interface PriceObject extends Base {
  object: "price";
  active: boolean;
  billing_scheme: "per_unit";
  currency: string;
  custom_unit_amount: { maximum: number | null; minimum: number | null; preset: number | null } | null;
  lookup_key: string | null;
  metadata: Metadata;
  nickname: string | null;
  product: Expandable;
  recurring: {
    interval: RecurringInterval;
    interval_count: number;
    meter: string | null;
    trial_period_days: number | null;
    usage_type: "licensed" | "metered";
  } | null;
  tax_behavior: "unspecified" | "inclusive" | "exclusive";
  tiers_mode: null;
  transform_quantity: null;
  type: "one_time" | "recurring";
  unit_amount: number | null;
  /** A decimal string: the SDK coerces every `*_decimal` field and throws on anything else. */
  unit_amount_decimal: string | null;
}

export interface CheckoutLineItem {
  id: string;
  object: "item";
  amount_discount: number;
  amount_subtotal: number;
  amount_tax: number;
  amount_total: number;
  currency: string;
  description: string;
  price: PriceObject;
  quantity: number;
  metadata: Metadata;
}

/** Fields of a Checkout Session the emulator never varies (see object-defaults.ts). */
export interface CheckoutSessionStaticFields {
  adaptive_pricing: { enabled: boolean } | null;
  after_expiration: null;
  allowed_payment_method_types: null;
  automatic_tax: { enabled: false; liability: null; provider: null; status: null };
  billing_address_collection: null;
  collected_information: null;
  consent: null;
  consent_collection: null;
  currency_conversion: null;
  custom_fields: [];
  custom_text: {
    after_submit: null;
    shipping_address: null;
    submit: null;
    terms_of_service_acceptance: null;
  };
  customer_account: null;
  discounts: [];
  integration_identifier: null;
  invoice_creation: { enabled: false; invoice_data: Record<string, unknown> } | null;
  managed_payments: null;
  origin_context: null;
  payment_method_collection: "always" | null;
  payment_method_configuration_details: null;
  payment_method_options: { card: { request_three_d_secure: "automatic" } };
  permissions: null;
  recovered_from: null;
  saved_payment_method_options: null;
  shipping_address_collection: null;
  shipping_cost: null;
  shipping_options: [];
  submit_type: null;
  wallet_options: null;
}

export interface CheckoutSessionObject extends Base, CheckoutSessionStaticFields {
  object: "checkout.session";
  mode: "payment" | "subscription" | "setup";
  status: "open" | "complete" | "expired";
  payment_status: "paid" | "unpaid" | "no_payment_required";
  amount_subtotal: number;
  amount_total: number;
  currency: string | null;
  client_reference_id: string | null;
  client_secret: string | null;
  customer: Expandable;
  customer_creation: "always" | "if_required" | null;
  customer_details: {
    email: string | null;
    name: string | null;
    phone: null;
    address: null;
    tax_exempt: "none";
    tax_ids: [];
  } | null;
  customer_email: string | null;
  expires_at: number;
  invoice: Expandable;
  metadata: Metadata;
  payment_intent: Expandable;
  payment_link: null;
  payment_method_types: string[];
  setup_intent: null;
  subscription: Expandable;
  success_url: string | null;
  cancel_url: string | null;
  /** Stripe leaves it out unless one was given (the type has no null). */
  return_url?: string;
  total_details: { amount_discount: number; amount_shipping: number; amount_tax: number };
  ui_mode: "hosted_page" | "embedded_page" | "elements" | "form";
  url: string | null;
  locale: string | null;
  allow_promotion_codes: boolean | null;
  /** Not in Stripe's object: kept here so the hosted page and completion need no second table. */
  line_items?: ListObject<CheckoutLineItem>;
}

/** Hidden checkout options that are not part of Stripe's session object. */
export interface CheckoutExtras {
  paymentIntentData?: {
    metadata?: Record<string, string>;
    description?: string;
    setupFutureUsage?: "off_session" | "on_session";
    applicationFeeAmount?: number;
    transferData?: { destination: string; amount?: number };
  };
  subscriptionData?: {
    metadata?: Record<string, string>;
    trialPeriodDays?: number;
    description?: string;
    applicationFeePercent?: number;
    transferData?: { destination: string; amountPercent?: number };
  };
}

export interface LastPaymentError {
  type: "card_error";
  code: string;
  decline_code?: string;
  message: string;
  payment_method: Record<string, unknown> | null;
}

export interface PaymentIntentObject extends Base, PaymentIntentStaticFields {
  object: "payment_intent";
  amount: number;
  amount_capturable: number;
  amount_received: number;
  application_fee_amount: number | null;
  automatic_payment_methods: { enabled: boolean; allow_redirects?: "always" | "never" } | null;
  canceled_at: number | null;
  cancellation_reason: string | null;
  capture_method: "automatic" | "automatic_async" | "manual";
  client_secret: string;
  confirmation_method: "automatic" | "manual";
  currency: string;
  customer: Expandable;
  description: string | null;
  last_payment_error: LastPaymentError | null;
  latest_charge: Expandable;
  metadata: Metadata;
  next_action: {
    type: "use_stripe_sdk" | "redirect_to_url";
    redirect_to_url?: { url: string; return_url: string | null };
  } | null;
  on_behalf_of: null;
  payment_method: Expandable;
  payment_method_types: string[];
  receipt_email: string | null;
  setup_future_usage: "off_session" | "on_session" | null;
  statement_descriptor: null;
  status:
    | "requires_payment_method"
    | "requires_confirmation"
    | "requires_action"
    | "processing"
    | "requires_capture"
    | "canceled"
    | "succeeded";
  transfer_data: { destination: string; amount?: number } | null;
  transfer_group: string | null;
}

/** Fields of a PaymentIntent the emulator never varies (see object-defaults.ts). */
export interface PaymentIntentStaticFields {
  allowed_payment_method_types: null;
  application: null;
  customer_account: null;
  excluded_payment_method_types: null;
  managed_payments: null;
  payment_method_configuration_details: null;
  payment_method_options: null;
  payment_record: null;
  processing: null;
  review: null;
  shipping: null;
  source: null;
  statement_descriptor_suffix: null;
}

/** Fields of a Charge the emulator never varies (see object-defaults.ts). */
export interface ChargeStaticFields {
  application: null;
  billing_details: { address: null; email: null; name: null; phone: null; tax_id: null };
  calculated_statement_descriptor: string;
  failure_balance_transaction: null;
  fraud_details: Record<string, never>;
  on_behalf_of: null;
  receipt_email: null;
  receipt_number: null;
  review: null;
  shipping: null;
  source: null;
  source_transfer: null;
  statement_descriptor: null;
  statement_descriptor_suffix: null;
  transfer_group: null;
}

/** `charge.payment_method_details.card`: the card plus what this authorization recorded. */
export interface ChargeCardDetails extends CardDetails {
  amount_authorized: number | null;
  authorization_code: null;
  checks: null;
  electronic_commerce_indicator: null;
  installments: null;
  mandate: null;
  network: string;
  network_transaction_id: null;
  regulated_status: "unregulated";
  three_d_secure: null;
  transaction_link_id: null;
  wallet: null;
}

export interface CardDetails {
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  funding: "credit";
  country: "US";
  fingerprint: string;
}

export interface PaymentMethodObject extends Base {
  object: "payment_method";
  type: "card";
  card: CardDetails;
  customer: Expandable;
  billing_details: { email: string | null; name: string | null; phone: null; address: null };
  metadata: Metadata;
  allow_redisplay: "unspecified";
}

export interface ChargeObject extends Base, ChargeStaticFields {
  object: "charge";
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  balance_transaction: string | null;
  captured: boolean;
  currency: string;
  customer: Expandable;
  description: string | null;
  disputed: boolean;
  failure_code: string | null;
  failure_message: string | null;
  metadata: Metadata;
  outcome: {
    advice_code: null;
    network_advice_code: null;
    network_decline_code: string | null;
    type: string;
    seller_message: string;
    network_status: string;
    reason: string | null;
    risk_level: "normal";
  };
  paid: boolean;
  payment_intent: Expandable;
  payment_method: string | null;
  payment_method_details: { type: "card"; card: ChargeCardDetails } | null;
  receipt_url: string | null;
  refunded: boolean;
  status: "succeeded" | "pending" | "failed";
  application_fee: string | null;
  application_fee_amount: number | null;
  transfer: string | null;
  transfer_data: { destination: string; amount?: number } | null;
}

export interface RefundObject extends Base {
  object: "refund";
  amount: number;
  charge: Expandable;
  currency: string;
  metadata: Metadata;
  payment_intent: Expandable;
  reason: "duplicate" | "fraudulent" | "requested_by_customer" | null;
  status: "pending" | "succeeded" | "failed" | "canceled";
  balance_transaction: null;
  /** The Connect application that created the refund (23.2 added it); never set here. */
  application: null;
  customer: Expandable;
  customer_account: null;
  payment_method: string | null;
  source_transfer_reversal: null;
  transfer_reversal: string | null;
  receipt_number: null;
}
