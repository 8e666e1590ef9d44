import Stripe from "stripe";
import type { Clock } from "../../kernel/index.js";
import {
  type BillingProvider,
  callProvider,
  type ProductSpec,
  type ProviderCheckout,
  type ProviderCheckoutInput,
  type ProviderCustomer,
  type ProviderEvent,
  type ProviderIngestResult,
  type ProviderOrder,
  type ProviderPayment,
  type ProviderPaymentInput,
  type ProviderProduct,
  type ProviderSubscription,
  type ProviderUsageEvent,
  type SellerPayments,
  UnknownProviderCustomerError,
  type VerifiedDelivery,
  WebhookSignatureError,
} from "../../modules/provider/index.js";
import {
  customerIdMetadata,
  fromStripeProduct,
  productMetadata,
  toStripePriceData,
} from "./stripe-catalog-mapping.js";
import {
  fromPaidInvoice,
  fromPaidSession,
  fromStripeSubscription,
  handlesStripeEvent,
  toProviderEvent,
} from "./stripe-event-mapping.js";
import { StripeSellerPayments } from "./stripe-seller-payments.js";
import { type MeterEventsApi, StripeUsageSync } from "./stripe-usage-sync.js";

export interface StripeProviderOptions {
  secretKey: string;
  webhookSecret: string | undefined;
  /** The secret of the Connect endpoint (connected accounts' events), when it is a separate endpoint. */
  connectWebhookSecret?: string | undefined;
  /** Stripe's card fee on this account, for the marketplace split; default 2.9 % + 30¢. */
  cardFee?: { bps: number; fixedMinor: number };
  /** Where the API is (the emulator); the real Stripe when omitted. */
  apiUrl?: string;
  /** Stamps what the reconciler reads (Stripe objects carry no modification time). */
  clock: Clock;
  /** Handed to the browser with a PaymentIntent's client secret, for Stripe Elements. */
  publishableKey?: string;
  /** The Billing Meter API usage goes through; default the v2 stream (v1 is the fallback). */
  meterEventsApi?: MeterEventsApi;
}

/** Stripe through its official SDK, behind the same provider port as Polar. */
export class StripeProvider implements BillingProvider {
  readonly name = "stripe" as const;
  readonly capabilities = { revenueShare: true, embeddedPayments: true };
  readonly #stripe: Stripe;
  readonly #webhookSecrets: string[];
  readonly sellerPayments: SellerPayments;
  readonly #clock: Clock;
  readonly #publishableKey: string | null;
  readonly #usage: StripeUsageSync;

