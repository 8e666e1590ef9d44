import type { Logger } from "../kernel/index.js";
import { type CustomerChangeBus, LocalChangeBus } from "../modules/realtime/index.js";
import { PostgresChangeBus } from "../storage/postgres-change-bus.js";
import { RedisChangeBus } from "./redis-change-bus.js";

/**
 * The change bus for this deployment: Redis pub/sub when REDIS_URL is set, PostgreSQL LISTEN/NOTIFY
 * when the database is PostgreSQL, else this process only (SQLite is one instance). `logger` hears of
 * Redis outages (signals then wait for the watchers' poll).
 *
 * @example
 * const billhook = createBillhook({ storage, changeBus: openChangeBus(process.env) });
 */
export function openChangeBus(
  environment: { REDIS_URL?: string; DATABASE_URL?: string },
  logger?: Logger,
): CustomerChangeBus {
  if (environment.REDIS_URL) return new RedisChangeBus(environment.REDIS_URL, logger ? { logger } : {});
  if (environment.DATABASE_URL && /^postgres(ql)?:\/\//.test(environment.DATABASE_URL)) {
    return new PostgresChangeBus(environment.DATABASE_URL);
  }
  return new LocalChangeBus();
}
