export { AdminReads, type AdminStores, type CustomerSources, revenueSeries } from "./admin-reads.js";
export type { AdminStore } from "./admin-store.js";
export type * from "./admin-types.js";
export { adminLimits } from "./admin-types.js";
