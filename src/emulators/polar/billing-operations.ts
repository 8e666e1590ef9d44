import { orderTotals, serializeOrder, serializeSubscription } from "./billing-serializers.js";
import { serializeBenefitGrant, serializeCustomer, serializeCustomerState } from "./catalog-serializers.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import type {
  BenefitGrantRecord,
  CustomerRecord,
  OrderItemRecord,
  OrderRecord,
  ProductRecord,
  SubscriptionRecord,
} from "./polar-records.js";

/** Webhook helpers: each serializes the record at emission time, as Polar snapshots `data`. */
export function emitCustomer(runtime: PolarEmulatorRuntime, type: string, customer: CustomerRecord): void {
  runtime.emit(type, serializeCustomer(runtime.store, customer));
}

export function emitCustomerState(runtime: PolarEmulatorRuntime, customerId: string): void {
  const customer = runtime.store.customers.get(customerId);
  if (customer) runtime.emit("customer.state_changed", serializeCustomerState(runtime.store, customer));
}

export function emitSubscription(
  runtime: PolarEmulatorRuntime,
  types: string[],
  subscription: SubscriptionRecord,
): void {
  for (const type of types) runtime.emit(type, serializeSubscription(runtime.store, subscription));
}

export function emitOrder(runtime: PolarEmulatorRuntime, types: string[], order: OrderRecord): void {
  for (const type of types) runtime.emit(type, serializeOrder(runtime.store, order));
}

function emitGrant(
  runtime: PolarEmulatorRuntime,
  type: string,
  grant: BenefitGrantRecord,
  previous?: unknown,
): void {
  runtime.emit(type, {
    ...serializeBenefitGrant(runtime.store, grant),
    previous_properties: previous ?? null,
  });
}

export function touch(runtime: PolarEmulatorRuntime, record: { modified_at: string | null }): void {
  record.modified_at = runtime.nowIso();
}

export interface NewOrder {
  customer: CustomerRecord;
  product: ProductRecord;
  subscription: SubscriptionRecord | null;
  checkoutId: string | null;
  billingReason: OrderRecord["billing_reason"];
  items: Array<Omit<OrderItemRecord, "id" | "created_at" | "modified_at" | "tax_amount" | "proration">>;
  currency: string;
  metadata: OrderRecord["metadata"];
}

/** Creates a pending order; callers settle it with `settleOrder`. */
export function createOrder(runtime: PolarEmulatorRuntime, input: NewOrder): OrderRecord {
  const now = runtime.nowIso();
  const items = input.items.map((item) => ({
    ...item,
    id: runtime.newId(),
    created_at: now,
    modified_at: null,
    tax_amount: 0,
    proration: false,
  }));
  return runtime.store.orders.put({
    id: runtime.newId(),
    created_at: now,
    modified_at: null,
    status: "pending",
    subtotal_amount: items.reduce((total, item) => total + item.amount, 0),
    discount_amount: 0,
    tax_amount: 0,
    refunded_amount: 0,
    currency: input.currency,
    billing_reason: input.billingReason,
    billing_name: input.customer.name,
    billing_address: input.customer.billing_address,
    // Polar numbers an order when it is created; SDKs up to 0.47 require the number on `order.created`.
    invoice_number: runtime.store.nextInvoiceNumber(),
    customer_id: input.customer.id,
    product_id: input.product.id,
    subscription_id: input.subscription?.id ?? null,
    checkout_id: input.checkoutId,
    metadata: input.metadata,
    items,
    payment_attempts: 0,
    next_payment_attempt_at: null,
  });
}

export function markOrderPaid(runtime: PolarEmulatorRuntime, order: OrderRecord): void {
  order.status = "paid";
  order.invoice_number = order.invoice_number ?? runtime.store.nextInvoiceNumber();
  order.next_payment_attempt_at = null;
  touch(runtime, order);
}

export function isOrderPaid(order: OrderRecord): boolean {
  return orderTotals(order).paid;
}

/** Grants each of the product's benefits to the customer and emits `benefit_grant.created`. */
export function grantProductBenefits(
  runtime: PolarEmulatorRuntime,
  customer: CustomerRecord,
  product: ProductRecord,
  source: { subscriptionId: string | null; orderId: string | null },
): void {
  const now = runtime.nowIso();
  for (const benefitId of product.benefit_ids) {
    const benefit = runtime.store.benefits.get(benefitId);
    if (!benefit || benefit.is_deleted) continue;
    const grant = runtime.store.benefitGrants.put({
      id: runtime.newId(),
      created_at: now,
      modified_at: null,
      benefit_id: benefit.id,
      customer_id: customer.id,
      subscription_id: source.subscriptionId,
      order_id: source.orderId,
      granted_at: now,
      revoked_at: null,
      properties: grantProperties(benefit.type, benefit.properties, now),
    });
    emitGrant(runtime, "benefit_grant.created", grant);
  }
}

function grantProperties(
  type: string,
  benefitProperties: Record<string, unknown>,
  now: string,
): Record<string, unknown> {
  if (type !== "meter_credit") return {};
  return {
    last_credited_meter_id: String(benefitProperties.meter_id),
    last_credited_units: Number(benefitProperties.units ?? 0),
    last_credited_at: now,
  };
}

/** Revokes the active grants that came from a subscription or an order (`benefit_grant.revoked`). */
export function revokeGrants(
  runtime: PolarEmulatorRuntime,
  source: { subscriptionId?: string; orderId?: string },
): void {
  const now = runtime.nowIso();
  const grants = runtime.store.benefitGrants.filter(
    (grant) =>
      grant.revoked_at === null &&
      ((source.subscriptionId !== undefined && grant.subscription_id === source.subscriptionId) ||
        (source.orderId !== undefined && grant.order_id === source.orderId)),
  );
  for (const grant of grants) {
    grant.revoked_at = now;
    grant.modified_at = now;
    emitGrant(runtime, "benefit_grant.revoked", grant);
  }
}

/** A renewal re-credits meter_credit grants (`benefit_grant.cycled`). */
export function cycleGrants(runtime: PolarEmulatorRuntime, subscriptionId: string): void {
  const now = runtime.nowIso();
  for (const grant of runtime.store.benefitGrants.filter(
    (row) => row.subscription_id === subscriptionId && row.revoked_at === null,
  )) {
    const benefit = runtime.store.benefits.get(grant.benefit_id);
    const previous = { ...grant.properties };
    if (benefit?.type === "meter_credit") {
      const rolledOver = benefit.properties.rollover ? Number(grant.properties.last_credited_units ?? 0) : 0;
      grant.properties = { ...grantProperties(benefit.type, benefit.properties, now) };
      grant.properties.last_credited_units = Number(benefit.properties.units ?? 0) + rolledOver;
    }
    grant.modified_at = now;
    emitGrant(runtime, "benefit_grant.cycled", grant, previous);
  }
}
