import {
  catalogPrices,
  serializeCustomer,
  serializeMeter,
  serializePrice,
  serializeProduct,
  serializeProductScalars,
} from "./catalog-serializers.js";
import {
  type CheckoutRecord,
  type CustomerSessionRecord,
  type OrderRecord,
  POLAR_API_VERSION,
  type RefundRecord,
  type SubscriptionRecord,
  type WebhookDeliveryRecord,
  type WebhookEndpointRecord,
  type WebhookEventRecord,
} from "./polar-records.js";
import type { PolarStore } from "./polar-store.js";

type Json = Record<string, unknown>;

/** The URL a person opens to pay: `<emulator>/checkout/<client_secret>`. */
export function checkoutPageUrl(baseUrl: string, checkout: CheckoutRecord): string {
  return `${baseUrl}/checkout/${checkout.client_secret}`;
}

export function checkoutSuccessUrl(baseUrl: string, checkout: CheckoutRecord): string {
  return (
    checkout.success_url ?? `${checkoutPageUrl(baseUrl, checkout)}/confirmation?checkout_id={CHECKOUT_ID}`
  );
}

/** Amounts and the payment flags Polar derives from the selected price. */
function checkoutPaymentFields(store: PolarStore, checkout: CheckoutRecord): Json {
  const product = store.products.get(checkout.product_id);
  const price = store.prices.get(checkout.product_price_id);
  const isRecurring = product?.recurring_interval != null;
  const isPaymentRequired = checkout.amount > 0;
  const hasMeteredPrice = product
    ? catalogPrices(store, product).some((row) => row.amount_type === "metered_unit")
    : false;
  const isPaymentSetupRequired = isRecurring && (hasMeteredPrice || product?.trial_interval != null);
  const settled = checkout.status === "succeeded" || checkout.status === "confirmed";
  return {
    amount: checkout.amount,
    seats: null,
    min_seats: null,
    max_seats: null,
    // Unit-based pricing (SDK 1.x requires the keys); the emulator has no unit-based prices.
    units: null,
    min_units: null,
    max_units: null,
    discount_amount: 0,
    net_amount: checkout.amount,
    // Polar leaves tax null until it has enough information; the emulator computes no tax.
    tax_amount: settled ? 0 : null,
    tax_behavior: null,
    total_amount: checkout.amount,
    currency: checkout.currency,
    allow_trial: checkout.allow_trial,
    active_trial_interval: checkout.allow_trial ? (product?.trial_interval ?? null) : null,
    active_trial_interval_count: checkout.allow_trial ? (product?.trial_interval_count ?? null) : null,
    trial_end: null,
    is_discount_applicable: false,
    is_free_product_price: price?.amount_type === "fixed" && price.price_amount === 0,
    is_payment_required: isPaymentRequired,
    is_payment_setup_required: isPaymentSetupRequired,
    is_payment_form_required: isPaymentRequired || isPaymentSetupRequired,
  };
}

function checkoutCustomerFields(checkout: CheckoutRecord): Json {
  return {
    customer_id: checkout.customer_id,
    is_business_customer: checkout.is_business_customer,
    customer_name: checkout.customer_name,
    customer_email: checkout.customer_email,
    customer_ip_address: checkout.customer_ip_address,
    customer_billing_name: checkout.customer_billing_name,
    customer_billing_address: checkout.customer_billing_address,
    customer_tax_id: checkout.customer_tax_id,
    external_customer_id: checkout.external_customer_id,
    // The deprecated name Polar still sends; SDKs up to 0.42 require it.
    customer_external_id: checkout.external_customer_id,
    customer_metadata: checkout.customer_metadata,
  };
}

