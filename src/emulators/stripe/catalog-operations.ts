import { invalidRequest, resourceMissing } from "./stripe-errors.js";
import type { Metadata, PriceObject, ProductObject, RecurringInterval } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

export interface ProductInput {
  name: string;
  description?: string | null;
  metadata?: Metadata;
  active?: boolean;
  id?: string;
  unitLabel?: string | null;
  url?: string | null;
  images?: string[];
}

export function createProduct(runtime: StripeEmulatorRuntime, input: ProductInput): ProductObject {
  if (input.id && runtime.store.products.get(input.id))
    throw invalidRequest(`Product already exists.`, "id", "resource_already_exists");
  const now = runtime.nowSeconds();
  const product: ProductObject = {
    id: input.id ?? runtime.newId("prod_"),
    object: "product",
    active: input.active ?? true,
    created: now,
    updated: now,
    livemode: false,
    name: input.name,
    description: input.description ?? null,
    default_price: null,
    images: input.images ?? [],
    marketing_features: [],
    metadata: input.metadata ?? {},
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    unit_label: input.unitLabel ?? null,
    url: input.url ?? null,
    type: "service",
  };
  runtime.store.products.put(product);
  runtime.emit("product.created", product);
  return product;
}

export interface PriceInput {
  product: string;
  currency: string;
  unitAmount?: number;
  unitAmountDecimal?: string;
  customUnitAmount?: { minimum?: number; maximum?: number; preset?: number };
  recurring?: {
    interval: RecurringInterval;
    intervalCount?: number;
    usageType?: "licensed" | "metered";
    meter?: string;
    trialPeriodDays?: number;
  };
  lookupKey?: string;
  transferLookupKey?: boolean;
  nickname?: string;
  metadata?: Metadata;
  active?: boolean;
  taxBehavior?: PriceObject["tax_behavior"];
}

const LOOKUP_KEY_LENGTH_MAX = 200;

function claimLookupKey(
  runtime: StripeEmulatorRuntime,
  lookupKey: string | undefined,
  transfer: boolean,
): void {
  if (!lookupKey) return;
  if (lookupKey.length > LOOKUP_KEY_LENGTH_MAX) throw invalidRequest("lookup_key is too long.", "lookup_key");
  const holder = runtime.store.prices.find((price) => price.lookup_key === lookupKey);
  if (!holder) return;
  // Lookup keys are unique per account; moving one needs `transfer_lookup_key=true` (facts §4).
  if (!transfer)
    throw invalidRequest(
      `A price (\`${holder.id}\`) already uses that lookup key.`,
      "lookup_key",
      "lookup_key_already_exists",
    );
  const previous = { lookup_key: holder.lookup_key };
  holder.lookup_key = null;
  runtime.emit("price.updated", holder, previous);
}

function amountFields(
  input: PriceInput,
): Pick<PriceObject, "unit_amount" | "unit_amount_decimal" | "custom_unit_amount"> {
  if (input.customUnitAmount) {
    if (input.recurring)
      throw invalidRequest("custom_unit_amount is not supported for recurring prices.", "custom_unit_amount");
    const custom = input.customUnitAmount;
    return {
      unit_amount: null,
      unit_amount_decimal: null,
      custom_unit_amount: {
        minimum: custom.minimum ?? null,
        maximum: custom.maximum ?? null,
        preset: custom.preset ?? null,
      },
    };
  }
  if (input.unitAmount !== undefined)
    return {
      unit_amount: input.unitAmount,
      unit_amount_decimal: String(input.unitAmount),
      custom_unit_amount: null,
    };
  if (input.unitAmountDecimal !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(input.unitAmountDecimal))
      throw invalidRequest("Invalid decimal.", "unit_amount_decimal");
    const decimal = input.unitAmountDecimal;
    const whole = Number(decimal);
    return {
      unit_amount: Number.isInteger(whole) ? whole : null,
      unit_amount_decimal: decimal,
      custom_unit_amount: null,
    };
  }
  throw invalidRequest("Missing required param: unit_amount.", "unit_amount", "parameter_missing");
}

export function createPrice(runtime: StripeEmulatorRuntime, input: PriceInput): PriceObject {
  if (!runtime.store.products.get(input.product)) throw resourceMissing("product", input.product, "product");
  const recurring = input.recurring;
  if (recurring?.usageType === "metered" && !recurring.meter)
    throw invalidRequest("Metered prices must reference a meter.", "recurring[meter]");
  if (recurring?.meter && !runtime.store.meters.get(recurring.meter))
    throw resourceMissing("billing.meter", recurring.meter, "recurring[meter]");
  const amounts = amountFields(input);
  claimLookupKey(runtime, input.lookupKey, input.transferLookupKey ?? false);
  const price: PriceObject = {
    id: runtime.newId("price_", 24),
    object: "price",
    active: input.active ?? true,
    billing_scheme: "per_unit",
    created: runtime.nowSeconds(),
    currency: input.currency.toLowerCase(),
    ...amounts,
    livemode: false,
    lookup_key: input.lookupKey ?? null,
    metadata: input.metadata ?? {},
    nickname: input.nickname ?? null,
    product: input.product,
    recurring: recurring
      ? {
          interval: recurring.interval,
          interval_count: recurring.intervalCount ?? 1,
          meter: recurring.meter ?? null,
          trial_period_days: recurring.trialPeriodDays ?? null,
          usage_type: recurring.usageType ?? "licensed",
        }
      : null,
    tax_behavior: input.taxBehavior ?? "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? "recurring" : "one_time",
  };
  runtime.store.prices.put(price);
  runtime.emit("price.created", price);
  return price;
}

export function findPrice(runtime: StripeEmulatorRuntime, id: string, param = "price"): PriceObject {
  const price = runtime.store.prices.get(id);
  if (!price) throw resourceMissing("price", id, param);
  return price;
}

export function findProduct(runtime: StripeEmulatorRuntime, id: string, param = "product"): ProductObject {
  const product = runtime.store.products.get(id);
  if (!product) throw resourceMissing("product", id, param);
  return product;
}
