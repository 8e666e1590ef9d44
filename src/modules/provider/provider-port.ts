/**
 * The one interface every payment provider (Polar, Stripe, their emulators) implements. Provider SDK
 * types never cross it: adapters translate to and from these plain shapes.
 */
export interface BillingProvider {
  readonly name: ProviderName;
  readonly capabilities: ProviderCapabilities;
  /**
   * Connected accounts and destination charges for a marketplace with a revenue share; null where the
   * provider cannot or may not do it (Polar's acceptable-use policy forbids marketplaces).
   */
  readonly sellerPayments: SellerPayments | null;

  /** Products that carry a Billhook catalog key, archived ones included. */
  listCatalogProducts(): Promise<ProviderProduct[]>;
  createProduct(entry: ProductSpec): Promise<ProviderProduct>;
  updateProduct(providerProductId: string, entry: ProductSpec): Promise<ProviderProduct>;
  archiveProduct(providerProductId: string): Promise<void>;

  findCustomerByExternalId(externalId: string): Promise<ProviderCustomer | null>;
  /** Creates the customer; throws ProviderEmailTakenError when the email already belongs to another. */
  createCustomer(input: { externalId: string; email: string; name?: string }): Promise<ProviderCustomer>;
  findCustomerByEmail(email: string): Promise<ProviderCustomer | null>;

  createCheckout(input: ProviderCheckoutInput): Promise<ProviderCheckout>;
  createPortalSession(input: { externalCustomerId: string; returnUrl?: string }): Promise<{ url: string }>;
  /**
   * A payment for an embedded payment form (Stripe's PaymentIntent); only where
   * `capabilities.embeddedPayments` is true.
   */
  createPaymentIntent?(input: ProviderPaymentInput): Promise<ProviderPayment>;

  /** Verifies a delivery on its raw body; throws WebhookSignatureError when it is not authentic. */
  verifyWebhook(rawBody: string, headers: Record<string, string | undefined>): Promise<VerifiedDelivery>;
  /** Whether Billhook acts on this event type at all; others are stored as ignored on arrival. */
  handlesEvent(eventType: string): boolean;
  /** Translates a verified payload into what Billhook applies, or `ignored` for other event types. */
  parseEvent(eventType: string, payload: unknown): ProviderEvent;

  /** For the reconciler: everything modified since `since` (null = from the start). */
  listSubscriptions(since: Date | null): Promise<ProviderSubscription[]>;
  listOrders(since: Date | null): Promise<ProviderOrder[]>;
  /** Webhook endpoints registered at the provider that point at `url`, for the doctor and reconciler. */
  webhookEndpointStatus(url: string): Promise<{ found: boolean; enabled: boolean } | null>;

  /**
   * Sends usage events to the provider's meters, deduplicated there by `eventId` (Polar's
   * `external_id`, Stripe's meter-event `identifier`), so a resend after a lost answer is harmless.
   * Absent when the provider cannot take usage: then nothing is queued for it.
   */
  ingestUsage?(events: ProviderUsageEvent[], options: { timeoutMs: number }): Promise<ProviderIngestResult>;
}

/** One usage event as it leaves for the provider. */
export interface ProviderUsageEvent {
  /** Deterministic from (customer, idempotency key): the provider's deduplication key. */
  eventId: string;
  /** Our customer id: the provider's external customer id. */
  customerId: string;
  /** The provider's own customer id when Billhook knows it (Stripe needs it). */
  providerCustomerId: string | null;
  name: string;
  value: number;
  properties: Record<string, string | number | boolean | null>;
  timestamp: Date;
}

export interface ProviderIngestResult {
  inserted: number;
  /** Events the provider already had (sent before, e.g. when an earlier answer was lost). */
  duplicates: number;
  /**
   * Events the provider could not take this time while it took the others (a provider that ingests
   * event by event); they are retried alone. A failure of the whole request is thrown instead.
   */
  rejected?: Array<{ eventId: string; reason: string }>;
}

export type ProviderName = "polar" | "stripe";

export type ProductPrice =
  | { type: "fixed"; amountMinor: number; currency: string }
  | {
      type: "custom";
      currency: string;
      minimumMinor: number;
      maximumMinor: number | null;
      presetMinor: number | null;
    };

/** What a provider needs to know to sell one catalog entry. */
export interface ProductSpec {
  key: string;
  kind: "plan" | "one_time" | "tip";
  name: string;
  description: string | null;
  price: ProductPrice;
  /** Billing interval of a plan; null for one-time products and tips. */
  interval: "month" | "year" | null;
  trialDays: number | null;
}

