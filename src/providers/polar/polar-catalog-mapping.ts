import type { Product } from "@polar-sh/sdk/models/components/product.js";
import type { ProductCreateOneTime } from "@polar-sh/sdk/models/components/productcreateonetime.js";
import type { ProductCreateRecurring } from "@polar-sh/sdk/models/components/productcreaterecurring.js";
import type { ProductSpec as CatalogEntry, ProviderProduct } from "../../modules/provider/index.js";

/** The product metadata key that ties a Polar product to a catalog entry. */
export const catalogKeyMetadata = "billhook_key";

export function toPolarPrices(entry: CatalogEntry): ProductCreateRecurring["prices"] {
  const currency = entry.price.currency.toLowerCase() as "usd";
  if (entry.price.type === "fixed") {
    return [{ amountType: "fixed", priceAmount: entry.price.amountMinor, priceCurrency: currency }];
  }
  return [
    {
      amountType: "custom",
      priceCurrency: currency,
      minimumAmount: entry.price.minimumMinor,
      maximumAmount: entry.price.maximumMinor,
      presetAmount: entry.price.presetMinor,
    },
  ];
}

export function toPolarProductCreate(entry: CatalogEntry): ProductCreateRecurring | ProductCreateOneTime {
  const common = {
    name: entry.name,
    description: entry.description,
    metadata: { [catalogKeyMetadata]: entry.key },
    prices: toPolarPrices(entry),
  };
  if (entry.interval === null) return common;
  return {
    ...common,
    recurringInterval: entry.interval,
    ...(entry.trialDays ? { trialInterval: "day" as const, trialIntervalCount: entry.trialDays } : {}),
  };
}

export function fromPolarProduct(product: Product): ProviderProduct | null {
  const catalogKey = product.metadata[catalogKeyMetadata];
  if (typeof catalogKey !== "string") return null;
  return {
    providerProductId: product.id,
    catalogKey,
    name: product.name,
    description: product.description,
    archived: product.isArchived,
    price: fromPolarPrice(product),
    interval:
      product.recurringInterval === "month" ? "month" : product.recurringInterval === "year" ? "year" : null,
    trialDays: product.trialInterval === "day" ? product.trialIntervalCount : null,
  };
}

function fromPolarPrice(product: Product): ProviderProduct["price"] {
  const price = product.prices.find((candidate) => !candidate.isArchived);
  if (!price) return null;
  if (price.amountType === "fixed" && "priceAmount" in price) {
    return { type: "fixed", amountMinor: price.priceAmount, currency: price.priceCurrency.toUpperCase() };
  }
  if (price.amountType === "custom" && "minimumAmount" in price) {
    return {
      type: "custom",
      currency: price.priceCurrency.toUpperCase(),
      minimumMinor: price.minimumAmount,
      maximumMinor: price.maximumAmount,
      presetMinor: price.presetAmount,
    };
  }
  return null;
}
