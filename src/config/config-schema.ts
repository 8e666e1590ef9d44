import { z } from "zod";
import { dayMs } from "../kernel/index.js";
import { checkMeters, meterSchema, rateLimitSchema, usageLimit } from "./usage-config-schema.js";

/**
 * What `billhook.config.ts` may declare. Later issues add the catalog (features, plans, packs); every
 * object is strict so a misspelt key fails at start instead of being ignored.
 */
const catalogKey = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "must be snake_case, 1 to 64 characters");
const currencyCode = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD");
const fixedPrice = z.object({ amountMinor: z.number().int().min(0), currency: currencyCode }).strict();
const features = z.array(catalogKey).default([]);
/** What every fixed-price catalog entry (plan or one-time product) declares. */
const pricedProduct = {
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  price: fixedPrice,
  features,
};
/** A credit type's key becomes its ledger currency upper-cased (`images` → `IMAGES`), so 3+ characters. */
const creditTypeKey = z.string().regex(/^[a-z][a-z0-9_]{2,31}$/, "must be snake_case, 3 to 32 characters");
const creditGrantTerms = {
  /** Credits from this grant lapse this many days after it is made; omitted = never. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
  /** Among grants expiring at the same time, lower priorities are spent first. */
  priority: z.number().int().min(0).max(1000).optional(),
};
const planAllowance = z
  .object({
    /** Credits granted each month of the subscription (monthly even on yearly plans). */
    amount: z.number().int().min(1).max(1_000_000_000),
    /** Whether unspent allowance carries into the next month; off = it expires at the month's end. */
    rollover: z.boolean().default(false),
    /** With rollover, unspent allowance above this many credits expires at the month's end. */
    rolloverCap: z.number().int().min(0).optional(),
  })
  .strict();

