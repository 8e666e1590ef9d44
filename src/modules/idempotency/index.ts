export {
  defaultIdempotencyOptions,
  Idempotency,
  type IdempotencyOptions,
  type IdempotencyStores,
  idempotencyKeyPattern,
} from "./idempotency-service.js";
export type { IdempotencyStore } from "./idempotency-store.js";
export type * from "./idempotency-types.js";
