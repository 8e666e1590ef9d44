export type { BatchPosting } from "./batch-posting.js";
export { ledgerLimits } from "./ledger-limits.js";
export { Ledger, type LedgerStores } from "./ledger-service.js";
export type * from "./ledger-store.js";
export type * from "./ledger-types.js";
export { type PostingPlan, planPosting } from "./posting-plan.js";
