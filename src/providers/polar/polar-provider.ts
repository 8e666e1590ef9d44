import { HTTPClient, Polar } from "@polar-sh/sdk";
import type { Order } from "@polar-sh/sdk/models/components/order.js";
import type { Subscription } from "@polar-sh/sdk/models/components/subscription.js";
import { HTTPValidationError } from "@polar-sh/sdk/models/errors/httpvalidationerror.js";
import { ResourceNotFound } from "@polar-sh/sdk/models/errors/resourcenotfound.js";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import type { ProductSpec as CatalogEntry } from "../../modules/provider/index.js";
import {
  type BillingProvider,
  callProvider,
  type ProviderCheckout,
  type ProviderCheckoutInput,
  type ProviderCustomer,
  ProviderEmailTakenError,
  type ProviderEvent,
  type ProviderIngestResult,
  type ProviderOrder,
  type ProviderProduct,
  type ProviderSubscription,
  type ProviderUsageEvent,
  UnknownProviderCustomerError,
  type VerifiedDelivery,
  WebhookSignatureError,
} from "../../modules/provider/index.js";
import {
  catalogKeyMetadata,
  fromPolarProduct,
  toPolarPrices,
  toPolarProductCreate,
} from "./polar-catalog-mapping.js";
import {
  handlesPolarEvent,
  toProviderEvent,
  toProviderOrder,
  toProviderSubscription,
} from "./polar-event-mapping.js";

export interface PolarProviderOptions {
  accessToken: string;
  webhookSecret: string | undefined;
  /** `sandbox` or `production`; ignored when `serverUrl` is given (the emulator, a proxy). */
  environment?: "sandbox" | "production";
  serverUrl?: string;
  organizationId?: string;
}

/**
 * Polar through its official SDK. No SDK type leaves this folder: everything is translated to the
 * provider port's plain shapes, and every SDK failure becomes a typed Billhook error.
 */
export class PolarProvider implements BillingProvider {
  readonly name = "polar" as const;
  readonly capabilities = { revenueShare: false, embeddedPayments: false };
  /** Polar's acceptable-use policy forbids marketplaces with a revenue share (see docs/marketplace.md). */
  readonly sellerPayments = null;
  readonly #polar: Polar;
  readonly #webhookVerifiers: Webhook[];
  readonly #organizationId: string | undefined;

