/**
 * The emulator's stored records. They keep Polar's wire names (snake_case) so that a persisted state file
 * reads like Polar data; derived and embedded fields are added by the serializers.
 */
import type { RecurringInterval } from "../shared/billing-calendar.js";

export type { RecurringInterval };

/** The API version the emulator answers with (SDK 0.49's default; 2026-10 reads the same here). */
export const POLAR_API_VERSION = "2026-04";
/** The versions a webhook endpoint may ask its payloads in. */
export const POLAR_API_VERSIONS = ["2026-04", "2026-10"] as const;
export type Metadata = Record<string, string | number | boolean>;
export type SubscriptionStatus =
  | "incomplete"
  | "incomplete_expired"
  | "trialing"
  | "active"
  | "past_due"
  | "canceled"
  | "unpaid"
  | "paused";
export type OrderStatus = "pending" | "paid" | "refunded" | "partially_refunded" | "void";
export type CheckoutStatus = "open" | "expired" | "confirmed" | "succeeded" | "failed";

interface Timestamps {
  id: string;
  created_at: string;
  modified_at: string | null;
}

export interface PriceRecord extends Timestamps {
  product_id: string;
  source: "catalog" | "ad_hoc";
  amount_type: "fixed" | "custom" | "metered_unit";
  price_currency: string;
  is_archived: boolean;
  price_amount: number | null;
  minimum_amount: number | null;
  maximum_amount: number | null;
  preset_amount: number | null;
  unit_amount: string | null;
  cap_amount: number | null;
  meter_id: string | null;
}

export interface ProductRecord extends Timestamps {
  name: string;
  description: string | null;
  visibility: "draft" | "private" | "public";
  recurring_interval: RecurringInterval | null;
  recurring_interval_count: number | null;
  trial_interval: RecurringInterval | null;
  trial_interval_count: number | null;
  is_archived: boolean;
  metadata: Metadata;
  price_ids: string[];
  benefit_ids: string[];
}

export interface AddressRecord {
  country: string;
  line1?: string | null;
  line2?: string | null;
  postal_code?: string | null;
  city?: string | null;
  state?: string | null;
}

export interface CustomerRecord extends Timestamps {
  type: "individual" | "team";
  email: string;
  name: string | null;
  external_id: string | null;
  metadata: Metadata;
  billing_address: AddressRecord | null;
  tax_id: [string, string] | null;
  locale: string | null;
  deleted_at: string | null;
  /** The test card saved at checkout; renewals charge it. */
  payment_card: string | null;
}

export interface CheckoutRecord extends Timestamps {
  status: CheckoutStatus;
  client_secret: string;
  expires_at: string;
  success_url: string | null;
  return_url: string | null;
  embed_origin: string | null;
  product_ids: string[];
  product_id: string;
  product_price_id: string;
  amount: number;
  currency: string;
  customer_id: string | null;
  customer_email: string | null;
  customer_name: string | null;
  customer_billing_name: string | null;
  customer_billing_address: AddressRecord | null;
  customer_ip_address: string | null;
  customer_tax_id: string | null;
  external_customer_id: string | null;
  metadata: Metadata;
  customer_metadata: Metadata;
  allow_trial: boolean;
  allow_discount_codes: boolean;
  require_billing_address: boolean;
  is_business_customer: boolean;
  subscription_id: string | null;
  order_id: string | null;
  failure_reason: string | null;
}

export interface SubscriptionRecord extends Timestamps {
  status: SubscriptionStatus;
  amount: number;
  currency: string;
  recurring_interval: RecurringInterval;
  recurring_interval_count: number;
  current_period_start: string;
  current_period_end: string;
  trial_start: string | null;
  trial_end: string | null;
  cancel_at_period_end: boolean;
  canceled_at: string | null;
  started_at: string | null;
  ends_at: string | null;
  ended_at: string | null;
  pause_at_period_end: boolean;
  paused_at: string | null;
  resumes_at: string | null;
  past_due_at: string | null;
  customer_id: string;
  product_id: string;
  price_ids: string[];
  checkout_id: string | null;
  customer_cancellation_reason: string | null;
  customer_cancellation_comment: string | null;
  metadata: Metadata;
}

