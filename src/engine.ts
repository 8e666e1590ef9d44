import { type ResolvedConfig, resolveConfig } from "./config/index.js";
import { type Clock, type Logger, silentLogger, systemClock } from "./kernel/index.js";
import { ApiKeys } from "./modules/api-keys/index.js";
import { defaultIdempotencyOptions, Idempotency } from "./modules/idempotency/index.js";
import { Ledger } from "./modules/ledger/index.js";
import type { Storage } from "./storage/index.js";

export interface BillhookOptions {
  storage: Storage;
  config?: ResolvedConfig;
  clock?: Clock;
  logger?: Logger;
}

/** The engine: every domain module wired to one storage, clock and logger. */
export interface Billhook {
  readonly storage: Storage;
  readonly config: ResolvedConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly ledger: Ledger;
  readonly apiKeys: ApiKeys;
  readonly idempotency: Idempotency;
  close(): Promise<void>;
}

/**
 * The composition root. Builds the engine from its ports; the HTTP app, the CLI and the worker are
 * thin shells over what it returns.
 *
 * @example
 * const billhook = createBillhook({ storage: openStorage({ databaseUrl: process.env.DATABASE_URL }) });
 * await billhook.storage.migrate();
 * const app = createHttpApp(billhook);
 */
export function createBillhook(options: BillhookOptions): Billhook {
  const { storage } = options;
  const config = options.config ?? resolveConfig({});
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  return {
    storage,
    config,
    clock,
    logger,
    ledger: new Ledger(storage, clock),
    apiKeys: new ApiKeys(storage, clock),
    idempotency: new Idempotency(storage, clock, {
      ...defaultIdempotencyOptions,
      retentionMs: config.idempotencyRetentionMs,
    }),
    close: () => storage.close(),
  };
}
