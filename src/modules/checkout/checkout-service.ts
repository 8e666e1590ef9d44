import { BillhookError, type Clock, newId, type StoreAccess } from "../../kernel/index.js";
import type { BillingStore } from "../billing/index.js";
import type { Catalog, CatalogEntry, CatalogSync } from "../catalog/index.js";
import type { Customers } from "../customers/index.js";
import type { EntitlementStore } from "../entitlements/index.js";
import type { BillingProvider, ProviderEvent } from "../provider/index.js";
import type { CheckoutRecord, CheckoutStore } from "./checkout-store.js";

export interface CheckoutStores {
  checkouts: CheckoutStore;
  billing: BillingStore;
  entitlements: EntitlementStore;
}

export interface CheckoutInput {
  customerId: string;
  product: string;
  /** Only for pay-what-you-want products: what the buyer chose, in minor units. */
  amountMinor?: number;
  successUrl: string;
  returnUrl?: string;
  email?: string;
  name?: string;
  metadata?: Record<string, string>;
}

/**
 * Sells a catalog entry: checks the product exists (here and at the provider), that the customer does
 * not already own it and that a chosen amount is in bounds, then asks the provider for a hosted
 * checkout. Nothing is written unless the provider answered.
 */
export class Checkouts {
  readonly #access: StoreAccess<CheckoutStores>;
  readonly #clock: Clock;
  readonly #catalog: Catalog;
  readonly #catalogSync: CatalogSync;
  readonly #customers: Customers;
  readonly #provider: BillingProvider | null;

  constructor(options: {
    access: StoreAccess<CheckoutStores>;
    clock: Clock;
    catalog: Catalog;
    catalogSync: CatalogSync;
    customers: Customers;
    provider: BillingProvider | null;
  }) {
    this.#access = options.access;
    this.#clock = options.clock;
    this.#catalog = options.catalog;
    this.#catalogSync = options.catalogSync;
    this.#customers = options.customers;
    this.#provider = options.provider;
  }

