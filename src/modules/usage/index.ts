export { meterValuesOf } from "./meter-matching.js";
export { checkEvent, usageLimits } from "./usage-limits.js";
export { calendarMonth, type PeriodSource, periodOf, type UsagePeriod } from "./usage-periods.js";
export { Usage, type UsageOptions, type UsageStores } from "./usage-service.js";
export type * from "./usage-store.js";
export {
  UsageSync,
  type UsageSyncOptions,
  type UsageSyncRun,
  type UsageSyncStatus,
  usageEventId,
} from "./usage-sync.js";
export type * from "./usage-sync-store.js";
export type * from "./usage-types.js";
