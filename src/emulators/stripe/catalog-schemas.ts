import { z } from "zod";
import type { PriceInput } from "./catalog-operations.js";
import { formBool, formInt, formNonNegativeInt, mergeMetadata, metadataParam } from "./request-input.js";

export const recurringSchema = z.object({
  interval: z.enum(["day", "week", "month", "year"]),
  interval_count: formInt.min(1).optional(),
  usage_type: z.enum(["licensed", "metered"]).optional(),
  meter: z.string().optional(),
  trial_period_days: formNonNegativeInt.optional(),
});

/** The amount part shared by `prices.create`, `price_data` and `default_price_data`. */
export const priceAmountFields = {
  currency: z.string().length(3),
  unit_amount: formNonNegativeInt.optional(),
  unit_amount_decimal: z.string().optional(),
  recurring: recurringSchema.optional(),
  tax_behavior: z.enum(["unspecified", "inclusive", "exclusive"]).optional(),
};

export const priceCreateSchema = z.object({
  ...priceAmountFields,
  product: z.string().optional(),
  product_data: z
    .object({ name: z.string(), metadata: metadataParam, active: formBool.optional() })
    .optional(),
  custom_unit_amount: z
    .object({
      enabled: formBool,
      minimum: formNonNegativeInt.optional(),
      maximum: formNonNegativeInt.optional(),
      preset: formNonNegativeInt.optional(),
    })
    .optional(),
  lookup_key: z.string().optional(),
  transfer_lookup_key: formBool.optional(),
  nickname: z.string().optional(),
  metadata: metadataParam,
  active: formBool.optional(),
  expand: z.array(z.string()).optional(),
});

/** zod output of the amount fields → the operation's input. */
export function priceInputFrom(
  body: z.output<z.ZodObject<typeof priceAmountFields>> & {
    custom_unit_amount?: { enabled: boolean; minimum?: number; maximum?: number; preset?: number };
    lookup_key?: string;
    transfer_lookup_key?: boolean;
    nickname?: string;
    metadata?: "" | Record<string, string>;
    active?: boolean;
  },
  product: string,
): PriceInput {
  return {
    product,
    currency: body.currency,
    unitAmount: body.unit_amount,
    unitAmountDecimal: body.unit_amount_decimal,
    customUnitAmount: body.custom_unit_amount?.enabled ? body.custom_unit_amount : undefined,
    recurring: body.recurring
      ? {
          interval: body.recurring.interval,
          intervalCount: body.recurring.interval_count,
          usageType: body.recurring.usage_type,
          meter: body.recurring.meter,
          trialPeriodDays: body.recurring.trial_period_days,
        }
      : undefined,
    lookupKey: body.lookup_key,
    transferLookupKey: body.transfer_lookup_key,
    nickname: body.nickname,
    metadata: mergeMetadata({}, body.metadata),
    active: body.active,
    taxBehavior: body.tax_behavior,
  };
}

export const productCreateSchema = z.object({
  name: z.string().min(1),
  id: z.string().optional(),
  description: z.string().optional(),
  active: formBool.optional(),
  metadata: metadataParam,
  unit_label: z.string().optional(),
  url: z.string().optional(),
  images: z.array(z.string()).optional(),
  default_price_data: z.object(priceAmountFields).optional(),
  expand: z.array(z.string()).optional(),
});

export const productUpdateSchema = z.object({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  active: formBool.optional(),
  metadata: metadataParam,
  default_price: z.string().optional(),
  unit_label: z.string().optional(),
  url: z.string().optional(),
  images: z.union([z.literal(""), z.array(z.string())]).optional(),
  expand: z.array(z.string()).optional(),
});

export const priceUpdateSchema = z.object({
  active: formBool.optional(),
  metadata: metadataParam,
  nickname: z.string().optional(),
  lookup_key: z.string().optional(),
  transfer_lookup_key: formBool.optional(),
  expand: z.array(z.string()).optional(),
});
