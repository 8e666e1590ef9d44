import { z } from "zod";

const thresholdsSchema = z
  .object({
    warningPercent: z.number().min(0).max(1000),
    criticalPercent: z.number().min(0).max(1000),
    exceededPercent: z.number().min(0).max(1000),
  })
  .strict()
  .refine((t) => t.warningPercent <= t.criticalPercent && t.criticalPercent <= t.exceededPercent, {
    message: "thresholds must not decrease: warningPercent <= criticalPercent <= exceededPercent",
  });

/**
 * What an operator may change while Billhook runs (dashboard, `PATCH /v1/settings`). Defaults come
 * from `billhook.config.ts`; a stored value overrides its default until it is reset (`null`).
 */
export const runtimeSettingsSchema = z
  .object({
    /** The platform's share of each marketplace charge, in basis points (1,000 = 10 %). */
    platformFeeBps: z.number().int().min(0).max(10_000),
    /** Days a seller's earnings stay pending before they become available for payout. */
    sellerSettlementDelayDays: z.number().int().min(0).max(90),
    /** A held job reported failed after commit gets its credits back, once. */
    refundOnFailure: z.boolean(),
    /** How long a credit hold lasts when the caller gives no `expiresInSeconds` (1 s to 7 days). */
    creditHoldTtlSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60 * 60),
    /** Days a past-due subscription keeps access (applies to subscription events from now on). */
    pastDueGraceDays: z.number().int().min(0).max(60),
    /** Usage status thresholds in percent of the limit. */
    usageThresholds: thresholdsSchema,
    /** A balance at or below this many units after a spend raises `credits.low` (0 turns it off). */
    creditsLowBalance: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  })
  .strict();

export type RuntimeSettings = z.infer<typeof runtimeSettingsSchema>;
export type SettingKey = keyof RuntimeSettings;
export const settingKeys = Object.keys(runtimeSettingsSchema.shape) as SettingKey[];