  constructor(options: PolarProviderOptions) {
    this.#polar = new Polar({
      accessToken: options.accessToken,
      httpClient: new HTTPClient({ fetcher: fetchWithCurrentResponse }),
      ...(options.serverUrl
        ? { serverURL: options.serverUrl }
        : { server: options.environment ?? "sandbox" }),
    });
    this.#webhookVerifiers = options.webhookSecret ? webhookVerifiers(options.webhookSecret) : [];
    this.#organizationId = options.organizationId;
  }

  async listCatalogProducts(): Promise<ProviderProduct[]> {
    return this.#call(async () => {
      const products: ProviderProduct[] = [];
      for await (const page of await this.#polar.products.list({ limit: 100, ...this.#organization() })) {
        for (const product of page.result.items) {
          const mapped = fromPolarProduct(product);
          if (mapped) products.push(mapped);
        }
      }
      return products;
    });
  }

  async createProduct(entry: CatalogEntry): Promise<ProviderProduct> {
    return this.#call(async () => {
      const created = await this.#polar.products.create({
        ...toPolarProductCreate(entry),
        ...this.#organization(),
      });
      return fromPolarProduct(created)!;
    });
  }

  async updateProduct(providerProductId: string, entry: CatalogEntry): Promise<ProviderProduct> {
    return this.#call(async () => {
      const updated = await this.#polar.products.update({
        id: providerProductId,
        productUpdate: {
          name: entry.name,
          description: entry.description,
          metadata: { [catalogKeyMetadata]: entry.key },
          isArchived: false,
          prices: toPolarPrices(entry),
          ...(entry.interval
            ? { trialInterval: entry.trialDays ? "day" : null, trialIntervalCount: entry.trialDays }
            : {}),
        },
      });
      return fromPolarProduct(updated)!;
    });
  }

  async archiveProduct(providerProductId: string): Promise<void> {
    await this.#call(() =>
      this.#polar.products.update({ id: providerProductId, productUpdate: { isArchived: true } }),
    );
  }

  async findCustomerByExternalId(externalId: string): Promise<ProviderCustomer | null> {
    return this.#call(async () => {
      try {
        const customer = await this.#polar.customers.getExternal({ externalId });
        return {
          providerCustomerId: customer.id,
          externalId: customer.externalId ?? null,
          email: customer.email ?? null,
        };
      } catch (error) {
        if (error instanceof ResourceNotFound) return null;
        throw error;
      }
    });
  }

  async findCustomerByEmail(email: string): Promise<ProviderCustomer | null> {
    return this.#call(async () => {
      const page = await this.#polar.customers.list({ email, limit: 1, ...this.#organization() });
      const customer = page.result.items[0];
      return customer
        ? {
            providerCustomerId: customer.id,
            externalId: customer.externalId ?? null,
            email: customer.email ?? null,
          }
        : null;
    });
  }

  async createCustomer(input: {
    externalId: string;
    email: string;
    name?: string;
  }): Promise<ProviderCustomer> {
    return this.#call(async () => {
      try {
        const customer = await this.#polar.customers.create({
          externalId: input.externalId,
          email: input.email,
          ...(input.name ? { name: input.name } : {}),
          ...this.#organization(),
        });
        return {
          providerCustomerId: customer.id,
          externalId: customer.externalId ?? null,
          email: customer.email ?? null,
        };
      } catch (error) {
        if (error instanceof HTTPValidationError && /email/i.test(JSON.stringify(error.detail ?? ""))) {
          throw new ProviderEmailTakenError(input.email);
        }
        throw error;
      }
    });
  }

  async createCheckout(input: ProviderCheckoutInput): Promise<ProviderCheckout> {
    return this.#call(async () => {
      const checkout = await this.#polar.checkouts.create({
        products: [input.providerProductId],
        externalCustomerId: input.externalCustomerId,
        successUrl: input.successUrl,
        metadata: input.metadata,
        ...(input.amountMinor !== undefined ? { amount: input.amountMinor } : {}),
        ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
        ...(input.email ? { customerEmail: input.email } : {}),
        ...(input.name ? { customerName: input.name } : {}),
      });
      return { providerCheckoutId: checkout.id, url: checkout.url, expiresAt: checkout.expiresAt };
    });
  }

  async createPortalSession(input: {
    externalCustomerId: string;
    returnUrl?: string;
  }): Promise<{ url: string }> {
    return this.#call(async () => {
      try {
        const session = await this.#polar.customerSessions.create({
          externalCustomerId: input.externalCustomerId,
          ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
        });
        return { url: session.customerPortalUrl };
      } catch (error) {
        // Polar answers an unknown external id with a 422 on that field ("Customer does not exist.").
        if (
          error instanceof HTTPValidationError &&
          /external_customer_id/.test(JSON.stringify(error.detail ?? ""))
        ) {
          throw new UnknownProviderCustomerError(input.externalCustomerId);
        }
        throw error;
      }
    });
  }

  async verifyWebhook(
    rawBody: string,
    headers: Record<string, string | undefined>,
  ): Promise<VerifiedDelivery> {
    if (this.#webhookVerifiers.length === 0)
      throw new WebhookSignatureError("POLAR_WEBHOOK_SECRET is not configured");
    const standardHeaders = {
      "webhook-id": headers["webhook-id"] ?? "",
      "webhook-timestamp": headers["webhook-timestamp"] ?? "",
      "webhook-signature": headers["webhook-signature"] ?? "",
    };
    try {
      const payload = verifyWithEither(this.#webhookVerifiers, rawBody, standardHeaders) as {
        type?: unknown;
      };
      if (typeof payload?.type !== "string") throw new WebhookSignatureError("the payload has no event type");
      return { deliveryId: standardHeaders["webhook-id"], eventType: payload.type, payload };
    } catch (error) {
      if (error instanceof WebhookSignatureError) throw error;
      const reason = error instanceof WebhookVerificationError ? error.message : "the body is not valid JSON";
      throw new WebhookSignatureError(reason);
    }
  }

  handlesEvent(eventType: string): boolean {
    return handlesPolarEvent(eventType);
  }

  parseEvent(eventType: string, payload: unknown): ProviderEvent {
    return toProviderEvent(eventType, payload);
  }

  async listSubscriptions(since: Date | null): Promise<ProviderSubscription[]> {
    return this.#call(async () => {
      const subscriptions: ProviderSubscription[] = [];
      for await (const page of await this.#polar.subscriptions.list({
        limit: 100,
        ...this.#organization(),
      })) {
        for (const subscription of page.result.items) {
          const mapped = fromSdkSubscription(subscription);
          if (!since || mapped.modifiedAt >= since) subscriptions.push(mapped);
        }
      }
      return subscriptions;
    });
  }

  async listOrders(since: Date | null): Promise<ProviderOrder[]> {
    return this.#call(async () => {
      const orders: ProviderOrder[] = [];
      for await (const page of await this.#polar.orders.list({ limit: 100, ...this.#organization() })) {
        for (const order of page.result.items) {
          const mapped = fromSdkOrder(order);
          if (!since || mapped.modifiedAt >= since) orders.push(mapped);
        }
      }
      return orders;
    });
  }

  async webhookEndpointStatus(url: string): Promise<{ found: boolean; enabled: boolean } | null> {
    return this.#call(async () => {
      const page = await this.#polar.webhooks.listWebhookEndpoints({ limit: 100, ...this.#organization() });
      const endpoint = page.result.items.find((candidate) => candidate.url === url);
      return endpoint ? { found: true, enabled: endpoint.enabled } : { found: false, enabled: false };
    });
  }

  async ingestUsage(
    events: ProviderUsageEvent[],
    options: { timeoutMs: number },
  ): Promise<ProviderIngestResult> {
    return this.#call(async () => {
      const result = await this.#polar.events.ingest(
        { events: events.map((event) => ({ ...toPolarEvent(event), ...this.#organization() })) },
        { timeoutMs: options.timeoutMs, retries: { strategy: "none" } },
      );
      return { inserted: result.inserted, duplicates: result.duplicates };
    });
  }

  #organization(): { organizationId?: string } {
    return this.#organizationId ? { organizationId: this.#organizationId } : {};
  }

  /** Any failure the adapter does not translate itself means Polar cannot be relied on right now. */
  #call<T>(work: () => Promise<T>): Promise<T> {
    return callProvider("Polar", work);
  }
}

