import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { customerMeterBalances } from "./meter-usage.js";
import type {
  BenefitGrantRecord,
  BenefitRecord,
  CustomerRecord,
  EventRecord,
  MeterRecord,
  PriceRecord,
  ProductRecord,
} from "./polar-records.js";
import type { PolarStore } from "./polar-store.js";

type Json = Record<string, unknown>;

/**
 * Prices in Polar's ProductPrice union (discriminated by `amount_type`). `type` and `recurring_interval`
 * are deprecated (the product carries them) but Polar still sends them, and SDKs up to 0.42 require them.
 */
export function serializePrice(store: PolarStore, price: PriceRecord): Json {
  const product = store.products.get(price.product_id);
  const recurringInterval = product?.recurring_interval ?? null;
  const base = {
    created_at: price.created_at,
    modified_at: price.modified_at,
    id: price.id,
    source: price.source,
    amount_type: price.amount_type,
    price_currency: price.price_currency,
    tax_behavior: null,
    is_archived: price.is_archived,
    product_id: price.product_id,
    type: recurringInterval ? "recurring" : "one_time",
    recurring_interval: recurringInterval,
  };
  if (price.amount_type === "fixed") return { ...base, price_amount: price.price_amount ?? 0 };
  if (price.amount_type === "custom") {
    return {
      ...base,
      minimum_amount: price.minimum_amount ?? 0,
      maximum_amount: price.maximum_amount,
      preset_amount: price.preset_amount,
    };
  }
  const meter = price.meter_id ? store.meters.get(price.meter_id) : undefined;
  return {
    ...base,
    unit_amount: price.unit_amount ?? "0",
    cap_amount: price.cap_amount,
    meter_id: price.meter_id,
    meter: {
      id: price.meter_id,
      name: meter?.name ?? "",
      unit: meter?.unit ?? "scalar",
      custom_label: meter?.custom_label ?? null,
      custom_multiplier: meter?.custom_multiplier ?? null,
    },
  };
}

export function serializeBenefit(store: PolarStore, benefit: BenefitRecord): Json {
  return {
    id: benefit.id,
    created_at: benefit.created_at,
    modified_at: benefit.modified_at,
    type: benefit.type,
    description: benefit.description,
    selectable: true,
    deletable: true,
    is_deleted: benefit.is_deleted,
    organization_id: store.organization.id,
    metadata: benefit.metadata,
    visibility: "public",
    properties: benefit.properties,
    visibility_configurable: true,
  };
}

/** Product scalars only: the shape of OrderProduct. */
export function serializeProductScalars(store: PolarStore, product: ProductRecord): Json {
  return {
    id: product.id,
    created_at: product.created_at,
    modified_at: product.modified_at,
    trial_interval: product.trial_interval,
    trial_interval_count: product.trial_interval_count,
    name: product.name,
    description: product.description,
    visibility: product.visibility,
    recurring_interval: product.recurring_interval,
    recurring_interval_count: product.recurring_interval_count,
    meter_interval: null,
    meter_interval_count: null,
    is_recurring: product.recurring_interval !== null,
    is_archived: product.is_archived,
    organization_id: store.organization.id,
    metadata: product.metadata,
  };
}

export function catalogPrices(store: PolarStore, product: ProductRecord): PriceRecord[] {
  return product.price_ids.flatMap((id) => {
    const price = store.prices.get(id);
    return price && price.source === "catalog" && !price.is_archived ? [price] : [];
  });
}

export function serializeProduct(store: PolarStore, product: ProductRecord): Json {
  return {
    ...serializeProductScalars(store, product),
    // Polar lets a product be deleted until something was bought with it.
    is_deletable:
      !store.orders.find((order) => order.product_id === product.id) &&
      !store.subscriptions.find((subscription) => subscription.product_id === product.id),
    prices: catalogPrices(store, product).map((price) => serializePrice(store, price)),
    benefits: product.benefit_ids.flatMap((id) => {
      const benefit = store.benefits.get(id);
      return benefit && !benefit.is_deleted ? [serializeBenefit(store, benefit)] : [];
    }),
    medias: [],
    attached_custom_fields: [],
  };
}

export function serializeCustomer(store: PolarStore, customer: CustomerRecord): Json {
  return {
    id: customer.id,
    created_at: customer.created_at,
    modified_at: customer.modified_at,
    metadata: customer.metadata,
    external_id: customer.external_id,
    email: customer.email,
    email_verified: false,
    type: customer.type,
    name: customer.name,
    billing_name: customer.name,
    billing_address: customer.billing_address,
    tax_id: customer.tax_id,
    locale: customer.locale,
    organization_id: store.organization.id,
    deleted_at: customer.deleted_at,
    first_user_event_at: null,
    avatar_url: gravatarUrl(customer.email),
    default_payment_method_id: null,
  };
}