export interface ProviderCapabilities {
  /** Whether the provider may take a platform fee on behalf of sellers (Polar forbids it). */
  revenueShare: boolean;
  /** Whether the app can take payment in its own page (Stripe Elements) instead of a hosted checkout. */
  embeddedPayments: boolean;
}

export interface ProviderPaymentInput {
  providerProductId: string;
  externalCustomerId: string;
  email?: string;
  metadata: Record<string, string>;
}

export interface ProviderPayment {
  providerPaymentId: string;
  clientSecret: string;
  publishableKey: string | null;
  amountMinor: number;
  currency: string;
}

export interface ProviderProduct {
  providerProductId: string;
  catalogKey: string;
  name: string;
  description: string | null;
  archived: boolean;
  price: ProductPrice | null;
  interval: ProductSpec["interval"];
  trialDays: number | null;
}

export interface ProviderCustomer {
  providerCustomerId: string;
  externalId: string | null;
  email: string | null;
}

export interface ProviderCheckoutInput {
  providerProductId: string;
  externalCustomerId: string;
  amountMinor?: number;
  successUrl: string;
  returnUrl?: string;
  email?: string;
  name?: string;
  metadata: Record<string, string>;
}

export interface ProviderCheckout {
  providerCheckoutId: string;
  url: string;
  expiresAt: Date | null;
}

