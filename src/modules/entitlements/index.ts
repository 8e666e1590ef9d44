export type { EntitlementRow, EntitlementStore } from "./entitlement-store.js";
export {
  type CheckResult,
  type EntitlementStores,
  Entitlements,
  type MeterQuotaReader,
  type QuotaCheckResult,
} from "./entitlements-service.js";
