import { z } from "zod";

/** Shared pieces of Polar request bodies (snake_case on the wire). */
export const metadataSchema = z.record(
  z.string().max(40),
  z.union([z.string().max(500), z.number(), z.boolean()]),
);

export const recurringIntervalSchema = z.enum(["day", "week", "month", "year"]);

export const addressSchema = z.object({
  country: z.string().length(2),
  line1: z.string().nullish(),
  line2: z.string().nullish(),
  postal_code: z.string().nullish(),
  city: z.string().nullish(),
  state: z.string().nullish(),
});

const currencySchema = z.string().length(3).toLowerCase().default("usd");

export const priceCreateSchema = z.discriminatedUnion("amount_type", [
  z.object({
    amount_type: z.literal("fixed"),
    price_amount: z.number().int().min(0).max(99_999_999),
    price_currency: currencySchema,
    tax_behavior: z.string().nullish(),
  }),
  z.object({
    amount_type: z.literal("custom"),
    minimum_amount: z.number().int().min(0).nullish(),
    maximum_amount: z.number().int().min(50).max(99_999_999).nullish(),
    preset_amount: z.number().int().min(0).max(99_999_999).nullish(),
    price_currency: currencySchema,
    tax_behavior: z.string().nullish(),
  }),
  z.object({
    amount_type: z.literal("metered_unit"),
    meter_id: z.string().uuid(),
    unit_amount: z.union([z.number().min(0), z.string().regex(/^\d+(\.\d{1,12})?$/)]),
    cap_amount: z.number().int().min(0).nullish(),
    price_currency: currencySchema,
    tax_behavior: z.string().nullish(),
  }),
]);
export type PriceCreate = z.infer<typeof priceCreateSchema>;

export const existingPriceSchema = z.object({ id: z.string().uuid() });

/** Polar rejects custom minimums between 1 and 49 cents: 0 means "free or pay what you want". */
export const CUSTOM_PRICE_MINIMUM_DEFAULT = 50;