export interface OrderItemRecord extends Timestamps {
  label: string;
  amount: number;
  tax_amount: number;
  proration: boolean;
  product_price_id: string | null;
}

export interface OrderRecord extends Timestamps {
  status: OrderStatus;
  subtotal_amount: number;
  discount_amount: number;
  tax_amount: number;
  refunded_amount: number;
  currency: string;
  billing_reason: "purchase" | "subscription_create" | "subscription_cycle" | "subscription_update";
  billing_name: string | null;
  billing_address: AddressRecord | null;
  invoice_number: string | null;
  customer_id: string;
  product_id: string | null;
  subscription_id: string | null;
  checkout_id: string | null;
  metadata: Metadata;
  items: OrderItemRecord[];
  /** Failed payment attempts so far (dunning). */
  payment_attempts: number;
  next_payment_attempt_at: string | null;
}

export interface RefundRecord extends Timestamps {
  metadata: Metadata;
  status: "pending" | "succeeded" | "failed" | "canceled";
  reason: string;
  amount: number;
  tax_amount: number;
  currency: string;
  order_id: string;
  subscription_id: string | null;
  customer_id: string;
  revoke_benefits: boolean;
  comment: string | null;
}

export interface MeterFilterClause {
  property: string;
  operator: "eq" | "ne" | "gt" | "gte" | "lt" | "lte" | "like" | "not_like";
  value: string | number | boolean;
}
export interface MeterFilter {
  conjunction: "and" | "or";
  clauses: Array<MeterFilterClause | MeterFilter>;
}
export type MeterAggregation =
  | { func: "count" }
  | { func: "sum" | "max" | "min" | "avg"; property: string }
  | { func: "unique"; property: string };

export interface MeterRecord extends Timestamps {
  name: string;
  unit: "scalar" | "token" | "custom";
  custom_label: string | null;
  custom_multiplier: number | null;
  filter: MeterFilter;
  aggregation: MeterAggregation;
  metadata: Metadata;
  archived_at: string | null;
}

export interface EventRecord {
  id: string;
  timestamp: string;
  name: string;
  customer_id: string | null;
  external_customer_id: string | null;
  external_id: string | null;
  parent_id: string | null;
  metadata: Metadata;
}

export type BenefitType = "custom" | "feature_flag" | "meter_credit";
export interface BenefitRecord extends Timestamps {
  type: BenefitType;
  description: string;
  metadata: Metadata;
  properties: Record<string, unknown>;
  is_deleted: boolean;
}

export interface BenefitGrantRecord extends Timestamps {
  benefit_id: string;
  customer_id: string;
  subscription_id: string | null;
  order_id: string | null;
  granted_at: string | null;
  revoked_at: string | null;
  properties: Record<string, unknown>;
}

export interface CustomerSessionRecord extends Timestamps {
  token: string;
  expires_at: string;
  return_url: string | null;
  customer_id: string;
}

export interface WebhookEndpointRecord extends Timestamps {
  url: string;
  name: string | null;
  format: "raw" | "discord" | "slack";
  secret: string;
  events: string[];
  enabled: boolean;
  /** The API version of the payloads (`2026-04` when created before the field was recorded). */
  api_version?: string;
  /**
   * How deliveries are signed: Polar's original HMAC keyed with the UTF-8 bytes of the whole secret
   * (the default, and what every SDK verifies), or Standard Webhooks (base64 of what follows `whsec_`),
   * which Polar uses for secrets made since 2026-09-08.
   */
  signature_scheme?: "polar-utf8" | "standard-base64";
  /** Events in a row that failed for good; 10 disables the endpoint. */
  consecutive_failed_events: number;
}

export interface WebhookEventRecord extends Timestamps {
  endpoint_id: string;
  type: string;
  payload: string;
  last_http_code: number | null;
  succeeded: boolean | null;
  skipped: boolean;
}

export interface WebhookDeliveryRecord extends Timestamps {
  webhook_event_id: string;
  endpoint_id: string;
  succeeded: boolean;
  http_code: number | null;
  response: string | null;
}

export interface OrganizationRecord extends Timestamps {
  name: string;
  slug: string;
}