/** What a person sells, keyed by stable keys that map to provider products through metadata. */
export const catalogSchema = z
  .object({
    features: z
      .record(
        catalogKey,
        z
          .object({
            name: z.string().max(200).optional(),
            type: z.enum(["boolean", "credits", "metered"]).default("boolean"),
            /** For `type: "credits"`: the credit type whose available balance `check` compares to `units`. */
            creditType: creditTypeKey.optional(),
            /** For `type: "metered"`: the meter whose use in the period `check` compares to the plan's limit. */
            meter: catalogKey.optional(),
            /** Request-rate windows per customer, e.g. `[{ limit: 60, window: "minute" }]`; see docs/usage.md. */
            rateLimits: z.array(rateLimitSchema).max(4).default([]),
          })
          .strict()
          .refine((feature) => (feature.type === "credits") === (feature.creditType !== undefined), {
            message: 'a "credits" feature names its creditType, and only it does',
            path: ["creditType"],
          })
          .refine((feature) => (feature.type === "metered") === (feature.meter !== undefined), {
            message: 'a "metered" feature names its meter, and only it does',
            path: ["meter"],
          }),
      )
      .default({}),
    plans: z
      .record(
        catalogKey,
        z
          .object({
            ...pricedProduct,
            interval: z.enum(["month", "year"]),
            trialDays: z.number().int().min(1).max(365).optional(),
            features,
            /** Credit allowances granted each month, by credit type. */
            credits: z.record(creditTypeKey, planAllowance).default({}),
            /** Usage included each period, by meter, e.g. `{ api_calls: { limit: 1000, overage: "block" } }`. */
            limits: z.record(catalogKey, usageLimit).default({}),
          })
          .strict(),
      )
      .default({}),
    products: z.record(catalogKey, z.object(pricedProduct).strict()).default({}),
    /** Credit types, e.g. `{ images: { unit: "image" } }`; each is a currency of its own in the ledger. */
    credits: z.record(creditTypeKey, z.object({ unit: z.string().min(1).max(40) }).strict()).default({}),
    /** Usage meters, e.g. `{ api_calls: { event: "api.request" } }`; see docs/usage.md. */
    meters: z.record(catalogKey, meterSchema).default({}),
    /** One-time products that grant credits: a fixed `amount`, or pay-what-you-want at `creditsPerMinor`. */
    creditPacks: z
      .record(
        catalogKey,
        z
          .object({
            name: z.string().min(1).max(200),
            description: z.string().max(2000).optional(),
            creditType: creditTypeKey,
            price: fixedPrice.optional(),
            amount: z.number().int().min(1).max(1_000_000_000).optional(),
            payWhatYouWant: z
              .object({
                currency: currencyCode,
                minimumMinor: z.number().int().min(50),
                maximumMinor: z.number().int().max(100_000_000).optional(),
                presetMinor: z.number().int().optional(),
                creditsPerMinor: z.number().positive().max(1_000_000),
              })
              .strict()
              .optional(),
            ...creditGrantTerms,
          })
          .strict()
          .refine(
            (pack) =>
              (pack.price !== undefined && pack.amount !== undefined && pack.payWhatYouWant === undefined) ||
              (pack.payWhatYouWant !== undefined && pack.price === undefined && pack.amount === undefined),
            { message: "a pack has either price and amount, or payWhatYouWant", path: ["price"] },
          ),
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
      ...Object.keys(catalog.creditPacks).map((key) => ["creditPacks", key] as const),
    ];
    const seen = new Set<string>();
    for (const [group, key] of sellable) {
      if (seen.has(key))
        context.addIssue({ code: "custom", path: [group, key], message: `key "${key}" is used twice` });
      seen.add(key);
    }
    checkCreditTypes(catalog, context);
    checkMeters(catalog, context);
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

/** Every credit type named by a feature, a plan allowance or a pack must be declared under `credits`. */
function checkCreditTypes(
  catalog: {
    credits: Record<string, unknown>;
    features: Record<string, { creditType?: string | undefined }>;
    plans: Record<string, { credits: Record<string, unknown> }>;
    creditPacks: Record<string, { creditType: string }>;
  },
  context: z.RefinementCtx,
): void {
  const check = (creditType: string | undefined, path: Array<string | number>) => {
    if (creditType !== undefined && !(creditType in catalog.credits)) {
      context.addIssue({
        code: "custom",
        path,
        message: `unknown credit type "${creditType}"; declare it under catalog.credits`,
      });
    }
  };
  for (const [key, feature] of Object.entries(catalog.features))
    check(feature.creditType, ["features", key, "creditType"]);
  for (const [key, plan] of Object.entries(catalog.plans))
    for (const creditType of Object.keys(plan.credits))
      check(creditType, ["plans", key, "credits", creditType]);
  for (const [key, pack] of Object.entries(catalog.creditPacks))
    check(pack.creditType, ["creditPacks", key, "creditType"]);
}

/** Sellers, tiers and tips with a platform fee; see docs/marketplace.md. Runs on Stripe Connect only. */
export const marketplaceSchema = z
  .object({
    // The fee (`settings.platformFeeBps`) and the settlement delay (`settings.sellerSettlementDelayDays`)
    // are runtime settings: an operator changes them with PATCH /v1/settings.
    tipMinimumMinor: z.number().int().min(50).default(100),
    tipMaximumMinor: z.number().int().max(100_000_000).default(100_000),
    /** Where onboarding returns the seller; `{sellerId}` is filled in. */
    onboardingReturnUrl: z.url().default("http://127.0.0.1:8787/sellers/{sellerId}/onboarded"),
    /** Where a spent or expired onboarding link sends the seller to get a fresh one. */
    onboardingRefreshUrl: z.url().default("http://127.0.0.1:8787/sellers/{sellerId}/onboarding"),
  })
  .strict()
  .refine((marketplace) => marketplace.tipMaximumMinor >= marketplace.tipMinimumMinor, {
    message: "tipMaximumMinor must be at least tipMinimumMinor",
    path: ["tipMaximumMinor"],
  });

export const billhookConfigSchema = z
  .object({
    catalog: catalogSchema.optional(),
    marketplace: marketplaceSchema.optional(),
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
        /** A held job reported failed is released; a committed one gets its credits back, once. */
        refundOnFailure: z.boolean().optional(),
        /** What a refunded credit pack does: claw back the unspent share of its credits, or keep them. */
        creditsOnRefund: z.enum(["claw_back_unspent", "keep"]).optional(),
        /** Where a 402 INSUFFICIENT_CREDITS sends the customer; `{type}` is filled in. */
        buyCreditsUrl: z.url().optional(),
        /** Balances list credits expiring within this many days as "expiring soon". */
        creditsExpiringSoonDays: z.number().int().min(1).max(365).optional(),
        /** Failed deliveries in a row after which an outbound webhook endpoint is paused; default 10. */
        webhookFailuresBeforePause: z.number().int().min(1).max(1000).optional(),
        /** Usage status thresholds, in percent of the limit: warning, critical, exceeded (80 / 95 / 100). */
        usageThresholds: z
          .object({
            warningPercent: z.number().min(0).max(1000).default(80),
            criticalPercent: z.number().min(0).max(1000).default(95),
            exceededPercent: z.number().min(0).max(1000).default(100),
          })
          .strict()
          .refine((t) => t.warningPercent <= t.criticalPercent && t.criticalPercent <= t.exceededPercent, {
            message: "thresholds must not decrease: warningPercent <= criticalPercent <= exceededPercent",
          })
          .optional(),
        /** Marketplace: the platform's share of each charge in basis points (default 1,000 = 10 %). */
        platformFeeBps: z.number().int().min(0).max(10_000).optional(),
        /** Marketplace: days a seller's earnings stay pending before they can be paid out (default 7). */
        sellerSettlementDelayDays: z.number().int().min(0).max(90).optional(),
        /** A balance at or below this many units after a spend raises `credits.low` (default 10; 0 = off). */
        creditsLowBalance: z.number().int().min(0).optional(),
        /** Usage sync to the provider (see docs/usage.md); every field optional. */
        usageSync: z
          .object({
            batchSize: z.number().int().min(1).max(1000).optional(),
            attemptsMax: z.number().int().min(1).max(100).optional(),
            retryDelayMsBase: z.number().int().min(1).max(dayMs).optional(),
            retryDelayMsMax: z
              .number()
              .int()
              .min(1)
              .max(7 * dayMs)
              .optional(),
            leaseMs: z.number().int().min(1_000).max(dayMs).optional(),
            requestTimeoutMs: z.number().int().min(1).max(600_000).optional(),
            intervalMs: z.number().int().min(100).max(dayMs).optional(),
          })
          .strict()
          .refine((sync) => (sync.requestTimeoutMs ?? 15_000) < (sync.leaseMs ?? 60_000), {
            message: "requestTimeoutMs must be shorter than leaseMs, or a slow send could lose its lease",
          })
          .optional(),
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
  NODE_ENV: optionalText,
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
  STRIPE_API_URL: z.url().optional(),
  STRIPE_PUBLISHABLE_KEY: optionalText,
  STRIPE_WEBHOOK_SECRET: optionalText,
  /** The Connect endpoint's secret (connected accounts' events), when it is a separate endpoint. */
  STRIPE_CONNECT_WEBHOOK_SECRET: optionalText,
  /** Browser origins allowed to call the API with customer tokens, comma-separated. */
  BILLHOOK_CORS_ORIGINS: optionalText,
  /** The HMAC key of customer tokens (32+ characters); unset = a random one stored in the database. */
  BILLHOOK_TOKEN_SECRET: z.string().min(32).optional(),
  /** Outbound webhooks to private/loopback addresses: allowed outside production unless "false". */
  BILLHOOK_ALLOW_PRIVATE_WEBHOOKS: z.enum(["true", "false"]).optional(),
  /**
   * `emulator`: Billhook's clock follows the provider emulator's test clock (read from the emulator at
   * POLAR_API_URL or STRIPE_API_URL), so clock jumps reach trials, grace periods and settlement delays.
   */
  BILLHOOK_CLOCK: z.enum(["system", "emulator"]).optional(),
  /** `true` serves `/metrics` without an admin key (a scraper inside a private network). */
  METRICS_PUBLIC: z.enum(["true", "false"]).optional(),
  /** Redis: shared rate-limit counters and cross-instance realtime signals (pub/sub). */
  REDIS_URL: z
    .string()
    .trim()
    .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
    .optional(),
});

export type Environment = z.output<typeof environmentSchema>;
