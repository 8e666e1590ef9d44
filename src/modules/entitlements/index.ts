export type { EntitlementRow, EntitlementStore } from "./entitlement-store.js";
export { type CheckResult, type EntitlementStores, Entitlements } from "./entitlements-service.js";
