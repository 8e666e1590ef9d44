import { z } from "zod";

/**
 * Every event Billhook records about a customer (or a marketplace seller), and what its `data` holds. The same schemas
 * validate what is recorded, generate the samples of `docs/webhooks.md` and type the payloads an app
 * receives. Adding an event type is one entry here (plus the call that records it).
 */
const customerId = z.string().min(1).meta({ example: "user_123" });
const isoTime = z.string().meta({ example: "2025-01-01T00:00:00.000Z" });

const subscriptionData = z.object({
  customerId,
  subscriptionId: z.string().meta({ example: "sub_9c1f" }),
  provider: z.string().meta({ example: "polar" }),
  plan: z.string().meta({ example: "pro" }),
  status: z.string().meta({ example: "active" }),
  cancelAtPeriodEnd: z.boolean(),
  currentPeriodStart: isoTime,
  currentPeriodEnd: isoTime.nullable(),
  endedAt: z.string().nullable().meta({ example: null }),
});

const orderData = z.object({
  customerId,
  orderId: z.string().meta({ example: "ord_51aa" }),
  provider: z.string().meta({ example: "polar" }),
  product: z.string().nullable().meta({ example: "credits_100" }),
  subscriptionId: z.string().nullable().meta({ example: null }),
  billingReason: z.string().meta({ example: "purchase" }),
  currency: z.string().meta({ example: "USD" }),
  netMinor: z.number().int().meta({ example: 900 }),
  taxMinor: z.number().int().meta({ example: 0 }),
  totalMinor: z.number().int().meta({ example: 900 }),
  refundedMinor: z.number().int().meta({ example: 0 }),
});

const creditBalanceData = z.object({
  customerId,
  type: z.string().meta({ example: "images" }),
  balance: z.number().int().meta({ example: 0 }),
});

/** Who a `seller.*` event is about: Billhook's seller id and your own id for that seller. */
const sellerFields = {
  sellerId: z.string().min(1).meta({ example: "sel_4f2a" }),
  externalId: z.string().min(1).meta({ example: "creator_42" }),
};
const paymentId = z.string().meta({ example: "pi_3Qx7" });
const sellerCurrency = z.string().meta({ example: "USD" });
const payoutData = z.object({
  ...sellerFields,
  payoutId: z.string().meta({ example: "po_1Q8s" }),
  currency: sellerCurrency,
  amountMinor: z.number().int().meta({ example: 3120 }),
});

/** Which dispute, on which charge, for how much. */
const disputeFields = {
  disputeId: z.string().meta({ example: "dp_1Pgc71" }),
  paymentId,
  kind: z.enum(["membership", "tip"]).meta({ example: "tip" }),
  currency: sellerCurrency,
  amountMinor: z.number().int().meta({ example: 1000 }),
  reason: z.string().nullable().meta({ example: "fraudulent" }),
  grossMinor: z.number().int().meta({ example: 1000 }),
};

