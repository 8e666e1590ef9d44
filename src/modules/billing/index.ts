export { subscriptionAccessUntil } from "./access-rules.js";
export { Billing, type BillingEvent, type BillingStores } from "./billing-service.js";
export type { BillingStore } from "./billing-store.js";
export type * from "./billing-types.js";
export { orderPostings } from "./order-postings.js";
export { type ReconcileReport, Reconciler } from "./reconciler.js";
export { simulatedPurchase } from "./simulated-purchase.js";