  /**
   * @example
   * const { url } = await billhook.checkouts.create({ customerId: "user_1", product: "pro", successUrl });
   */
  async create(input: CheckoutInput): Promise<{ id: string; url: string; product: string }> {
    const entry = this.#requireEntry(input.product);
    const amountMinor = checkAmount(entry, input.amountMinor);
    if (!this.#provider)
      throw new BillhookError("PROVIDER_NOT_CONFIGURED", "No payment provider is configured.");
    await this.#refuseIfEntitled(input.customerId, entry);
    const providerProductId = await this.#catalogSync.providerProductId(entry.key);

    const checkout = await this.#provider.createCheckout({
      providerProductId,
      externalCustomerId: input.customerId,
      successUrl: input.successUrl,
      metadata: {
        ...(input.metadata ?? {}),
        billhook_customer_id: input.customerId,
        billhook_product: entry.key,
      },
      ...(amountMinor !== null ? { amountMinor } : {}),
      ...(input.returnUrl ? { returnUrl: input.returnUrl } : {}),
      ...(input.email ? { email: input.email } : {}),
      ...(input.name ? { name: input.name } : {}),
    });
    await this.#customers.remember({
      customerId: input.customerId,
      ...(input.email ? { email: input.email } : {}),
      ...(input.name ? { name: input.name } : {}),
    });
    const id = newId("chk");
    const provider = this.#provider.name;
    await this.#access.transaction((stores) =>
      stores.checkouts.insert({
        id,
        customerId: input.customerId,
        catalogKey: entry.key,
        provider,
        providerCheckoutId: checkout.providerCheckoutId,
        url: checkout.url,
        amountMinor,
        status: "open",
        createdAtMs: this.#clock.now().getTime(),
      }),
    );
    return { id, url: checkout.url, product: entry.key };
  }

  /**
   * Starts a payment the app collects in its own page (Stripe Elements): the same checks as a hosted
   * checkout, then a PaymentIntent whose client secret the browser confirms. The attempt is recorded
   * and its outcome (succeeded or failed) arrives by webhook.
   */
  async createPaymentIntent(input: { customerId: string; product: string; email?: string }): Promise<{
    id: string;
    clientSecret: string;
    publishableKey: string | null;
    amountMinor: number;
    currency: string;
  }> {
    const entry = this.#requireEntry(input.product);
    const provider = this.#provider;
    if (!provider) throw new BillhookError("PROVIDER_NOT_CONFIGURED", "No payment provider is configured.");
    if (!provider.capabilities.embeddedPayments || !provider.createPaymentIntent || entry.kind === "plan") {
      throw new BillhookError(
        "UNSUPPORTED_BY_PROVIDER",
        `${provider.name} cannot take an embedded payment for "${entry.key}"; use a checkout.`,
        { provider: provider.name, product: entry.key },
      );
    }
    await this.#refuseIfEntitled(input.customerId, entry);
    const providerProductId = await this.#catalogSync.providerProductId(entry.key);
    const payment = await provider.createPaymentIntent({
      providerProductId,
      externalCustomerId: input.customerId,
      metadata: { billhook_customer_id: input.customerId, billhook_product: entry.key },
      ...(input.email ? { email: input.email } : {}),
    });
    const id = newId("chk");
    await this.#access.transaction((stores) =>
      stores.checkouts.insert({
        id,
        customerId: input.customerId,
        catalogKey: entry.key,
        provider: provider.name,
        providerCheckoutId: payment.providerPaymentId,
        url: "",
        amountMinor: payment.amountMinor,
        status: "open",
        createdAtMs: this.#clock.now().getTime(),
      }),
    );
    return {
      id,
      clientSecret: payment.clientSecret,
      publishableKey: payment.publishableKey,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
    };
  }

  /** Records what the provider says became of a checkout (a declined payment stays on record as failed). */
  async recordOutcome(
    stores: Pick<CheckoutStores, "checkouts">,
    provider: string,
    event: Extract<ProviderEvent, { kind: "checkout" }>,
  ): Promise<"applied" | "stale"> {
    const nowMs = this.#clock.now().getTime();
    const updated = await stores.checkouts.updateStatus(
      provider,
      event.providerCheckoutId,
      event.status,
      nowMs,
    );
    return updated ? "applied" : "stale";
  }

  /** The customer's checkouts, newest first, with what became of each (open, succeeded, failed…). */
  async listOf(customerId: string): Promise<CheckoutRecord[]> {
    return this.#access.read((stores) => stores.checkouts.listOf(customerId));
  }

  #requireEntry(product: string): CatalogEntry {
    const entry = this.#catalog.find(product);
    if (!entry)
      throw new BillhookError("UNKNOWN_PRODUCT", `The catalog has no product "${product}".`, { product });
    return entry;
  }

  async #refuseIfEntitled(customerId: string, entry: CatalogEntry): Promise<void> {
    if (entry.kind === "tip") return;
    const nowMs = this.#clock.now().getTime();
    const owned = await this.#access.read(async (stores) => {
      if (entry.kind === "plan") {
        const subscriptions = await stores.billing.listSubscriptionsOf(customerId);
        return subscriptions.some(
          (subscription) =>
            subscription.catalogKey === entry.key &&
            ["active", "trialing", "past_due"].includes(subscription.status),
        );
      }
      const rows = await stores.entitlements.findActive(customerId, nowMs);
      return rows.some((row) => row.sourceKind === "order" && row.catalogKey === entry.key);
    });
    if (owned) {
      throw new BillhookError("ALREADY_ENTITLED", `Customer ${customerId} already has "${entry.key}".`, {
        customerId,
        product: entry.key,
      });
    }
  }
}

function checkAmount(entry: CatalogEntry, amountMinor: number | undefined): number | null {
  if (entry.price.type === "fixed") {
    if (amountMinor !== undefined && amountMinor !== entry.price.amountMinor) {
      throw new BillhookError("AMOUNT_OUT_OF_RANGE", `"${entry.key}" has a fixed price; omit amountMinor.`, {
        product: entry.key,
      });
    }
    return null;
  }
  const { minimumMinor, maximumMinor, presetMinor } = entry.price;
  const chosen = amountMinor ?? presetMinor ?? minimumMinor;
  if (chosen < minimumMinor || (maximumMinor !== null && chosen > maximumMinor)) {
    throw new BillhookError(
      "AMOUNT_OUT_OF_RANGE",
      `The amount must be between ${minimumMinor} and ${maximumMinor ?? "any"} ${entry.price.currency} minor units.`,
      { product: entry.key, minimumMinor, maximumMinor, amountMinor: chosen },
    );
  }
  return chosen;
}
