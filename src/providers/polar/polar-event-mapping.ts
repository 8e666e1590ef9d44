import { z } from "zod";
import type {
  ProviderEvent,
  ProviderGrant,
  ProviderOrder,
  ProviderSubscription,
} from "../../modules/provider/index.js";
import { catalogKeyMetadata } from "./polar-catalog-mapping.js";

/**
 * Webhook payloads are read with our own lenient schemas rather than the SDK's `validateEvent`: SDK
 * 0.49 throws on event types it does not know (`subscription.cycled`, `…paused`, `…resumed`), and we
 * only need a handful of fields. Unknown keys are ignored; missing required ones fail loudly.
 */
const timestamp = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const customerRef = z.object({ external_id: z.string().nullish() }).passthrough();
const productRef = z.object({ metadata: z.record(z.string(), z.unknown()).default({}) }).passthrough();

const subscriptionSchema = z
  .object({
    id: z.string(),
    status: z.enum([
      "incomplete",
      "incomplete_expired",
      "trialing",
      "active",
      "past_due",
      "canceled",
      "unpaid",
      "paused",
    ]),
    cancel_at_period_end: z.boolean(),
    current_period_start: timestamp,
    current_period_end: timestamp.nullish(),
    ended_at: timestamp.nullish(),
    past_due_at: timestamp.nullish(),
    created_at: timestamp,
    modified_at: timestamp.nullish(),
    product_id: z.string(),
    product: productRef.nullish(),
    customer: customerRef,
  })
  .passthrough();

const orderSchema = z
  .object({
    id: z.string(),
    status: z.enum(["draft", "pending", "paid", "refunded", "partially_refunded", "void"]),
    billing_reason: z.string(),
    currency: z.string(),
    net_amount: z.number().int(),
    tax_amount: z.number().int(),
    total_amount: z.number().int(),
    platform_fee_amount: z.number().int().default(0),
    refunded_amount: z.number().int().default(0),
    refunded_tax_amount: z.number().int().default(0),
    created_at: timestamp,
    modified_at: timestamp.nullish(),
    product_id: z.string().nullish(),
    product: productRef.nullish(),
    subscription_id: z.string().nullish(),
    customer: customerRef,
  })
  .passthrough();

export function toProviderSubscription(data: unknown): ProviderSubscription {
  const subscription = subscriptionSchema.parse(data);
  return {
    providerSubscriptionId: subscription.id,
    externalCustomerId: subscription.customer.external_id ?? null,
    providerProductId: subscription.product_id,
    catalogKey: catalogKeyOf(subscription.product?.metadata),
    status: subscription.status,
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    currentPeriodStart: subscription.current_period_start,
    currentPeriodEnd: subscription.current_period_end ?? null,
    pastDueAt: subscription.past_due_at ?? null,
    endedAt: subscription.ended_at ?? null,
    modifiedAt: subscription.modified_at ?? subscription.created_at,
  };
}

export function toProviderOrder(data: unknown): ProviderOrder {
  const order = orderSchema.parse(data);
  return {
    providerOrderId: order.id,
    externalCustomerId: order.customer.external_id ?? null,
    providerProductId: order.product_id ?? null,
    catalogKey: catalogKeyOf(order.product?.metadata),
    providerSubscriptionId: order.subscription_id ?? null,
    status: order.status,
    billingReason: order.billing_reason,
    currency: order.currency.toUpperCase(),
    netMinor: order.net_amount,
    taxMinor: order.tax_amount,
    totalMinor: order.total_amount,
    providerFeeMinor: order.platform_fee_amount,
    refundedMinor: order.refunded_amount,
    refundedTaxMinor: order.refunded_tax_amount,
    modifiedAt: order.modified_at ?? order.created_at,
  };
}

const checkoutSchema = z
  .object({ id: z.string(), status: z.enum(["open", "expired", "confirmed", "succeeded", "failed"]) })
  .passthrough();

const grantSchema = z
  .object({
    id: z.string(),
    is_granted: z.boolean(),
    is_revoked: z.boolean(),
    created_at: timestamp,
    modified_at: timestamp.nullish(),
    benefit_id: z.string(),
    customer: customerRef.nullish(),
    benefit: z
      .object({ metadata: z.record(z.string(), z.unknown()).default({}) })
      .passthrough()
      .nullish(),
  })
  .passthrough();

export function handlesPolarEvent(eventType: string): boolean {
  return (
    eventType.startsWith("subscription.") ||
    eventType.startsWith("order.") ||
    eventType.startsWith("benefit_grant.") ||
    eventType === "checkout.updated"
  );
}

/** Benefits name the Billhook features they stand for in their `billhook_feature` metadata. */
export function toProviderGrant(data: unknown): ProviderGrant {
  const grant = grantSchema.parse(data);
  const named = grant.benefit?.metadata?.billhook_feature;
  return {
    providerGrantId: grant.id,
    externalCustomerId: grant.customer?.external_id ?? null,
    featureKeys:
      typeof named === "string"
        ? named
            .split(",")
            .map((key) => key.trim())
            .filter(Boolean)
        : [],
    benefitId: grant.benefit_id,
    active: grant.is_granted && !grant.is_revoked,
    modifiedAt: grant.modified_at ?? grant.created_at,
  };
}

/** Maps a Polar webhook to what Billhook applies; every other type is acknowledged and ignored. */
export function toProviderEvent(eventType: string, payload: unknown): ProviderEvent {
  const data = (payload as { data?: unknown } | null)?.data;
  if (!handlesPolarEvent(eventType))
    return { kind: "ignored", reason: `Billhook does not act on ${eventType}` };
  if (eventType.startsWith("benefit_grant.")) return { kind: "grant", grant: toProviderGrant(data) };
  if (eventType === "checkout.updated") {
    const checkout = checkoutSchema.parse(data);
    return { kind: "checkout", providerCheckoutId: checkout.id, status: checkout.status };
  }
  if (eventType.startsWith("subscription."))
    return { kind: "subscription", subscription: toProviderSubscription(data) };
  return { kind: "order", order: toProviderOrder(data) };
}

function catalogKeyOf(metadata: Record<string, unknown> | undefined): string | null {
  const key = metadata?.[catalogKeyMetadata];
  return typeof key === "string" ? key : null;
}