export function serializeCheckout(store: PolarStore, baseUrl: string, checkout: CheckoutRecord): Json {
  const products = checkout.product_ids.flatMap((id) => {
    const product = store.products.get(id);
    return product ? [product] : [];
  });
  const product = store.products.get(checkout.product_id);
  const price = store.prices.get(checkout.product_price_id);
  return {
    id: checkout.id,
    created_at: checkout.created_at,
    modified_at: checkout.modified_at,
    custom_field_data: {},
    payment_processor: "stripe",
    status: checkout.status,
    client_secret: checkout.client_secret,
    url: checkoutPageUrl(baseUrl, checkout),
    expires_at: checkout.expires_at,
    success_url: checkoutSuccessUrl(baseUrl, checkout),
    return_url: checkout.return_url,
    embed_origin: checkout.embed_origin,
    ...checkoutPaymentFields(store, checkout),
    ...checkoutCustomerFields(checkout),
    organization_id: store.organization.id,
    product_id: checkout.product_id,
    product_price_id: checkout.product_price_id,
    discount_id: null,
    allow_discount_codes: checkout.allow_discount_codes,
    require_billing_address: checkout.require_billing_address,
    locale: null,
    payment_method_type: null,
    payment_processor_metadata: {},
    billing_address_fields: billingAddressFields(checkout.require_billing_address),
    trial_interval: null,
    trial_interval_count: null,
    metadata: checkout.metadata,
    products: products.map((row) => serializeCheckoutProduct(store, row.id)),
    product: product ? serializeCheckoutProduct(store, product.id) : null,
    product_price: price ? serializePrice(store, price) : null,
    prices: Object.fromEntries(
      products.map((row) => [row.id, catalogPrices(store, row).map((entry) => serializePrice(store, entry))]),
    ),
    discount: null,
    subscription_id: checkout.subscription_id,
    attached_custom_fields: [],
  };
}

function serializeCheckoutProduct(store: PolarStore, productId: string): Json {
  const product = store.products.get(productId);
  if (!product) return {};
  const { metadata: _metadata, attached_custom_fields: _fields, ...rest } = serializeProduct(store, product);
  return rest;
}

function billingAddressFields(required: boolean): Json {
  const mode = required ? "required" : "optional";
  return { country: "required", state: mode, city: mode, postal_code: mode, line1: mode, line2: "optional" };
}

/** CheckoutPublic: what the client-secret endpoints return (adds the organization). */
export function serializeCheckoutPublic(store: PolarStore, baseUrl: string, checkout: CheckoutRecord): Json {
  const organization = store.organization;
  return {
    ...serializeCheckout(store, baseUrl, checkout),
    organization: {
      created_at: organization.created_at,
      modified_at: organization.modified_at,
      id: organization.id,
      name: organization.name,
      slug: organization.slug,
      avatar_url: null,
      proration_behavior: "prorate",
      allow_customer_updates: true,
    },
  };
}

export function serializeSubscriptionScalars(subscription: SubscriptionRecord): Json {
  const { price_ids: _prices, ...scalars } = subscription;
  return {
    ...scalars,
    current_meter_period_start: null,
    current_meter_period_end: null,
    discount_id: null,
    seats: null,
    units: null,
    // The deprecated name of `customer_id` Polar still sends; SDKs up to 0.42 require it.
    user_id: subscription.customer_id,
  };
}

export function serializeSubscription(store: PolarStore, subscription: SubscriptionRecord): Json {
  const customer = store.customers.get(subscription.customer_id);
  const product = store.products.get(subscription.product_id);
  const prices = subscription.price_ids.flatMap((id) => {
    const price = store.prices.get(id);
    return price ? [price] : [];
  });
  return {
    ...serializeSubscriptionScalars(subscription),
    customer: customer ? serializeCustomer(store, customer) : null,
    product: product ? serializeProduct(store, product) : null,
    discount: null,
    prices: prices.map((price) => serializePrice(store, price)),
    meters: prices.flatMap((price) => {
      const meter = price.meter_id ? store.meters.get(price.meter_id) : undefined;
      if (!meter) return [];
      return [
        {
          created_at: subscription.created_at,
          modified_at: null,
          id: price.id,
          consumed_units: 0,
          credited_units: 0,
          amount: 0,
          meter_id: meter.id,
          meter: serializeMeter(store, meter),
        },
      ];
    }),
    pending_update: null,
    custom_field_data: {},
  };
}

