export {
  defaultIdempotencyOptions,
  Idempotency,
  type IdempotencyOptions,
  type IdempotencyServiceOptions,
  type IdempotencyStores,
  idempotencyKeyPattern,
} from "./idempotency-service.js";
export type { IdempotencyStore } from "./idempotency-store.js";
export type * from "./idempotency-types.js";
export { InstanceLease, newInstanceId } from "./instance-lease.js";
export { intervalTicker, ManualTicker, type Ticker } from "./ticker.js";
