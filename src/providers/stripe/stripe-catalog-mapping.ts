import type Stripe from "stripe";
import type { ProductPrice, ProductSpec, ProviderProduct } from "../../modules/provider/index.js";

/** Metadata keys that tie Stripe objects to Billhook. */
export const catalogKeyMetadata = "billhook_key";
export const trialDaysMetadata = "billhook_trial_days";
export const customerIdMetadata = "billhook_customer_id";

/** Price fields for a catalog entry: fixed (recurring for plans) or pay-what-you-want. */
export function toStripePriceData(spec: ProductSpec): Omit<Stripe.PriceCreateParams, "product"> {
  const currency = spec.price.currency.toLowerCase();
  const lookup = { lookup_key: `billhook_${spec.key}`, transfer_lookup_key: true };
  if (spec.price.type === "custom") {
    return {
      ...lookup,
      currency,
      custom_unit_amount: {
        enabled: true,
        minimum: spec.price.minimumMinor,
        ...(spec.price.maximumMinor !== null ? { maximum: spec.price.maximumMinor } : {}),
        ...(spec.price.presetMinor !== null ? { preset: spec.price.presetMinor } : {}),
      },
    };
  }
  return {
    ...lookup,
    currency,
    unit_amount: spec.price.amountMinor,
    ...(spec.interval ? { recurring: { interval: spec.interval } } : {}),
  };
}

export function productMetadata(spec: ProductSpec): Record<string, string> {
  return {
    [catalogKeyMetadata]: spec.key,
    [trialDaysMetadata]: spec.trialDays ? String(spec.trialDays) : "",
  };
}

export function fromStripeProduct(product: Stripe.Product): ProviderProduct | null {
  const catalogKey = product.metadata[catalogKeyMetadata];
  if (!catalogKey) return null;
  const price =
    typeof product.default_price === "object" && product.default_price ? product.default_price : null;
  const trialDays = Number(product.metadata[trialDaysMetadata] ?? "");
  return {
    providerProductId: product.id,
    catalogKey,
    name: product.name,
    description: product.description ?? null,
    archived: !product.active,
    price: price ? fromStripePrice(price) : null,
    interval: intervalOf(price),
    trialDays: Number.isInteger(trialDays) && trialDays > 0 ? trialDays : null,
  };
}

function intervalOf(price: Stripe.Price | null): ProductSpec["interval"] {
  const interval = price?.recurring?.interval;
  return interval === "month" ? "month" : interval === "year" ? "year" : null;
}

function fromStripePrice(price: Stripe.Price): ProductPrice | null {
  const currency = price.currency.toUpperCase();
  if (price.custom_unit_amount) {
    return {
      type: "custom",
      currency,
      minimumMinor: price.custom_unit_amount.minimum ?? 0,
      maximumMinor: price.custom_unit_amount.maximum ?? null,
      presetMinor: price.custom_unit_amount.preset ?? null,
    };
  }
  return price.unit_amount === null ? null : { type: "fixed", amountMinor: price.unit_amount, currency };
}
