import type { z } from "zod";
import { BillhookError } from "../kernel/index.js";
import {
  type BillhookConfigInput,
  billhookConfigSchema,
  type CatalogConfig,
  catalogSchema,
  type Environment,
  environmentSchema,
} from "./config-schema.js";

export interface ResolvedConfig {
  environment: Environment;
  /** Production: development-only routes (simulate-success) do not exist. */
  production: boolean;
  catalog: CatalogConfig;
  pastDueGraceMs: number;
  /** Where a denied `check` points the customer; `{feature}` and `{product}` are filled in. */
  upgradeUrl: string | null;
  idempotencyRetentionMs: number;
  requestBodyBytesMax: number;
  credits: CreditSettings;
  usage: UsageSettings;
}

export interface UsageSettings {
  /** Status thresholds in percent of the limit. */
  thresholds: { warningPercent: number; criticalPercent: number; exceededPercent: number };
  /** How far in the future (by our clock) an event's timestamp may be before it is refused. */
  timestampSkewMsMax: number;
}

export interface CreditSettings {
  refundOnFailure: boolean;
  onRefund: "claw_back_unspent" | "keep";
  /** Where a 402 INSUFFICIENT_CREDITS points; `{type}` is filled in. Falls back to `upgradeUrl`. */
  buyUrl: string | null;
  expiringSoonMs: number;
}

const hourMs = 60 * 60 * 1000;

/**
 * Validates the environment and the config file together; the error names every bad field, e.g.
 * `billhook.config.ts: settings.idempotencyRetentionHours: Too small: expected number to be >=24`.
 */
export function resolveConfig(
  environment: Record<string, string | undefined>,
  file: unknown = {},
  fileName = "billhook.config.ts",
): ResolvedConfig {
  const parsedEnvironment = environmentSchema.safeParse(environment);
  if (!parsedEnvironment.success) throw configError("environment", parsedEnvironment.error);
  const parsedFile = billhookConfigSchema.safeParse(file ?? {});
  if (!parsedFile.success) throw configError(fileName, parsedFile.error);
  const settings: NonNullable<BillhookConfigInput["settings"]> = parsedFile.data.settings ?? {};
  const environmentValues = parsedEnvironment.data;
  return {
    environment: environmentValues,
    production:
      environmentValues.NODE_ENV === "production" ||
      environmentValues.POLAR_ENVIRONMENT === "production" ||
      Boolean(environmentValues.STRIPE_SECRET_KEY?.startsWith("sk_live_")),
    catalog: parsedFile.data.catalog ?? catalogSchema.parse({}),
    pastDueGraceMs: (settings.pastDueGraceDays ?? 3) * 24 * hourMs,
    upgradeUrl: settings.upgradeUrl ?? null,
    idempotencyRetentionMs: (settings.idempotencyRetentionHours ?? 24) * hourMs,
    requestBodyBytesMax: settings.requestBodyBytesMax ?? 1024 * 1024,
    credits: {
      refundOnFailure: settings.refundOnFailure ?? false,
      onRefund: settings.creditsOnRefund ?? "claw_back_unspent",
      buyUrl: settings.buyCreditsUrl ?? settings.upgradeUrl ?? null,
      expiringSoonMs: (settings.creditsExpiringSoonDays ?? 7) * 24 * hourMs,
    },
    usage: {
      thresholds: {
        warningPercent: settings.usageThresholds?.warningPercent ?? 80,
        criticalPercent: settings.usageThresholds?.criticalPercent ?? 95,
        exceededPercent: settings.usageThresholds?.exceededPercent ?? 100,
      },
      timestampSkewMsMax: 5 * 60 * 1000,
    },
  };
}

function configError(source: string, error: z.ZodError): BillhookError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
  const lines = issues.map((issue) => `${source}: ${issue.path}: ${issue.message}`);
  return new BillhookError("CONFIG_INVALID", `Invalid configuration:\n  ${lines.join("\n  ")}`, { issues });
}
