/** Node-only entry points: drivers, the CLI and the server. `billhook/node` in package exports. */
export {
  defaultSqlitePath,
  describeDatabaseUrl,
  type OpenStorageOptions,
  openStorage,
} from "../storage/open-storage.js";
export { PostgresChangeBus } from "../storage/postgres-change-bus.js";
export { openChangeBus } from "./change-bus.js";
export { runCli } from "./cli.js";
export { type NodeWebhookNetworkOptions, nodeWebhookNetwork } from "./node-webhook-network.js";
export { createPinoLogger } from "./pino-logger.js";
export { RedisChangeBus, type RedisChangeBusOptions } from "./redis-change-bus.js";
export { createRuntime } from "./runtime.js";
export { type RunningServer, startServer } from "./serve.js";
export { startWorker, type WorkerHandle } from "./worker.js";
