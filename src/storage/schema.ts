import type { Generated } from "kysely";

/** Row types of every table, as Kysely sees them. Times are epoch milliseconds in int8 columns. */
export interface Schema {
  ledger_accounts: LedgerAccountsTable;
  ledger_transactions: LedgerTransactionsTable;
  ledger_entries: LedgerEntriesTable;
  ledger_balances: LedgerBalancesTable;
  api_keys: ApiKeysTable;
  idempotency_keys: IdempotencyKeysTable;
  instance_leases: InstanceLeasesTable;
  customers: CustomersTable;
  catalog_products: CatalogProductsTable;
  checkouts: CheckoutsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  subscriptions: SubscriptionsTable;
  orders: OrdersTable;
  entitlements: EntitlementsTable;
  sync_cursors: { name: string; value_ms: number };
  provider_grants: {
    provider_grant_id: string;
    provider: string;
    customer_id: string;
    active: number;
    provider_modified_at_ms: number;
  };
  credit_grants: CreditGrantsTable;
  credit_holds: CreditHoldsTable;
  usage_events: UsageEventsTable;
  usage_meter_values: UsageMeterValuesTable;
  marketplace_sellers: MarketplaceSellersTable;
  marketplace_tiers: MarketplaceTiersTable;
  marketplace_charges: MarketplaceChargesTable;
  marketplace_refund_reports: { provider_payment_id: string; refunded_minor: number };
  marketplace_payouts: MarketplacePayoutsTable;
  marketplace_memberships: MarketplaceMembershipsTable;
  marketplace_disputes: MarketplaceDisputesTable;
  domain_events: DomainEventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  outbound_deliveries: OutboundDeliveriesTable;
  settings: { key: string; value_json: string; updated_at_ms: number; updated_by: string };
  billhook_secrets: { name: string; value: string; created_at_ms: number };
  dashboard_sessions: DashboardSessionsTable;
  usage_meter_totals: UsageMeterTotalsTable;
  usage_sync_outbox: UsageSyncOutboxTable;
}

export interface DashboardSessionsTable {
  token_hash: string;
  api_key_id: string;
  csrf_token: string;
  created_at_ms: number;
  last_seen_at_ms: number;
  expires_at_ms: number;
}

export interface MarketplaceSellersTable {
  id: string;
  external_id: string;
  handle: string;
  email: string;
  country: string;
  provider: string;
  provider_account_id: string | null;
  details_submitted: number;
  charges_enabled: number;
  payouts_enabled: number;
  requirements_json: string;
  provider_modified_at_ms: number;
  created_at_ms: number;
}

export interface MarketplaceTiersTable {
  id: string;
  seller_id: string;
  name: string;
  description: string | null;
  amount_minor: number;
  currency: string;
  interval: string;
  status: string;
  provider_product_id: string | null;
  provider_price_id: string | null;
  created_at_ms: number;
  updated_at_ms: number;
}

export interface MarketplaceChargesTable {
  provider_payment_id: string;
  seller_id: string;
  kind: string;
  tier_id: string | null;
  customer_id: string | null;
  currency: string;
  gross_minor: number;
  fee_bps: number;
  platform_fee_minor: number;
  provider_fee_minor: number;
  seller_net_minor: number;
  refunded_minor: number;
  disputed_minor: number;
  status: string;
  paid_at_ms: number;
  available_at_ms: number;
}

export interface MarketplaceDisputesTable {
  provider_dispute_id: string;
  provider_payment_id: string;
  amount_minor: number;
  currency: string;
  status: string;
  reason: string | null;
  held_minor: number;
  recovery_status: string | null;
  recovery_minor: number;
  recovery_attempts: number;
  recovery_error: string | null;
  provider_reversal_id: string | null;
  provider_modified_at_ms: number;
  created_at_ms: number;
}

export interface MarketplacePayoutsTable {
  provider_payout_id: string;
  seller_id: string;
  amount_minor: number;
  currency: string;
  status: string;
  booked_paid: number;
  provider_modified_at_ms: number;
  created_at_ms: number;
}

export interface MarketplaceMembershipsTable {
  provider_subscription_id: string;
  seller_id: string;
  tier_id: string | null;
  customer_id: string;
  status: string;
  cancel_at_period_end: number;
  current_period_end_ms: number | null;
  provider_modified_at_ms: number;
  created_at_ms: number;
}

export interface DomainEventsTable {
  sequence: Generated<number>;
  id: string;
  type: string;
  customer_id: string | null;
  data_json: string;
  occurred_at_ms: number;
  dispatched: number;
}

export interface WebhookEndpointsTable {
  id: string;
  url: string;
  description: string;
  event_types_json: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at_ms: number | null;
  status: string;
  pause_reason: string | null;
  consecutive_failures: number;
  created_at_ms: number;
  updated_at_ms: number;
}

export interface OutboundDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  event_sequence: number;
  ordering_key: string | null;
  status: string;
  attempts: number;
  next_attempt_at_ms: number;
  locked_until_ms: number;
  last_attempt_at_ms: number | null;
  last_status_code: number | null;
  last_error: string | null;
  last_response_body: string | null;
  delivered_at_ms: number | null;
  created_at_ms: number;
}