export interface VerifiedDelivery {
  /** The provider's delivery id (`webhook-id`, Stripe's event id): the deduplication key. */
  deliveryId: string;
  eventType: string;
  payload: unknown;
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

export interface ProviderSubscription {
  providerSubscriptionId: string;
  externalCustomerId: string | null;
  providerProductId: string;
  catalogKey: string | null;
  status: SubscriptionStatus;
  cancelAtPeriodEnd: boolean;
  currentPeriodStart: Date;
  currentPeriodEnd: Date | null;
  pastDueAt: Date | null;
  endedAt: Date | null;
  /** The provider's own last-modified time: a delivery older than what we hold is ignored. */
  modifiedAt: Date;
}

export type OrderStatus = "draft" | "pending" | "paid" | "refunded" | "partially_refunded" | "void";

export interface ProviderOrder {
  providerOrderId: string;
  externalCustomerId: string | null;
  providerProductId: string | null;
  catalogKey: string | null;
  providerSubscriptionId: string | null;
  status: OrderStatus;
  billingReason: string;
  currency: string;
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
  providerFeeMinor: number;
  refundedMinor: number;
  refundedTaxMinor: number;
  modifiedAt: Date;
}

/** Where a checkout stands: `failed` records a declined payment (no entitlement changes). */
export type CheckoutStatus = "open" | "expired" | "confirmed" | "succeeded" | "failed";

/** A benefit the provider granted (Polar's benefit grants), carrying the features it stands for. */
export interface ProviderGrant {
  providerGrantId: string;
  externalCustomerId: string | null;
  /** Billhook feature keys named by the benefit (its `billhook_feature` metadata, comma-separated). */
  featureKeys: string[];
  benefitId: string;
  active: boolean;
  modifiedAt: Date;
}

/** What a provider does for a marketplace (Stripe Connect: Express-style accounts, destination charges). */
export interface SellerPayments {
  /** Creates the seller's connected account; the same `sellerId` never creates a second one. */
  createSellerAccount(input: {
    sellerId: string;
    email: string;
    country: string;
  }): Promise<ProviderSellerAccount>;
  /** A fresh single-use onboarding link (they expire within minutes). */
  createOnboardingLink(input: {
    providerAccountId: string;
    refreshUrl: string;
    returnUrl: string;
  }): Promise<{ url: string; expiresAt: Date }>;
  /** Creates (or, given its id, updates) a tier's product with one recurring price. */
  upsertTierProduct(spec: TierProductSpec, providerProductId: string | null): Promise<ProviderTierProduct>;
  archiveTierProduct(providerProductId: string): Promise<void>;
  /** A hosted checkout whose payment goes to the seller as a destination charge, less `applicationFee`. */
  createSellerCheckout(input: SellerCheckoutInput): Promise<ProviderCheckout>;
  /** A payout from the seller's connected account to their bank; idempotent on `idempotencyKey`. */
  createSellerPayout(input: {
    providerAccountId: string;
    amountMinor: number;
    currency: string;
    idempotencyKey: string;
    metadata: Record<string, string>;
  }): Promise<{ providerPayoutId: string }>;
  /** Refunds (part of) a charge, pulling the seller's share back and refunding the fee proportionally. */
  refundSellerCharge(input: { providerPaymentId: string; amountMinor?: number }): Promise<void>;
  /**
   * Takes `amountMinor` of a destination charge back from the seller's account (a lost dispute: the
   * platform was debited, the transfer to the seller stands). Idempotent on `idempotencyKey`.
   */
  recoverFromSeller(input: {
    providerPaymentId: string;
    amountMinor: number;
    idempotencyKey: string;
    metadata: Record<string, string>;
  }): Promise<{ providerReversalId: string }>;
  /** The provider's processing fee on a card charge of this amount, from its published schedule. */
  processingFeeMinor(amountMinor: number, currency: string): number;
}

export interface TierProductSpec {
  tierId: string;
  sellerId: string;
  name: string;
  description: string | null;
  amountMinor: number;
  currency: string;
  interval: "month" | "year";
}

export interface ProviderTierProduct {
  providerProductId: string;
  providerPriceId: string;
}

export interface SellerCheckoutInput {
  providerAccountId: string;
  externalCustomerId: string;
  email?: string;
  successUrl: string;
  returnUrl?: string;
  /** A membership: the tier's recurring price. A tip: a one-time amount. */
  item:
    | { kind: "membership"; providerPriceId: string; amountMinor: number }
    | { kind: "tip"; amountMinor: number; currency: string; description: string };
  /** What the platform keeps of each charge (its fee plus the provider's), in minor units. */
  applicationFeeMinor: number;
  /** Carried on the payment (and subscription) so events can be booked without a lookup. */
  metadata: Record<string, string>;
}

export interface ProviderSellerAccount {
  providerAccountId: string;
  /** Billhook's seller id, from the account's metadata. */
  sellerId: string | null;
  detailsSubmitted: boolean;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  requirementsDue: string[];
  modifiedAt: Date;
}

/** A paid charge that went to a seller. `metadata` is what Billhook put on the checkout. */
export interface ProviderSellerCharge {
  providerPaymentId: string;
  providerAccountId: string | null;
  kind: "membership" | "tip";
  metadata: Record<string, string>;
  externalCustomerId: string | null;
  providerSubscriptionId: string | null;
  currency: string;
  grossMinor: number;
  paidAt: Date;
}

export interface ProviderSellerRefund {
  providerPaymentId: string;
  /** Cumulative refunded amount of the charge (disputes are reported on their own). */
  refundedMinor: number;
  currency: string;
  /** The charge itself when the refund event describes it fully (tips), so a refund seen first can book it. */
  charge: ProviderSellerCharge | null;
  modifiedAt: Date;
}

/** Stripe's dispute statuses; `warning_*` are inquiries, which withdraw no funds. */
export type ProviderDisputeStatus =
  | "warning_needs_response"
  | "warning_under_review"
  | "warning_closed"
  | "needs_response"
  | "under_review"
  | "won"
  | "lost";

/** A chargeback (or inquiry) on a charge. The status alone says whether funds are held back. */
export interface ProviderSellerDispute {
  providerDisputeId: string;
  /** The disputed charge's payment id, as charges are keyed (the PaymentIntent, else the charge). */
  providerPaymentId: string;
  amountMinor: number;
  currency: string;
  status: ProviderDisputeStatus;
  reason: string | null;
  modifiedAt: Date;
}

export type ProviderPayoutStatus = "pending" | "in_transit" | "paid" | "failed" | "canceled";

export interface ProviderSellerPayout {
  providerPayoutId: string;
  providerAccountId: string;
  amountMinor: number;
  currency: string;
  status: ProviderPayoutStatus;
  modifiedAt: Date;
}

export interface ProviderSellerMembership {
  providerSubscriptionId: string;
  metadata: Record<string, string>;
  externalCustomerId: string | null;
  status: SubscriptionStatus;
  cancelAtPeriodEnd: boolean;
  currentPeriodEnd: Date | null;
  modifiedAt: Date;
}

/** Events about sellers, their charges and payouts: the marketplace module applies them. */
export type SellerEvent =
  | { kind: "seller_account"; account: ProviderSellerAccount }
  | { kind: "seller_charge"; charge: ProviderSellerCharge }
  | { kind: "seller_refund"; refund: ProviderSellerRefund }
  | { kind: "seller_dispute"; dispute: ProviderSellerDispute }
  | { kind: "seller_payout"; payout: ProviderSellerPayout }
  | { kind: "seller_membership"; membership: ProviderSellerMembership };

export type ProviderEvent =
  | SellerEvent
  | { kind: "grant"; grant: ProviderGrant }
  | { kind: "checkout"; providerCheckoutId: string; status: CheckoutStatus }
  /** An embedded payment settled: its attempt is recorded, and a success carries the paid order. */
  | {
      kind: "payment";
      providerPaymentId: string;
      status: "succeeded" | "failed";
      order: ProviderOrder | null;
    }
  | { kind: "subscription"; subscription: ProviderSubscription }
  | { kind: "order"; order: ProviderOrder }
  | { kind: "ignored"; reason: string };
