import { z } from "zod";

/**
 * What `billhook.config.ts` may declare. Later issues add the catalog (features, plans, packs); every
 * object is strict so a misspelt key fails at start instead of being ignored.
 */
const catalogKey = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "must be snake_case, 1 to 64 characters");
const currencyCode = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD");
const fixedPrice = z.object({ amountMinor: z.number().int().min(0), currency: currencyCode }).strict();
const features = z.array(catalogKey).default([]);

/** What a person sells, keyed by stable keys that map to provider products through metadata. */
export const catalogSchema = z
  .object({
    features: z
      .record(
        catalogKey,
        z
          .object({ name: z.string().max(200).optional(), type: z.literal("boolean").default("boolean") })
          .strict(),
      )
      .default({}),
    plans: z
      .record(
        catalogKey,
        z
          .object({
            name: z.string().min(1).max(200),
            description: z.string().max(2000).optional(),
            price: fixedPrice,
            interval: z.enum(["month", "year"]),
            trialDays: z.number().int().min(1).max(365).optional(),
            features,
          })
          .strict(),
      )
      .default({}),
    products: z
      .record(
        catalogKey,
        z
          .object({
            name: z.string().min(1).max(200),
            description: z.string().max(2000).optional(),
            price: fixedPrice,
            features,
          })
          .strict(),
      )
      .default({}),
    tips: z
      .record(
        catalogKey,
        z
          .object({
            name: z.string().min(1).max(200),
            description: z.string().max(2000).optional(),
            currency: currencyCode,
            minimumMinor: z.number().int().min(50),
            maximumMinor: z.number().int().max(100_000_000).optional(),
            presetMinor: z.number().int().optional(),
          })
          .strict()
          .refine((tip) => tip.maximumMinor === undefined || tip.maximumMinor >= tip.minimumMinor, {
            message: "maximumMinor must be at least minimumMinor",
            path: ["maximumMinor"],
          })
          .refine(
            (tip) =>
              tip.presetMinor === undefined ||
              (tip.presetMinor >= tip.minimumMinor &&
                tip.presetMinor <= (tip.maximumMinor ?? Number.MAX_SAFE_INTEGER)),
            { message: "presetMinor must lie between minimumMinor and maximumMinor", path: ["presetMinor"] },
          ),
      )
      .default({}),
  })
  .strict()
  .superRefine((catalog, context) => {
    const sellable = [
      ...Object.keys(catalog.plans).map((key) => ["plans", key] as const),
      ...Object.keys(catalog.products).map((key) => ["products", key] as const),
      ...Object.keys(catalog.tips).map((key) => ["tips", key] as const),
    ];
    const seen = new Set<string>();
    for (const [group, key] of sellable) {
      if (seen.has(key))
        context.addIssue({ code: "custom", path: [group, key], message: `key "${key}" is used twice` });
      seen.add(key);
    }
    for (const group of ["plans", "products"] as const) {
      for (const [key, entry] of Object.entries(catalog[group])) {
        entry.features.forEach((feature, index) => {
          if (!(feature in catalog.features)) {
            context.addIssue({
              code: "custom",
              path: [group, key, "features", index],
              message: `unknown feature "${feature}"; declare it under catalog.features`,
            });
          }
        });
      }
    }
  });

export type CatalogConfig = z.output<typeof catalogSchema>;

export const billhookConfigSchema = z
  .object({
    catalog: catalogSchema.optional(),
    settings: z
      .object({
        /** How long an Idempotency-Key's stored response is replayable; never less than a day. */
        idempotencyRetentionHours: z
          .number()
          .int()
          .min(24)
          .max(24 * 90)
          .optional(),
        /** Days a past-due subscription keeps its access while the provider retries the payment. */
        pastDueGraceDays: z.number().int().min(0).max(60).optional(),
        /** Where a denied `check` sends the customer, e.g. `https://app.example.com/pricing?feature={feature}`. */
        upgradeUrl: z.url().optional(),
        /** Largest request body accepted, in bytes. */
        requestBodyBytesMax: z
          .number()
          .int()
          .min(1024)
          .max(50 * 1024 * 1024)
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type BillhookConfigInput = z.input<typeof billhookConfigSchema>;

/**
 * Declares Billhook's configuration with types, in `billhook.config.ts`.
 *
 * @example
 * export default defineConfig({ settings: { idempotencyRetentionHours: 48 } });
 */
export function defineConfig(config: BillhookConfigInput): BillhookConfigInput {
  return config;
}

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

/** Environment variables Billhook reads. Provider variables are validated by their own issues. */
export const environmentSchema = z.object({
  DATABASE_URL: optionalText,
  PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
  HOST: z.string().default("127.0.0.1"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PUBLIC_ORIGIN: z.url().optional(),
  BILLHOOK_CONFIG: optionalText,
  POLAR_ACCESS_TOKEN: optionalText,
  POLAR_WEBHOOK_SECRET: optionalText,
  POLAR_ORGANIZATION_ID: optionalText,
  POLAR_ENVIRONMENT: z.enum(["sandbox", "production"]).optional(),
  POLAR_API_URL: z.url().optional(),
  STRIPE_SECRET_KEY: optionalText,
  STRIPE_WEBHOOK_SECRET: optionalText,
});

export type Environment = z.output<typeof environmentSchema>;