export interface UsageMeterTotalsTable {
  customer_id: string;
  meter: string;
  timestamp_ms: number;
  event_count: number;
  value_sum: number;
  value_max: number;
}

export interface UsageEventsTable {
  customer_id: string;
  idempotency_key: string;
  event_name: string;
  value: number;
  properties_json: string;
  timestamp_ms: number;
  received_at_ms: number;
}

export interface UsageMeterValuesTable {
  customer_id: string;
  meter: string;
  idempotency_key: string;
  timestamp_ms: number;
  value: number;
  unique_value: string | null;
}

export interface UsageSyncOutboxTable {
  id: Generated<number>;
  customer_id: string;
  idempotency_key: string;
  state: Generated<"pending" | "dead">;
  attempts: Generated<number>;
  available_at_ms: number;
  lease_owner: string | null;
  lease_expires_at_ms: number | null;
  last_error: string | null;
  created_at_ms: number;
  dead_at_ms: number | null;
}

export interface CreditGrantsTable {
  id: string;
  customer_id: string;
  credit_type: string;
  source_kind: string;
  source_id: string;
  amount_granted: number;
  amount_remaining: number;
  amount_expired: number;
  amount_clawed_back: number;
  priority: number;
  expires_at_ms: number | null;
  granted_at_ms: number;
}

export interface CreditHoldsTable {
  id: string;
  customer_id: string;
  credit_type: string;
  idempotency_key: string;
  amount_held: number;
  amount_committed: number | null;
  status: string;
  allocations_json: string;
  metadata_json: string;
  expires_at_ms: number;
  created_at_ms: number;
  settled_at_ms: number | null;
}

export interface CustomersTable {
  id: string;
  email: string | null;
  name: string | null;
  provider: string;
  provider_customer_id: string | null;
  created_at_ms: number;
  updated_at_ms: number;
}

export interface CatalogProductsTable {
  provider: string;
  catalog_key: string;
  provider_product_id: string;
  pushed_at_ms: number;
}

export interface CheckoutsTable {
  id: string;
  customer_id: string;
  catalog_key: string;
  provider: string;
  provider_checkout_id: string;
  url: string;
  amount_minor: number | null;
  status: string;
  created_at_ms: number;
  updated_at_ms: number;
}

export interface WebhookDeliveriesTable {
  id: string;
  provider: string;
  delivery_id: string;
  event_type: string;
  payload: string;
  status: string;
  attempts: number;
  last_error: string | null;
  received_at_ms: number;
  next_attempt_at_ms: number;
  locked_until_ms: number;
  processed_at_ms: number | null;
}

export interface SubscriptionsTable {
  provider_subscription_id: string;
  provider: string;
  customer_id: string;
  catalog_key: string;
  status: string;
  cancel_at_period_end: number;
  current_period_start_ms: number;
  current_period_end_ms: number | null;
  past_due_at_ms: number | null;
  ended_at_ms: number | null;
  provider_modified_at_ms: number;
  updated_at_ms: number;
}

export interface OrdersTable {
  provider_order_id: string;
  provider: string;
  customer_id: string;
  catalog_key: string | null;
  provider_subscription_id: string | null;
  status: string;
  billing_reason: string;
  currency: string;
  net_minor: number;
  tax_minor: number;
  total_minor: number;
  provider_fee_minor: number;
  refunded_minor: number;
  refunded_tax_minor: number;
  provider_modified_at_ms: number;
  updated_at_ms: number;
}

export interface EntitlementsTable {
  customer_id: string;
  feature_key: string;
  source_kind: string;
  source_id: string;
  catalog_key: string;
  active_until_ms: number | null;
  lapse_code: string | null;
  updated_at_ms: number;
}

export interface LedgerAccountsTable {
  id: string;
  kind: string;
  owner_id: string;
  currency: string;
  created_at_ms: number;
}

export interface LedgerTransactionsTable {
  id: string;
  description: string;
  metadata_json: string;
  content_hash: string;
  posted_at_ms: number;
}

export interface LedgerEntriesTable {
  sequence: Generated<number>;
  transaction_id: string;
  account_id: string;
  currency: string;
  amount_minor: number;
  posted_at_ms: number;
}

export interface LedgerBalancesTable {
  account_id: string;
  currency: string;
  balance_minor: number;
  entry_count: number;
  updated_at_ms: number;
}

export interface ApiKeysTable {
  id: string;
  prefix: string;
  secret_hash: string;
  scope: string;
  name: string;
  created_at_ms: number;
  revoked_at_ms: number | null;
}

export interface IdempotencyKeysTable {
  principal_id: string;
  idempotency_key: string;
  request_hash: string;
  state: string;
  response_status: number | null;
  response_headers_json: string | null;
  response_body: string | null;
  locked_until_ms: number;
  created_at_ms: number;
  expires_at_ms: number;
  owner_instance_id: string | null;
  claim_id: string | null;
}

export interface InstanceLeasesTable {
  instance_id: string;
  started_at_ms: number;
  renewed_at_ms: number;
  expires_at_ms: number;
}
