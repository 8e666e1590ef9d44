/**
 * What the customer-portal API (`/v1/customer-portal/…`, customer-session auth) answers: the customer's
 * own view of its records, without the organization's metadata, fees or other customers.
 */
import {
  serializeOrder,
  serializeSubscription,
  serializeSubscriptionScalars,
} from "./billing-serializers.js";
import {
  catalogPrices,
  serializeBenefit,
  serializeBenefitGrant,
  serializePrice,
  serializeProductScalars,
} from "./catalog-serializers.js";
import type { CustomerMeterBalance } from "./meter-usage.js";
import type {
  BenefitGrantRecord,
  BenefitRecord,
  CustomerRecord,
  OrderRecord,
  ProductRecord,
  SubscriptionRecord,
} from "./polar-records.js";
import type { PolarStore } from "./polar-store.js";

type Json = Record<string, unknown>;

/** CustomerPortalCustomer. */
export function serializePortalCustomer(customer: CustomerRecord): Json {
  return {
    created_at: customer.created_at,
    modified_at: customer.modified_at,
    id: customer.id,
    email: customer.email,
    email_verified: false,
    name: customer.name,
    billing_name: customer.name,
    billing_address: customer.billing_address,
    tax_id: customer.tax_id,
    oauth_accounts: {},
    default_payment_method_id: null,
    type: customer.type,
    locale: customer.locale,
  };
}

function organizationHeader(store: PolarStore): Json {
  const organization = store.organization;
  return {
    created_at: organization.created_at,
    modified_at: organization.modified_at,
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    avatar_url: null,
    proration_behavior: "prorate",
    allow_customer_updates: true,
  };
}

/** CustomerOrganization: the organization header plus the portal settings the emulator honours. */
function customerOrganization(store: PolarStore): Json {
  return {
    ...organizationHeader(store),
    customer_portal_settings: {
      usage: { show: true },
      subscription: { update_seats: false, update_plan: false, pause: false },
    },
  };
}

/** BenefitPublic: no metadata, no properties. */
function publicBenefit(store: PolarStore, benefit: BenefitRecord): Json {
  const { metadata: _metadata, properties: _properties, ...rest } = serializeBenefit(store, benefit);
  return rest;
}

/** CustomerSubscriptionProduct and CustomerOrderProduct share this shape. */
function customerProduct(store: PolarStore, product: ProductRecord): Json {
  const { metadata: _metadata, ...scalars } = serializeProductScalars(store, product);
  return {
    ...scalars,
    prices: catalogPrices(store, product).map((price) => serializePrice(store, price)),
    benefits: product.benefit_ids.flatMap((id) => {
      const benefit = store.benefits.get(id);
      return benefit && !benefit.is_deleted ? [publicBenefit(store, benefit)] : [];
    }),
    medias: [],
    organization: customerOrganization(store),
  };
}

/** CustomerSubscription. */
export function serializeCustomerSubscription(store: PolarStore, subscription: SubscriptionRecord): Json {
  const full = serializeSubscription(store, subscription);
  const product = store.products.get(subscription.product_id);
  const {
    metadata: _metadata,
    custom_field_data: _fields,
    ...scalars
  } = serializeSubscriptionScalars(subscription);
  return {
    ...scalars,
    product: product ? customerProduct(store, product) : null,
    prices: full.prices,
    meters: (full.meters as Json[]).map(({ meter, ...rest }) => {
      const { id, name, created_at, modified_at } = meter as Json;
      return { ...rest, meter: { id, name, created_at, modified_at } };
    }),
    pending_update: null,
  };
}

/** CustomerOrder. */
export function serializeCustomerOrder(store: PolarStore, order: OrderRecord): Json {
  const {
    customer: _customer,
    metadata: _metadata,
    platform_fee_amount: _fee,
    platform_fee_currency: _feeCurrency,
    custom_field_data: _fields,
    discount: _discount,
    next_payment_attempt_at,
    ...rest
  } = serializeOrder(store, order);
  const product = order.product_id ? store.products.get(order.product_id) : undefined;
  const subscription = order.subscription_id ? store.subscriptions.get(order.subscription_id) : undefined;
  let customerSubscription: Json | null = null;
  if (subscription) {
    const { metadata: _subscriptionMetadata, ...scalars } = serializeSubscriptionScalars(subscription);
    customerSubscription = scalars;
  }
  return {
    ...rest,
    next_payment_attempt_at,
    product: product ? customerProduct(store, product) : null,
    subscription: customerSubscription,
  };
}

/** CustomerBenefitGrant: the grant with the portal customer and the subscriber's view of the benefit. */
export function serializeCustomerBenefitGrant(store: PolarStore, grant: BenefitGrantRecord): Json {
  const {
    customer: _customer,
    member: _member,
    benefit: _benefit,
    ...rest
  } = serializeBenefitGrant(store, grant);
  const customer = store.customers.get(grant.customer_id);
  const benefit = store.benefits.get(grant.benefit_id);
  return {
    ...rest,
    customer: customer ? serializePortalCustomer(customer) : null,
    benefit: benefit ? subscriberBenefit(store, benefit) : null,
  };
}

/** Benefit…Subscriber: the benefit with its organization; SDK 0.47 requires its metadata too. */
function subscriberBenefit(store: PolarStore, benefit: BenefitRecord): Json {
  return {
    ...serializeBenefit(store, benefit),
    organization: organizationHeader(store),
    properties: subscriberProperties(benefit),
  };
}

/** What a subscriber may see of a benefit's properties (Benefit…SubscriberProperties). */
function subscriberProperties(benefit: BenefitRecord): Json {
  const properties = benefit.properties;
  if (benefit.type === "custom") return { note: properties.note ?? null };
  if (benefit.type === "meter_credit") {
    return { units: properties.units, rollover: properties.rollover, meter_id: properties.meter_id };
  }
  return {};
}

/** CustomerCustomerMeter, from one meter balance of the customer. */
export function serializeCustomerMeter(
  store: PolarStore,
  customer: CustomerRecord,
  balance: CustomerMeterBalance,
): Json {
  const meter = store.meters.get(balance.meterId);
  return {
    id: balance.meterId,
    created_at: customer.created_at,
    modified_at: null,
    customer_id: customer.id,
    meter_id: balance.meterId,
    consumed_units: balance.consumedUnits,
    credited_units: balance.creditedUnits,
    balance: balance.balance,
    meter: {
      created_at: meter?.created_at ?? customer.created_at,
      modified_at: meter?.modified_at ?? null,
      id: balance.meterId,
      name: meter?.name ?? "",
    },
  };
}
