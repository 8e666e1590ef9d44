import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { fieldError } from "./polar-errors.js";
import type { PriceRecord, ProductRecord } from "./polar-records.js";
import { CUSTOM_PRICE_MINIMUM_DEFAULT, type PriceCreate } from "./request-schemas.js";

/** Stores a price created from a request body. */
export function createPrice(
  runtime: PolarEmulatorRuntime,
  productId: string,
  input: PriceCreate,
  source: PriceRecord["source"] = "catalog",
): PriceRecord {
  const base = {
    id: runtime.newId(),
    created_at: runtime.nowIso(),
    modified_at: null,
    product_id: productId,
    source,
    amount_type: input.amount_type,
    price_currency: input.price_currency,
    is_archived: false,
    price_amount: null,
    minimum_amount: null,
    maximum_amount: null,
    preset_amount: null,
    unit_amount: null,
    cap_amount: null,
    meter_id: null,
  };
  if (input.amount_type === "fixed")
    return runtime.store.prices.put({ ...base, price_amount: input.price_amount });
  if (input.amount_type === "custom") {
    const minimum = input.minimum_amount ?? CUSTOM_PRICE_MINIMUM_DEFAULT;
    if (minimum > 0 && minimum < CUSTOM_PRICE_MINIMUM_DEFAULT) {
      throw fieldError(["prices", 0, "minimum_amount"], "Minimum amount must be 0 or at least 50.", minimum);
    }
    return runtime.store.prices.put({
      ...base,
      minimum_amount: minimum,
      maximum_amount: input.maximum_amount ?? null,
      preset_amount: input.preset_amount ?? null,
    });
  }
  if (!runtime.store.meters.get(input.meter_id))
    throw fieldError(["prices", 0, "meter_id"], "Meter does not exist.", input.meter_id);
  return runtime.store.prices.put({
    ...base,
    unit_amount: String(input.unit_amount),
    cap_amount: input.cap_amount ?? null,
    meter_id: input.meter_id,
  });
}

/** Polar's price rules: one static price (fixed or custom) at most; metered prices only on recurring products. */
export function assertPriceRules(prices: Array<{ amount_type: string }>, isRecurring: boolean): void {
  const staticPrices = prices.filter((price) => price.amount_type !== "metered_unit");
  if (staticPrices.length > 1)
    throw fieldError(["prices"], "Only one static price (fixed or custom) is allowed.", prices);
  if (!isRecurring && prices.some((price) => price.amount_type === "metered_unit")) {
    throw fieldError(["prices"], "Metered prices are not supported on one-time purchase products.", prices);
  }
  if (prices.length === 0) throw fieldError(["prices"], "At least one price is required.", prices);
}

/** The price a checkout preselects: the product's static price, or its first price. */
export function defaultPrice(runtime: PolarEmulatorRuntime, product: ProductRecord): PriceRecord | undefined {
  const prices = product.price_ids.flatMap((id) => {
    const price = runtime.store.prices.get(id);
    return price && !price.is_archived ? [price] : [];
  });
  return prices.find((price) => price.amount_type !== "metered_unit") ?? prices[0];
}
