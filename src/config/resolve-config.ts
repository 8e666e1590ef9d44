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
import type { RuntimeSettings } from "./runtime-settings-schema.js";

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
  /** Null unless the config file declares `marketplace` (then the provider must allow a revenue share). */
  marketplace: MarketplaceConfig | null;
  webhooks: OutboundWebhookSettings;
  /** Defaults of what operators may change at runtime (`PATCH /v1/settings`, the dashboard). */
  runtimeDefaults: RuntimeSettings;
  realtime: RealtimeSettings;
  usageSync: UsageSyncSettings;
}

export interface RealtimeSettings {
  /** Origins allowed to call the API from a browser (CORS), e.g. `https://app.example.com`. */
  corsOrigins: string[];
  /** The customer tokens' HMAC key when configured; null = one stored in the database. */
  tokenSecret: string | null;
  /** Watchers re-read at least this often, even when no change signal arrives. */
  fallbackPollMs: number;
}

/** The marketplace's static settings; the fee and the settlement delay are runtime settings. */
export interface MarketplaceConfig {
  tipMinimumMinor: number;
  tipMaximumMinor: number;
  onboardingReturnUrl: string;
  onboardingRefreshUrl: string;
}

export interface OutboundWebhookSettings {
  /**
   * Whether endpoints may point at loopback, private, link-local and other non-public addresses:
   * `BILLHOOK_ALLOW_PRIVATE_WEBHOOKS=true`, or outside production unless it is `false`.
   */
  allowPrivateAddresses: boolean;
  failuresBeforePause: number;
}

/** How usage leaves for the provider (`settings.usageSync`; see docs/usage.md). */
export interface UsageSyncSettings {
  /** Events per provider request. */
  batchSize: number;
  /** Attempts per event before it becomes a dead letter. */
  attemptsMax: number;
  /** Back-off after the first failure; it doubles per attempt, with jitter, up to `retryDelayMsMax`. */
  retryDelayMsBase: number;
  retryDelayMsMax: number;
  /** How long a worker owns what it claimed; longer than `requestTimeoutMs`, so a live sender keeps it. */
  leaseMs: number;
  requestTimeoutMs: number;
  /** How often the worker looks for due events. */
  intervalMs: number;
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
  /** The available balance at or below which `credits.low` is recorded (once per crossing); 0 = off. */
  lowBalanceThreshold: number;
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
  const production =
    environmentValues.NODE_ENV === "production" ||
    environmentValues.POLAR_ENVIRONMENT === "production" ||
    Boolean(environmentValues.STRIPE_SECRET_KEY?.startsWith("sk_live_"));
  const allowPrivate = environmentValues.BILLHOOK_ALLOW_PRIVATE_WEBHOOKS;
  const usageThresholds = {
    warningPercent: settings.usageThresholds?.warningPercent ?? 80,
    criticalPercent: settings.usageThresholds?.criticalPercent ?? 95,
    exceededPercent: settings.usageThresholds?.exceededPercent ?? 100,
  };
  return {
    environment: environmentValues,
    production,
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
      lowBalanceThreshold: settings.creditsLowBalance ?? 10,
    },
    usage: {
      thresholds: usageThresholds,
      timestampSkewMsMax: 5 * 60 * 1000,
    },
    marketplace: parsedFile.data.marketplace
      ? {
          tipMinimumMinor: parsedFile.data.marketplace.tipMinimumMinor,
          tipMaximumMinor: parsedFile.data.marketplace.tipMaximumMinor,
          onboardingReturnUrl: parsedFile.data.marketplace.onboardingReturnUrl,
          onboardingRefreshUrl: parsedFile.data.marketplace.onboardingRefreshUrl,
        }
      : null,
    webhooks: {
      allowPrivateAddresses: allowPrivate === "true" || (allowPrivate !== "false" && !production),
      failuresBeforePause: settings.webhookFailuresBeforePause ?? 10,
    },
    runtimeDefaults: {
      platformFeeBps: settings.platformFeeBps ?? 1_000,
      sellerSettlementDelayDays: settings.sellerSettlementDelayDays ?? 7,
      refundOnFailure: settings.refundOnFailure ?? false,
      creditHoldTtlSeconds: 15 * 60,
      pastDueGraceDays: settings.pastDueGraceDays ?? 3,
      usageThresholds,
      creditsLowBalance: settings.creditsLowBalance ?? 10,
    },
    realtime: {
      corsOrigins: (environmentValues.BILLHOOK_CORS_ORIGINS ?? "")
        .split(",")
        .map((origin) => origin.trim().replace(/\/$/, ""))
        .filter((origin) => origin !== ""),
      tokenSecret: environmentValues.BILLHOOK_TOKEN_SECRET ?? null,
      fallbackPollMs: 3_000,
    },
    usageSync: {
      batchSize: settings.usageSync?.batchSize ?? 500,
      attemptsMax: settings.usageSync?.attemptsMax ?? 10,
      retryDelayMsBase: settings.usageSync?.retryDelayMsBase ?? 5_000,
      retryDelayMsMax: settings.usageSync?.retryDelayMsMax ?? 60 * 60 * 1000,
      leaseMs: settings.usageSync?.leaseMs ?? 60_000,
      requestTimeoutMs: settings.usageSync?.requestTimeoutMs ?? 15_000,
      intervalMs: settings.usageSync?.intervalMs ?? 5_000,
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