export const domainEventSchemas = {
  "entitlements.changed": z.object({
    customerId,
    entitlements: z.array(
      z.object({
        feature: z.string().meta({ example: "export" }),
        catalogKey: z.string().meta({ example: "pro" }),
        activeUntil: isoTime.nullable(),
      }),
    ),
    added: z.array(z.string()).meta({ example: ["export"] }),
    removed: z.array(z.string()).meta({ example: [] }),
  }),
  "subscription.created": subscriptionData,
  "subscription.updated": subscriptionData,
  "subscription.canceled": subscriptionData,
  "subscription.uncanceled": subscriptionData,
  "subscription.ended": subscriptionData,
  "order.paid": orderData,
  "order.refunded": orderData,
  "credits.granted": z.object({
    customerId,
    type: z.string().meta({ example: "images" }),
    amount: z.number().int().meta({ example: 100 }),
    grantId: z.string().meta({ example: "credits:pack:polar:ord_51aa" }),
    source: z.enum(["pack", "allowance", "promo"]),
    expiresAt: z.string().nullable().meta({ example: null }),
    balance: z.number().int().meta({ example: 100 }),
  }),
  "credits.low": creditBalanceData.extend({
    balance: z.number().int().meta({ example: 8 }),
    threshold: z.number().int().meta({ example: 10 }),
  }),
  "credits.depleted": creditBalanceData,
  "usage.threshold": z.object({
    customerId,
    meter: z.string().meta({ example: "api_calls" }),
    threshold: z.enum(["warning", "critical", "exceeded"]),
    thresholdPercent: z.number().meta({ example: 80 }),
    used: z.number().meta({ example: 812 }),
    limit: z.number().meta({ example: 1000 }),
    periodStart: isoTime,
    resetsAt: isoTime.meta({ example: "2025-02-01T00:00:00.000Z" }),
  }),
  "seller.updated": z.object({
    ...sellerFields,
    detailsSubmitted: z.boolean().meta({ example: true }),
    chargesEnabled: z.boolean().meta({ example: true }),
    payoutsEnabled: z.boolean().meta({ example: true }),
    requirementsDue: z.array(z.string()).meta({ example: [] }),
    /** Which of the four fields above changed with this update. */
    changed: z
      .array(z.enum(["detailsSubmitted", "chargesEnabled", "payoutsEnabled", "requirementsDue"]))
      .meta({ example: ["detailsSubmitted", "chargesEnabled", "payoutsEnabled", "requirementsDue"] }),
  }),
  "seller.charge_paid": z.object({
    ...sellerFields,
    paymentId,
    kind: z.enum(["membership", "tip"]).meta({ example: "tip" }),
    tierId: z.string().nullable().meta({ example: null }),
    buyerCustomerId: z.string().nullable().meta({ example: "viewer_7" }),
    currency: sellerCurrency,
    grossMinor: z.number().int().meta({ example: 1000 }),
    feeBps: z.number().int().meta({ example: 1000 }),
    platformFeeMinor: z.number().int().meta({ example: 100 }),
    providerFeeMinor: z.number().int().meta({ example: 59 }),
    sellerNetMinor: z.number().int().meta({ example: 841 }),
    availableAt: isoTime.meta({ example: "2025-01-08T00:00:00.000Z" }),
  }),
  "seller.earnings_available": z.object({
    ...sellerFields,
    paymentId,
    currency: sellerCurrency,
    /** What moved from pending to available: the charge's seller net less what was refunded of it. */
    amountMinor: z.number().int().meta({ example: 841 }),
  }),
  "seller.payout_paid": payoutData,
  "seller.payout_failed": payoutData.extend({
    status: z.enum(["failed", "canceled"]),
    /** Whether the payout had been reported paid: its amount is back in the seller's available earnings. */
    returnedToAvailable: z.boolean().meta({ example: true }),
  }),
  "seller.refunded": z.object({
    ...sellerFields,
    paymentId,
    kind: z.enum(["membership", "tip"]).meta({ example: "tip" }),
    currency: sellerCurrency,
    /** This refund, and everything refunded of the charge so far. */
    amountMinor: z.number().int().meta({ example: 300 }),
    totalRefundedMinor: z.number().int().meta({ example: 300 }),
    grossMinor: z.number().int().meta({ example: 1000 }),
    platformFeeReversedMinor: z.number().int().meta({ example: 30 }),
    providerFeeReversedMinor: z.number().int().meta({ example: 18 }),
    sellerNetReversedMinor: z.number().int().meta({ example: 252 }),
    /** Where the seller's share was taken back from. */
    from: z.enum(["pending", "available"]),
  }),
  "seller.dispute_opened": z.object({
    ...sellerFields,
    ...disputeFields,
    /** The shares held back while the dispute runs, in proportion like a refund. */
    platformFeeReversedMinor: z.number().int().meta({ example: 100 }),
    providerFeeReversedMinor: z.number().int().meta({ example: 59 }),
    sellerNetReversedMinor: z.number().int().meta({ example: 841 }),
    from: z.enum(["pending", "available"]),
  }),
  "seller.dispute_closed": z.object({
    ...sellerFields,
    ...disputeFields,
    /** Won: the held shares are back (`…ReinstatedMinor`). Lost: they stay reversed. */
    outcome: z.enum(["won", "lost"]).meta({ example: "won" }),
    platformFeeReinstatedMinor: z.number().int().meta({ example: 100 }),
    providerFeeReinstatedMinor: z.number().int().meta({ example: 59 }),
    sellerNetReinstatedMinor: z.number().int().meta({ example: 841 }),
  }),
} as const;

export type DomainEventType = keyof typeof domainEventSchemas;

export type DomainEventData<T extends DomainEventType> = z.output<(typeof domainEventSchemas)[T]>;

export const domainEventTypes = Object.keys(domainEventSchemas) as DomainEventType[];

export function isDomainEventType(type: string): type is DomainEventType {
  return Object.hasOwn(domainEventSchemas, type);
}

/** What a caller records: the type, its data, and optionally an id that makes recording idempotent. */
export type DomainEventInput = {
  [T in DomainEventType]: {
    type: T;
    data: DomainEventData<T>;
    occurredAtMs: number;
    /** A deterministic id records the event at most once (e.g. one threshold crossing per period). */
    id?: string;
  };
}[DomainEventType];

/** A recorded event: what is delivered to webhook endpoints (`id` becomes `webhook-id`). */
export interface DomainEventRecord {
  /** Assigned by the database: the order events are delivered in, per customer and endpoint. */
  sequence: number;
  id: string;
  type: DomainEventType;
  /**
   * The customer the event is about (`seller:<sellerId>` for a seller's events); deliveries of one
   * customer's events keep their order.
   */
  customerId: string | null;
  data: Record<string, unknown>;
  occurredAtMs: number;
}
