/** Stored billing objects (subscriptions, invoices, meters, portal, webhooks) and emulator-only records. */
import type { Base, Expandable, ListObject, Metadata, PriceObject } from "./stripe-records.js";

type Empty = [];

/** The legacy Plans API view of a recurring price (`subscription_item.plan`). */
export interface PlanObject {
  id: string;
  object: "plan";
  active: boolean;
  amount: number | null;
  amount_decimal: string | null;
  billing_scheme: string;
  created: number;
  currency: string;
  interval: string;
  interval_count: number;
  livemode: false;
  metadata: Metadata;
  meter: string | null;
  nickname: string | null;
  product: Expandable;
  tiers_mode: null;
  transform_usage: null;
  trial_period_days: null;
  usage_type: string;
}

/** Fields of a subscription item the emulator never varies (see object-defaults.ts). */
export interface SubscriptionItemStaticFields {
  billing_thresholds: null;
  current_trial: null;
  plan: PlanObject;
}

/** Fields of a subscription the emulator never varies (see object-defaults.ts). */
export interface SubscriptionStaticFields {
  application: null;
  automatic_tax: { disabled_reason: null; enabled: false; liability: null };
  billing_cycle_anchor_config: null;
  billing_mode: { type: "flexible"; flexible: { proration_discounts: "included" }; updated_at: number };
  billing_schedules: Empty;
  billing_thresholds: null;
  customer_account: null;
  days_until_due: null;
  default_source: null;
  discounts: Empty;
  invoice_settings: {
    account_tax_ids: null;
    custom_fields: null;
    description: null;
    footer: null;
    issuer: { type: "self" };
  };
  managed_payments: null;
  next_pending_invoice_item_invoice: null;
  payment_settings: {
    payment_method_options: null;
    payment_method_types: null;
    save_default_payment_method: "off";
  };
  pending_invoice_item_interval: null;
  pending_setup_intent: null;
  pending_update: null;
  schedule: null;
  trial_settings: { end_behavior: { billing_cycle_anchor: null; missing_payment_method: "create_invoice" } };
}

/** Fields of an invoice the emulator never varies, or derives once from its total (object-defaults.ts). */
export interface InvoiceStaticFields {
  account_country: string;
  account_name: string | null;
  account_tax_ids: null;
  amount_shipping: 0;
  application: null;
  automatic_tax: { disabled_reason: null; enabled: false; liability: null; provider: null; status: null };
  automatically_finalizes_at: null;
  custom_fields: null;
  customer_account: null;
  customer_address: Record<string, string | null> | null;
  customer_phone: string | null;
  customer_shipping: null;
  customer_tax_exempt: "none";
  default_payment_method: null;
  default_source: null;
  default_tax_rates: Empty;
  discounts: Empty;
  ending_balance: number | null;
  footer: null;
  from_invoice: null;
  issuer: { type: "self" };
  last_finalization_error: null;
  latest_revision: null;
  on_behalf_of: null;
  payment_settings: { default_mandate: null; payment_method_options: null; payment_method_types: null };
  post_payment_credit_notes_amount: 0;
  pre_payment_credit_notes_amount: 0;
  receipt_number: null;
  rendering: null;
  shipping_cost: null;
  shipping_details: null;
  starting_balance: number;
  statement_descriptor: null;
  subtotal_excluding_tax: number | null;
  total_discount_amounts: Empty;
  total_excluding_tax: number | null;
  total_pretax_credit_amounts: Empty;
  total_taxes: Empty;
  webhooks_delivered_at: number | null;
}

export interface SubscriptionItemObject extends Base, SubscriptionItemStaticFields {
  object: "subscription_item";
  price: PriceObject;
  quantity: number;
  subscription: string;
  metadata: Metadata;
  discounts: [];
  tax_rates: [];
  current_period_start: number;
  current_period_end: number;
}

export type SubscriptionStatus =
  | "incomplete"
  | "incomplete_expired"
  | "trialing"
  | "active"
  | "past_due"
  | "canceled"
  | "unpaid"
  | "paused";

export interface SubscriptionObject extends Base, SubscriptionStaticFields {
  object: "subscription";
  status: SubscriptionStatus;
  customer: Expandable;
  currency: string;
  items: ListObject<SubscriptionItemObject>;
  latest_invoice: Expandable;
  metadata: Metadata;
  billing_cycle_anchor: number;
  cancel_at: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  cancellation_details: {
    comment: string | null;
    feedback: string | null;
    feedback_option?: string | null;
    reason: string | null;
  };
  collection_method: "charge_automatically";
  default_payment_method: Expandable;
  description: string | null;
  ended_at: number | null;
  start_date: number;
  trial_start: number | null;
  trial_end: number | null;
  pause_collection: null;
  test_clock: string | null;
  application_fee_percent: number | null;
  transfer_data: { destination: string; amount_percent: number | null } | null;
  on_behalf_of: null;
}

