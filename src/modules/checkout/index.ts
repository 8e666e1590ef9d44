export { type CheckoutInput, type CheckoutStores, Checkouts } from "./checkout-service.js";
export type { CheckoutRecord, CheckoutStore } from "./checkout-store.js";