  constructor(options: StripeProviderOptions) {
    const url = options.apiUrl ? new URL(options.apiUrl) : null;
    const location = url
      ? {
          host: url.hostname,
          port: Number(url.port || 80),
          protocol: url.protocol === "https:" ? ("https" as const) : ("http" as const),
        }
      : {};
    this.#stripe = new Stripe(options.secretKey, location);
    this.#usage = new StripeUsageSync({
      stripe: this.#stripe,
      clientForToken: (token) => new Stripe(token, location),
      ...(options.meterEventsApi ? { api: options.meterEventsApi } : {}),
    });
    this.#webhookSecrets = [options.webhookSecret, options.connectWebhookSecret].filter(
      (secret): secret is string => Boolean(secret),
    );
    this.sellerPayments = new StripeSellerPayments({
      stripe: this.#stripe,
      ensureCustomer: (externalId, email) => this.#ensureCustomer(externalId, email),
      ...(options.cardFee ? { cardFee: options.cardFee } : {}),
    });
    this.#clock = options.clock;
    this.#publishableKey = options.publishableKey ?? null;
  }

  async listCatalogProducts(): Promise<ProviderProduct[]> {
    return this.#call(async () => {
      const products: ProviderProduct[] = [];
      for await (const product of this.#stripe.products.list({
        limit: 100,
        expand: ["data.default_price"],
      })) {
        const mapped = fromStripeProduct(product);
        if (mapped) products.push(mapped);
      }
      return products;
    });
  }

  async createProduct(spec: ProductSpec): Promise<ProviderProduct> {
    return this.#call(async () => {
      const product = await this.#stripe.products.create({
        name: spec.name,
        ...(spec.description ? { description: spec.description } : {}),
        metadata: productMetadata(spec),
      });
      return this.#setPrice(product.id, spec);
    });
  }

  async updateProduct(providerProductId: string, spec: ProductSpec): Promise<ProviderProduct> {
    return this.#call(async () => {
      await this.#stripe.products.update(providerProductId, {
        name: spec.name,
        description: spec.description ?? "",
        active: true,
        metadata: productMetadata(spec),
      });
      // Stripe prices are immutable: a changed price is a new price that takes over the lookup key.
      return this.#setPrice(providerProductId, spec);
    });
  }

  async #setPrice(productId: string, spec: ProductSpec): Promise<ProviderProduct> {
    const current = await this.#stripe.products.retrieve(productId, { expand: ["default_price"] });
    const mapped = fromStripeProduct(current);
    if (
      mapped?.price &&
      JSON.stringify(mapped.price) === JSON.stringify(spec.price) &&
      mapped.interval === spec.interval
    ) {
      return mapped;
    }
    const price = await this.#stripe.prices.create({ product: productId, ...toStripePriceData(spec) });
    const updated = await this.#stripe.products.update(productId, {
      default_price: price.id,
      expand: ["default_price"],
    });
    return fromStripeProduct(updated)!;
  }

  async archiveProduct(providerProductId: string): Promise<void> {
    await this.#call(() => this.#stripe.products.update(providerProductId, { active: false }));
  }

  async findCustomerByExternalId(externalId: string): Promise<ProviderCustomer | null> {
    return this.#call(async () => {
      const found = await this.#stripe.customers.search({
        query: `metadata['${customerIdMetadata}']:'${externalId.replaceAll("'", "\\'")}'`,
      });
      const customer = found.data[0];
      return customer ? toCustomer(customer) : null;
    });
  }

  async findCustomerByEmail(email: string): Promise<ProviderCustomer | null> {
    return this.#call(async () => {
      const customer = (await this.#stripe.customers.list({ email, limit: 1 })).data[0];
      return customer ? toCustomer(customer) : null;
    });
  }

  async createCustomer(input: {
    externalId: string;
    email: string;
    name?: string;
  }): Promise<ProviderCustomer> {
    return this.#call(async () =>
      toCustomer(
        await this.#stripe.customers.create({
          email: input.email,
          ...(input.name ? { name: input.name } : {}),
          metadata: { [customerIdMetadata]: input.externalId },
        }),
      ),
    );
  }

  async createCheckout(input: ProviderCheckoutInput): Promise<ProviderCheckout> {
    const customer = await this.#ensureCustomer(input.externalCustomerId, input.email);
    return this.#call(async () => {
      const product = await this.#stripe.products.retrieve(input.providerProductId, {
        expand: ["default_price"],
      });
      const price = product.default_price as Stripe.Price | null;
      if (!price) throw new Error(`product ${product.id} has no default price`);
      const recurring = price.recurring !== null;
      const metadata = { ...input.metadata, [customerIdMetadata]: input.externalCustomerId };
      const trialDays = Number(product.metadata.billhook_trial_days || 0);
      const session = await this.#stripe.checkout.sessions.create({
        mode: recurring ? "subscription" : "payment",
        customer: customer.providerCustomerId,
        client_reference_id: input.externalCustomerId,
        success_url: input.successUrl.replaceAll("{CHECKOUT_ID}", "{CHECKOUT_SESSION_ID}"),
        ...(input.returnUrl ? { cancel_url: input.returnUrl } : {}),
        metadata,
        line_items: [
          input.amountMinor !== undefined && price.custom_unit_amount
            ? {
                price_data: { currency: price.currency, product: product.id, unit_amount: input.amountMinor },
                quantity: 1,
              }
            : { price: price.id, quantity: 1 },
        ],
        ...(recurring
          ? {
              subscription_data: {
                metadata: { ...metadata, billhook_key: product.metadata.billhook_key ?? "" },
                ...(trialDays > 0 ? { trial_period_days: trialDays } : {}),
              },
            }
          : { payment_intent_data: { metadata: { ...metadata, billhook_checkout: "1" } } }),
      });
      return {
        providerCheckoutId: session.id,
        url: session.url ?? "",
        expiresAt: session.expires_at ? new Date(session.expires_at * 1000) : null,
      };
    });
  }

  async createPaymentIntent(input: ProviderPaymentInput): Promise<ProviderPayment> {
    const customer = await this.#ensureCustomer(input.externalCustomerId, input.email);
    return this.#call(async () => {
      const product = await this.#stripe.products.retrieve(input.providerProductId, {
        expand: ["default_price"],
      });
      const price = product.default_price as Stripe.Price | null;
      if (!price?.unit_amount) throw new Error(`product ${product.id} has no fixed default price`);
      const intent = await this.#stripe.paymentIntents.create({
        amount: price.unit_amount,
        currency: price.currency,
        customer: customer.providerCustomerId,
        metadata: input.metadata,
        automatic_payment_methods: { enabled: true },
      });
      return {
        providerPaymentId: intent.id,
        clientSecret: intent.client_secret ?? "",
        publishableKey: this.#publishableKey,
        amountMinor: intent.amount,
        currency: intent.currency.toUpperCase(),
      };
    });
  }

  async #ensureCustomer(externalId: string, email?: string): Promise<ProviderCustomer> {
    return (
      (await this.findCustomerByExternalId(externalId)) ??
      (await this.createCustomer({ externalId, email: email ?? `${externalId}@customers.invalid` }))
    );
  }

  async createPortalSession(input: {
    externalCustomerId: string;
    returnUrl?: string;
  }): Promise<{ url: string }> {
    const customer = await this.findCustomerByExternalId(input.externalCustomerId);
    if (!customer) throw new UnknownProviderCustomerError(input.externalCustomerId);
    return this.#call(async () => {
      const session = await this.#stripe.billingPortal.sessions.create({
        customer: customer.providerCustomerId,
        ...(input.returnUrl ? { return_url: input.returnUrl } : {}),
      });
      return { url: session.url };
    });
  }

  async verifyWebhook(
    rawBody: string,
    headers: Record<string, string | undefined>,
  ): Promise<VerifiedDelivery> {
    if (this.#webhookSecrets.length === 0)
      throw new WebhookSignatureError("STRIPE_WEBHOOK_SECRET is not configured");
    const signature = headers["stripe-signature"];
    if (!signature) throw new WebhookSignatureError("the Stripe-Signature header is missing");
    // The platform endpoint and the Connect endpoint each have their own secret; either may have signed.
    let failure: unknown;
    for (const secret of this.#webhookSecrets) {
      try {
        const event = await this.#stripe.webhooks.constructEventAsync(rawBody, signature, secret);
        return { deliveryId: event.id, eventType: event.type, payload: event };
      } catch (error) {
        failure = error;
      }
    }
    throw new WebhookSignatureError(failure instanceof Error ? failure.message : "invalid signature");
  }

  handlesEvent(eventType: string): boolean {
    return handlesStripeEvent(eventType);
  }

  parseEvent(_eventType: string, payload: unknown): ProviderEvent {
    return toProviderEvent(payload as Stripe.Event);
  }

  async listSubscriptions(_since: Date | null): Promise<ProviderSubscription[]> {
    return this.#call(async () => {
      const readAt = this.#clock.now();
      const subscriptions: ProviderSubscription[] = [];
      for await (const subscription of this.#stripe.subscriptions.list({ status: "all", limit: 100 })) {
        subscriptions.push(fromStripeSubscription(subscription, readAt));
      }
      return subscriptions;
    });
  }

  async listOrders(_since: Date | null): Promise<ProviderOrder[]> {
    return this.#call(async () => {
      const readAt = this.#clock.now();
      const orders: ProviderOrder[] = [];
      for await (const invoice of this.#stripe.invoices.list({ status: "paid", limit: 100 })) {
        orders.push(fromPaidInvoice(invoice, readAt));
      }
      for await (const session of this.#stripe.checkout.sessions.list({ limit: 100 })) {
        const order = fromPaidSession(session, readAt);
        if (order) orders.push(order);
      }
      return orders;
    });
  }

  /** Billing Meter usage: the v2 meter event stream, or v1 where Stripe has no v2 (see StripeUsageSync). */
  async ingestUsage(
    events: ProviderUsageEvent[],
    options: { timeoutMs: number },
  ): Promise<ProviderIngestResult> {
    return this.#call(() => this.#usage.ingest(events, options));
  }

  async webhookEndpointStatus(url: string): Promise<{ found: boolean; enabled: boolean } | null> {
    return this.#call(async () => {
      const endpoints = await this.#stripe.webhookEndpoints.list({ limit: 100 });
      const endpoint = endpoints.data.find((candidate) => candidate.url === url);
      return endpoint
        ? { found: true, enabled: endpoint.status === "enabled" }
        : { found: false, enabled: false };
    });
  }

  #call<T>(work: () => Promise<T>): Promise<T> {
    return callProvider("Stripe", work);
  }
}

function toCustomer(customer: Stripe.Customer): ProviderCustomer {
  return {
    providerCustomerId: customer.id,
    externalId: customer.metadata[customerIdMetadata] ?? null,
    email: customer.email,
  };
}
