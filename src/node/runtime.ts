import { type Environment, resolveConfig } from "../config/index.js";
import { type Billhook, createBillhook } from "../engine.js";
import { BillhookError, type Clock, type Logger, systemClock } from "../kernel/index.js";
import { describeDatabaseUrl, openStorage } from "../storage/open-storage.js";
import { openChangeBus } from "./change-bus.js";
import { EmulatorClock } from "./emulator-clock.js";
import { loadConfigFile } from "./load-config-file.js";
import { nodeWebhookNetwork } from "./node-webhook-network.js";
import { createPinoLogger } from "./pino-logger.js";
import { providerFromEnvironment } from "./provider-from-environment.js";
import { RedisRateLimitStore } from "./redis-rate-limit-store.js";

export interface RuntimeOptions {
  /** Used when the working directory has no billhook.config.ts (the dev demo). */
  fallbackConfig?: unknown;
  /** An emulator in this process (`billhook dev`): with `BILLHOOK_CLOCK=emulator` its clock is shared as is. */
  emulatorClock?: Clock;
}

/** Builds the engine from the process environment and `billhook.config.ts`; fails naming bad fields. */
export async function createRuntime(
  environment: Record<string, string | undefined> = process.env,
  options: RuntimeOptions = {},
): Promise<{ billhook: Billhook; databaseDescription: string; configFile: string | null }> {
  const file = await loadConfigFile(process.cwd(), environment.BILLHOOK_CONFIG);
  const config = resolveConfig(environment, file?.config ?? options.fallbackConfig ?? {}, file?.fileName);
  const logger = createPinoLogger(config.environment.LOG_LEVEL);
  const clock = await clockFromEnvironment(config.environment, logger, options.emulatorClock);
  const storage = openStorage({
    ...(config.environment.DATABASE_URL ? { databaseUrl: config.environment.DATABASE_URL } : {}),
  });
  const billhook = createBillhook({
    storage,
    config,
    logger,
    clock,
    provider: providerFromEnvironment(config.environment, clock),
    changeBus: openChangeBus(config.environment, logger),
    webhookNetwork: nodeWebhookNetwork(),
    ...(config.environment.REDIS_URL
      ? { rateLimitStore: new RedisRateLimitStore({ url: config.environment.REDIS_URL }) }
      : {}),
  });
  if (clock instanceof EmulatorClock) {
    const close = billhook.close.bind(billhook);
    billhook.close = async () => {
      clock.stop();
      await close();
    };
  }
  return {
    billhook,
    databaseDescription: describeDatabaseUrl(config.environment.DATABASE_URL),
    configFile: file?.fileName ?? null,
  };
}

/**
 * The clock `BILLHOOK_CLOCK` asks for: the wall clock, or the emulator's test clock (shared as is when
 * the emulator runs in this process, else followed over HTTP; see docs/emulator.md).
 */
async function clockFromEnvironment(
  environment: Environment,
  logger: Logger,
  inProcessEmulatorClock: Clock | undefined,
): Promise<Clock> {
  if (environment.BILLHOOK_CLOCK !== "emulator") return systemClock;
  if (environment.NODE_ENV === "production") {
    throw new BillhookError(
      "CONFIG_INVALID",
      "Invalid configuration:\n  environment: BILLHOOK_CLOCK=emulator is for testing and is refused when NODE_ENV=production.",
    );
  }
  if (inProcessEmulatorClock) return inProcessEmulatorClock;
  const emulatorUrl = environment.POLAR_API_URL ?? environment.STRIPE_API_URL;
  if (!emulatorUrl) {
    throw new BillhookError(
      "CONFIG_INVALID",
      "Invalid configuration:\n  environment: BILLHOOK_CLOCK=emulator needs POLAR_API_URL or STRIPE_API_URL pointing at the emulator.",
    );
  }
  return EmulatorClock.follow(emulatorUrl, logger);
}
