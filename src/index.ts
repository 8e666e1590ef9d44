/** Billhook's runtime-agnostic public API: the engine, its modules' types, config and HTTP app. */
export {
  type BillhookConfigInput,
  defineConfig,
  type ResolvedConfig,
  resolveConfig,
} from "./config/index.js";
export { type Billhook, type BillhookOptions, createBillhook } from "./engine.js";
export { createHttpApp } from "./http/app.js";
export {
  type ExpressLikeMiddleware,
  type ExpressLikeRequest,
  type ExpressLikeResponse,
  expressMeter,
  expressRequireFeature,
} from "./http/express-glue.js";
export { gateFeature, meterUsage } from "./http/feature-gate.js";
export { type RouteHandler, withFeature, withMeter } from "./http/next-glue.js";
export { statusByCode, toProblem } from "./http/problem.js";
export { meter, requireFeature } from "./http/require-feature.js";
export {
  BillhookError,
  type Clock,
  type ErrorCode,
  type Logger,
  ManualClock,
  NotFoundError,
  systemClock,
  ValidationError,
} from "./kernel/index.js";
export type { ApiKey, ApiKeyScope } from "./modules/api-keys/index.js";
export type { CheckResult } from "./modules/entitlements/index.js";
export type * from "./modules/ledger/ledger-types.js";
export type { BillingProvider, ProductSpec, ProviderEvent } from "./modules/provider/index.js";
export { Storage, type StorageOptions } from "./storage/index.js";
