/**
 * The one interface every payment provider (Polar, Stripe, their emulators) implements. Provider SDK
 * types never cross it: adapters translate to and from these plain shapes.
 */
export interface BillingProvider {
  readonly name: ProviderName;
  readonly capabilities: ProviderCapabilities;

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

export type ProviderEvent =
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