/**
 * Polar's computed avatar: the Gravatar of the lower-cased email (`d=404`: no picture rather than a
 * placeholder). SDKs up to 0.47 require a string here, so null is only for a customer without email.
 */
export function gravatarUrl(email: string): string | null {
  if (!email) return null;
  return `https://www.gravatar.com/avatar/${bytesToHex(sha256(utf8ToBytes(email.toLowerCase())))}?d=404`;
}

export function serializeMeter(store: PolarStore, meter: MeterRecord): Json {
  return {
    metadata: meter.metadata,
    created_at: meter.created_at,
    modified_at: meter.modified_at,
    id: meter.id,
    name: meter.name,
    unit: meter.unit,
    custom_label: meter.custom_label,
    custom_multiplier: meter.custom_multiplier,
    filter: meter.filter,
    aggregation: meter.aggregation,
    organization_id: store.organization.id,
    archived_at: meter.archived_at,
  };
}

export function serializeEvent(store: PolarStore, event: EventRecord): Json {
  const customer = event.customer_id ? store.customers.get(event.customer_id) : undefined;
  return {
    id: event.id,
    timestamp: event.timestamp,
    organization_id: store.organization.id,
    customer_id: event.customer_id,
    customer: customer ? serializeCustomer(store, customer) : null,
    external_customer_id: event.external_customer_id,
    external_id: event.external_id,
    parent_id: event.parent_id,
    label: event.name,
    name: event.name,
    source: "user",
    metadata: event.metadata,
    child_count: 0,
  };
}

export function serializeBenefitGrant(store: PolarStore, grant: BenefitGrantRecord): Json {
  const customer = store.customers.get(grant.customer_id);
  const benefit = store.benefits.get(grant.benefit_id);
  return {
    created_at: grant.created_at,
    modified_at: grant.modified_at,
    id: grant.id,
    granted_at: grant.granted_at,
    is_granted: grant.granted_at !== null && grant.revoked_at === null,
    revoked_at: grant.revoked_at,
    is_revoked: grant.revoked_at !== null,
    subscription_id: grant.subscription_id,
    order_id: grant.order_id,
    customer_id: grant.customer_id,
    member_id: null,
    benefit_id: grant.benefit_id,
    error: null,
    customer: customer ? serializeCustomer(store, customer) : null,
    member: null,
    benefit: benefit ? serializeBenefit(store, benefit) : null,
    properties: grant.properties,
  };
}

/** CustomerState: the customer plus active subscriptions, granted benefits and meter balances. */
export function serializeCustomerState(store: PolarStore, customer: CustomerRecord): Json {
  const activeSubscriptions = store.subscriptions.filter(
    (row) => row.customer_id === customer.id && (row.status === "active" || row.status === "trialing"),
  );
  const grants = store.benefitGrants.filter(
    (row) => row.customer_id === customer.id && row.granted_at !== null && row.revoked_at === null,
  );
  return {
    ...serializeCustomer(store, customer),
    active_subscriptions: activeSubscriptions.map((row) => ({
      id: row.id,
      created_at: row.created_at,
      modified_at: row.modified_at,
      metadata: row.metadata,
      status: row.status,
      amount: row.amount,
      currency: row.currency,
      recurring_interval: row.recurring_interval,
      current_period_start: row.current_period_start,
      current_period_end: row.current_period_end,
      trial_start: row.trial_start,
      trial_end: row.trial_end,
      cancel_at_period_end: row.cancel_at_period_end,
      canceled_at: row.canceled_at,
      started_at: row.started_at,
      ends_at: row.ends_at,
      product_id: row.product_id,
      discount_id: null,
      seats: null,
      units: null,
      meters: [],
    })),
    granted_benefits: grants.map((grant) => {
      const benefit = store.benefits.get(grant.benefit_id);
      return {
        id: grant.id,
        created_at: grant.created_at,
        modified_at: grant.modified_at,
        granted_at: grant.granted_at,
        benefit_id: grant.benefit_id,
        benefit_type: benefit?.type ?? "custom",
        benefit_metadata: benefit?.metadata ?? {},
        properties: grant.properties,
      };
    }),
    active_meters: customerMeterBalances(store, customer.id).map((balance) => ({
      id: balance.meterId,
      created_at: customer.created_at,
      modified_at: null,
      meter_id: balance.meterId,
      consumed_units: balance.consumedUnits,
      credited_units: balance.creditedUnits,
      balance: balance.balance,
    })),
  };
}