/**
 * The SDK checks `response instanceof Response` against whatever the global `Response` is when it
 * parses an error. @hono/node-server replaces that global with a faster subclass when Billhook serves
 * HTTP in the same process, which makes every error answer from `fetch` fail that check (a 404 from
 * `customers.getExternal` turned into "Response validation failed"). Re-wrapping the answer in the
 * current global keeps the SDK's typed errors working whoever replaced it.
 */
async function fetchWithCurrentResponse(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const response: Response = await fetch(input, init);
  // The global may have changed since `fetch` captured its own Response class (TypeScript cannot know).
  const CurrentResponse: typeof Response = globalThis.Response;
  if ((response as unknown) instanceof CurrentResponse) return response;
  return new CurrentResponse(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * The keys a Polar endpoint's secret may sign with. Endpoints made before 2026-09-08 key the HMAC
 * with the UTF-8 bytes of the whole secret, prefix included (polar-facts §1.1, §7.2); endpoints
 * made since (`uses_standard_webhook_signature: true`) use the Standard Webhooks key, the base64
 * after `whsec_`. The secret alone does not say which, so both are tried, the original first.
 */
function webhookVerifiers(secret: string): Webhook[] {
  const verifiers = [new Webhook(utf8ToBase64(secret))];
  try {
    if (secret.startsWith("whsec_")) {
      const standard = new Webhook(secret);
      standard.sign("probe", new Date(0), "{}"); // decodes the key: throws when it is not base64
      verifiers.push(standard);
    }
  } catch {
    // Not base64 after the prefix: an original-scheme secret only.
  }
  return verifiers;
}

/** The payload, verified by the first key whose signature matches; else the first key's error. */
function verifyWithEither(
  verifiers: readonly Webhook[],
  rawBody: string,
  headers: Record<string, string>,
): unknown {
  let firstFailure: unknown;
  for (const verifier of verifiers) {
    try {
      return verifier.verify(rawBody, headers);
    } catch (error) {
      // Only a signature mismatch is worth another key; a stale timestamp or a bad body is not.
      if (!(error instanceof WebhookVerificationError) || !/signature/i.test(error.message)) throw error;
      firstFailure ??= error;
    }
  }
  throw firstFailure;
}

function utf8ToBase64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Polar's metadata limits (OpenAPI `EventMetadataInput`): 50 pairs, keys ≤ 40 characters, no nulls. */
const metadataPairsMax = 50;
const metadataKeyLengthMax = 40;

/**
 * Our event as Polar's `EventCreateExternalCustomer`: the event's own `value` travels as metadata
 * `value` (what a Polar sum meter reads) unless a property already has that name.
 */
function toPolarEvent(event: ProviderUsageEvent) {
  const metadata: Record<string, string | number | boolean> = {};
  if (!("value" in event.properties)) metadata.value = event.value;
  for (const [key, value] of Object.entries(event.properties)) {
    if (value === null || key.length > metadataKeyLengthMax) continue;
    if (Object.keys(metadata).length >= metadataPairsMax) break;
    metadata[key] = value;
  }
  return {
    name: event.name,
    externalCustomerId: event.customerId,
    externalId: event.eventId,
    timestamp: event.timestamp,
    metadata,
  };
}

/** The SDK's camelCase models, re-expressed as the webhook's snake_case payload, share one mapping. */
function fromSdkSubscription(subscription: Subscription): ProviderSubscription {
  return toProviderSubscription({
    id: subscription.id,
    status: subscription.status,
    cancel_at_period_end: subscription.cancelAtPeriodEnd,
    current_period_start: subscription.currentPeriodStart.toISOString(),
    current_period_end: subscription.currentPeriodEnd?.toISOString() ?? null,
    ended_at: subscription.endedAt?.toISOString() ?? null,
    past_due_at: subscription.pastDueAt?.toISOString() ?? null,
    created_at: subscription.createdAt.toISOString(),
    modified_at: subscription.modifiedAt?.toISOString() ?? null,
    product_id: subscription.productId,
    product: { metadata: subscription.product.metadata },
    customer: { external_id: subscription.customer.externalId },
  });
}

function fromSdkOrder(order: Order): ProviderOrder {
  return toProviderOrder({
    id: order.id,
    status: order.status,
    billing_reason: order.billingReason,
    currency: order.currency,
    net_amount: order.netAmount,
    tax_amount: order.taxAmount,
    total_amount: order.totalAmount,
    platform_fee_amount: order.platformFeeAmount,
    refunded_amount: order.refundedAmount,
    refunded_tax_amount: order.refundedTaxAmount,
    created_at: order.createdAt.toISOString(),
    modified_at: order.modifiedAt?.toISOString() ?? null,
    product_id: order.productId,
    product: order.product ? { metadata: order.product.metadata } : null,
    subscription_id: order.subscriptionId,
    customer: { external_id: order.customer.externalId },
  });
}
