import { resolveConfig } from "../config/index.js";
import { type Billhook, createBillhook } from "../engine.js";
import { describeDatabaseUrl, openStorage } from "../storage/open-storage.js";
import { openChangeBus } from "./change-bus.js";
import { loadConfigFile } from "./load-config-file.js";
import { nodeWebhookNetwork } from "./node-webhook-network.js";
import { createPinoLogger } from "./pino-logger.js";
import { providerFromEnvironment } from "./provider-from-environment.js";
import { RedisRateLimitStore } from "./redis-rate-limit-store.js";

export interface RuntimeOptions {
  /** Used when the working directory has no billhook.config.ts (the dev demo). */
  fallbackConfig?: unknown;
}

/** Builds the engine from the process environment and `billhook.config.ts`; fails naming bad fields. */
export async function createRuntime(
  environment: Record<string, string | undefined> = process.env,
  options: RuntimeOptions = {},
): Promise<{ billhook: Billhook; databaseDescription: string; configFile: string | null }> {
  const file = await loadConfigFile(process.cwd(), environment.BILLHOOK_CONFIG);
  const config = resolveConfig(environment, file?.config ?? options.fallbackConfig ?? {}, file?.fileName);
  const logger = createPinoLogger(config.environment.LOG_LEVEL);
  const storage = openStorage({
    ...(config.environment.DATABASE_URL ? { databaseUrl: config.environment.DATABASE_URL } : {}),
  });
  return {
    billhook: createBillhook({
      storage,
      config,
      logger,
      provider: providerFromEnvironment(config.environment),
      changeBus: openChangeBus(config.environment, logger),
      webhookNetwork: nodeWebhookNetwork(),
      ...(config.environment.REDIS_URL
        ? { rateLimitStore: new RedisRateLimitStore({ url: config.environment.REDIS_URL }) }
        : {}),
    }),
    databaseDescription: describeDatabaseUrl(config.environment.DATABASE_URL),
    configFile: file?.fileName ?? null,
  };
}
