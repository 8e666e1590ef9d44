import { z } from "zod";

/**
 * What `billhook.config.ts` may declare. Later issues add the catalog (features, plans, packs); every
 * object is strict so a misspelt key fails at start instead of being ignored.
 */
export const billhookConfigSchema = z
  .object({
    settings: z
      .object({
        /** How long an Idempotency-Key's stored response is replayable; never less than a day. */
        idempotencyRetentionHours: z
          .number()
          .int()
          .min(24)
          .max(24 * 90)
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
