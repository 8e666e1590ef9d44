export type { EntitlementRow, EntitlementStore } from "./entitlement-store.js";
export {
  type CheckResult,
  type EntitlementStores,
  Entitlements,
  type EntitlementsOptions,
  type MeterQuotaReader,
  type QuotaCheckResult,
  type RateLimitedCheckResult,
  type RateLimitGate,
  type RateLimitOutcome,
} from "./entitlements-service.js";