export function orderTotals(order: OrderRecord): { net: number; total: number; paid: boolean } {
  const net = order.subtotal_amount - order.discount_amount;
  const paid =
    order.status === "paid" || order.status === "refunded" || order.status === "partially_refunded";
  return { net, total: net + order.tax_amount, paid };
}

export function serializeOrder(store: PolarStore, order: OrderRecord): Json {
  const customer = store.customers.get(order.customer_id);
  const product = order.product_id ? store.products.get(order.product_id) : undefined;
  const subscription = order.subscription_id ? store.subscriptions.get(order.subscription_id) : undefined;
  const { net, total, paid } = orderTotals(order);
  const { items, payment_attempts: _attempts, ...scalars } = order;
  return {
    ...scalars,
    paid,
    net_amount: net,
    total_amount: total,
    applied_balance_amount: 0,
    due_amount: paid || order.status === "void" ? 0 : total,
    refunded_tax_amount: 0,
    is_invoice_generated: false,
    receipt_number: null,
    discount_id: null,
    platform_fee_amount: 0,
    platform_fee_currency: null,
    customer: customer ? serializeCustomer(store, customer) : null,
    product: product ? serializeProductScalars(store, product) : null,
    discount: null,
    subscription: subscription ? serializeSubscriptionScalars(subscription) : null,
    // Items carry their service period since unit-based billing; the emulator records none.
    items: items.map((item) => ({ ...item, start_timestamp: null, end_timestamp: null })),
    description: product?.name ?? "Order",
    refundable_amount: paid ? net - order.refunded_amount : 0,
    refundable_tax_amount: 0,
    seats: null,
    units: null,
    // Deprecated `customer_id` alias that SDKs up to 0.42 require.
    user_id: order.customer_id,
    custom_field_data: {},
  };
}

export function serializeRefund(store: PolarStore, refund: RefundRecord): Json {
  const { comment: _comment, ...scalars } = refund;
  return { ...scalars, organization_id: store.organization.id, dispute: null };
}

export function serializeCustomerSession(
  store: PolarStore,
  baseUrl: string,
  session: CustomerSessionRecord,
): Json {
  const customer = store.customers.get(session.customer_id);
  const portalUrl = new URL(`${baseUrl}/${store.organization.slug}/portal`);
  portalUrl.searchParams.set("customer_session_token", session.token);
  if (customer) portalUrl.searchParams.set("email", customer.email);
  return {
    ...session,
    customer_portal_url: portalUrl.toString(),
    customer: customer ? serializeCustomer(store, customer) : null,
  };
}

export function serializeWebhookEndpoint(store: PolarStore, endpoint: WebhookEndpointRecord): Json {
  const {
    consecutive_failed_events: _failures,
    api_version: apiVersion,
    signature_scheme: scheme,
    ...fields
  } = endpoint;
  return {
    ...fields,
    api_version: apiVersion ?? POLAR_API_VERSION,
    organization_id: store.organization.id,
    uses_standard_webhook_signature: scheme === "standard-base64",
  };
}

export function serializeWebhookEvent(event: WebhookEventRecord): Json {
  const { endpoint_id: _endpoint, ...fields } = event;
  return { ...fields, is_archived: false };
}

export function serializeWebhookDelivery(store: PolarStore, delivery: WebhookDeliveryRecord): Json {
  const event = store.webhookEvents.get(delivery.webhook_event_id);
  const { endpoint_id: _endpoint, webhook_event_id: _event, ...fields } = delivery;
  return { ...fields, webhook_event: event ? serializeWebhookEvent(event) : null };
}