export interface InvoiceLineObject {
  id: string;
  object: "line_item";
  amount: number;
  currency: string;
  description: string;
  invoice: string;
  livemode: false;
  metadata: Metadata;
  period: { start: number; end: number };
  quantity: number;
  subscription: string | null;
  pricing: {
    type: "price_details";
    price_details: { price: string; product: string };
    unit_amount_decimal: string;
  };
  parent: {
    type: "subscription_item_details";
    subscription_item_details: {
      subscription: string;
      subscription_item: string;
      proration: false;
      invoice_item: null;
    };
    invoice_item_details: null;
  } | null;
}

export interface InvoicePaymentObject extends Base {
  object: "invoice_payment";
  amount_paid: number | null;
  amount_requested: number;
  currency: string;
  invoice: string;
  is_default: boolean;
  payment: { type: "payment_intent"; payment_intent: string };
  status: "open" | "paid" | "canceled";
  status_transitions: { canceled_at: number | null; paid_at: number | null };
}

export interface InvoiceObject extends Base, InvoiceStaticFields {
  object: "invoice";
  status: "draft" | "open" | "paid" | "uncollectible" | "void";
  customer: Expandable;
  customer_email: string | null;
  customer_name: string | null;
  currency: string;
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  amount_overpaid: number;
  subtotal: number;
  total: number;
  attempt_count: number;
  attempted: boolean;
  auto_advance: boolean;
  billing_reason: "subscription_create" | "subscription_cycle" | "subscription_update" | "manual";
  collection_method: "charge_automatically";
  description: string | null;
  hosted_invoice_url: string | null;
  invoice_pdf: null;
  lines: ListObject<InvoiceLineObject>;
  payments: ListObject<InvoicePaymentObject>;
  metadata: Metadata;
  next_payment_attempt: number | null;
  number: string | null;
  parent: {
    type: "subscription_details";
    subscription_details: { subscription: string; metadata: Metadata };
    quote_details: null;
  } | null;
  period_start: number;
  period_end: number;
  status_transitions: {
    finalized_at: number | null;
    paid_at: number | null;
    voided_at: number | null;
    marked_uncollectible_at: number | null;
  };
  effective_at: number | null;
  due_date: null;
  test_clock: string | null;
}

export interface PortalSessionObject extends Base {
  object: "billing_portal.session";
  configuration: string;
  customer: string;
  /** A deep link the session opens on (`flow_data`); only `subscription_cancel` is emulated. */
  flow: {
    type: "subscription_cancel";
    after_completion: { type: "portal_homepage"; hosted_confirmation: null; redirect: null };
    customer_update: null;
    subscription_cancel: { retention: null; subscription: string };
    subscription_pause: null;
    subscription_update: null;
    subscription_update_confirm: null;
  } | null;
  customer_account: null;
  locale: string | null;
  on_behalf_of: null;
  return_url: string | null;
  url: string;
}

export interface MeterObject extends Base {
  object: "billing.meter";
  display_name: string;
  event_name: string;
  event_time_window: "day" | "hour" | null;
  status: "active" | "inactive";
  status_transitions: { deactivated_at: number | null };
  customer_mapping: { event_payload_key: string; type: "by_id" };
  default_aggregation: { formula: "sum" | "count" | "last" };
  value_settings: { event_payload_key: string };
  updated: number;
}

export interface MeterEventObject {
  object: "billing.meter_event";
  created: number;
  event_name: string;
  identifier: string;
  livemode: false;
  payload: Record<string, string>;
  timestamp: number;
}

export interface WebhookEndpointObject extends Base {
  object: "webhook_endpoint";
  url: string;
  enabled_events: string[];
  api_version: string | null;
  application: null;
  description: string | null;
  metadata: Metadata;
  status: "enabled" | "disabled";
  /** Only present in the create response; stored apart (see `endpointSecrets`). */
  secret?: string;
}

export interface EventObject extends Base {
  object: "event";
  /** The connected account an event happened on (Connect endpoints only). */
  account?: string;
  api_version: string;
  type: string;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
}

export interface TestClockObject extends Base {
  object: "test_helpers.test_clock";
  deletes_after: number;
  frozen_time: number;
  name: string | null;
  status: "ready" | "advancing" | "internal_failure";
  status_details: Record<string, unknown>;
}

/** One attempt to deliver one event to one endpoint (the emulator's delivery log). */
export interface WebhookDeliveryRecord {
  id: string;
  event_id: string;
  endpoint_id: string;
  attempt: number;
  http_status: number | null;
  succeeded: boolean;
  error: string | null;
  /** Wall-clock milliseconds. */
  delivered_at_ms: number;
}

/** A stored first answer for an Idempotency-Key (facts §4: replayed for 24 h, mismatch → 400). */
export interface IdempotencyRecord {
  id: string;
  method: string;
  path: string;
  fingerprint: string;
  status: number;
  body: string;
  created: number;
}

/** Emulator-only: the test card number behind a payment method, and whether it was set up for reuse. */
export interface CardNumberRecord {
  /** The payment method id. */
  id: string;
  number: string;
  /** 3155-style cards stop asking for authentication off-session once set up (facts §7.1). */
  setUpForFutureUse: boolean;
}
